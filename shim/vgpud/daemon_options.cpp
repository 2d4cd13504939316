// Parsing of vgpud's command line.
#include "daemon_options.h"

#include "vgpu/log.h"

#include <string_view>
#include <sys/un.h>

namespace vgpu::daemon {

std::string usage() {
  return "usage: vgpud --listen unix:PATH [--log-level off|error|warn|info|debug]\n"
         "       vgpud --version | --help\n"
         "\n"
         "Runs the vgpu executor in the foreground. Stops cleanly on SIGTERM or SIGINT.\n"
         "  --listen unix:PATH   Unix socket to serve (created; a stale socket is replaced)\n"
         "  --log-level LEVEL    log to stderr at this level (default: info)\n";
}

ParseResult parseOptions(const std::vector<std::string>& arguments) {
  Options options;
  options.logLevel = "info";
  ParseResult result;
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string_view argument = arguments[i];
    auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (i + 1 >= arguments.size()) {
        result.error = std::string(name) + " needs a value";
        return std::nullopt;
      }
      return arguments[++i];
    };
    if (argument == "--help" || argument == "-h") {
      options.showHelp = true;
    } else if (argument == "--version") {
      options.showVersion = true;
    } else if (argument == "--listen") {
      const auto endpoint = value(argument);
      if (!endpoint) {
        return result;
      }
      constexpr std::string_view kUnix = "unix:";
      if (endpoint->rfind(kUnix, 0) != 0) {
        result.error = "unsupported endpoint '" + *endpoint + "': this build serves unix:PATH only";
        return result;
      }
      options.socketPath = endpoint->substr(kUnix.size());
      if (options.socketPath.empty() || options.socketPath.size() >= sizeof(sockaddr_un::sun_path)) {
        result.error = "socket path must be 1.." + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes";
        return result;
      }
    } else if (argument == "--log-level") {
      const auto level = value(argument);
      if (!level) {
        return result;
      }
      log::Level parsed;
      std::string_view destination;
      if (!log::parseSettings(*level, parsed, destination) || !destination.empty()) {
        result.error = "unknown log level '" + *level + "'";
        return result;
      }
      options.logLevel = *level;
    } else {
      result.error = "unknown argument '" + std::string(argument) + "'";
      return result;
    }
  }
  if (!options.showHelp && !options.showVersion && options.socketPath.empty()) {
    result.error = "--listen unix:PATH is required";
    return result;
  }
  result.options = options;
  return result;
}

} // namespace vgpu::daemon

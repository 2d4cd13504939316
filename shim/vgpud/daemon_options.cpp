// Parsing of vgpud's configuration file and command line.
#include "daemon_options.h"

#include "vgpu/tcp_socket.h"

#include "vgpu/log.h"

#include <array>
#include <charconv>
#include <fstream>
#include <sstream>
#include <sys/un.h>

namespace vgpu::daemon {
namespace {

std::optional<std::string> readWholeFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Applies one setting; returns an error message, empty on success.
std::string apply(Options& options, std::string_view key, const std::string& value) {
  if (key == "listen") {
    constexpr std::string_view kUnix = "unix:";
    constexpr std::string_view kTcp = "tcp:";
    if (value.rfind(kTcp, 0) == 0) {
      const std::string address = value.substr(kTcp.size());
      const auto colon = address.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
        return "tcp endpoint '" + value + "' must be tcp:HOST:PORT";
      }
      options.tcpHost = address.substr(0, colon);
      options.tcpPort = address.substr(colon + 1);
      return {};
    }
    constexpr std::string_view kVsock = "vsock:";
    if (value.rfind(kVsock, 0) == 0) {
      unsigned int cid = 0;
      unsigned int port = 0;
      const std::string address = value.substr(kVsock.size());
      if (!parseVsockAddress(address, cid, port, false)) {
        return "vsock endpoint '" + value + "' must be vsock:PORT or vsock:CID:PORT (decimal)";
      }
      const auto colon = address.find(':');
      options.vsockCid = colon == std::string::npos ? std::string() : address.substr(0, colon);
      options.vsockPort = std::to_string(port);
      return {};
    }
    if (value.rfind(kUnix, 0) != 0) {
      return "unsupported endpoint '" + value + "': vgpud serves unix:PATH, tcp:HOST:PORT and vsock:[CID:]PORT";
    }
    options.socketPath = value.substr(kUnix.size());
    if (options.socketPath.empty() || options.socketPath.size() >= sizeof(sockaddr_un::sun_path)) {
      return "socket path must be 1.." + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes";
    }
    return {};
  }
  if (key == "log-level") {
    log::Level parsed;
    std::string_view destination;
    if (!log::parseSettings(value, parsed, destination) || !destination.empty()) {
      return "unknown log level '" + value + "'";
    }
    options.logLevel = value;
    return {};
  }
  if (key == "token-file") {
    if (value.empty() || value.front() != '/') {
      return "token-file must be an absolute path";
    }
    options.tokenFile = value;
    return {};
  }
  if (key == "backend") {
    if (value == "sim") {
      options.backend = ExecutorBackend::Simulated;
    } else if (value == "cuda") {
      options.backend = ExecutorBackend::Cuda;
    } else {
      return "unknown backend '" + value + "' (sim or cuda)";
    }
    return {};
  }
  if (key == "cuda-driver") {
    // A bare file name is looked up by the dynamic loader; anything else must be absolute.
    if (value.empty() || (value.find('/') != std::string::npos && value.front() != '/')) {
      return "cuda-driver must be an absolute path or a bare library name (e.g. libcuda.so.1)";
    }
    options.cudaDriverPath = value;
    return {};
  }
  if (key == "vram-quota") {
    if (!parseByteSize(value, options.vramQuotaBytes)) {
      return "bad vram-quota '" + value + "': an integer number of bytes, optionally with K, M, G, KiB, MiB or GiB";
    }
    return {};
  }
  if (key == "priority") {
    if (!parsePriorityLevel(value, options.priorities.defaultLevel)) {
      return "bad priority '" + value + "': " + std::string(priorityWords());
    }
    return {};
  }
  if (key == "priority-uid") {
    return addPriorityUids(options.priorities, value);
  }
  return "unknown setting '" + std::string(key) + "'";
}

std::string parseFile(Options& options, const std::string& path, FileReader readFile) {
  const std::optional<std::string> text = readFile(path);
  if (!text) {
    return "cannot read configuration file " + path;
  }
  std::istringstream lines(*text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') {
      continue;
    }
    const auto equals = content.find('=');
    if (equals == std::string_view::npos) {
      return path + ":" + std::to_string(number) + ": expected 'key = value'";
    }
    const std::string error =
        apply(options, trim(content.substr(0, equals)), std::string(trim(content.substr(equals + 1))));
    if (!error.empty()) {
      std::string located = path;
      located += ":" + std::to_string(number) + ": ";
      located += error;
      return located;
    }
  }
  return {};
}

} // namespace

bool parseByteSize(std::string_view text, std::uint64_t& bytes) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) {
    return false;
  }
  const std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  struct Unit {
    std::string_view suffix;
    unsigned shift;
  };
  constexpr std::array kUnits = {Unit{"", 0},   Unit{"K", 10},   Unit{"KiB", 10}, Unit{"M", 20},  Unit{"MiB", 20},
                                 Unit{"G", 30}, Unit{"GiB", 30}, Unit{"T", 40},   Unit{"TiB", 40}};
  for (const Unit& unit : kUnits) {
    if (suffix == unit.suffix) {
      if (unit.shift > 0 && value > (UINT64_MAX >> unit.shift)) {
        return false;
      }
      bytes = value << unit.shift;
      return true;
    }
  }
  return false;
}

std::string usage() {
  return "usage: vgpud --listen unix:PATH [--listen tcp:HOST:PORT] [--listen vsock:[CID:]PORT]\n"
         "             [--token-file FILE] [--backend sim|cuda] [--cuda-driver PATH]\n"
         "             [--vram-quota SIZE] [--priority LEVEL] [--priority-uid UID:LEVEL]...\n"
         "             [--log-level off|error|warn|info|debug] [--config FILE]\n"
         "       vgpud --version | --help\n"
         "\n"
         "Runs the vgpu executor in the foreground. Stops cleanly on SIGTERM or SIGINT.\n"
         "  --listen unix:PATH   Unix socket to serve (created; a stale socket is replaced)\n"
         "  --listen tcp:HOST:PORT  also serve TCP; every client must present the token (no shared memory)\n"
         "  --listen vsock:[CID:]PORT  also serve AF_VSOCK (guests of this host); token as for TCP\n"
         "  --token-file FILE    the TCP/vsock token: 16+ bytes, readable by its owner only\n"
         "  --backend sim|cuda   sim: a simulated device per session (default); cuda: the host's real GPUs\n"
         "  --cuda-driver PATH   NVIDIA's libcuda.so.1 for --backend cuda (default: libcuda.so.1, found by\n"
         "                       the dynamic loader); a vgpu shim there is refused\n"
         "  --vram-quota SIZE    device memory each session may hold per device (e.g. 8GiB); default: none\n"
         "  --priority high|normal|low  every session's priority (default normal): low nices the thread or\n"
         "                       worker serving it +10 and puts its CUDA streams at the least priority;\n"
         "                       high tries nice -5 (needs CAP_SYS_NICE) and the greatest stream priority\n"
         "  --priority-uid UID:LEVEL[,UID:LEVEL]  the level for Unix-socket clients of that uid (repeatable)\n"
         "  --log-level LEVEL    log to stderr at this level (default: info)\n"
         "  --config FILE        read 'key = value' settings (listen, token-file, backend, cuda-driver,\n"
         "                       vram-quota, priority, priority-uid, log-level) first\n";
}

ParseResult parseOptions(const std::vector<std::string>& arguments, FileReader readFile) {
  Options options;
  options.logLevel = "info";
  ParseResult result;
  // The file first, wherever --config appears, so the command line wins.
  for (size_t i = 0; i + 1 < arguments.size(); ++i) {
    if (arguments[i] == "--config") {
      options.configFile = arguments[i + 1];
      if (std::string error = parseFile(options, options.configFile, readFile ? readFile : readWholeFile);
          !error.empty()) {
        result.error = error;
        return result;
      }
    }
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string_view argument = arguments[i];
    if (argument == "--help" || argument == "-h") {
      options.showHelp = true;
      continue;
    }
    if (argument == "--version") {
      options.showVersion = true;
      continue;
    }
    constexpr std::array<std::string_view, 9> kValued = {"--listen",      "--log-level", "--backend",
                                                         "--vram-quota",  "--config",    "--token-file",
                                                         "--cuda-driver", "--priority",  "--priority-uid"};
    bool known = false;
    for (std::string_view name : kValued) {
      known = known || argument == name;
    }
    if (!known) {
      result.error = "unknown argument '" + std::string(argument) + "'";
      return result;
    }
    if (i + 1 >= arguments.size()) {
      result.error = std::string(argument) + " needs a value";
      return result;
    }
    const std::string& value = arguments[++i];
    if (argument == "--config") {
      continue; // read above
    }
    if (std::string error = apply(options, argument.substr(2), value); !error.empty()) {
      result.error = error;
      return result;
    }
  }
  if (!options.showHelp && !options.showVersion && options.socketPath.empty()) {
    result.error = "--listen unix:PATH is required";
    return result;
  }
  if ((!options.tcpPort.empty() || !options.vsockPort.empty()) && options.tokenFile.empty()) {
    result.error = "--listen tcp:/vsock:... needs --token-file: vgpud never serves a network channel without "
                   "authentication";
    return result;
  }
  result.options = options;
  return result;
}

} // namespace vgpu::daemon

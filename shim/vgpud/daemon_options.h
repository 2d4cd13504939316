// vgpud's command line. Parsed into a plain struct; every value is validated here.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vgpu::daemon {

struct Options {
  std::string socketPath; // from --listen unix:PATH
  std::string logLevel;   // --log-level, same words as VGPU_LOG
  bool showHelp = false;
  bool showVersion = false;
};

struct ParseResult {
  std::optional<Options> options;
  std::string error; // set when options is empty
};

ParseResult parseOptions(const std::vector<std::string>& arguments);
std::string usage();

} // namespace vgpu::daemon

// vgpud's settings other than the limits (daemon_options.cpp has those): one row per key with the
// shape of its value, its help and the function that checks and applies it. The parser, --help,
// the file's key list and the tests all walk this one table (docs/configuration.md documents it).
#pragma once

#include "daemon_options.h"

#include <span>
#include <string>
#include <string_view>

namespace vgpu::daemon {

struct Setting {
  std::string_view key;   // "listen": the file's key and --listen
  std::string_view value; // the value's shape in --help: "unix:PATH|tcp:HOST:PORT"
  bool repeatable;        // may be given more than once (each adds)
  std::string_view help;  // lines separated by '\n'
  // Checks and applies one value; an error message, empty on success.
  std::string (*apply)(Options& options, const std::string& value);
};

std::span<const Setting> settings();
// nullptr for a key that is not a setting (it may be a limit).
const Setting* findSetting(std::string_view key);

} // namespace vgpu::daemon

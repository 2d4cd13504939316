// Logging for code that runs inside other people's processes: silent unless VGPU_LOG asks.
//
// VGPU_LOG=<level>[:<destination>]   level: off, error, warn, info, debug
//                                     destination: "stderr" (default) or an absolute file path
// The variable is read once, lazily, at the first log call: nothing happens at load time.
#pragma once

#include <string_view>

namespace vgpu::log {

enum class Level { Off = 0, Error = 1, Warn = 2, Info = 3, Debug = 4 };

struct Settings {
  Level level = Level::Off;
  std::string_view destination; // empty = stderr
};

// Parses a VGPU_LOG value. Returns false (and leaves out untouched) for a malformed value.
bool parseSettings(std::string_view text, Level& level, std::string_view& destination);

// True when messages of this level would be written; cheap after the first call.
bool enabled(Level level);

// Writes one line "vgpu[<pid>] <level>: <component>: <message>" when enabled.
void write(Level level, std::string_view component, std::string_view message);

// printf-style convenience; formats only when the level is enabled.
[[gnu::format(printf, 3, 4)]] void writef(Level level, const char* component, const char* format, ...);

// Changes the level at run time (the control socket's set-log-level uses it).
void setLevel(Level level);

// A receiver of every Error and Warn message, whatever VGPU_LOG says: the CUDA shim keeps them for
// the driver's error log (cuLogsDumpToMemory & co.). One per process; runs on the logging thread.
using Sink = void (*)(Level level, std::string_view component, std::string_view message);
void setSink(Sink sink);

} // namespace vgpu::log

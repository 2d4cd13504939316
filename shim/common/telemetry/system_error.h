// errno as text for the telemetry server's log lines, from its own thread: strerrordesc_np
// (glibc ≥ 2.32) returns a constant string, unlike strerror, which may use a shared buffer.
#pragma once

#include <cstring>
#include <string>

namespace vgpu::telemetry {

inline std::string systemError(int error) {
  const char* text = strerrordesc_np(error);
  return text != nullptr ? std::string(text) : "error " + std::to_string(error);
}

} // namespace vgpu::telemetry

// cuProfilerStart/Stop: NVIDIA's driver answers success when no profiler is attached, and programs
// bracket their timed regions with them (cudaProfilerStart/Stop), so the shim does the same and
// keeps the marks for telemetry: whether a profiled region is open, and how many were opened and
// closed. Zero-initialised atomics: no static constructor.
#pragma once

#include <atomic>
#include <cstdint>

namespace vgpu::cuda::profiler_marks {

struct Marks {
  bool active = false;
  std::uint64_t starts = 0;
  std::uint64_t stops = 0;
};

void start();
void stop();
Marks read();

} // namespace vgpu::cuda::profiler_marks

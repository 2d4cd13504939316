// Launch activity, from which NVML's utilization is derived: the share of the last second's 10 ms
// slots in which this process had at least one kernel launch (or copy/memset) accepted by its
// backend. On the simulated device kernels take no time, so "busy" cannot be measured; "had work
// submitted" is what can be, and the docs name it so (docs/nvml.md). With a real GPU behind vgpud,
// measured busy time would replace it.
//
// Cost: a multiply and one relaxed load (a store once per slot) per operation, only while
// telemetry is on: the period comes from the reading the entry point's call started with. Storage is zero-initialised
// atomics: no static constructor.
#pragma once

#include <atomic>
#include <cstdint>

namespace vgpu::cuda::activity {

enum class Kind : int { Kernel = 0, Memory = 1 };

inline constexpr int kSlotMs = 10;
inline constexpr int kSlots = 100; // one second

// Marks the current slot for `kind` (no-op while telemetry is off or undecided).
void mark(Kind kind);

struct Share {
  unsigned kernelPercent = 0; // 0..100: slots of the last second with a kernel launch
  unsigned memoryPercent = 0; // 0..100: slots with a copy or memset
};
Share lastSecond();

} // namespace vgpu::cuda::activity

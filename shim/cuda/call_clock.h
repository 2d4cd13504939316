// The clock traced() reads twice per entry-point call. clock_gettime through the vDSO costs about
// 22 ns on these machines and the TSC about 9 ns, so where the TSC is invariant (CPUID
// 0x80000007 EDX bit 8: constant rate, runs in every state) calls are timed in TSC ticks,
// converted with a scale calibrated once against CLOCK_MONOTONIC when telemetry turns on (a 200 µs
// window at the first traced call, sandwiched so the error is below 0.05 %). Elsewhere, and until
// calibrated, calls are timed with CLOCK_MONOTONIC. The same reading dates launch activity
// (activity.cpp), so a launch reads no further clock. With the counters per thread,
// these two reads are most of what counting adds: ≈ 5 ns each of +14–30 ns a call measured by
// bench_telemetry on a loaded 2-core AMD EPYC VM (docs/performance.md, "Telemetry overhead").
#pragma once

#include <atomic>
#include <cstdint>
#include <ctime>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace vgpu::cuda::call_clock {

// Nanoseconds per TSC tick × 2^32; 0: time with CLOCK_MONOTONIC.
inline std::atomic<std::uint64_t> tscScale{0};

inline std::uint64_t monotonicNanoseconds() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000000000u + static_cast<std::uint64_t>(now.tv_nsec);
}

// A reading in the unit `scale` says: TSC ticks when scale != 0, else nanoseconds.
inline std::uint64_t now(std::uint64_t scale) {
#if defined(__x86_64__)
  if (scale != 0) {
    return __rdtsc();
  }
#endif
  return monotonicNanoseconds();
}

__extension__ using Wide = unsigned __int128; // GCC and Clang: a 64 × 64 → 128-bit multiply

// The nanoseconds between two readings of the same unit.
inline std::uint64_t elapsedNanoseconds(std::uint64_t start, std::uint64_t end, std::uint64_t scale) {
  const std::uint64_t delta = end - start;
  return scale == 0 ? delta : static_cast<std::uint64_t>((static_cast<Wide>(delta) * scale) >> 32);
}

// Calibrates tscScale where the TSC is invariant; leaves it 0 elsewhere.
void calibrate();

} // namespace vgpu::cuda::call_clock

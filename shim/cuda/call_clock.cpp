// Calibrating the TSC against CLOCK_MONOTONIC for call timing (call_clock.h).
#include "call_clock.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace vgpu::cuda::call_clock {

void calibrate() {
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007 ||
      __get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx) == 0 || (edx & (1u << 8)) == 0) {
    return; // no invariant TSC: CLOCK_MONOTONIC it is
  }
  constexpr std::uint64_t kWindowNanoseconds = 200000;
  // Each end is a TSC reading between two clock readings: a preemption inside either pair shows
  // as a wide pair, and that attempt is retried.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::uint64_t before0 = monotonicNanoseconds();
    const std::uint64_t tick0 = __rdtsc();
    const std::uint64_t after0 = monotonicNanoseconds();
    std::uint64_t before1 = after0;
    while (before1 - after0 < kWindowNanoseconds) {
      before1 = monotonicNanoseconds();
    }
    const std::uint64_t tick1 = __rdtsc();
    const std::uint64_t after1 = monotonicNanoseconds();
    if (after0 - before0 > 1000 || after1 - before1 > 1000 || tick1 <= tick0) {
      continue;
    }
    const std::uint64_t nanoseconds = (before1 + after1) / 2 - (before0 + after0) / 2;
    tscScale.store((nanoseconds << 32) / (tick1 - tick0), std::memory_order_relaxed);
    return;
  }
#endif
}

} // namespace vgpu::cuda::call_clock

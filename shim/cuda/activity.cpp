// Activity slots (see activity.h). Each slot holds the number of the 10 ms period it was last
// marked in; a slot counts for "the last second" when that number is within the last 100 periods.
// CLOCK_MONOTONIC_COARSE is enough for 10 ms slots and costs a few nanoseconds (vDSO, no syscall).
#include "activity.h"

#include "call_statistics.h"

#include <ctime>

namespace vgpu::cuda::activity {
namespace {

std::atomic<std::uint64_t> slots[2][kSlots]{};

std::uint64_t currentPeriod() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  const auto milliseconds =
      static_cast<std::uint64_t>(now.tv_sec) * 1000U + static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000U;
  return milliseconds / kSlotMs + 1; // never 0: 0 marks a slot that was never used
}

unsigned percentOf(const std::atomic<std::uint64_t> (&kindSlots)[kSlots], std::uint64_t now) {
  unsigned marked = 0;
  for (const std::atomic<std::uint64_t>& slot : kindSlots) {
    const std::uint64_t period = slot.load(std::memory_order_relaxed);
    marked += (period != 0 && period + kSlots > now && period <= now) ? 1U : 0U;
  }
  return marked * 100U / kSlots;
}

} // namespace

void mark(Kind kind) {
  if (call_statistics::mode.load(std::memory_order_relaxed) != call_statistics::kOn) {
    return;
  }
  const std::uint64_t period = currentPeriod();
  std::atomic<std::uint64_t>& slot = slots[static_cast<int>(kind)][period % kSlots];
  if (slot.load(std::memory_order_relaxed) != period) {
    slot.store(period, std::memory_order_relaxed);
  }
}

Share lastSecond() {
  const std::uint64_t now = currentPeriod();
  return Share{percentOf(slots[0], now), percentOf(slots[1], now)};
}

} // namespace vgpu::cuda::activity

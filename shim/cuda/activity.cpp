// Activity slots (see activity.h). Each slot holds the number of the 10 ms period it was last
// marked in; a slot counts for "the last second" when that number is within the last 100 periods.
// Periods are counted on traced()'s call clock (call_clock.h: TSC ticks scaled to nanoseconds where
// the TSC is invariant, else CLOCK_MONOTONIC): a mark inside an entry point reuses the reading its
// call started with (call_statistics::callStart) instead of reading a clock per launch or copy,
// and the reader reads the same clock, so both sides count periods from the same origin.
#include "activity.h"

#include "call_statistics.h"

namespace vgpu::cuda::activity {
namespace {

std::atomic<std::uint64_t> slots[2][kSlots]{};

// The 10 ms period of a call-clock reading; never 0: 0 marks a slot that was never used.
std::uint64_t periodOf(std::uint64_t reading, std::uint64_t scale) {
  return call_clock::elapsedNanoseconds(0, reading, scale) / (std::uint64_t{kSlotMs} * 1'000'000U) + 1;
}

std::uint64_t currentPeriod() {
  const std::uint64_t scale = call_clock::tscScale.load(std::memory_order_relaxed);
  return periodOf(call_clock::now(scale), scale);
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
  const std::uint64_t start = call_statistics::callStart;
  const std::uint64_t period =
      start != 0 ? periodOf(start, call_clock::tscScale.load(std::memory_order_relaxed)) : currentPeriod();
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

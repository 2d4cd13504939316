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

// Per thread and kind, the first call-clock reading after the period this thread last marked: a
// thread launches many times per 10 ms, and until then its marks have nothing to do (the slot
// keeps that period until a later one replaces it). Initial-exec like call_statistics' TLS.
__attribute__((tls_model("initial-exec"))) thread_local std::uint64_t markedUntil[2] = {0, 0};

constexpr std::uint64_t kSlotNanoseconds = std::uint64_t{kSlotMs} * 1'000'000U;

// The 10 ms period of a call-clock reading; never 0: 0 marks a slot that was never used. Period p
// holds the nanoseconds [(p - 1) * 10 ms, p * 10 ms).
std::uint64_t periodOf(std::uint64_t reading, std::uint64_t scale) {
  return call_clock::elapsedNanoseconds(0, reading, scale) / kSlotNanoseconds + 1;
}

std::uint64_t currentPeriod() {
  const std::uint64_t scale = call_clock::tscScale.load(std::memory_order_relaxed);
  return periodOf(call_clock::now(scale), scale);
}

// A reading no later than the first one of the period after `period` (rounded down, so a reading
// at or past it is always in a later period).
std::uint64_t periodEnd(std::uint64_t period, std::uint64_t scale) {
  const std::uint64_t nanoseconds = period * kSlotNanoseconds;
  return scale == 0 ? nanoseconds
                    : static_cast<std::uint64_t>((static_cast<call_clock::Wide>(nanoseconds) << 32) / scale);
}

unsigned percentOf(const std::atomic<std::uint64_t> (&kindSlots)[kSlots], std::uint64_t now) {
  unsigned marked = 0;
  for (const std::atomic<std::uint64_t>& slot : kindSlots) {
    const std::uint64_t period = slot.load(std::memory_order_relaxed);
    marked += (period != 0 && period + kSlots > now && period <= now) ? 1U : 0U;
  }
  return marked * 100U / kSlots;
}

void markSlot(std::atomic<std::uint64_t>& slot, std::uint64_t period) {
  if (slot.load(std::memory_order_relaxed) != period) {
    slot.store(period, std::memory_order_relaxed);
  }
}

} // namespace

void mark(Kind kind) {
  if (call_statistics::mode.load(std::memory_order_relaxed) != call_statistics::kOn) {
    return;
  }
  const std::uint64_t start = call_statistics::callStart;
  const auto index = static_cast<int>(kind);
  if (start == 0) { // outside a traced call: read the clock
    const std::uint64_t period = currentPeriod();
    markSlot(slots[index][period % kSlots], period);
    return;
  }
  if (start < markedUntil[index]) {
    return; // this thread marked this period already
  }
  const std::uint64_t scale = call_clock::tscScale.load(std::memory_order_relaxed);
  const std::uint64_t period = periodOf(start, scale);
  markSlot(slots[index][period % kSlots], period);
  markedUntil[index] = periodEnd(period, scale);
}

Share lastSecond() {
  const std::uint64_t now = currentPeriod();
  return Share{percentOf(slots[0], now), percentOf(slots[1], now)};
}

} // namespace vgpu::cuda::activity

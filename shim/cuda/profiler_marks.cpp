// The profiler marks behind cuProfilerStart/Stop (profiler_marks.h).
#include "profiler_marks.h"

namespace vgpu::cuda::profiler_marks {
namespace {

std::atomic<bool> active{false};
std::atomic<std::uint64_t> starts{0};
std::atomic<std::uint64_t> stops{0};

} // namespace

void start() {
  starts.fetch_add(1, std::memory_order_relaxed);
  active.store(true, std::memory_order_relaxed);
}

void stop() {
  stops.fetch_add(1, std::memory_order_relaxed);
  active.store(false, std::memory_order_relaxed);
}

Marks read() {
  return {active.load(std::memory_order_relaxed), starts.load(std::memory_order_relaxed),
          stops.load(std::memory_order_relaxed)};
}

} // namespace vgpu::cuda::profiler_marks

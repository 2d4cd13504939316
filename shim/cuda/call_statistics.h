// Per-entry-point call statistics of libvgpu-cuda for the control socket: every exported entry
// point's body runs inside traced(ApiId::<symbol>, ...), which counts the call, its latency
// (log-linear histogram) and, when the result is not CUDA_SUCCESS, the error per entry point and
// per CUresult. The ids come from driver_api_entries.inc, the list the exported functions are
// generated from (entry_exports.cpp), so every entry point is counted by construction.
//
// Cost: two TSC reads and one increment of a counter only the calling thread writes (a plain load
// and store, no lock prefix: call_statistics.cpp); a thread's first call allocates its block of
// counters, nothing else is allocated, nothing is constructed at load time, and only the rare stubs
// of unimplemented symbols take a lock. With VGPU_TELEMETRY=off a call costs one relaxed load
// more. Measured in bench_telemetry (docs/performance.md, "Telemetry overhead", 2026-12-06, a
// loaded 2-core VM): +14–30 ns a call in the tight loop, decode-step mix on/off 1.10–1.15 (1.47
// before these counters and lock-free handle lookups), two thirds of it the two TSC reads. Calls an entry point
// makes to another (cuCtxSynchronize_v2 -> cuCtxSynchronize, _ptsz variants -> legacy ones, dark-API tables ->
// cuCtxCreate_v2) are counted once, under the outermost entry point, through a per-thread depth.
#pragma once

#include "call_clock.h"
#include "entry_points.h" // undefines cuda.h's renaming macros, as the entry points are defined

#include "vgpu/telemetry/latency_histogram.h"
#include "vgpu/telemetry/telemetry_source.h"

#include <atomic>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

namespace vgpu::cuda {

enum class ApiId : std::uint16_t {
#define X(symbol) symbol,
#include "driver_api_implemented.inc"
#undef X
};

inline constexpr ApiId kAllApiIds[] = {
#define X(symbol) ApiId::symbol,
#include "driver_api_implemented.inc"
#undef X
};
inline constexpr std::size_t kApiCount = std::size(kAllApiIds);

namespace call_statistics {

enum Mode : int { kUndecided = 0, kOn = 1, kOff = 2 };

// Decided at the first traced call from VGPU_TELEMETRY (never at load time). Inline variables with
// constant initialisers: no static constructor. The depth is initial-exec TLS, one instruction away
// from the thread pointer instead of a __tls_get_addr call per entry point (NVIDIA's own libcuda,
// also dlopened by cudart, uses static TLS the same way; 4 bytes fit glibc's surplus).
inline std::atomic<int> mode{kUndecided};
__attribute__((tls_model("initial-exec"))) inline thread_local unsigned depth = 0;
// The outermost traced call's start reading (call_clock's unit), 0 outside one: launch activity
// (activity.h) marks its slot with it instead of reading a clock again per launch or copy.
__attribute__((tls_model("initial-exec"))) inline thread_local std::uint64_t callStart = 0;

// Reads VGPU_TELEMETRY once and publishes the mode; true when counting is on.
bool decideMode();
// Turns counting off for good (no control socket could be started).
inline void stopCounting() {
  mode.store(kOff, std::memory_order_relaxed);
}
void record(ApiId id, CUresult result, std::uint64_t nanoseconds);
// A call of a stub for an unimplemented symbol (driver_api_unsupported.cpp): rare, so its
// counters are found by name under a lock. `symbol` must have static storage (the stubs' literals).
void recordUnsupported(std::string_view symbol, std::uint64_t nanoseconds);

// Restores the nesting depth however the body leaves. Holds the thread's counter by reference so
// the TLS address is looked up once per call.
class DepthGuard {
public:
  explicit DepthGuard(unsigned& counter) : counter_(counter) { ++counter_; }
  ~DepthGuard() { --counter_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

private:
  unsigned& counter_;
};

// Publishes the outermost call's start reading for its duration, however the body leaves.
class CallStartGuard {
public:
  CallStartGuard(std::uint64_t& slot, std::uint64_t start) : slot_(slot) { slot_ = start; }
  ~CallStartGuard() { slot_ = 0; }
  CallStartGuard(const CallStartGuard&) = delete;
  CallStartGuard& operator=(const CallStartGuard&) = delete;

private:
  std::uint64_t& slot_;
};

} // namespace call_statistics

// Runs one entry point's body and records it (outermost calls only).
template <typename Body> inline CUresult traced(ApiId id, Body&& body) {
  const int mode = call_statistics::mode.load(std::memory_order_relaxed);
  if (mode != call_statistics::kOn) [[unlikely]] {
    if (mode == call_statistics::kOff || !call_statistics::decideMode()) {
      return body();
    }
  }
  unsigned& depth = call_statistics::depth;
  if (depth != 0) {
    return body();
  }
  const call_statistics::DepthGuard guard(depth);
  const std::uint64_t scale = call_clock::tscScale.load(std::memory_order_relaxed);
  const std::uint64_t start = call_clock::now(scale);
  const call_statistics::CallStartGuard started(call_statistics::callStart, start);
  const CUresult result = body();
  call_statistics::record(id, result, call_clock::elapsedNanoseconds(start, call_clock::now(scale), scale));
  return result;
}

// The same for the stubs of unimplemented symbols, which all return CUDA_ERROR_NOT_SUPPORTED.
template <typename Body> inline void tracedUnsupported(std::string_view symbol, Body&& body) {
  const int mode = call_statistics::mode.load(std::memory_order_relaxed);
  if ((mode == call_statistics::kOff || (mode == call_statistics::kUndecided && !call_statistics::decideMode())) ||
      call_statistics::depth != 0) {
    body();
    return;
  }
  const call_statistics::DepthGuard guard(call_statistics::depth);
  const std::uint64_t scale = call_clock::tscScale.load(std::memory_order_relaxed);
  const std::uint64_t start = call_clock::now(scale);
  body();
  call_statistics::recordUnsupported(symbol, call_clock::elapsedNanoseconds(start, call_clock::now(scale), scale));
}

// The figures so far, for the control socket: entry points called at least once (by name) and
// the non-success results returned (by code).
std::vector<telemetry::ApiCallStats> apiCallStatistics();
std::vector<telemetry::ResultCount> resultStatistics();

} // namespace vgpu::cuda

// The storage behind traced() (call_statistics.h) and its reading for the control socket. The
// counters are plain arrays of atomics with static storage: zero-initialised, never constructed
// or freed, so they work from the first call to the last exit-time destructor. A call's count is
// the sum of its histogram buckets, which keeps a successful call to one atomic increment. The stubs
// of unimplemented symbols are counted too, under a lock (they are rare and all fail).
#include "call_statistics.h"

#include "vgpu/telemetry/telemetry_server.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string_view>

namespace vgpu::cuda {
namespace {

struct ApiCounters {
  std::atomic<std::uint64_t> latency[telemetry::kLatencyBuckets];
  std::atomic<std::uint64_t> errors;
};

// CUresult values are below 1000 (CUDA_ERROR_UNKNOWN is 999); anything larger is counted in the
// last slot, reported with the code kResultSlots - 1 and the name "CUresult out of range".
constexpr std::size_t kResultSlots = 1001;

ApiCounters apiCounters[kApiCount];
std::atomic<std::uint64_t> resultCounters[kResultSlots];

// Stubs of unimplemented symbols that were called, by symbol; created at their first call under
// the lock, never freed.
struct UnsupportedCalls {
  std::mutex mutex;
  std::map<std::string_view, ApiCounters*> counters;
};
UnsupportedCalls& unsupportedCalls() {
  static UnsupportedCalls* const calls = new UnsupportedCalls;
  return *calls;
}

// Reads one entry point's counters; false when it was never called.
bool readCounters(const ApiCounters& counters, std::string_view name, telemetry::ApiCallStats& stats) {
  for (std::size_t bucket = 0; bucket < telemetry::kLatencyBuckets; ++bucket) {
    stats.latency[bucket] = counters.latency[bucket].load(std::memory_order_relaxed);
    stats.calls += stats.latency[bucket];
  }
  if (stats.calls == 0) {
    return false;
  }
  stats.errors = counters.errors.load(std::memory_order_relaxed);
  stats.name = std::string(name);
  return true;
}

constexpr std::string_view kApiNames[] = {
#define X(symbol) #symbol,
#include "driver_api_implemented.inc"
#undef X
};
static_assert(std::size(kApiNames) == kApiCount);

struct ResultName {
  CUresult code;
  std::string_view name;
};
constexpr ResultName kResultNames[] = {
#define X(enumerator, text) {enumerator, #enumerator},
#include "cuda_error_strings.inc"
#undef X
};

std::string resultName(std::size_t slot) {
  if (slot == kResultSlots - 1) {
    return "CUresult out of range";
  }
  for (const ResultName& entry : kResultNames) {
    if (static_cast<std::size_t>(entry.code) == slot) {
      return std::string(entry.name);
    }
  }
  return "CUresult " + std::to_string(slot); // a code cuda.h does not name
}

} // namespace

namespace call_statistics {

bool decideMode() {
  const int decided = telemetry::telemetryRequested() ? kOn : kOff;
  if (decided == kOn) {
    call_clock::calibrate(); // before counting starts: every recorded latency uses one scale
  }
  mode.store(decided, std::memory_order_relaxed);
  return decided == kOn;
}

namespace {

void count(ApiCounters& counters, CUresult result, std::uint64_t nanoseconds) {
  counters.latency[telemetry::latencyBucket(nanoseconds)].fetch_add(1, std::memory_order_relaxed);
  if (result != CUDA_SUCCESS) [[unlikely]] {
    counters.errors.fetch_add(1, std::memory_order_relaxed);
    const auto code = static_cast<std::size_t>(result);
    resultCounters[std::min(code, kResultSlots - 1)].fetch_add(1, std::memory_order_relaxed);
  }
}

} // namespace

void record(ApiId id, CUresult result, std::uint64_t nanoseconds) {
  count(apiCounters[static_cast<std::size_t>(id)], result, nanoseconds);
}

void recordUnsupported(std::string_view symbol, std::uint64_t nanoseconds) {
  UnsupportedCalls& calls = unsupportedCalls();
  const std::lock_guard lock(calls.mutex);
  ApiCounters*& counters = calls.counters[symbol];
  if (counters == nullptr) {
    counters = new ApiCounters{}; // never freed: read until the process ends
  }
  count(*counters, CUDA_ERROR_NOT_SUPPORTED, nanoseconds);
}

} // namespace call_statistics

std::vector<telemetry::ApiCallStats> apiCallStatistics() {
  std::vector<telemetry::ApiCallStats> apis;
  for (std::size_t id = 0; id < kApiCount; ++id) {
    telemetry::ApiCallStats stats;
    if (readCounters(apiCounters[id], kApiNames[id], stats)) {
      apis.push_back(std::move(stats));
    }
  }
  {
    UnsupportedCalls& calls = unsupportedCalls();
    const std::lock_guard lock(calls.mutex);
    for (const auto& [symbol, counters] : calls.counters) {
      telemetry::ApiCallStats stats;
      if (readCounters(*counters, symbol, stats)) {
        apis.push_back(std::move(stats));
      }
    }
  }
  // driver_api_implemented.inc is sorted with `sort`, whose order may follow the locale: sort here.
  std::sort(apis.begin(), apis.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return apis;
}

std::vector<telemetry::ResultCount> resultStatistics() {
  std::vector<telemetry::ResultCount> results;
  for (std::size_t slot = 1; slot < kResultSlots; ++slot) { // slot 0 is CUDA_SUCCESS, never counted
    const std::uint64_t count = resultCounters[slot].load(std::memory_order_relaxed);
    if (count != 0) {
      results.push_back({static_cast<std::int64_t>(slot), resultName(slot), count});
    }
  }
  return results;
}

} // namespace vgpu::cuda

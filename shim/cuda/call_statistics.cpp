// The storage behind traced() (call_statistics.h) and its reading for the control socket. A call's
// count is the sum of its histogram buckets, so a successful call is one increment.
//
// The latency counts are per thread: each thread that makes a traced call gets a block of
// kApiCount x kLatencyBuckets counters (about 150 KiB of address space, calloc'd, so only the pages
// of the entry points it calls are ever touched) that only it writes, with a relaxed load and store
// through std::atomic_ref: no lock-prefixed read-modify-write per call, no cache line shared with
// another thread. The reader sums every block. A block is released when its thread exits (a
// pthread key's destructor) and taken over, counts and all, by the next thread that needs one, so
// blocks are bounded by the most threads that ever made calls at once; none is ever freed, and the
// list of them is push-only and lock-free (no lock a fork could leave held). Where a block cannot be
// had (no memory, no key), calls are counted in one shared array with atomic increments, as before.
// Errors are rare and stay shared atomics, as do the stubs of unimplemented symbols (under a lock).
#include "call_statistics.h"

#include "vgpu/telemetry/telemetry_server.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <pthread.h>
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

constexpr std::size_t kThreadCounts = kApiCount * telemetry::kLatencyBuckets;

// A thread's latency counts, [api][bucket], written by its owner only (see the top of this file).
struct ThreadCounters {
  std::uint64_t* counts = nullptr; // kThreadCounts, zeroed by calloc; accessed through std::atomic_ref
  std::atomic<bool> owned{true};   // held by a live thread; released at its exit
  ThreadCounters* next = nullptr;  // the next older block; set before the block is published
};
std::atomic<ThreadCounters*> threadBlocks{nullptr}; // every block ever made, newest first

// The calling thread's counts; initial-exec like the depth (call_statistics.h), so the hot path
// reads it at a fixed offset from the thread pointer.
__attribute__((tls_model("initial-exec"))) thread_local std::uint64_t* threadCounts = nullptr;

// The fallback when a thread gets no block; errors per entry point for everyone.
ApiCounters apiCounters[kApiCount];
std::atomic<std::uint64_t> resultCounters[kResultSlots];

// The pthread key's destructor, run as the thread exits: the block goes back for another thread.
// A traced call later in the thread's exit attaches again (and is released again).
void releaseThreadBlock(void* value) {
  threadCounts = nullptr;
  static_cast<ThreadCounters*>(value)->owned.store(false, std::memory_order_release);
}

pthread_key_t* threadExitKey() {
  static pthread_key_t* const key = [] {
    static pthread_key_t created;
    return ::pthread_key_create(&created, releaseThreadBlock) == 0 ? &created : nullptr;
  }();
  return key;
}

// The calling thread's first traced call (or its first since it released its block): takes a
// released block or makes one. Nullptr when neither works out: the shared fallback counts then.
std::uint64_t* attachThread() {
  pthread_key_t* key = threadExitKey();
  if (key == nullptr) {
    return nullptr;
  }
  ThreadCounters* block = nullptr;
  for (ThreadCounters* candidate = threadBlocks.load(std::memory_order_acquire); candidate != nullptr;
       candidate = candidate->next) {
    bool released = false;
    // Acquire: the counts the previous owner stored (before its release) are the ones we add to.
    if (!candidate->owned.load(std::memory_order_relaxed) &&
        candidate->owned.compare_exchange_strong(released, true, std::memory_order_acquire)) {
      block = candidate;
      break;
    }
  }
  if (block == nullptr) {
    auto* counts = static_cast<std::uint64_t*>(std::calloc(kThreadCounts, sizeof(std::uint64_t)));
    if (counts == nullptr) {
      return nullptr;
    }
    block = new ThreadCounters;
    block->counts = counts;
    block->next = threadBlocks.load(std::memory_order_relaxed);
    while (
        !threadBlocks.compare_exchange_weak(block->next, block, std::memory_order_release, std::memory_order_relaxed)) {
    }
  }
  if (::pthread_setspecific(*key, block) != 0) {
    block->owned.store(false, std::memory_order_release); // no exit hook: give it back, use the fallback
    return nullptr;
  }
  threadCounts = block->counts;
  return block->counts;
}

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

// Reads one entry point's counters, adding `perThread` (its buckets summed over the threads'
// blocks, or nullptr); false when it was never called.
bool readCounters(const ApiCounters& counters, const std::uint64_t* perThread, std::string_view name,
                  telemetry::ApiCallStats& stats) {
  for (std::size_t bucket = 0; bucket < telemetry::kLatencyBuckets; ++bucket) {
    stats.latency[bucket] =
        counters.latency[bucket].load(std::memory_order_relaxed) + (perThread != nullptr ? perThread[bucket] : 0);
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
  const auto index = static_cast<std::size_t>(id);
  std::uint64_t* counts = threadCounts;
  if (counts == nullptr) [[unlikely]] {
    counts = attachThread();
  }
  if (counts == nullptr) [[unlikely]] {
    count(apiCounters[index], result, nanoseconds);
    return;
  }
  // Only this thread writes the block: a load and a store, atomic only so the reader may load.
  const std::atomic_ref<std::uint64_t> counter(
      counts[index * telemetry::kLatencyBuckets + telemetry::latencyBucket(nanoseconds)]);
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (result != CUDA_SUCCESS) [[unlikely]] {
    apiCounters[index].errors.fetch_add(1, std::memory_order_relaxed);
    const auto code = static_cast<std::size_t>(result);
    resultCounters[std::min(code, kResultSlots - 1)].fetch_add(1, std::memory_order_relaxed);
  }
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
  // Every thread's block summed first, each read front to back (the socket thread's work, not the
  // callers').
  std::vector<std::uint64_t> perThread(kThreadCounts, 0);
  for (ThreadCounters* block = threadBlocks.load(std::memory_order_acquire); block != nullptr; block = block->next) {
    for (std::size_t i = 0; i < kThreadCounts; ++i) {
      perThread[i] += std::atomic_ref<std::uint64_t>(block->counts[i]).load(std::memory_order_relaxed);
    }
  }
  std::vector<telemetry::ApiCallStats> apis;
  for (std::size_t id = 0; id < kApiCount; ++id) {
    telemetry::ApiCallStats stats;
    if (readCounters(apiCounters[id], &perThread[id * telemetry::kLatencyBuckets], kApiNames[id], stats)) {
      apis.push_back(std::move(stats));
    }
  }
  {
    UnsupportedCalls& calls = unsupportedCalls();
    const std::lock_guard lock(calls.mutex);
    for (const auto& [symbol, counters] : calls.counters) {
      telemetry::ApiCallStats stats;
      if (readCounters(*counters, nullptr, symbol, stats)) {
        apis.push_back(std::move(stats));
      }
    }
  }
  // driver_api_entries.inc lists entry points by family: the socket reports them by name.
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

// The latency histogram's math (vgpu/telemetry/latency_histogram.h): bucket edges, percentiles as
// bucket upper edges, empty windows; and how a sample encodes per-entry-point windows (the
// difference between a client's previous sample and now).
#include <catch2/catch.hpp>

#include "vgpu/telemetry/latency_histogram.h"
#include "vgpu/telemetry/protocol.h"

#include <random>

using namespace vgpu::telemetry;

TEST_CASE("buckets: 4 per power of two from 16 ns, an underflow and an overflow bucket") {
  CHECK(kLatencyBuckets == 130);
  CHECK(latencyBucket(0) == 0);
  CHECK(latencyBucket(15) == 0);
  CHECK(latencyBucket(16) == 1);
  CHECK(latencyBucket(19) == 1);
  CHECK(latencyBucket(20) == 2);
  CHECK(latencyBucket(31) == 4);
  CHECK(latencyBucket(32) == 5);
  CHECK(latencyBucket(1000) == latencyBucket(1023));
  CHECK(latencyBucket(1024) == latencyBucket(1000) + 1);
  CHECK(latencyBucket((std::uint64_t{1} << 36) - 1) == kLatencyBuckets - 2);
  CHECK(latencyBucket(std::uint64_t{1} << 36) == kLatencyBuckets - 1);
  CHECK(latencyBucket(~std::uint64_t{0}) == kLatencyBuckets - 1);

  CHECK(latencyBucketUpperBound(0) == 16);
  CHECK(latencyBucketUpperBound(1) == 20);
  CHECK(latencyBucketUpperBound(4) == 32);
  CHECK(latencyBucketUpperBound(5) == 40);
  CHECK(latencyBucketUpperBound(kLatencyBuckets - 2) == std::uint64_t{1} << 36);
  CHECK(latencyBucketUpperBound(kLatencyBuckets - 1) == std::uint64_t{1} << 36);

  // Every value lies below its bucket's upper edge and at or above the previous bucket's, and an
  // edge is at most 25 % above the values it stands for.
  std::mt19937_64 random(4);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t value = random() >> (random() % 64);
    const std::size_t bucket = latencyBucket(value);
    INFO("value " << value << " bucket " << bucket);
    if (bucket + 1 < kLatencyBuckets) {
      CHECK(value < latencyBucketUpperBound(bucket));
      if (value >= 16) {
        CHECK(static_cast<double>(latencyBucketUpperBound(bucket)) <= static_cast<double>(value) * 1.25 + 1);
      }
    }
    if (bucket > 0) {
      CHECK(value >= latencyBucketUpperBound(bucket - 1));
    }
  }
  for (std::size_t bucket = 1; bucket < kLatencyBuckets - 1; ++bucket) {
    CHECK(latencyBucketUpperBound(bucket) > latencyBucketUpperBound(bucket - 1));
  }
}

TEST_CASE("percentiles are the upper edge of the bucket holding the ranked call") {
  LatencyCounts counts{};
  CHECK_FALSE(latencyPercentile(counts, 50).has_value());
  CHECK_FALSE(latencyPercentile(counts, 99).has_value());

  counts[latencyBucket(100)] = 1; // one call: every percentile is its bucket
  CHECK(latencyPercentile(counts, 50) == latencyBucketUpperBound(latencyBucket(100)));
  CHECK(latencyPercentile(counts, 99) == latencyBucketUpperBound(latencyBucket(100)));

  // 100 calls: 90 at ~1 us, 8 at ~10 us, 2 at ~1 ms. p50 -> 1 us bucket, p95 -> 10 us, p99 -> 1 ms.
  counts = {};
  counts[latencyBucket(1000)] = 90;
  counts[latencyBucket(10000)] = 8;
  counts[latencyBucket(1000000)] = 2;
  CHECK(latencyPercentile(counts, 50) == 1024);
  CHECK(latencyPercentile(counts, 90) == 1024);  // rank 90: the last fast call
  CHECK(latencyPercentile(counts, 95) == 10240); // [8192, 10240)
  CHECK(latencyPercentile(counts, 98) == 10240);
  CHECK(latencyPercentile(counts, 99) == 1048576); // rank 99 falls among the two slow calls
  CHECK(latencyPercentile(counts, 100) == 1048576);

  // Ordered for any content.
  std::mt19937 random(7);
  for (int round = 0; round < 1000; ++round) {
    LatencyCounts any{};
    for (int k = 0; k < 5; ++k) {
      any[random() % kLatencyBuckets] += random() % 1000;
    }
    const auto p50 = latencyPercentile(any, 50);
    const auto p95 = latencyPercentile(any, 95);
    const auto p99 = latencyPercentile(any, 99);
    REQUIRE(p50.has_value() == p99.has_value());
    if (p50) {
      CHECK(*p50 <= *p95);
      CHECK(*p95 <= *p99);
    }
  }
}

TEST_CASE("a sample's call figures: cumulative counts, windows against the previous sample") {
  ApiCallStats alloc;
  alloc.name = "cuMemAlloc_v2";
  alloc.calls = 3;
  alloc.errors = 1;
  alloc.latency[latencyBucket(1000)] = 3;
  ApiCallStats init;
  init.name = "cuInit";
  init.calls = 1;
  init.latency[latencyBucket(50000)] = 1;

  ProcessSample before;
  before.apis = {init};
  ApiCallStats allocBefore = alloc;
  allocBefore.calls = 1;
  allocBefore.errors = 0;
  allocBefore.latency[latencyBucket(1000)] = 1;
  ProcessSample now;
  now.apis = {init, alloc}; // sorted by name
  now.errors = {{1, "CUDA_ERROR_INVALID_VALUE", 1}};
  const std::string sample = encodeSample(now, before, SampleContext{});
  INFO(sample);
  // cuMemAlloc_v2 is new since `before`: its whole histogram is the window; cuInit had no call.
  CHECK(sample.find("\"calls\":{\"total\":4,\"errors\":1,\"window_calls\":3,"
                    "\"latency_ns\":{\"p50\":1024,\"p95\":1024,\"p99\":1024}},"
                    "\"apis\":[{\"name\":\"cuInit\",\"calls\":1,\"errors\":0,\"window_calls\":0,"
                    "\"p50_ns\":null,\"p95_ns\":null,\"p99_ns\":null},"
                    "{\"name\":\"cuMemAlloc_v2\",\"calls\":3,\"errors\":1,\"window_calls\":3,"
                    "\"p50_ns\":1024,\"p95_ns\":1024,\"p99_ns\":1024}],"
                    "\"errors\":[{\"code\":1,\"name\":\"CUDA_ERROR_INVALID_VALUE\",\"count\":1}]}") !=
        std::string::npos);

  before.apis = {init, allocBefore};
  const std::string next = encodeSample(now, before, SampleContext{});
  INFO(next);
  CHECK(next.find("{\"name\":\"cuMemAlloc_v2\",\"calls\":3,\"errors\":1,\"window_calls\":2,") != std::string::npos);
  CHECK(next.find("\"calls\":{\"total\":4,\"errors\":1,\"window_calls\":2,") != std::string::npos);
}

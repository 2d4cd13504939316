// The latency histogram of the control socket: log-linear buckets (4 per power of two from 16 ns
// to 2^36 ns, about 68.7 s) and the percentile read from them. Header-only and constexpr because
// the CUDA shim's call path computes a bucket per call, and the unit tests check the math directly.
// A percentile is reported as the upper edge of its bucket (exclusive), so readers know the
// resolution: at most 25 % above the true value (docs/telemetry-protocol.md).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace vgpu::telemetry {

inline constexpr unsigned kLatencySubBucketBits = 2; // 4 sub-buckets per power of two
inline constexpr unsigned kLatencyMinExponent = 4;   // the first power of two: 16 ns
inline constexpr unsigned kLatencyMaxExponent = 36;  // 2^36 ns (68.7 s) and above: the overflow bucket
// Bucket 0: below 16 ns; then 4 per power of two; the last: 2^36 ns and above.
inline constexpr std::size_t kLatencyBuckets =
    2 + (std::size_t{kLatencyMaxExponent - kLatencyMinExponent} << kLatencySubBucketBits);

using LatencyCounts = std::array<std::uint64_t, kLatencyBuckets>;

constexpr std::size_t latencyBucket(std::uint64_t nanoseconds) {
  if (nanoseconds < (std::uint64_t{1} << kLatencyMinExponent)) {
    return 0;
  }
  const auto exponent = static_cast<unsigned>(std::bit_width(nanoseconds) - 1);
  if (exponent >= kLatencyMaxExponent) {
    return kLatencyBuckets - 1;
  }
  const auto sub = static_cast<std::size_t>((nanoseconds >> (exponent - kLatencySubBucketBits)) &
                                            ((std::uint64_t{1} << kLatencySubBucketBits) - 1));
  return 1 + (std::size_t{exponent - kLatencyMinExponent} << kLatencySubBucketBits) + sub;
}

// The exclusive upper edge of a bucket in nanoseconds; for the overflow bucket, its lower edge
// (2^36 ns: "at least that").
constexpr std::uint64_t latencyBucketUpperBound(std::size_t bucket) {
  if (bucket == 0) {
    return std::uint64_t{1} << kLatencyMinExponent;
  }
  if (bucket >= kLatencyBuckets - 1) {
    return std::uint64_t{1} << kLatencyMaxExponent;
  }
  const std::size_t index = bucket - 1;
  const unsigned exponent = kLatencyMinExponent + static_cast<unsigned>(index >> kLatencySubBucketBits);
  const std::uint64_t sub = index & ((std::size_t{1} << kLatencySubBucketBits) - 1);
  const std::uint64_t steps = (std::uint64_t{1} << kLatencySubBucketBits) + sub + 1;
  return steps << (exponent - kLatencySubBucketBits);
}

// The `percent` percentile (1..100) of the calls counted in `counts`: the upper edge of the bucket
// holding the call of rank ceil(percent/100 * total). Empty when nothing was counted.
constexpr std::optional<std::uint64_t> latencyPercentile(const LatencyCounts& counts, unsigned percent) {
  std::uint64_t total = 0;
  for (const std::uint64_t count : counts) {
    total += count;
  }
  if (total == 0) {
    return std::nullopt;
  }
  const std::uint64_t rank = (total * percent + 99) / 100;
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < counts.size(); ++bucket) {
    seen += counts[bucket];
    if (seen >= rank && counts[bucket] != 0) {
      return latencyBucketUpperBound(bucket);
    }
  }
  return latencyBucketUpperBound(kLatencyBuckets - 1);
}

} // namespace vgpu::telemetry

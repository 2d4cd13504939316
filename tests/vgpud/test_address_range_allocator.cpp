// The first-fit range allocator behind a `cuda` session's device addresses: alignment, claims of a
// requested address, release with merging, and refusal of double or foreign releases.
#include <catch2/catch.hpp>

#include "address_range_allocator.h"

using vgpu::daemon::AddressRangeAllocator;

namespace {
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kBase = std::uint64_t{32} << 40;
} // namespace

TEST_CASE("address ranges are handed out first-fit, aligned, and merged again on release") {
  AddressRangeAllocator space(kBase, 64 * kMiB);
  const auto first = space.allocate(2 * kMiB, 2 * kMiB);
  const auto second = space.allocate(4 * kMiB, 2 * kMiB);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(*first == kBase);
  CHECK(*second == kBase + 2 * kMiB);
  CHECK(space.freeBytes() == 58 * kMiB);

  // A larger alignment skips to the next aligned start.
  const auto aligned = space.allocate(2 * kMiB, 16 * kMiB);
  REQUIRE(aligned);
  CHECK(*aligned == kBase + 16 * kMiB);

  CHECK(space.release(*first, 2 * kMiB));
  CHECK_FALSE(space.release(*first, 2 * kMiB)); // twice: refused, nothing changes
  CHECK(space.release(*second, 4 * kMiB));
  CHECK(space.release(*aligned, 2 * kMiB));
  CHECK(space.freeBytes() == 64 * kMiB);
  // Merged back into one range: the whole span fits again.
  const auto whole = space.allocate(64 * kMiB, 2 * kMiB);
  REQUIRE(whole);
  CHECK(*whole == kBase);
}

TEST_CASE("a requested address is claimed only when wholly free; bad requests are refused") {
  AddressRangeAllocator space(kBase, 16 * kMiB);
  CHECK(space.claim(kBase + 4 * kMiB, 4 * kMiB));
  CHECK_FALSE(space.claim(kBase + 6 * kMiB, 4 * kMiB));  // overlaps the claim
  CHECK_FALSE(space.claim(kBase + 14 * kMiB, 4 * kMiB)); // runs past the end
  CHECK_FALSE(space.allocate(0, 2 * kMiB));
  CHECK_FALSE(space.allocate(2 * kMiB, 3 * kMiB));        // not a power of two
  CHECK_FALSE(space.allocate(32 * kMiB, 2 * kMiB));       // larger than the space
  CHECK_FALSE(space.release(kBase - 2 * kMiB, 2 * kMiB)); // outside the span
  CHECK_FALSE(space.release(kBase + 2 * kMiB, 4 * kMiB)); // partly free: never handed out like that
  CHECK(space.release(kBase + 4 * kMiB, 4 * kMiB));
  CHECK(space.freeBytes() == 16 * kMiB);
}

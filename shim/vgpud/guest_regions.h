// The shared-memory regions vgpud serves to VM guests (docs/wire-protocol.md, "Guest regions"):
// one file per guest — the backing file of that guest's QEMU ivshmem-plain device (Looking Glass's
// shape; the seed's stub carries a shared-memory BAR the same way) — mapped here once, at start,
// so session threads and session worker processes (forked later) see the same mapping.
// vgpud owns each region's layout: a header page (magic, size, page size, a random region id that
// only a reader of the region can know), then pages handed out to sessions as slices (the bulk
// staging slice a session attaches, and its pinned host allocations). A session addresses only
// its own slices: offsets in its frames are checked against them, never against the region.
// The page table lives in a shared anonymous mapping behind a process-shared robust mutex, so a
// worker that dies holding it does not wedge the others, and the daemon frees a dead worker's
// slices by session id. Nothing in a region is trusted: the guest may write any byte at any time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vgpu::daemon {

inline constexpr std::uint64_t kGuestRegionPageBytes = std::uint64_t{64} * 1024;
inline constexpr std::uint64_t kMinGuestRegionBytes = std::uint64_t{4} << 20;
inline constexpr std::uint64_t kMaxGuestRegionBytes = std::uint64_t{64} << 30;
inline constexpr std::size_t kMaxGuestRegions = 64;

using RegionId = std::array<std::uint8_t, 16>;

struct GuestRegionSpec {
  std::string path;
  std::uint64_t createBytes = std::uint64_t{256} << 20; // when the file does not exist yet
};

// A slice of a region: where it starts (bytes from the region's start) and its size.
struct RegionSlice {
  int region = -1;
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  std::uint8_t* data = nullptr;
};

class GuestRegions {
public:
  GuestRegions() = default;
  ~GuestRegions();
  GuestRegions(const GuestRegions&) = delete;
  GuestRegions& operator=(const GuestRegions&) = delete;

  // Opens (or creates) and maps every region, writes each header. False with `error` naming the
  // file and what to do.
  bool open(const std::vector<GuestRegionSpec>& specs, std::string& error);
  bool empty() const { return regions_.empty(); }
  std::size_t count() const { return regions_.size(); }
  const std::string& path(int region) const { return regions_[static_cast<std::size_t>(region)].path; }
  std::uint64_t size(int region) const { return regions_[static_cast<std::size_t>(region)].bytes; }

  // The region whose id this is (compared in constant time), or -1.
  int find(const RegionId& id) const;
  // `bytes` (rounded up to whole pages) of `region` for `session`; false when there is no room.
  bool allocate(int region, std::uint64_t bytes, std::uint64_t session, RegionSlice& out);
  // Frees the slice starting at `offset` when `session` holds it.
  bool release(int region, std::uint64_t offset, std::uint64_t session);
  // Frees every slice `session` holds in every region (its end, however it ended).
  void releaseSession(std::uint64_t session);
  // Pages of `region` in use (tests and the log).
  std::uint64_t pagesInUse(int region) const;

private:
  struct PageTable; // in the shared anonymous mapping
  struct Region {
    std::string path;
    std::uint8_t* data = nullptr;
    std::uint64_t bytes = 0;
    RegionId id{};
    PageTable* table = nullptr;
    std::size_t tableBytes = 0;
  };
  bool openOne(const GuestRegionSpec& spec, Region& region, std::string& error);

  std::vector<Region> regions_;
};

} // namespace vgpu::daemon

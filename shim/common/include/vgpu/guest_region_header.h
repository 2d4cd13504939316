// The header vgpud writes at the start of a guest region (the backing file of a VM's ivshmem
// device; docs/wire-protocol.md, "Guest regions"), read by the shim in the guest from the mapped
// BAR. Both sides use this one definition. The header tells the shim that the device is vgpu's
// (Looking Glass uses the same PCI id) and gives the region id the shim presents in AttachRegion:
// only a reader of the region can know it, so a guest attaches only to a region it can read.
// vgpud never reads the header back: the guest may overwrite it.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>

namespace vgpu::wire {

inline constexpr char kRegionMagic[8] = {'V', 'G', 'P', 'U', 'S', 'H', 'M', '1'};
inline constexpr std::uint32_t kRegionLayoutVersion = 1;
inline constexpr std::size_t kRegionHeaderBytes = 48; // the fields below; the first page is reserved

struct RegionHeader {
  std::uint32_t layoutVersion = kRegionLayoutVersion;
  std::uint32_t headerBytes = 0; // bytes reserved for the header (the first page): slices start after
  std::uint64_t regionBytes = 0;
  std::uint64_t pageBytes = 0; // slices are whole pages
  std::array<std::uint8_t, 16> regionId{};
};

// Little-endian, at offset 0: magic[8], u32 layoutVersion, u32 headerBytes, u64 regionBytes,
// u64 pageBytes, 16 bytes regionId.
inline void encodeRegionHeader(const RegionHeader& header, std::span<std::uint8_t, kRegionHeaderBytes> out) {
  std::memcpy(out.data(), kRegionMagic, 8);
  std::memcpy(out.data() + 8, &header.layoutVersion, 4);
  std::memcpy(out.data() + 12, &header.headerBytes, 4);
  std::memcpy(out.data() + 16, &header.regionBytes, 8);
  std::memcpy(out.data() + 24, &header.pageBytes, 8);
  std::memcpy(out.data() + 32, header.regionId.data(), 16);
}

// False when the bytes are not a vgpu region header of a layout this code knows, or describe a
// region larger than `mappedBytes` or a header past it.
inline bool decodeRegionHeader(std::span<const std::uint8_t> in, std::uint64_t mappedBytes, RegionHeader& header) {
  if (in.size() < kRegionHeaderBytes || std::memcmp(in.data(), kRegionMagic, 8) != 0) {
    return false;
  }
  std::memcpy(&header.layoutVersion, in.data() + 8, 4);
  std::memcpy(&header.headerBytes, in.data() + 12, 4);
  std::memcpy(&header.regionBytes, in.data() + 16, 8);
  std::memcpy(&header.pageBytes, in.data() + 24, 8);
  std::memcpy(header.regionId.data(), in.data() + 32, 16);
  return header.layoutVersion == kRegionLayoutVersion && header.regionBytes <= mappedBytes &&
         header.headerBytes >= kRegionHeaderBytes && header.headerBytes < header.regionBytes && header.pageBytes != 0;
}

} // namespace vgpu::wire

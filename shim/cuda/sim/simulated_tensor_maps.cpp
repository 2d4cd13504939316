// The simulated device's tensor maps: the description packed into the 128 opaque bytes behind a
// marker, so cuTensorMapReplaceAddress can find the address and the alignment it must keep, and a
// map from elsewhere (or garbage) is refused rather than patched.
#include "sim/simulated_backend.h"

namespace vgpu::cuda::sim {
namespace {

constexpr std::uint64_t kMarker = 0x50414d54'55504756ull; // "VGPUTMAP"
constexpr int kMarkerWord = 0;
constexpr int kAddressWord = 1;
constexpr int kKindWord = 2;

std::uint64_t corners(const std::array<std::int32_t, kMaxTensorRank - 2>& offsets) {
  std::uint64_t packed = 0;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    packed |= (static_cast<std::uint64_t>(static_cast<std::uint16_t>(offsets[i]))) << (16 * i);
  }
  return packed;
}

} // namespace

CUresult SimulatedBackend::tensorMapEncode(int device, const TensorMapDescription& d, CUtensorMap& out) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  out = CUtensorMap{};
  std::uint64_t* word = out.opaque;
  word[kMarkerWord] = kMarker;
  word[kAddressWord] = d.address;
  word[kKindWord] = std::uint64_t{d.im2col} | std::uint64_t{d.dataType} << 8 | std::uint64_t{d.rank} << 16 |
                    std::uint64_t{d.interleave} << 24 | std::uint64_t{d.swizzle} << 32 |
                    std::uint64_t{d.l2Promotion} << 40 | std::uint64_t{d.oobFill} << 48;
  for (std::size_t i = 0; i < d.globalDim.size(); ++i) {
    word[3 + i] = d.globalDim[i];
  }
  for (std::size_t i = 0; i < d.globalStrides.size(); ++i) {
    word[8 + i] = d.globalStrides[i];
  }
  for (std::size_t i = 0; i < kMaxTensorRank; ++i) {
    word[12] |= std::uint64_t{d.boxDim[i] & 0xfffu} << (12 * i);
    word[13] |= std::uint64_t{d.elementStrides[i] & 0xfu} << (4 * i);
  }
  word[13] |= std::uint64_t{d.channelsPerPixel & 0x1ffu} << 20 | std::uint64_t{d.pixelsPerColumn & 0x7ffu} << 29;
  word[14] = corners(d.lowerCorner);
  word[15] = corners(d.upperCorner);
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::tensorMapReplaceAddress(int device, CUtensorMap& map, CUdeviceptr address) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (map.opaque[kMarkerWord] != kMarker) {
    return CUDA_ERROR_INVALID_VALUE; // not a map this device encoded
  }
  const std::uint64_t kind = map.opaque[kKindWord];
  const auto dataType = static_cast<std::uint32_t>(kind >> 8 & 0xff);
  const auto interleave = static_cast<std::uint32_t>(kind >> 24 & 0xff);
  if (address % tensorMapAddressAlignment(dataType, interleave) != 0) {
    return CUDA_ERROR_INVALID_VALUE; // the encoding's alignment rules still hold
  }
  map.opaque[kAddressWord] = address;
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda::sim

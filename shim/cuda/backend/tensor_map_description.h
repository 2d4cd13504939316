// A tensor map (the Tensor Memory Accelerator's descriptor of a global-memory tensor, Hopper and
// later) as cuTensorMapEncodeTiled and cuTensorMapEncodeIm2col describe one, and the rules the
// driver documents for it (cuda.h, "Tensor Map Object Managment"), checked in one place: by the
// driver layer before any backend sees a request, and by vgpud on what a client sends. The encoded
// map itself is opaque: the simulated device writes its own form, a GPU's driver its own.
#pragma once

#include <cuda.h>

#include <array>
#include <cstdint>

namespace vgpu::cuda {

inline constexpr std::uint32_t kMaxTensorRank = 5;

struct TensorMapDescription {
  bool im2col = false;
  std::uint32_t dataType = 0; // CUtensorMapDataType
  std::uint32_t rank = 0;
  CUdeviceptr address = 0;
  std::array<std::uint64_t, kMaxTensorRank> globalDim{};
  std::array<std::uint64_t, kMaxTensorRank - 1> globalStrides{}; // bytes, rank - 1 of them
  std::array<std::uint32_t, kMaxTensorRank> boxDim{};            // tiled
  std::array<std::uint32_t, kMaxTensorRank> elementStrides{};
  std::array<std::int32_t, kMaxTensorRank - 2> lowerCorner{}; // im2col: rank - 2 offsets {D, H, W}
  std::array<std::int32_t, kMaxTensorRank - 2> upperCorner{};
  std::uint32_t channelsPerPixel = 0; // im2col
  std::uint32_t pixelsPerColumn = 0;  // im2col
  std::uint32_t interleave = 0;       // CUtensorMapInterleave
  std::uint32_t swizzle = 0;          // CUtensorMapSwizzle
  std::uint32_t l2Promotion = 0;      // CUtensorMapL2promotion
  std::uint32_t oobFill = 0;          // CUtensorMapFloatOOBfill
  bool operator==(const TensorMapDescription&) const = default;
};

// CUDA_SUCCESS when the description keeps every documented rule, else CUDA_ERROR_INVALID_VALUE.
CUresult checkTensorMap(const TensorMapDescription& description);
// The global address alignment the description needs (16, or 32 for 32-byte interleave and the
// 16-byte-aligned packed types): what cuTensorMapReplaceAddress must keep.
std::uint32_t tensorMapAddressAlignment(std::uint32_t dataType, std::uint32_t interleave);

} // namespace vgpu::cuda

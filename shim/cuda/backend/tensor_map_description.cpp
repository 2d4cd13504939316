#include "backend/tensor_map_description.h"

namespace vgpu::cuda {
namespace {

constexpr std::uint64_t kMaxGlobalDim = std::uint64_t{1} << 32;
constexpr std::uint64_t kMaxGlobalStride = std::uint64_t{1} << 40;

bool packed16(std::uint32_t type) {
  return type == CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN16B || type == CU_TENSOR_MAP_DATA_TYPE_16U6_ALIGN16B;
}

bool packed(std::uint32_t type) {
  return packed16(type) || type == CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN8B;
}

bool floating(std::uint32_t type) {
  switch (type) {
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT16:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT32:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT64:
  case CU_TENSOR_MAP_DATA_TYPE_BFLOAT16:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT32_FTZ:
  case CU_TENSOR_MAP_DATA_TYPE_TFLOAT32:
  case CU_TENSOR_MAP_DATA_TYPE_TFLOAT32_FTZ: return true;
  default: return false;
  }
}

// Bits one element takes (the packed types count their individual 4- or 6-bit values).
std::uint64_t elementBits(std::uint32_t type) {
  switch (type) {
  case CU_TENSOR_MAP_DATA_TYPE_UINT8: return 8;
  case CU_TENSOR_MAP_DATA_TYPE_UINT16:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT16:
  case CU_TENSOR_MAP_DATA_TYPE_BFLOAT16: return 16;
  case CU_TENSOR_MAP_DATA_TYPE_UINT64:
  case CU_TENSOR_MAP_DATA_TYPE_INT64:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT64: return 64;
  case CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN8B:
  case CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN16B: return 4;
  case CU_TENSOR_MAP_DATA_TYPE_16U6_ALIGN16B: return 6;
  default: return 32;
  }
}

// The span a swizzle pattern shuffles within, in bytes (0: none).
std::uint64_t swizzleSpan(std::uint32_t swizzle) {
  switch (swizzle) {
  case CU_TENSOR_MAP_SWIZZLE_32B: return 32;
  case CU_TENSOR_MAP_SWIZZLE_64B: return 64;
  case CU_TENSOR_MAP_SWIZZLE_NONE: return 0;
  default: return 128;
  }
}

bool swizzleAllowedFor(std::uint32_t type, std::uint32_t swizzle) {
  if (type == CU_TENSOR_MAP_DATA_TYPE_16U6_ALIGN16B) {
    return swizzle == CU_TENSOR_MAP_SWIZZLE_NONE || swizzle == CU_TENSOR_MAP_SWIZZLE_128B ||
           swizzle == CU_TENSOR_MAP_SWIZZLE_128B_ATOM_32B || swizzle == CU_TENSOR_MAP_SWIZZLE_128B_ATOM_64B;
  }
  if (type == CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN16B) {
    return swizzle == CU_TENSOR_MAP_SWIZZLE_NONE || swizzle == CU_TENSOR_MAP_SWIZZLE_128B ||
           swizzle == CU_TENSOR_MAP_SWIZZLE_128B_ATOM_32B;
  }
  return true;
}

// The offsets an im2col bounding box corner may take at this rank: [-32768, 32767] for one,
// [-128, 127] for two, [-16, 15] for three.
bool cornerFits(std::uint32_t rank, std::int32_t offset) {
  const std::int32_t limit = rank == 3 ? 32768 : rank == 4 ? 128 : 16;
  return offset >= -limit && offset < limit;
}

CUresult checkShared(const TensorMapDescription& d) {
  const std::uint32_t type = d.dataType;
  if (type > CU_TENSOR_MAP_DATA_TYPE_16U6_ALIGN16B || d.interleave > CU_TENSOR_MAP_INTERLEAVE_32B ||
      d.swizzle > CU_TENSOR_MAP_SWIZZLE_128B_ATOM_64B || d.l2Promotion > CU_TENSOR_MAP_L2_PROMOTION_L2_256B ||
      d.oobFill > CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (d.address % tensorMapAddressAlignment(type, d.interleave) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (std::uint32_t i = 0; i < d.rank; ++i) {
    if (d.globalDim[i] == 0 || d.globalDim[i] > kMaxGlobalDim || d.elementStrides[i] == 0 || d.elementStrides[i] > 8) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  if ((packed16(type) && d.globalDim[0] % 128 != 0) ||
      (type == CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN8B && d.globalDim[0] % 2 != 0)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::uint64_t strideAlignment = d.interleave == CU_TENSOR_MAP_INTERLEAVE_32B || packed16(type) ? 32 : 16;
  for (std::uint32_t i = 0; i + 1 < d.rank; ++i) {
    if (d.globalStrides[i] % strideAlignment != 0 || d.globalStrides[i] >= kMaxGlobalStride) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  if (d.interleave == CU_TENSOR_MAP_INTERLEAVE_32B && d.swizzle != CU_TENSOR_MAP_SWIZZLE_32B) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if ((type == CU_TENSOR_MAP_DATA_TYPE_16U6_ALIGN16B && d.interleave != CU_TENSOR_MAP_INTERLEAVE_NONE) ||
      !swizzleAllowedFor(type, d.swizzle)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (d.oobFill == CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA && (!floating(type) || packed(type))) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

// The bounding box's inner dimension in bytes must fit the swizzle span (without interleave).
bool innerFitsSwizzle(const TensorMapDescription& d, std::uint64_t innerElements) {
  if (d.interleave != CU_TENSOR_MAP_INTERLEAVE_NONE || d.swizzle == CU_TENSOR_MAP_SWIZZLE_NONE) {
    return true;
  }
  return innerElements * elementBits(d.dataType) <= swizzleSpan(d.swizzle) * 8;
}

} // namespace

std::uint32_t tensorMapAddressAlignment(std::uint32_t dataType, std::uint32_t interleave) {
  return interleave == CU_TENSOR_MAP_INTERLEAVE_32B || packed16(dataType) ? 32 : 16;
}

CUresult checkTensorMap(const TensorMapDescription& d) {
  if (d.im2col
          ? (d.rank < 3 || d.rank > kMaxTensorRank)
          : (d.rank == 0 || d.rank > kMaxTensorRank || (d.interleave != CU_TENSOR_MAP_INTERLEAVE_NONE && d.rank < 3))) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = checkShared(d); status != CUDA_SUCCESS) {
    return status;
  }
  if (!d.im2col) {
    for (std::uint32_t i = 0; i < d.rank; ++i) {
      if (d.boxDim[i] == 0 || d.boxDim[i] > 256) {
        return CUDA_ERROR_INVALID_VALUE;
      }
    }
    if (d.interleave == CU_TENSOR_MAP_INTERLEAVE_NONE && (d.boxDim[0] * elementBits(d.dataType)) % (16 * 8) != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if ((packed16(d.dataType) && d.boxDim[0] != 128) || !innerFitsSwizzle(d, d.boxDim[0])) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
  }
  if (d.channelsPerPixel == 0 || d.channelsPerPixel > 256 || d.pixelsPerColumn == 0 || d.pixelsPerColumn > 1024 ||
      !innerFitsSwizzle(d, d.channelsPerPixel)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // The corners' offsets, one per spatial dimension, within the rank's range. (That the box they
  // bound has a non-zero area depends on how the driver pairs them with the dimensions, which it
  // does not document: left to the GPU's driver, which checks it when it encodes the map.)
  for (std::uint32_t i = 0; i + 2 < d.rank; ++i) {
    if (!cornerFits(d.rank, d.lowerCorner[i]) || !cornerFits(d.rank, d.upperCorner[i])) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda

// Tensor maps, the Tensor Memory Accelerator's descriptors (cuTensorMapEncodeTiled,
// cuTensorMapEncodeIm2col, cuTensorMapReplaceAddress): checked against every rule the driver
// documents (backend/tensor_map_description.h), only where the current context's device has
// tensor map access (compute capability 9.0 on: CU_DEVICE_ATTRIBUTE_TENSOR_MAP_ACCESS_SUPPORTED),
// then encoded by the backend — through vgpud by the GPU's own driver, whose kernels read them.
#include "entry_common.h"

#include "vgpu/device/device_discovery.h"

#include <cstdint>

using namespace vgpu::cuda;

namespace {

// The current context's device, where it has tensor map access.
CUresult tensorMapDevice(int& device) {
  VGPU_REQUIRE_INIT();
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  device = context->device;
  const DeviceRecord* record = state().device(device);
  int supported = 0;
  if (record == nullptr ||
      !vgpu::device::presentedAttribute(record->presented, CU_DEVICE_ATTRIBUTE_TENSOR_MAP_ACCESS_SUPPORTED,
                                        supported) ||
      supported == 0) {
    return CUDA_ERROR_NOT_SUPPORTED; // before Hopper (compute capability 9.0)
  }
  return CUDA_SUCCESS;
}

bool alignedMap(const CUtensorMap* map) {
  return map != nullptr && reinterpret_cast<std::uintptr_t>(map) % 64 == 0;
}

// The arrays every form has: dimensions and element strides for each of `rank` dimensions, byte
// strides for all but the first.
CUresult copyShape(TensorMapDescription& d, const cuuint64_t* globalDim, const cuuint64_t* globalStrides,
                   const cuuint32_t* elementStrides) {
  if (d.rank == 0 || d.rank > kMaxTensorRank || globalDim == nullptr || elementStrides == nullptr ||
      (d.rank > 1 && globalStrides == nullptr)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (std::uint32_t i = 0; i < d.rank; ++i) {
    d.globalDim[i] = globalDim[i];
    d.elementStrides[i] = elementStrides[i];
    if (i + 1 < d.rank) {
      d.globalStrides[i] = globalStrides[i];
    }
  }
  return CUDA_SUCCESS;
}

// The fields both encodings share.
TensorMapDescription describe(CUtensorMapDataType dataType, cuuint32_t rank, void* address,
                              CUtensorMapInterleave interleave, CUtensorMapSwizzle swizzle,
                              CUtensorMapL2promotion l2Promotion, CUtensorMapFloatOOBfill oobFill) {
  TensorMapDescription d;
  d.dataType = static_cast<std::uint32_t>(dataType);
  d.rank = rank;
  d.address = reinterpret_cast<CUdeviceptr>(address);
  d.interleave = static_cast<std::uint32_t>(interleave);
  d.swizzle = static_cast<std::uint32_t>(swizzle);
  d.l2Promotion = static_cast<std::uint32_t>(l2Promotion);
  d.oobFill = static_cast<std::uint32_t>(oobFill);
  return d;
}

CUresult encode(CUtensorMap* map, const TensorMapDescription& description) {
  int device = 0;
  if (const CUresult status = tensorMapDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  if (!alignedMap(map)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = checkTensorMap(description); status != CUDA_SUCCESS) {
    return status;
  }
  return state().backend().tensorMapEncode(device, description, *map);
}

} // namespace

CUresult entry::cuTensorMapEncodeTiled(CUtensorMap* map, CUtensorMapDataType dataType, cuuint32_t rank, void* address,
                                       const cuuint64_t* globalDim, const cuuint64_t* globalStrides,
                                       const cuuint32_t* boxDim, const cuuint32_t* elementStrides,
                                       CUtensorMapInterleave interleave, CUtensorMapSwizzle swizzle,
                                       CUtensorMapL2promotion l2Promotion, CUtensorMapFloatOOBfill oobFill) {
  TensorMapDescription d = describe(dataType, rank, address, interleave, swizzle, l2Promotion, oobFill);
  if (const CUresult status = copyShape(d, globalDim, globalStrides, elementStrides); status != CUDA_SUCCESS) {
    return status;
  }
  if (boxDim == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (std::uint32_t i = 0; i < rank; ++i) {
    d.boxDim[i] = boxDim[i];
  }
  return encode(map, d);
}

CUresult entry::cuTensorMapEncodeIm2col(CUtensorMap* map, CUtensorMapDataType dataType, cuuint32_t rank, void* address,
                                        const cuuint64_t* globalDim, const cuuint64_t* globalStrides,
                                        const int* lowerCorner, const int* upperCorner, cuuint32_t channelsPerPixel,
                                        cuuint32_t pixelsPerColumn, const cuuint32_t* elementStrides,
                                        CUtensorMapInterleave interleave, CUtensorMapSwizzle swizzle,
                                        CUtensorMapL2promotion l2Promotion, CUtensorMapFloatOOBfill oobFill) {
  TensorMapDescription d = describe(dataType, rank, address, interleave, swizzle, l2Promotion, oobFill);
  d.im2col = true;
  d.channelsPerPixel = channelsPerPixel;
  d.pixelsPerColumn = pixelsPerColumn;
  if (const CUresult status = copyShape(d, globalDim, globalStrides, elementStrides); status != CUDA_SUCCESS) {
    return status;
  }
  if (rank < 3 || lowerCorner == nullptr || upperCorner == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (std::uint32_t i = 0; i + 2 < rank; ++i) {
    d.lowerCorner[i] = lowerCorner[i];
    d.upperCorner[i] = upperCorner[i];
  }
  return encode(map, d);
}

CUresult entry::cuTensorMapReplaceAddress(CUtensorMap* map, void* address) {
  int device = 0;
  if (const CUresult status = tensorMapDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  if (!alignedMap(map)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return state().backend().tensorMapReplaceAddress(device, *map, reinterpret_cast<CUdeviceptr>(address));
}

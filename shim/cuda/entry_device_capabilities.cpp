// Entry points that describe what a presented device can do beyond its attributes: the atomic
// operations its links carry natively (CUDA 13) and the widest 1D linear texture per format.
// Each answer is derived from the profile's attributes, so the two can never disagree.
#include "cuda_arrays.h"
#include "entry_common.h"

#include "backend/texture_description.h"

#include <cstring>

using namespace vgpu::cuda;

namespace {

// The operations asked for, read as the caller's integers: a number no CUatomicOperation has is
// refused, never loaded as an enumerator.
CUresult checkOperations(unsigned int* capabilities, const CUatomicOperation* operations, unsigned int count) {
  if (capabilities == nullptr || operations == nullptr || count == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (unsigned int i = 0; i < count; ++i) {
    int operation = 0;
    std::memcpy(&operation, operations + i, sizeof operation);
    if (operation < 0 || operation >= static_cast<int>(CU_ATOMIC_OPERATION_MAX)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuDeviceGetHostAtomicCapabilities(unsigned int* capabilities, const CUatomicOperation* operations,
                                                  unsigned int count, CUdevice device) {
  VGPU_REQUIRE_INIT();
  const DeviceRecord* record = state().device(device);
  if (record == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (const CUresult status = checkOperations(capabilities, operations, count); status != CUDA_SUCCESS) {
    return status;
  }
  // A device whose host link carries atomics natively would need the per-operation detail of
  // that link, which no profile describes: say so rather than guess.
  if (presentedCapability(*record, CU_DEVICE_ATTRIBUTE_HOST_NATIVE_ATOMIC_SUPPORTED) ||
      presentedCapability(*record, CU_DEVICE_ATTRIBUTE_ONLY_PARTIAL_HOST_NATIVE_ATOMIC_SUPPORTED)) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  std::memset(capabilities, 0, sizeof(unsigned int) * count); // PCIe: no atomic is native over the link
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetP2PAtomicCapabilities(unsigned int* capabilities, const CUatomicOperation* operations,
                                                 unsigned int count, CUdevice source, CUdevice destination) {
  VGPU_REQUIRE_INIT();
  if (state().device(source) == nullptr || state().device(destination) == nullptr || source == destination) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (const CUresult status = checkOperations(capabilities, operations, count); status != CUDA_SUCCESS) {
    return status;
  }
  std::memset(capabilities, 0, sizeof(unsigned int) * count); // no P2P link between presented devices
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetTexture1DLinearMaxWidth(size_t* maxWidthInElements, CUarray_format format,
                                                   unsigned numChannels, CUdevice device) {
  VGPU_REQUIRE_OUT(maxWidthInElements);
  VGPU_REQUIRE_INIT();
  const DeviceRecord* record = state().device(device);
  if (record == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  std::uint32_t formatNumber = 0;
  std::memcpy(&formatNumber, &format, sizeof formatNumber);
  if (formatElementBytes(formatNumber, numChannels) == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // The limit cuTexObjectCreate holds linear textures to (entry_texture_objects.cpp), in elements.
  *maxWidthInElements = presentedLimit(*record, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE1D_LINEAR_WIDTH);
  return CUDA_SUCCESS;
}

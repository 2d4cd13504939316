// Entry points for CUDA arrays: creation with the driver's documented rules, their descriptors and
// their destruction. What an array is here, and why: cuda_arrays.h. Copies to and from arrays are
// in entry_memcpy.cpp.
#include "backend/texture_description.h"
#include "cuda_arrays.h"
#include "entry_common.h"

#include <memory>

using namespace vgpu::cuda;

namespace {

std::size_t roundUp(std::size_t value, std::size_t multiple) {
  return multiple <= 1 ? value : (value + multiple - 1) / multiple * multiple;
}

CUresult createArray(CUarray* handle, const CUDA_ARRAY3D_DESCRIPTOR& descriptor) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  const DeviceRecord* device = state().device(context->device);
  if (device == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (const CUresult status = checkArrayDescriptor(*device, descriptor); status != CUDA_SUCCESS) {
    return status;
  }
  auto array = std::make_unique<CUarray_st>();
  array->context = context;
  array->device = context->device;
  array->descriptor = descriptor;
  array->elementBytes = formatElementBytes(descriptor.Format, descriptor.NumChannels);
  // Rows padded as a pitched 2D texture needs them, so a GPU behind vgpud can sample the array.
  array->pitch = roundUp(descriptor.Width * array->elementBytes,
                         presentedLimit(*device, CU_DEVICE_ATTRIBUTE_TEXTURE_PITCH_ALIGNMENT));
  array->rows = descriptor.Height == 0 ? 1 : descriptor.Height;
  array->slices = descriptor.Depth == 0 ? 1 : descriptor.Depth;
  if (const CUresult status =
          state().backend().memAlloc(array->device, array->pitch * array->rows * array->slices, array->memory);
      status != CUDA_SUCCESS) {
    return status;
  }
  *handle = state().arrays.add(std::move(array));
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuArrayCreate_v2(CUarray* handle, const CUDA_ARRAY_DESCRIPTOR* descriptor) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_OUT(descriptor);
  CUDA_ARRAY3D_DESCRIPTOR full{};
  full.Width = descriptor->Width;
  full.Height = descriptor->Height;
  full.Format = descriptor->Format;
  full.NumChannels = descriptor->NumChannels;
  return createArray(handle, full);
}

CUresult entry::cuArray3DCreate_v2(CUarray* handle, const CUDA_ARRAY3D_DESCRIPTOR* descriptor) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_OUT(descriptor);
  return createArray(handle, *descriptor);
}

CUresult entry::cuArrayGetDescriptor_v2(CUDA_ARRAY_DESCRIPTOR* descriptor, CUarray handle) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(descriptor);
  CUarray_st* array = nullptr;
  if (const CUresult status = findArray(handle, array); status != CUDA_SUCCESS) {
    return status;
  }
  descriptor->Width = array->descriptor.Width;
  descriptor->Height = array->descriptor.Height;
  descriptor->Format = array->descriptor.Format;
  descriptor->NumChannels = array->descriptor.NumChannels;
  return CUDA_SUCCESS;
}

CUresult entry::cuArray3DGetDescriptor_v2(CUDA_ARRAY3D_DESCRIPTOR* descriptor, CUarray handle) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(descriptor);
  CUarray_st* array = nullptr;
  if (const CUresult status = findArray(handle, array); status != CUDA_SUCCESS) {
    return status;
  }
  *descriptor = array->descriptor;
  return CUDA_SUCCESS;
}

CUresult entry::cuArrayDestroy(CUarray handle) {
  VGPU_REQUIRE_INIT();
  CUarray_st* array = nullptr;
  if (const CUresult status = findArray(handle, array); status != CUDA_SUCCESS) {
    return status;
  }
  if (!state().arrays.destroy(handle)) {
    return CUDA_ERROR_INVALID_HANDLE; // another thread destroyed it first
  }
  return state().backend().memFree(array->memory);
}

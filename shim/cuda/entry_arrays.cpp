// Entry points for CUDA arrays and mipmapped arrays: creation with the driver's documented rules,
// their descriptors, levels and destruction. What an array is here, and why: cuda_arrays.h. Copies to and from arrays
// are in entry_memcpy.cpp.
#include "backend/texture_description.h"
#include "cuda_arrays.h"
#include "entry_common.h"

#include <algorithm>
#include <memory>

using namespace vgpu::cuda;

namespace {

std::size_t roundUp(std::size_t value, std::size_t multiple) {
  return multiple <= 1 ? value : (value + multiple - 1) / multiple * multiple;
}

// The current context and its device, which arrays are made on.
CUresult currentDevice(CUcontext& context, const DeviceRecord*& device) {
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  device = state().device(context->device);
  return device == nullptr ? CUDA_ERROR_INVALID_DEVICE : CUDA_SUCCESS;
}

// An array of a checked descriptor on the context's device (a mipmapped array's level when
// `mipmap` is set).
CUresult makeArray(CUarray* handle, CUcontext context, const DeviceRecord* device,
                   const CUDA_ARRAY3D_DESCRIPTOR& descriptor, CUmipmappedArray mipmap = nullptr) {
  auto array = std::make_unique<CUarray_st>();
  array->mipmap = mipmap;
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

CUresult createArray(CUarray* handle, const CUDA_ARRAY3D_DESCRIPTOR& descriptor) {
  CUcontext context = nullptr;
  const DeviceRecord* device = nullptr;
  if (const CUresult status = currentDevice(context, device); status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = checkArrayDescriptor(*device, descriptor); status != CUDA_SUCCESS) {
    return status;
  }
  return makeArray(handle, context, device, descriptor);
}

CUresult freeArray(CUarray handle) {
  CUarray_st* array = nullptr;
  if (const CUresult status = findArray(handle, array); status != CUDA_SUCCESS) {
    return status;
  }
  if (!state().arrays.destroy(handle)) {
    return CUDA_ERROR_INVALID_HANDLE; // another thread destroyed it first
  }
  return state().backend().memFree(array->memory);
}

// Mipmapped arrays of one or two dimensions have limits of their own (smaller than plain arrays').
bool mipmapExtentsFit(const DeviceRecord& device, const CUDA_ARRAY3D_DESCRIPTOR& d) {
  if ((d.Flags & (CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_CUBEMAP)) != 0 || d.Depth != 0) {
    return true; // layered, cubemap and 3D mipmaps share the plain arrays' limits
  }
  if (d.Height == 0) {
    return d.Width <= presentedLimit(device, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE1D_MIPMAPPED_WIDTH);
  }
  return d.Width <= presentedLimit(device, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_MIPMAPPED_WIDTH) &&
         d.Height <= presentedLimit(device, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_MIPMAPPED_HEIGHT);
}

// Level `level`'s descriptor: each spatial extent halved (never below 1); layers stay.
CUDA_ARRAY3D_DESCRIPTOR levelDescriptor(const CUDA_ARRAY3D_DESCRIPTOR& base, unsigned level) {
  const auto halve = [level](std::size_t extent) -> std::size_t {
    return extent == 0 ? 0 : std::max<std::size_t>(1, extent >> level);
  };
  CUDA_ARRAY3D_DESCRIPTOR d = base;
  d.Width = halve(base.Width);
  d.Height = halve(base.Height);
  if ((base.Flags & (CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_CUBEMAP)) == 0) {
    d.Depth = halve(base.Depth);
  }
  return d;
}

// The levels a request gets: clamped to [1, 1 + floor(log2(largest spatial extent))], as documented
// (layers are not an extent that halves).
unsigned levelCount(const CUDA_ARRAY3D_DESCRIPTOR& d, unsigned asked) {
  std::size_t largest = std::max(d.Width, d.Height);
  if ((d.Flags & (CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_CUBEMAP)) == 0) {
    largest = std::max(largest, d.Depth);
  }
  unsigned most = 1;
  while (largest > 1) {
    largest >>= 1;
    ++most;
  }
  return std::clamp(asked, 1u, most);
}

CUresult findMipmap(CUmipmappedArray handle, CUmipmappedArray_st*& out) {
  out = handle == nullptr ? nullptr : state().mipmappedArrays.find(handle);
  return out == nullptr ? CUDA_ERROR_INVALID_HANDLE : CUDA_SUCCESS;
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
  if (array->mipmap != nullptr) {
    return CUDA_ERROR_INVALID_VALUE; // a level goes with its mipmapped array (cuMipmappedArrayDestroy)
  }
  return freeArray(handle);
}

// What only sparse, deferred-mapping or multi-planar (NV12) arrays have: never made here, so every
// live array answers as the driver documents for one without (INVALID_VALUE).
CUresult entry::cuArrayGetSparseProperties(CUDA_ARRAY_SPARSE_PROPERTIES* properties, CUarray handle) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(properties);
  CUarray_st* array = nullptr;
  const CUresult status = findArray(handle, array);
  return status != CUDA_SUCCESS ? status : CUDA_ERROR_INVALID_VALUE; // not CUDA_ARRAY3D_SPARSE
}

CUresult entry::cuArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS* requirements, CUarray handle,
                                             CUdevice device) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(requirements);
  CUarray_st* array = nullptr;
  if (const CUresult status = findArray(handle, array); status != CUDA_SUCCESS) {
    return status;
  }
  return state().device(device) == nullptr ? CUDA_ERROR_INVALID_DEVICE
                                           : CUDA_ERROR_INVALID_VALUE; // not CUDA_ARRAY3D_DEFERRED_MAPPING
}

CUresult entry::cuArrayGetPlane(CUarray* plane, CUarray handle, unsigned int /*planeIndex*/) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(plane);
  CUarray_st* array = nullptr;
  const CUresult status = findArray(handle, array);
  return status != CUDA_SUCCESS ? status : CUDA_ERROR_INVALID_VALUE; // no multi-planar format
}

CUresult entry::cuMipmappedArrayCreate(CUmipmappedArray* handle, const CUDA_ARRAY3D_DESCRIPTOR* descriptor,
                                       unsigned int levels) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_OUT(descriptor);
  CUcontext context = nullptr;
  const DeviceRecord* device = nullptr;
  if (const CUresult status = currentDevice(context, device); status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = checkArrayDescriptor(*device, *descriptor); status != CUDA_SUCCESS) {
    return status;
  }
  if ((descriptor->Flags & CUDA_ARRAY3D_TEXTURE_GATHER) != 0 || !mipmapExtentsFit(*device, *descriptor)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  auto mipmap = std::make_unique<CUmipmappedArray_st>();
  mipmap->context = context;
  mipmap->descriptor = *descriptor;
  CUmipmappedArray_st* made = state().mipmappedArrays.add(std::move(mipmap));
  const unsigned count = levelCount(*descriptor, levels);
  for (unsigned level = 0; level < count; ++level) {
    CUarray array = nullptr;
    if (const CUresult status = makeArray(&array, context, device, levelDescriptor(*descriptor, level), made);
        status != CUDA_SUCCESS) {
      for (CUarray built : made->levels) {
        freeArray(built);
      }
      state().mipmappedArrays.destroy(made);
      return status;
    }
    made->levels.push_back(array);
  }
  *handle = made;
  return CUDA_SUCCESS;
}

CUresult entry::cuMipmappedArrayGetLevel(CUarray* array, CUmipmappedArray handle, unsigned int level) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(array);
  CUmipmappedArray_st* mipmap = nullptr;
  if (const CUresult status = findMipmap(handle, mipmap); status != CUDA_SUCCESS) {
    return status;
  }
  if (level >= mipmap->levels.size()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *array = mipmap->levels[level];
  return CUDA_SUCCESS;
}

CUresult entry::cuMipmappedArrayDestroy(CUmipmappedArray handle) {
  VGPU_REQUIRE_INIT();
  CUmipmappedArray_st* mipmap = nullptr;
  if (const CUresult status = findMipmap(handle, mipmap); status != CUDA_SUCCESS) {
    return status;
  }
  if (!state().mipmappedArrays.destroy(handle)) {
    return CUDA_ERROR_INVALID_HANDLE; // another thread destroyed it first
  }
  CUresult result = CUDA_SUCCESS;
  for (CUarray level : mipmap->levels) {
    if (const CUresult status = freeArray(level); status != CUDA_SUCCESS) {
      result = status;
    }
  }
  return result;
}

CUresult entry::cuMipmappedArrayGetSparseProperties(CUDA_ARRAY_SPARSE_PROPERTIES* properties, CUmipmappedArray handle) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(properties);
  CUmipmappedArray_st* mipmap = nullptr;
  const CUresult status = findMipmap(handle, mipmap);
  return status != CUDA_SUCCESS ? status : CUDA_ERROR_INVALID_VALUE; // not CUDA_ARRAY3D_SPARSE
}

CUresult entry::cuMipmappedArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS* requirements,
                                                      CUmipmappedArray handle, CUdevice device) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(requirements);
  CUmipmappedArray_st* mipmap = nullptr;
  if (const CUresult status = findMipmap(handle, mipmap); status != CUDA_SUCCESS) {
    return status;
  }
  return state().device(device) == nullptr ? CUDA_ERROR_INVALID_DEVICE
                                           : CUDA_ERROR_INVALID_VALUE; // not CUDA_ARRAY3D_DEFERRED_MAPPING
}

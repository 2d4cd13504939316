// Entry points for texture and surface objects (cuTexObjectCreate, cuSurfObjectCreate, their
// destruction and descriptors). The driver layer checks what the driver documents — the resource
// (a CUDA array of the context's device, or linear or pitched device memory with the device's
// alignment and size limits), the sampling description and a view — then the backend makes the
// object whose value kernels read: the simulated device a value of its own, a GPU behind vgpud its
// driver's. The application's own descriptors are kept so they can be given back as they were.
#include "backend/texture_description.h"
#include "cuda_arrays.h"
#include "entry_common.h"

#include "vgpu/log.h"

#include <atomic>

#include <map>
#include <mutex>
#include <optional>

using namespace vgpu::cuda;

namespace {

struct ImageObject {
  CUDA_RESOURCE_DESC resource{};
  CUDA_TEXTURE_DESC texture{};
  std::optional<CUDA_RESOURCE_VIEW_DESC> view;
};

// Texture and surface objects live in separate maps: their values come from the backend and may
// repeat across the two kinds.
struct ImageObjects {
  std::mutex mutex;
  std::map<std::uint64_t, ImageObject> textures;
  std::map<std::uint64_t, ImageObject> surfaces;
};

ImageObjects& objects() {
  static ImageObjects* instance = new ImageObjects; // never destroyed: used until the process ends
  return *instance;
}

// Linear and pitched memory: the device's alignment and size limits, and memory of this device
// that holds all of the texture.
CUresult checkMemory(const DeviceRecord& device, int ordinal, const TextureDescription& d) {
  const std::uint64_t alignment = presentedLimit(device, CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT);
  if (alignment != 0 && d.address % alignment != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (d.resourceType == CU_RESOURCE_TYPE_LINEAR) {
    if (d.width / formatElementBytes(d.format, d.channels) >
        presentedLimit(device, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE1D_LINEAR_WIDTH)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  } else {
    const std::uint64_t pitchAlignment = presentedLimit(device, CU_DEVICE_ATTRIBUTE_TEXTURE_PITCH_ALIGNMENT);
    if (d.width > presentedLimit(device, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_LINEAR_WIDTH) ||
        d.height > presentedLimit(device, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_LINEAR_HEIGHT) ||
        d.pitch > presentedLimit(device, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_LINEAR_PITCH) ||
        (pitchAlignment != 0 && d.pitch % pitchAlignment != 0)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  PointerInfo info;
  if (state().backend().pointerInfo(d.address, info) != CUDA_SUCCESS || info.device != ordinal ||
      (info.kind != MemoryKind::Device && info.kind != MemoryKind::Managed) || d.address - info.base > info.size ||
      textureFootprint(d) > info.size - (d.address - info.base)) {
    return CUDA_ERROR_INVALID_VALUE; // not all of it one allocation of this device
  }
  return CUDA_SUCCESS;
}

// The resource as an executor sees it (checked with the rest: checkDescribed).
CUresult describeResource(int ordinal, const CUDA_RESOURCE_DESC& r, TextureDescription& d) {
  if (r.flags != 0) {
    return CUDA_ERROR_INVALID_VALUE; // "flags must be set to zero"
  }
  d.resourceType = static_cast<std::uint32_t>(r.resType);
  switch (r.resType) {
  case CU_RESOURCE_TYPE_ARRAY: {
    CUarray_st* array = nullptr;
    if (findArray(r.res.array.hArray, array) != CUDA_SUCCESS || array->device != ordinal) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    d.address = array->memory;
    d.format = static_cast<std::uint32_t>(array->descriptor.Format);
    d.channels = array->descriptor.NumChannels;
    d.width = array->descriptor.Width;
    d.height = array->descriptor.Height;
    d.depth = array->descriptor.Depth;
    d.pitch = array->pitch;
    d.arrayFlags = array->descriptor.Flags;
    return CUDA_SUCCESS;
  }
  case CU_RESOURCE_TYPE_LINEAR:
    d.address = r.res.linear.devPtr;
    d.format = static_cast<std::uint32_t>(r.res.linear.format);
    d.channels = r.res.linear.numChannels;
    d.width = r.res.linear.sizeInBytes;
    break;
  case CU_RESOURCE_TYPE_PITCH2D:
    d.address = r.res.pitch2D.devPtr;
    d.format = static_cast<std::uint32_t>(r.res.pitch2D.format);
    d.channels = r.res.pitch2D.numChannels;
    d.width = r.res.pitch2D.width;
    d.height = r.res.pitch2D.height;
    d.pitch = r.res.pitch2D.pitchInBytes;
    break;
  case CU_RESOURCE_TYPE_MIPMAPPED_ARRAY: {
    const CUmipmappedArray_st* mipmap = state().mipmappedArrays.find(r.res.mipmap.hMipmappedArray);
    if (mipmap == nullptr || mipmap->context->device != ordinal) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    // Sampling between levels needs the executor's own mipmapped arrays; each level is an array
    // a texture can be made over (cuMipmappedArrayGetLevel).
    static std::atomic<bool> reported{false};
    if (!reported.exchange(true)) {
      vgpu::log::writef(vgpu::log::Level::Warn, "driver",
                        "cuTexObjectCreate: a texture over a whole mipmapped array is not built: "
                        "CUDA_ERROR_NOT_SUPPORTED (textures over one of its levels work)");
    }
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  default: return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

// A view reinterprets an array: the same extents (block-compressed views, whose extents differ,
// are not built), no mipmap levels, layers only of a layered array (checkTexture).
CUresult describeView(const CUDA_RESOURCE_DESC& r, const CUDA_RESOURCE_VIEW_DESC& view, TextureDescription& d) {
  if (r.resType != CU_RESOURCE_TYPE_ARRAY) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (view.format >= CU_RES_VIEW_FORMAT_UNSIGNED_BC1 && view.format <= CU_RES_VIEW_FORMAT_UNSIGNED_BC7) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  if (view.format > CU_RES_VIEW_FORMAT_UNSIGNED_BC7 || view.width != d.width || view.height != d.height ||
      view.depth != d.depth || view.firstMipmapLevel != 0 || view.lastMipmapLevel != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  d.hasView = true;
  d.viewFormat = static_cast<std::uint32_t>(view.format);
  d.firstLayer = view.firstLayer;
  d.lastLayer = view.lastLayer;
  return CUDA_SUCCESS;
}

// A whole description checked once: the rules vgpud checks too, then, for linear and pitched
// memory, the device's limits and the memory itself (an array's memory is its own).
CUresult checkDescribed(const DeviceRecord& device, int ordinal, const TextureDescription& d) {
  if (const CUresult status = checkTexture(d); status != CUDA_SUCCESS) {
    return status;
  }
  return d.resourceType == CU_RESOURCE_TYPE_ARRAY ? CUDA_SUCCESS : checkMemory(device, ordinal, d);
}

// Gives back what `pick` finds in the live object `value` of `map` (nullptr: nothing to give).
template <typename T, typename Pick>
CUresult giveBack(std::map<std::uint64_t, ImageObject>& map, std::uint64_t value, T* out, Pick pick) {
  if (out == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(objects().mutex);
  const auto found = map.find(value);
  const T* picked = found == map.end() ? nullptr : pick(found->second);
  if (picked == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *out = *picked;
  return CUDA_SUCCESS;
}

CUresult currentDevice(const DeviceRecord*& device, int& ordinal) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  ordinal = context->device;
  device = state().device(ordinal);
  return device == nullptr ? CUDA_ERROR_INVALID_DEVICE : CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuTexObjectCreate(CUtexObject* object, const CUDA_RESOURCE_DESC* resource,
                                  const CUDA_TEXTURE_DESC* texture, const CUDA_RESOURCE_VIEW_DESC* view) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(object);
  VGPU_REQUIRE_OUT(resource);
  VGPU_REQUIRE_OUT(texture);
  const DeviceRecord* device = nullptr;
  int ordinal = 0;
  if (const CUresult status = currentDevice(device, ordinal); status != CUDA_SUCCESS) {
    return status;
  }
  TextureDescription d;
  if (const CUresult status = describeResource(ordinal, *resource, d); status != CUDA_SUCCESS) {
    return status;
  }
  describeSampling(*texture, d);
  if (view != nullptr) {
    if (const CUresult status = describeView(*resource, *view, d); status != CUDA_SUCCESS) {
      return status;
    }
  }
  if (const CUresult status = checkDescribed(*device, ordinal, d); status != CUDA_SUCCESS) {
    return status;
  }
  std::uint64_t value = 0;
  if (const CUresult status = state().backend().textureObjectCreate(ordinal, d, value); status != CUDA_SUCCESS) {
    return status;
  }
  ImageObject kept{*resource, *texture, view != nullptr ? std::optional(*view) : std::nullopt};
  const std::lock_guard lock(objects().mutex);
  objects().textures[value] = kept;
  *object = value;
  return CUDA_SUCCESS;
}

CUresult entry::cuTexObjectDestroy(CUtexObject object) {
  VGPU_REQUIRE_INIT();
  {
    const std::lock_guard lock(objects().mutex);
    if (objects().textures.erase(object) == 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  return state().backend().textureObjectDestroy(object);
}

CUresult entry::cuTexObjectGetResourceDesc(CUDA_RESOURCE_DESC* resource, CUtexObject object) {
  VGPU_REQUIRE_INIT();
  return giveBack(objects().textures, object, resource, [](const ImageObject& o) { return &o.resource; });
}

CUresult entry::cuTexObjectGetTextureDesc(CUDA_TEXTURE_DESC* texture, CUtexObject object) {
  VGPU_REQUIRE_INIT();
  return giveBack(objects().textures, object, texture, [](const ImageObject& o) { return &o.texture; });
}

CUresult entry::cuTexObjectGetResourceViewDesc(CUDA_RESOURCE_VIEW_DESC* view, CUtexObject object) {
  VGPU_REQUIRE_INIT();
  // "If no resource view was set for texObject, the CUDA_ERROR_INVALID_VALUE is returned."
  return giveBack(objects().textures, object, view, [](const ImageObject& o) { return o.view ? &*o.view : nullptr; });
}

// Surfaces: "resType must be CU_RESOURCE_TYPE_ARRAY", an array made with CUDA_ARRAY3D_SURFACE_LDST.
CUresult entry::cuSurfObjectCreate(CUsurfObject* object, const CUDA_RESOURCE_DESC* resource) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(object);
  VGPU_REQUIRE_OUT(resource);
  const DeviceRecord* device = nullptr;
  int ordinal = 0;
  if (const CUresult status = currentDevice(device, ordinal); status != CUDA_SUCCESS) {
    return status;
  }
  if (resource->resType != CU_RESOURCE_TYPE_ARRAY) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  TextureDescription d;
  if (const CUresult status = describeResource(ordinal, *resource, d); status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = checkDescribed(*device, ordinal, d); status != CUDA_SUCCESS) {
    return status;
  }
  if ((d.arrayFlags & CUDA_ARRAY3D_SURFACE_LDST) == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::uint64_t value = 0;
  if (const CUresult status = state().backend().surfaceObjectCreate(ordinal, d, value); status != CUDA_SUCCESS) {
    return status;
  }
  const std::lock_guard lock(objects().mutex);
  objects().surfaces[value] = ImageObject{*resource, {}, std::nullopt};
  *object = value;
  return CUDA_SUCCESS;
}

CUresult entry::cuSurfObjectDestroy(CUsurfObject object) {
  VGPU_REQUIRE_INIT();
  {
    const std::lock_guard lock(objects().mutex);
    if (objects().surfaces.erase(object) == 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  return state().backend().surfaceObjectDestroy(object);
}

CUresult entry::cuSurfObjectGetResourceDesc(CUDA_RESOURCE_DESC* resource, CUsurfObject object) {
  VGPU_REQUIRE_INIT();
  return giveBack(objects().surfaces, object, resource, [](const ImageObject& o) { return &o.resource; });
}

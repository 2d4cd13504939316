// Texture objects on the GPU: made by its driver in the device's context, over memory the session
// holds on that device, so a tenant's texture can read nothing else.
#include "cuda_backend.h"

namespace vgpu::daemon {

namespace {

// The driver's resource for a checked description; false where the GPU would need a CUDA array
// of its own (1D, 3D, layered and cubemap arrays, and views that reinterpret an array).
bool driverResource(const cuda::TextureDescription& d, CUDA_RESOURCE_DESC& out) {
  out = CUDA_RESOURCE_DESC{};
  const auto format = static_cast<CUarray_format>(d.format);
  if (d.resourceType == CU_RESOURCE_TYPE_LINEAR) {
    out.resType = CU_RESOURCE_TYPE_LINEAR;
    out.res.linear.devPtr = d.address;
    out.res.linear.format = format;
    out.res.linear.numChannels = d.channels;
    out.res.linear.sizeInBytes = d.width;
    return true;
  }
  const bool twoDimensionalArray = d.resourceType == CU_RESOURCE_TYPE_ARRAY && d.height != 0 && d.depth == 0 &&
                                   (d.arrayFlags & (CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_CUBEMAP)) == 0 &&
                                   cuda::viewIsIdentity(d);
  if (d.resourceType != CU_RESOURCE_TYPE_PITCH2D && !twoDimensionalArray) {
    return false;
  }
  out.resType = CU_RESOURCE_TYPE_PITCH2D;
  out.res.pitch2D.devPtr = d.address;
  out.res.pitch2D.format = format;
  out.res.pitch2D.numChannels = d.channels;
  out.res.pitch2D.width = d.width;
  out.res.pitch2D.height = d.height;
  out.res.pitch2D.pitchInBytes = d.pitch;
  return true;
}

CUDA_TEXTURE_DESC driverTexture(const cuda::TextureDescription& d) {
  CUDA_TEXTURE_DESC out{};
  for (std::size_t i = 0; i < d.addressMode.size(); ++i) {
    out.addressMode[i] = static_cast<CUaddress_mode>(d.addressMode[i]);
  }
  out.filterMode = static_cast<CUfilter_mode>(d.filterMode);
  out.flags = d.flags;
  out.maxAnisotropy = d.maxAnisotropy;
  out.mipmapFilterMode = static_cast<CUfilter_mode>(d.mipmapFilterMode);
  out.mipmapLevelBias = d.mipmapLevelBias;
  out.minMipmapLevelClamp = d.minMipmapLevelClamp;
  out.maxMipmapLevelClamp = d.maxMipmapLevelClamp;
  for (std::size_t i = 0; i < d.borderColor.size(); ++i) {
    out.borderColor[i] = d.borderColor[i];
  }
  return out;
}

} // namespace

CUresult CudaBackend::textureObjectCreate(int device, const cuda::TextureDescription& d, std::uint64_t& out) {
  if (!validDevice(device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  // The description was checked by the handler (session_calls.cpp); its memory is checked here.
  if (int owner = -1; !knownRange(d.address, cuda::textureFootprint(d), owner) || owner != device) {
    return CUDA_ERROR_INVALID_VALUE; // not all of it this session's memory on that device
  }
  CUDA_RESOURCE_DESC resource{};
  if (!driverResource(d, resource)) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  if (textures_.size() >= cuda::kMaxTextureObjects) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  const CUDA_TEXTURE_DESC texture = driverTexture(d);
  CUtexObject object = 0;
  if (const CUresult status = driver_.cuTexObjectCreate(&object, &resource, &texture, nullptr);
      status != CUDA_SUCCESS) {
    return note(status);
  }
  textures_[object] = device;
  out = object;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::textureObjectDestroy(std::uint64_t object) {
  const auto found = textures_.find(object);
  if (found == textures_.end()) {
    return CUDA_ERROR_INVALID_VALUE; // not one this session made
  }
  if (const CUresult bound = bind(found->second); bound != CUDA_SUCCESS) {
    return bound;
  }
  textures_.erase(found);
  return note(driver_.cuTexObjectDestroy(object));
}

} // namespace vgpu::daemon

// The simulated device's texture and surface objects: a value of its own for a checked description
// whose memory it holds on that device. Its kernels do not run, so nothing samples them; the value
// is kept only so it can be destroyed once.
#include "sim/simulated_backend.h"

namespace vgpu::cuda::sim {

CUresult SimulatedBackend::imageObjectCreate(int device, const TextureDescription& description, bool surface,
                                             std::uint64_t& out) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  // The description was checked by the caller (the driver layer, or vgpud's handler); what is left
  // to the device is whether the memory is its own.
  if (surface && description.resourceType != CU_RESOURCE_TYPE_ARRAY) {
    return CUDA_ERROR_INVALID_VALUE; // surfaces are of arrays only
  }
  PointerInfo info;
  std::vector<SimulatedMemory::HostSpan> spans;
  const SimulatedMemory& memory = *memories_[static_cast<std::size_t>(device)];
  if (memory.pointerInfo(description.address, info) != CUDA_SUCCESS ||
      (info.kind != MemoryKind::Device && info.kind != MemoryKind::Managed) ||
      memory.resolve(description.address, textureFootprint(description), spans) != CUDA_SUCCESS) {
    return CUDA_ERROR_INVALID_VALUE; // not all of it this device's memory
  }
  const std::lock_guard lock(mutex_);
  if (imageObjects_.size() >= kMaxTextureObjects) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  out = nextHandle_++;
  imageObjects_.emplace(out, surface);
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::imageObjectDestroy(std::uint64_t object, bool surface) {
  const std::lock_guard lock(mutex_);
  const auto found = imageObjects_.find(object);
  if (found == imageObjects_.end() || found->second != surface) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  imageObjects_.erase(found);
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::textureObjectCreate(int device, const TextureDescription& description, std::uint64_t& out) {
  return imageObjectCreate(device, description, false, out);
}

CUresult SimulatedBackend::textureObjectDestroy(std::uint64_t object) {
  return imageObjectDestroy(object, false);
}

CUresult SimulatedBackend::surfaceObjectCreate(int device, const TextureDescription& description, std::uint64_t& out) {
  return imageObjectCreate(device, description, true, out);
}

CUresult SimulatedBackend::surfaceObjectDestroy(std::uint64_t object) {
  return imageObjectDestroy(object, true);
}

} // namespace vgpu::cuda::sim

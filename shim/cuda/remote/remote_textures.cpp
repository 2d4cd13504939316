// Texture objects through vgpud: the executor makes them (TextureObjectCreate), so the value is
// one its kernels can read — the GPU's driver's on the cuda backend. Surface objects need CUDA
// arrays of the GPU's own, which vgpud does not make (the shim keeps arrays as pitched memory:
// cuda_arrays.h), so they are refused with the reason, once.
#include "remote/remote_backend.h"

#include "backend/backend_wire.h"

#include "vgpu/log.h"
#include "vgpu/wire_calls.h"

#include <atomic>

namespace vgpu::cuda::remote {

using wire::Call;

CUresult RemoteBackend::textureObjectCreate(int device, const TextureDescription& description, std::uint64_t& out) {
  const std::lock_guard lock(mutex_);
  if (device < 0 || device >= deviceCount()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  wire::ReplyOf<Call::TextureObjectCreate> reply;
  const CUresult status = callDefined<Call::TextureObjectCreate>(textureToWire(device, description), reply);
  if (status == CUDA_SUCCESS) {
    out = reply.handle;
  }
  return status;
}

CUresult RemoteBackend::textureObjectDestroy(std::uint64_t object) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::TextureObjectDestroy> reply;
  return callDefined<Call::TextureObjectDestroy>({object}, reply);
}

CUresult RemoteBackend::surfaceObjectCreate(int, const TextureDescription&, std::uint64_t&) {
  static std::atomic<bool> reported{false};
  if (!reported.exchange(true)) {
    vgpu::log::writef(vgpu::log::Level::Warn, "remote",
                      "surface objects need CUDA arrays on the executing GPU, which vgpud does not make yet: "
                      "CUDA_ERROR_NOT_SUPPORTED (texture objects and copies of arrays work)");
  }
  return CUDA_ERROR_NOT_SUPPORTED;
}

} // namespace vgpu::cuda::remote

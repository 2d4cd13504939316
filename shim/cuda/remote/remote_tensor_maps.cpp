// Tensor maps through vgpud: the executor encodes them (a GPU's driver knows its own opaque form,
// and its kernels read the map with the device addresses the guest sees, which are the GPU's).
// An older vgpud answers NOT_SUPPORTED.
#include "remote/remote_backend.h"

#include "backend/backend_wire.h"

#include "vgpu/wire_calls.h"

namespace vgpu::cuda::remote {

using wire::Call;

CUresult RemoteBackend::tensorMapEncode(int device, const TensorMapDescription& description, CUtensorMap& out) {
  const std::lock_guard lock(mutex_);
  if (device < 0 || device >= deviceCount()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  wire::ReplyOf<Call::TensorMapEncode> reply;
  const CUresult status = callDefined<Call::TensorMapEncode>(tensorMapToWire(device, description), reply);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  return tensorMapFromWords(reply.map, out) ? CUDA_SUCCESS : CUDA_ERROR_UNKNOWN;
}

CUresult RemoteBackend::tensorMapReplaceAddress(int device, CUtensorMap& map, CUdeviceptr address) {
  const std::lock_guard lock(mutex_);
  if (device < 0 || device >= deviceCount()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  wire::ReplyOf<Call::TensorMapReplaceAddress> reply;
  const CUresult status =
      callDefined<Call::TensorMapReplaceAddress>({std::int32_t{device}, tensorMapWords(map), address}, reply);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  return tensorMapFromWords(reply.map, map) ? CUDA_SUCCESS : CUDA_ERROR_UNKNOWN;
}

} // namespace vgpu::cuda::remote

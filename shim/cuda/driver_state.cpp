// Lazy, thread-safe initialisation of the driver shim.
#include "driver_state.h"

#include "vgpu/log.h"

#include <mutex>

namespace vgpu::cuda {

DriverState& DriverState::instance() {
  static DriverState state;
  return state;
}

CUresult DriverState::initialize(unsigned int flags) {
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  static std::once_flag once;
  std::call_once(once, [this] {
    // Execution backends (the simulated device, the remote vgpud) are not part of this build yet,
    // so there is no device to offer. Say so rather than pretend (docs/ARCHITECTURE.md).
    log::write(log::Level::Info, "cuInit",
               "no device: this build has no execution backend yet (no simulated device, no vgpud endpoint)");
    initResult_ = CUDA_ERROR_NO_DEVICE;
    deviceCount_ = 0;
  });
  return initResult_;
}

CUresult DriverState::requireInitialized() const {
  return initResult_ == CUDA_SUCCESS ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED;
}

} // namespace vgpu::cuda

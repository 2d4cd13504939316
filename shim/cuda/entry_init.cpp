// Entry points for initialisation, versions and device enumeration.
#include "driver_state.h"
#include "entry_points.h"

using vgpu::cuda::DriverState;

extern "C" {

__attribute__((visibility("default"))) CUresult cuInit(unsigned int flags) {
  return DriverState::instance().initialize(flags);
}

__attribute__((visibility("default"))) CUresult cuDriverGetVersion(int* driverVersion) {
  if (driverVersion == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // The API level this shim implements: the cuda.h it was built against.
  *driverVersion = CUDA_VERSION;
  return CUDA_SUCCESS;
}

__attribute__((visibility("default"))) CUresult cuDeviceGetCount(int* count) {
  if (count == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const DriverState& state = DriverState::instance();
  if (const CUresult status = state.requireInitialized(); status != CUDA_SUCCESS) {
    return status;
  }
  *count = state.deviceCount();
  return CUDA_SUCCESS;
}

} // extern "C"

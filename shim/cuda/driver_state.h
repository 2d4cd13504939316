// Process-wide state of the driver shim: whether cuInit ran and what it found. Created at the
// first call that needs it, never at load time.
#pragma once

#include <cuda.h>

namespace vgpu::cuda {

class DriverState {
public:
  static DriverState& instance();

  // Runs initialisation once; later calls return the first result, as the real driver does.
  CUresult initialize(unsigned int flags);
  // CUDA_SUCCESS once cuInit succeeded, else CUDA_ERROR_NOT_INITIALIZED.
  CUresult requireInitialized() const;
  int deviceCount() const { return deviceCount_; }

private:
  DriverState() = default;
  CUresult initResult_ = CUDA_ERROR_NOT_INITIALIZED;
  int deviceCount_ = 0;
};

} // namespace vgpu::cuda

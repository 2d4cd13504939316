// Entry points for the profiler API. With no profiler attached NVIDIA's driver answers
// cuProfilerStart/Stop with success (and cuProfilerInitialize, gone from CUDA 12's headers, with
// CUDA_ERROR_NOT_SUPPORTED there too); programs bracket timed regions with them and abort on an
// error. The shim answers as the driver does, after the same context check, and marks the region
// for telemetry (profiler_marks.h).
#include "entry_common.h"
#include "profiler_marks.h"

using namespace vgpu::cuda;

CUresult entry::cuProfilerStart(void) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  profiler_marks::start();
  return CUDA_SUCCESS;
}

CUresult entry::cuProfilerStop(void) {
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  profiler_marks::stop();
  return CUDA_SUCCESS;
}

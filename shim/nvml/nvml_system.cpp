// System-wide versions. They describe the driver the shim stands in for and agree with the CUDA
// shim: cuDriverGetVersion reports 13000 (CUDA 13.0), which NVIDIA ships with the R580 driver; the
// driver version string is the one the reference H100 reports (docs/gpu-results/
// 2026-11-26-h100-driver-facts/nvidia-smi-q.txt: "Driver Version : 580.159.04", "CUDA Version : 13.0").
// Ollama compares this driver version against its runtime's minimum (550 for CUDA 12.4+).
#include "nvml_entry_points.h"

#include "nvml_devices.h"

#include <cuda.h>

namespace {

constexpr const char* kDriverVersion = "580.159.04";
constexpr const char* kNvmlVersion = "13.580.159.04"; // NVML's form: <CUDA major>.<driver version>
constexpr int kCudaDriverVersion = CUDA_VERSION;      // what cuDriverGetVersion of libvgpu-cuda reports
// The driver strings above belong to CUDA 13.0; a new cuda.h needs the matching driver version here.
static_assert(kCudaDriverVersion == 13000, "update kDriverVersion/kNvmlVersion for this CUDA version");

} // namespace

VGPU_NVML_EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  if (!vgpu::nvml::initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  return vgpu::nvml::copyString(kDriverVersion, version, length);
}

// NVML answers its own version without nvmlInit.
VGPU_NVML_EXPORT nvmlReturn_t nvmlSystemGetNVMLVersion(char* version, unsigned int length) {
  return vgpu::nvml::copyString(kNvmlVersion, version, length);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int* cudaDriverVersion) {
  if (cudaDriverVersion == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *cudaDriverVersion = kCudaDriverVersion;
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion(int* cudaDriverVersion) {
  return nvmlSystemGetCudaDriverVersion_v2(cudaDriverVersion);
}

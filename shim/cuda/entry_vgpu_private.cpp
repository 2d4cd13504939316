// The private entry points libvgpu-cuda offers its sibling libvgpu-nvml: the device memory this
// process has allocated on a shim device, so NVML's "used" comes from the CUDA shim's real
// accounting rather than an invented figure, and this process's launch activity (activity.h). libvgpu-nvml finds it
// with dlsym (RTLD_DEFAULT, or the already loaded libcuda.so.1) when both libraries are in one process (Ollama's
// runner). The device is named by its UUID, not its ordinal, because CUDA ordinals may be renumbered
// (CUDA_VISIBLE_DEVICES) while NVML indices are not. The cu prefix keeps the export rule (only cu* symbols); it is
// deliberately not written with VGPU_EXPORT, so it stays out of the driver API table:
// cuGetProcAddress does not answer it and docs/cuda-api-coverage.md does not list it.
#include "activity.h"
#include "entry_common.h"

#include <cstddef>
#include <cstring>

// CUDA_SUCCESS with *used = the bytes allocated on the device whose cuDeviceGetUuid is *uuid;
// CUDA_ERROR_NOT_INITIALIZED before cuInit; CUDA_ERROR_INVALID_DEVICE for an unknown UUID;
// CUDA_ERROR_INVALID_VALUE for a null pointer.
extern "C" __attribute__((visibility("default"))) CUresult cuVgpuDeviceMemoryUsage(const CUuuid* uuid,
                                                                                   std::size_t* used) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(uuid);
  VGPU_REQUIRE_OUT(used);
  vgpu::cuda::DriverState& driver = vgpu::cuda::state();
  for (int ordinal = 0; ordinal < driver.deviceCount(); ++ordinal) {
    const vgpu::cuda::DeviceRecord* record = driver.device(ordinal);
    if (std::memcmp(record->presented.uuid.data(), uuid->bytes, sizeof uuid->bytes) != 0) {
      continue;
    }
    std::size_t freeBytes = 0;
    std::size_t totalBytes = 0;
    if (const CUresult status = driver.backend().memGetInfo(ordinal, freeBytes, totalBytes); status != CUDA_SUCCESS) {
      return status;
    }
    *used = totalBytes - freeBytes;
    return CUDA_SUCCESS;
  }
  return CUDA_ERROR_INVALID_DEVICE;
}

// CUDA_SUCCESS with the shares (0..100) of the last second's 10 ms slots in which this process had
// a kernel launch / a copy or memset accepted (activity.h); CUDA_ERROR_NOT_INITIALIZED before
// cuInit; CUDA_ERROR_INVALID_VALUE for a null pointer.
extern "C" __attribute__((visibility("default"))) CUresult cuVgpuProcessActivity(unsigned* kernelPercent,
                                                                                 unsigned* memoryPercent) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(kernelPercent);
  VGPU_REQUIRE_OUT(memoryPercent);
  const vgpu::cuda::activity::Share share = vgpu::cuda::activity::lastSecond();
  *kernelPercent = share.kernelPercent;
  *memoryPercent = share.memoryPercent;
  return CUDA_SUCCESS;
}

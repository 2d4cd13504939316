// Device memory (nvmlDeviceGetMemoryInfo, _v2). Total comes from the profile. Used comes only from
// real accounting: the CUDA shim's, through its private entry point cuVgpuDeviceMemoryUsage
// (shim/cuda/entry_vgpu_private.cpp), when libvgpu-cuda is loaded and initialised in this process
// (Ollama's runner). Without it (nvidia-smi, nvtop) nothing here knows what other processes use —
// that arrives with the control sockets — so the answer is NVML_ERROR_NOT_SUPPORTED, never a guess.
#include "nvml_devices.h"

#include <atomic>
#include <cstddef>
#include <dlfcn.h>

namespace {

// cuVgpuDeviceMemoryUsage(const CUuuid* device, size_t* used) -> CUresult.
using MemoryUsageFunction = int (*)(const unsigned char* uuid, std::size_t* used);
constexpr int kCudaSuccess = 0;

// The CUDA shim's entry point, looked up at each call until found (libcuda.so.1 may be loaded after
// NVML's first call). RTLD_DEFAULT sees libraries in the global scope; ggml dlopens its CUDA backend
// RTLD_LOCAL, which hides libcuda.so.1 from it, so an already loaded libcuda.so.1 is also asked
// directly (RTLD_NOLOAD: never loads it). NVIDIA's own libcuda.so.1 has no such symbol.
MemoryUsageFunction cudaShimMemoryUsage() {
  static std::atomic<MemoryUsageFunction> cached{nullptr};
  MemoryUsageFunction function = cached.load(std::memory_order_acquire);
  if (function != nullptr) {
    return function;
  }
  void* address = dlsym(RTLD_DEFAULT, "cuVgpuDeviceMemoryUsage");
  if (address == nullptr) {
    if (void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD); cuda != nullptr) {
      address = dlsym(cuda, "cuVgpuDeviceMemoryUsage");
      if (address == nullptr) {
        dlclose(cuda); // NVIDIA's libcuda: drop the reference RTLD_NOLOAD took
      }
    }
  }
  function = reinterpret_cast<MemoryUsageFunction>(address);
  cached.store(function, std::memory_order_release);
  return function;
}

struct MemoryFigures {
  unsigned long long total = 0;
  unsigned long long used = 0;
};

nvmlReturn_t memoryFigures(nvmlDevice_t device, MemoryFigures& figures) {
  const MemoryUsageFunction usage = cudaShimMemoryUsage();
  std::size_t used = 0;
  if (usage == nullptr || usage(device->presented.uuid.data(), &used) != kCudaSuccess) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  figures.total = device->presented.profile->totalMemoryBytes;
  figures.used = used;
  return NVML_SUCCESS;
}

} // namespace

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
  if (const nvmlReturn_t status = vgpu::nvml::checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (memory == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  MemoryFigures figures;
  if (const nvmlReturn_t status = memoryFigures(device, figures); status != NVML_SUCCESS) {
    return status;
  }
  memory->total = figures.total;
  memory->used = figures.used;
  memory->free = figures.total - figures.used;
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t* memory) {
  if (const nvmlReturn_t status = vgpu::nvml::checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (memory == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  if (memory->version != nvmlMemory_v2) {
    return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  }
  MemoryFigures figures;
  if (const nvmlReturn_t status = memoryFigures(device, figures); status != NVML_SUCCESS) {
    return status;
  }
  memory->total = figures.total;
  memory->reserved = 0; // the simulated device sets nothing aside for a driver or firmware
  memory->used = figures.used;
  memory->free = figures.total - figures.used;
  return NVML_SUCCESS;
}

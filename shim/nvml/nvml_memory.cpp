// Device memory (nvmlDeviceGetMemoryInfo, _v2). Total comes from the profile, always: a device has
// its size whether or not anything uses it. Used is the sum of the real accounting of every process
// that presents the device and that this caller may read (nvml_usage.h): the CUDA shim in this
// process and every other shim process's control socket. With neither source (no CUDA shim here,
// no runtime directory: an idle guest) no process is known to use the device: used 0, free = total.
#include "nvml_devices.h"
#include "nvml_usage.h"

namespace {

struct MemoryFigures {
  unsigned long long total = 0;
  unsigned long long used = 0;
};

nvmlReturn_t memoryFigures(nvmlDevice_t device, MemoryFigures& figures) {
  const vgpu::nvml::DeviceUsage usage = vgpu::nvml::deviceUsage(*device);
  figures.total = device->presented.profile->totalMemoryBytes;
  // Simulated devices of separate processes are accounted separately: their sum can exceed the
  // profile's total, which a real device cannot. Free never goes below zero.
  figures.used = usage.usedBytes;
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
  memory->free = figures.used < figures.total ? figures.total - figures.used : 0;
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
  memory->free = figures.used < figures.total ? figures.total - figures.used : 0;
  return NVML_SUCCESS;
}

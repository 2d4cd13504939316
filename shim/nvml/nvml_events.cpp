// Event sets. nvidia-smi's default view creates one before anything else and stops with "Internal
// NVML error" when that fails, so nvmlEventSetCreate succeeds. The shim has no source of device
// events (XID errors, ECC, clock changes): nvmlDeviceRegisterEvents answers NOT_SUPPORTED (a stub in
// nvml_unsupported_symbols.inc; nvidia-smi reports it and carries on), and waiting on a set
// honestly times out after the caller's timeout, as NVML does when nothing happens.
#include "nvml_devices.h"

#include <chrono>
#include <thread>

struct nvmlEventSet_st {
  unsigned int magic = 0;
};

namespace {

constexpr unsigned int kEventSetMagic = 0x76677065; // "vgpe": recognises sets we created

bool validSet(nvmlEventSet_t set) {
  return set != nullptr && set->magic == kEventSetMagic;
}

} // namespace

VGPU_NVML_EXPORT nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t* set) {
  if (!vgpu::nvml::initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  if (set == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *set = new nvmlEventSet_st{kEventSetMagic};
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  if (!validSet(set)) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  set->magic = 0;
  delete set;
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t* data, unsigned int timeoutms) {
  if (!vgpu::nvml::initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  if (!validSet(set) || data == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(timeoutms));
  return NVML_ERROR_TIMEOUT;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_t* data, unsigned int timeoutms) {
  return nvmlEventSetWait_v2(set, data, timeoutms);
}

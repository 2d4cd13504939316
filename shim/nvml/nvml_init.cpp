// nvmlInit*/nvmlShutdown with NVML's reference counting, and the device count.
#include "nvml_entry_points.h"

#include "vgpu/log.h"

#include <mutex>

namespace {

struct NvmlState {
  std::mutex mutex;
  unsigned int references = 0;
};

NvmlState& state() {
  static NvmlState instance;
  return instance;
}

nvmlReturn_t initialize() {
  NvmlState& s = state();
  const std::lock_guard lock(s.mutex);
  if (s.references == 0) {
    vgpu::log::write(vgpu::log::Level::Info, "nvmlInit",
                     "no devices: this build has no device discovery yet (it shares the CUDA shim's)");
  }
  ++s.references;
  return NVML_SUCCESS;
}

bool initialized() {
  NvmlState& s = state();
  const std::lock_guard lock(s.mutex);
  return s.references > 0;
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) nvmlReturn_t nvmlInit_v2(void) {
  return initialize();
}
__attribute__((visibility("default"))) nvmlReturn_t nvmlInit(void) {
  return initialize();
}

__attribute__((visibility("default"))) nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
  (void)flags; // NVML_INIT_FLAG_NO_GPUS and NO_ATTACH only relax conditions we never fail on.
  return initialize();
}

__attribute__((visibility("default"))) nvmlReturn_t nvmlShutdown(void) {
  NvmlState& s = state();
  const std::lock_guard lock(s.mutex);
  if (s.references == 0) {
    return NVML_ERROR_UNINITIALIZED;
  }
  --s.references;
  return NVML_SUCCESS;
}

__attribute__((visibility("default"))) nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* deviceCount) {
  if (!initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  if (deviceCount == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *deviceCount = 0;
  return NVML_SUCCESS;
}

__attribute__((visibility("default"))) nvmlReturn_t nvmlDeviceGetCount(unsigned int* deviceCount) {
  return nvmlDeviceGetCount_v2(deviceCount);
}

} // extern "C"

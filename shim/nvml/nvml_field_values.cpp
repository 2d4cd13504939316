// nvmlDeviceGetFieldValues: NVML's batched query, which answers per field. The shim has a real value
// for none of the fields (power limits, NVLink counters, ...), so the call succeeds and every field
// carries NVML_ERROR_NOT_SUPPORTED in its own nvmlReturn. Failing the whole call instead leaves
// nvidia-smi -q printing the uninitialised buffer as a power limit.
#include "nvml_devices.h"

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int valuesCount, nvmlFieldValue_t* values) {
  if (const nvmlReturn_t status = vgpu::nvml::checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (values == nullptr || valuesCount < 0) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  for (int i = 0; i < valuesCount; ++i) {
    nvmlFieldValue_t& field = values[i];
    field.timestamp = 0;
    field.latencyUsec = 0;
    field.nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
  }
  return NVML_SUCCESS;
}

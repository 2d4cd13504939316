// nvmlErrorString for every nvmlReturn_t, including codes newer than the nvml.h we build with.
#include "nvml_entry_points.h"

namespace {

struct ErrorText {
  int code;
  const char* text;
};

// Wording follows NVIDIA's libnvidia-ml so tools that grep for it keep working.
constexpr ErrorText kErrors[] = {
    {NVML_SUCCESS, "Success"},
    {NVML_ERROR_UNINITIALIZED, "Uninitialized"},
    {NVML_ERROR_INVALID_ARGUMENT, "Invalid Argument"},
    {NVML_ERROR_NOT_SUPPORTED, "Not Supported"},
    {NVML_ERROR_NO_PERMISSION, "Insufficient Permissions"},
    {NVML_ERROR_ALREADY_INITIALIZED, "Already Initialized"},
    {NVML_ERROR_NOT_FOUND, "Not Found"},
    {NVML_ERROR_INSUFFICIENT_SIZE, "Insufficient Size"},
    {NVML_ERROR_INSUFFICIENT_POWER, "Insufficient External Power"},
    {NVML_ERROR_DRIVER_NOT_LOADED, "Driver Not Loaded"},
    {NVML_ERROR_TIMEOUT, "Timeout"},
    {NVML_ERROR_IRQ_ISSUE, "Interrupt Request Issue"},
    {NVML_ERROR_LIBRARY_NOT_FOUND, "NVML Shared Library Not Found"},
    {NVML_ERROR_FUNCTION_NOT_FOUND, "Function Not Found"},
    {NVML_ERROR_CORRUPTED_INFOROM, "Corrupted infoROM"},
    {NVML_ERROR_GPU_IS_LOST, "GPU is lost"},
    {NVML_ERROR_RESET_REQUIRED, "GPU requires restart"},
    {NVML_ERROR_OPERATING_SYSTEM, "The operating system has blocked the request."},
    {NVML_ERROR_LIB_RM_VERSION_MISMATCH, "RM has detected an NVML/RM version mismatch."},
    {NVML_ERROR_IN_USE, "In use by another client"},
    {NVML_ERROR_MEMORY, "Insufficient Memory"},
    {NVML_ERROR_NO_DATA, "No data"},
    {NVML_ERROR_VGPU_ECC_NOT_SUPPORTED, "Not supported with ECC enabled"},
    {NVML_ERROR_INSUFFICIENT_RESOURCES, "Insufficient resources"},
    {NVML_ERROR_FREQ_NOT_SUPPORTED, "Frequency not supported"},
    {NVML_ERROR_ARGUMENT_VERSION_MISMATCH, "Argument version mismatch"},
    {26, "Deprecated"},    // NVML_ERROR_DEPRECATED (newer nvml.h)
    {27, "Not Ready"},     // NVML_ERROR_NOT_READY
    {28, "GPU not found"}, // NVML_ERROR_GPU_NOT_FOUND
    {29, "Invalid state"}, // NVML_ERROR_INVALID_STATE
    {NVML_ERROR_UNKNOWN, "Unknown Error"},
};

} // namespace

VGPU_NVML_EXPORT const char* nvmlErrorString(nvmlReturn_t result) {
  for (const ErrorText& entry : kErrors) {
    if (entry.code == static_cast<int>(result)) {
      return entry.text;
    }
  }
  return "Unknown Error";
}

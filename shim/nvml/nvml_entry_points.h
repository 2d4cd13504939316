// nvml.h as the shim includes it. nvml.h maps old names (nvmlInit, nvmlDeviceGetPciInfo,
// nvmlDeviceGetHandleByIndex, ...) to their newest symbols with macros; the library exports every
// generation, so NVML_NO_UNVERSIONED_FUNC_DEFS turns the macros off and declares the old names.
#pragma once

#define NVML_NO_UNVERSIONED_FUNC_DEFS
#include <nvml.h>

#define VGPU_NVML_EXPORT extern "C" __attribute__((visibility("default")))

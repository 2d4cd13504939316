// The devices libvgpu-nvml presents and the handles it gives out. Discovery (vgpu_device, the same
// call and configuration the CUDA shim uses, so both present the same devices in the same order)
// runs once, at the first nvmlInit*; never at load time. The table is never freed and never
// resized: an nvmlDevice_t is a pointer into it and stays valid after nvmlShutdown, as handles
// cached by clients across init/shutdown cycles expect.
#pragma once

#include "nvml_entry_points.h"

#include "vgpu/device/device_discovery.h"

#include <span>
#include <string>
#include <string_view>

struct nvmlDevice_st {
  unsigned int index = 0;
  vgpu::device::PresentedDevice presented;
  std::string uuid;        // "GPU-xxxxxxxx-…", the bytes cuDeviceGetUuid reports
  std::string busId;       // "00000000:00:05.0" (NVML_DEVICE_PCI_BUS_ID_FMT)
  std::string busIdLegacy; // "0000:00:05.0" (NVML_DEVICE_PCI_BUS_ID_LEGACY_FMT)
};

namespace vgpu::nvml {

// nvmlInit* (reference counted; discovery at the first) and nvmlShutdown.
nvmlReturn_t initialize();
nvmlReturn_t shutdown();
bool initialized();

// The presented devices (empty before the first nvmlInit*).
std::span<nvmlDevice_st> devices();

// NVML_SUCCESS for a handle from the table; NVML_ERROR_UNINITIALIZED outside init/shutdown;
// NVML_ERROR_INVALID_ARGUMENT for null or foreign handles.
nvmlReturn_t checkDevice(nvmlDevice_t device);

// Copies text with its terminator: NVML_ERROR_INVALID_ARGUMENT for a null buffer,
// NVML_ERROR_INSUFFICIENT_SIZE when length cannot hold it (NVML's rule for every string getter).
nvmlReturn_t copyString(std::string_view text, char* buffer, unsigned int length);

} // namespace vgpu::nvml

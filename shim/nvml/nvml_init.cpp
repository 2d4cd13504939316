// nvmlInit*/nvmlShutdown with NVML's reference counting, the device count and the handle lookups
// (by index, by UUID, by PCI bus id).
#include "nvml_devices.h"

#include <cctype>
#include <cstdio>
#include <string_view>

namespace {

using vgpu::nvml::devices;
using vgpu::nvml::initialized;

bool equalIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// NVML accepts "domain:bus:device.function" with a domain of up to 8 hex digits, and "bus:device.function"
// (domain 0); hex digits in either case.
bool parseBusId(const char* text, vgpu::device::PciAddress& address) {
  unsigned int domain = 0, bus = 0, device = 0, function = 0;
  int consumed = 0;
  if (std::sscanf(text, "%x:%x:%x.%x%n", &domain, &bus, &device, &function, &consumed) != 4) {
    domain = 0;
    consumed = 0;
    if (std::sscanf(text, "%x:%x.%x%n", &bus, &device, &function, &consumed) != 3) {
      return false;
    }
  }
  if (text[consumed] != '\0' || bus > 0xff || device > 0x1f || function > 7) {
    return false;
  }
  address.domain = domain;
  address.bus = static_cast<std::uint8_t>(bus);
  address.device = static_cast<std::uint8_t>(device);
  address.function = static_cast<std::uint8_t>(function);
  return true;
}

} // namespace

VGPU_NVML_EXPORT nvmlReturn_t nvmlInit_v2(void) {
  return vgpu::nvml::initialize();
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlInit(void) {
  return vgpu::nvml::initialize();
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
  (void)flags; // NVML_INIT_FLAG_NO_GPUS and NO_ATTACH only relax conditions we never fail on.
  return vgpu::nvml::initialize();
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlShutdown(void) {
  return vgpu::nvml::shutdown();
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* deviceCount) {
  if (!initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  if (deviceCount == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *deviceCount = static_cast<unsigned int>(devices().size());
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetCount(unsigned int* deviceCount) {
  return nvmlDeviceGetCount_v2(deviceCount);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
  if (!initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  if (device == nullptr || index >= devices().size()) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *device = &devices()[index];
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t* device) {
  return nvmlDeviceGetHandleByIndex_v2(index, device);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByUUID(const char* uuid, nvmlDevice_t* device) {
  if (!initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  if (uuid == nullptr || device == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  for (nvmlDevice_st& entry : devices()) {
    if (equalIgnoringCase(entry.uuid, uuid)) {
      *device = &entry;
      return NVML_SUCCESS;
    }
  }
  return NVML_ERROR_NOT_FOUND;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* pciBusId, nvmlDevice_t* device) {
  if (!initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  vgpu::device::PciAddress address;
  if (pciBusId == nullptr || device == nullptr || !parseBusId(pciBusId, address)) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  for (nvmlDevice_st& entry : devices()) {
    if (entry.presented.address == address) {
      *device = &entry;
      return NVML_SUCCESS;
    }
  }
  return NVML_ERROR_NOT_FOUND;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByPciBusId(const char* pciBusId, nvmlDevice_t* device) {
  return nvmlDeviceGetHandleByPciBusId_v2(pciBusId, device);
}

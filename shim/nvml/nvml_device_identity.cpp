// What a device is: name, UUID, PCI information (every struct generation), index, minor number,
// architecture, CUDA compute capability and brand. All of it comes from the presented device and
// its profile (vgpu_device), the same source the CUDA shim answers from.
#include "nvml_devices.h"

#include <cstring>
#include <string_view>

namespace {

using vgpu::nvml::checkDevice;

// nvmlPciInfo_t as NVML 2.285 … 9 declared it, the layout nvmlDeviceGetPciInfo (v1) and _v2
// callers were compiled with: a 16-byte busId in the legacy "%04X:%02X:%02X.0" form and four
// reserved words where the current struct has its 32-byte busId. Writing the current, larger
// struct into such a caller's buffer would overflow it.
struct PciInfoLegacy {
  char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  unsigned int reserved0;
  unsigned int reserved1;
  unsigned int reserved2;
  unsigned int reserved3;
};

// NVML's combined ids: device (or subsystem device) in the upper 16 bits, vendor in the lower.
unsigned int combinedId(std::uint16_t device, std::uint16_t vendor) {
  return (static_cast<unsigned int>(device) << 16U) | vendor;
}

template <typename Info> void fillCommon(const nvmlDevice_st& entry, Info& info) {
  const vgpu::device::PresentedDevice& presented = entry.presented;
  info.domain = presented.address.domain;
  info.bus = presented.address.bus;
  info.device = presented.address.device;
  info.pciDeviceId = combinedId(presented.deviceId, presented.vendorId);
  info.pciSubSystemId = combinedId(presented.subsystemDeviceId, presented.subsystemVendorId);
}

void copyTruncated(std::string_view text, char* buffer, std::size_t size) {
  const std::size_t n = text.size() < size ? text.size() : size - 1;
  std::memcpy(buffer, text.data(), n);
  buffer[n] = '\0';
}

nvmlReturn_t pciInfoLegacy(nvmlDevice_t device, void* out) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (out == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  PciInfoLegacy info{};
  fillCommon(*device, info);
  copyTruncated(device->busIdLegacy, info.busId, sizeof info.busId);
  std::memcpy(out, &info, sizeof info);
  return NVML_SUCCESS;
}

struct ArchitectureRow {
  int ccMajor;
  int ccMinorFrom; // the first minor version of the range (rows of one major are ordered)
  nvmlDeviceArchitecture_t architecture;
};

// Compute capability → NVML architecture. 10.x and 12.x (Blackwell, NVML 12.8's value 10) are
// newer than this nvml.h.
constexpr ArchitectureRow kArchitectures[] = {
    {3, 0, NVML_DEVICE_ARCH_KEPLER},
    {5, 0, NVML_DEVICE_ARCH_MAXWELL},
    {6, 0, NVML_DEVICE_ARCH_PASCAL},
    {7, 0, NVML_DEVICE_ARCH_VOLTA},
    {7, 5, NVML_DEVICE_ARCH_TURING},
    {8, 0, NVML_DEVICE_ARCH_AMPERE},
    {8, 9, NVML_DEVICE_ARCH_ADA},
    {9, 0, NVML_DEVICE_ARCH_HOPPER},
    {10, 0, 10U},
    {12, 0, 10U},
};

nvmlDeviceArchitecture_t architectureOf(int major, int minor) {
  nvmlDeviceArchitecture_t found = NVML_DEVICE_ARCH_UNKNOWN;
  for (const ArchitectureRow& row : kArchitectures) {
    if (row.ccMajor == major && minor >= row.ccMinorFrom) {
      found = row.architecture;
    }
  }
  return found;
}

struct BrandRow {
  std::string_view nameContains;
  nvmlBrandType_t brand;
};

// The brand NVIDIA's driver reports by product line; data-centre boards answer NVML_BRAND_NVIDIA
// (the H100's nvidia-smi -q: "Product Brand : NVIDIA"). First match wins.
constexpr BrandRow kBrands[] = {
    {"GeForce", NVML_BRAND_GEFORCE},  {"TITAN", NVML_BRAND_TITAN}, {"Quadro", NVML_BRAND_QUADRO},
    {"RTX A", NVML_BRAND_NVIDIA_RTX}, {"", NVML_BRAND_NVIDIA},
};

nvmlBrandType_t brandOf(std::string_view name) {
  for (const BrandRow& row : kBrands) {
    if (name.find(row.nameContains) != std::string_view::npos) {
      return row.brand;
    }
  }
  return NVML_BRAND_NVIDIA;
}

} // namespace

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  return vgpu::nvml::copyString(device->presented.profile->name, name, length);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char* uuid, unsigned int length) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  return vgpu::nvml::copyString(device->uuid, uuid, length);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (pci == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  nvmlPciInfo_t info{};
  fillCommon(*device, info);
  copyTruncated(device->busIdLegacy, info.busIdLegacy, sizeof info.busIdLegacy);
  copyTruncated(device->busId, info.busId, sizeof info.busId);
  *pci = info;
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return pciInfoLegacy(device, pci);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return pciInfoLegacy(device, pci);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int* index) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (index == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *index = device->index;
  return NVML_SUCCESS;
}

// The minor number of the device node the driver would create (/dev/nvidia<N>): the shim has no
// device nodes, and the index is what NVIDIA's driver assigns on a machine with these devices only.
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int* minorNumber) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (minorNumber == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *minorNumber = device->index;
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, nvmlDeviceArchitecture_t* arch) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (arch == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *arch = architectureOf(device->presented.profile->ccMajor, device->presented.profile->ccMinor);
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int* major, int* minor) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (major == nullptr || minor == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *major = device->presented.profile->ccMajor;
  *minor = device->presented.profile->ccMinor;
  return NVML_SUCCESS;
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t device, nvmlBrandType_t* type) {
  if (const nvmlReturn_t status = checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (type == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *type = brandOf(device->presented.profile->name);
  return NVML_SUCCESS;
}

// The shim hands out whole-device handles only (no MIG instances): every valid handle answers 0.
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int* isMigDevice) {
  if (const nvmlReturn_t status = vgpu::nvml::checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (isMigDevice == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *isMigDevice = 0;
  return NVML_SUCCESS;
}

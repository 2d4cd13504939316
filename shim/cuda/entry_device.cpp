// Entry points for device enumeration and device properties. Every value comes from the
// presented device: its profile (name, attributes, memory) and its PCI identity (bus id, UUID).
#include "entry_common.h"

#include "vgpu/device/device_profiles.h"

#include <cstdio>
#include <cstring>

using namespace vgpu::cuda;

namespace {

CUresult deviceRecord(CUdevice device, DeviceRecord*& out) {
  VGPU_REQUIRE_INIT();
  out = state().device(device);
  return out == nullptr ? CUDA_ERROR_INVALID_DEVICE : CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuDeviceGetCount(int* count) {
  VGPU_REQUIRE_OUT(count);
  VGPU_REQUIRE_INIT();
  *count = state().deviceCount();
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGet(CUdevice* device, int ordinal) {
  VGPU_REQUIRE_OUT(device);
  VGPU_REQUIRE_INIT();
  if (ordinal < 0 || ordinal >= state().deviceCount()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  *device = ordinal;
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetName(char* name, int length, CUdevice device) {
  if (name == nullptr || length <= 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  DeviceRecord* record = nullptr;
  if (const CUresult status = deviceRecord(device, record); status != CUDA_SUCCESS) {
    return status;
  }
  const std::string_view text = record->presented.profile->name;
  const std::size_t copied = std::min(text.size(), static_cast<std::size_t>(length - 1));
  std::memcpy(name, text.data(), copied);
  name[copied] = '\0';
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceTotalMem_v2(size_t* bytes, CUdevice device) {
  VGPU_REQUIRE_OUT(bytes);
  DeviceRecord* record = nullptr;
  if (const CUresult status = deviceRecord(device, record); status != CUDA_SUCCESS) {
    return status;
  }
  *bytes = record->presented.profile->totalMemoryBytes;
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice device) {
  VGPU_REQUIRE_OUT(value);
  DeviceRecord* record = nullptr;
  if (const CUresult status = deviceRecord(device, record); status != CUDA_SUCCESS) {
    return status;
  }
  return vgpu::device::presentedAttribute(record->presented, attribute, *value) ? CUDA_SUCCESS
                                                                                : CUDA_ERROR_INVALID_VALUE;
}

CUresult entry::cuDeviceGetUuid_v2(CUuuid* uuid, CUdevice device) {
  VGPU_REQUIRE_OUT(uuid);
  DeviceRecord* record = nullptr;
  if (const CUresult status = deviceRecord(device, record); status != CUDA_SUCCESS) {
    return status;
  }
  std::memcpy(uuid->bytes, record->presented.uuid.data(), sizeof uuid->bytes);
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetUuid(CUuuid* uuid, CUdevice device) {
  return ::cuDeviceGetUuid_v2(uuid, device);
}

CUresult entry::cuDeviceGetLuid(char* /*luid*/, unsigned int* /*mask*/, CUdevice /*device*/) {
  return CUDA_ERROR_NOT_SUPPORTED; // LUIDs exist on Windows only, as with NVIDIA's Linux driver
}

CUresult entry::cuDeviceGetPCIBusId(char* busId, int length, CUdevice device) {
  if (busId == nullptr || length <= 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  DeviceRecord* record = nullptr;
  if (const CUresult status = deviceRecord(device, record); status != CUDA_SUCCESS) {
    return status;
  }
  std::snprintf(busId, static_cast<std::size_t>(length), "%s", record->pciBusId.c_str());
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetByPCIBusId(CUdevice* device, const char* busId) {
  VGPU_REQUIRE_OUT(device);
  VGPU_REQUIRE_OUT(busId);
  VGPU_REQUIRE_INIT();
  // Accepts the forms NVIDIA's driver accepts: [domain:]bus:device[.function], any hex case.
  unsigned domain = 0, bus = 0, slot = 0, function = 0;
  int consumed = 0;
  if (std::sscanf(busId, "%x:%x:%x.%x%n", &domain, &bus, &slot, &function, &consumed) != 4 || busId[consumed] != '\0') {
    domain = 0;
    function = 0;
    consumed = 0;
    if (std::sscanf(busId, "%x:%x.%x%n", &bus, &slot, &function, &consumed) != 3 || busId[consumed] != '\0') {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  for (int ordinal = 0; ordinal < state().deviceCount(); ++ordinal) {
    const auto& address = state().device(ordinal)->presented.address;
    if (address.domain == domain && address.bus == bus && address.device == slot) {
      *device = ordinal;
      return CUDA_SUCCESS;
    }
  }
  return CUDA_ERROR_INVALID_DEVICE;
}

CUresult entry::cuDeviceComputeCapability(int* major, int* minor, CUdevice device) {
  VGPU_REQUIRE_OUT(major);
  VGPU_REQUIRE_OUT(minor);
  DeviceRecord* record = nullptr;
  if (const CUresult status = deviceRecord(device, record); status != CUDA_SUCCESS) {
    return status;
  }
  *major = record->presented.profile->ccMajor;
  *minor = record->presented.profile->ccMinor;
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetProperties(CUdevprop* properties, CUdevice device) {
  VGPU_REQUIRE_OUT(properties);
  DeviceRecord* record = nullptr;
  if (const CUresult status = deviceRecord(device, record); status != CUDA_SUCCESS) {
    return status;
  }
  auto attribute = [&](CUdevice_attribute id) {
    int value = 0;
    vgpu::device::presentedAttribute(record->presented, id, value);
    return value;
  };
  properties->maxThreadsPerBlock = attribute(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
  properties->maxThreadsDim[0] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X);
  properties->maxThreadsDim[1] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y);
  properties->maxThreadsDim[2] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z);
  properties->maxGridSize[0] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X);
  properties->maxGridSize[1] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y);
  properties->maxGridSize[2] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z);
  properties->sharedMemPerBlock = attribute(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK);
  properties->totalConstantMemory = attribute(CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY);
  properties->SIMDWidth = attribute(CU_DEVICE_ATTRIBUTE_WARP_SIZE);
  properties->memPitch = attribute(CU_DEVICE_ATTRIBUTE_MAX_PITCH);
  properties->regsPerBlock = attribute(CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK);
  properties->clockRate = attribute(CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
  properties->textureAlign = attribute(CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT);
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceCanAccessPeer(int* canAccess, CUdevice device, CUdevice peer) {
  VGPU_REQUIRE_OUT(canAccess);
  VGPU_REQUIRE_INIT();
  if (state().device(device) == nullptr || state().device(peer) == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  *canAccess = 0; // peer access between presented devices is not simulated
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetP2PAttribute(int* value, CUdevice_P2PAttribute /*attribute*/, CUdevice source,
                                        CUdevice destination) {
  VGPU_REQUIRE_OUT(value);
  VGPU_REQUIRE_INIT();
  if (state().device(source) == nullptr || state().device(destination) == nullptr || source == destination) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  *value = 0; // no P2P link between presented devices
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceGetExecAffinitySupport(int* supported, CUexecAffinityType /*type*/, CUdevice device) {
  VGPU_REQUIRE_OUT(supported);
  DeviceRecord* record = nullptr;
  if (const CUresult status = deviceRecord(device, record); status != CUDA_SUCCESS) {
    return status;
  }
  *supported = 0;
  return CUDA_SUCCESS;
}

CUresult entry::cuFlushGPUDirectRDMAWrites(CUflushGPUDirectRDMAWritesTarget /*target*/,
                                           CUflushGPUDirectRDMAWritesScope /*scope*/) {
  VGPU_REQUIRE_INIT();
  return CUDA_SUCCESS; // nothing is ever written by RDMA into a presented device, so nothing to flush
}

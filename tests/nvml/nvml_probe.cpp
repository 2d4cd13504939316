// A client of libnvidia-ml.so.1 run by test_nvml_devices as a child process, so each run discovers
// devices afresh under the fixture sysfs tree its environment names. It prints "<key> <value>"
// lines: what every implemented identity call answers per device, the return codes of bad calls,
// and with --cuda BYTES, the memory NVML reports before and after this process allocates BYTES
// through the CUDA shim (libcuda.so.1 dlopened RTLD_LOCAL, as ggml loads its CUDA backend).
#define NVML_NO_UNVERSIONED_FUNC_DEFS
#include <nvml.h>

#include <cuda.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <thread>
#include <vector>

namespace {

void* library(const char* name) {
  void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::printf("error dlopen %s: %s\n", name, dlerror());
    std::exit(2);
  }
  return handle;
}

template <typename F> F resolve(void* handle, const char* name) {
  void* address = dlsym(handle, name);
  if (address == nullptr) {
    std::printf("error missing %s\n", name);
    std::exit(2);
  }
  return reinterpret_cast<F>(address);
}

void* nvmlLibrary() {
  static void* handle = library("libnvidia-ml.so.1");
  return handle;
}

#define NVML(name) resolve<decltype(&name)>(nvmlLibrary(), #name)

void print(const std::string& key, const std::string& value) {
  std::printf("%s %s\n", key.c_str(), value.c_str());
}

void print(const std::string& key, unsigned long long value) {
  print(key, std::to_string(value));
}

std::string hex(unsigned int value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

// nvmlPciInfo_t as v1/_v2 callers declared it (16-byte busId, four reserved words), plus a guard.
struct LegacyPciInfo {
  char busId[16];
  unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
  unsigned int reserved[4];
  unsigned char guard[32];
};

void probeDevice(unsigned int i, nvmlDevice_t device) {
  const std::string p = std::to_string(i) + " ";
  char text[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  print(p + "name-rc", NVML(nvmlDeviceGetName)(device, text, sizeof text));
  print(p + "name", text);
  print(p + "name-short-rc", NVML(nvmlDeviceGetName)(device, text, 4));
  print(p + "name-null-rc", NVML(nvmlDeviceGetName)(device, nullptr, sizeof text));
  char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
  print(p + "uuid-rc", NVML(nvmlDeviceGetUUID)(device, uuid, sizeof uuid));
  print(p + "uuid", uuid);

  nvmlPciInfo_t pci{};
  print(p + "pci-v3-rc", NVML(nvmlDeviceGetPciInfo_v3)(device, &pci));
  print(p + "pci-v3-busid", pci.busId);
  print(p + "pci-v3-busid-legacy", pci.busIdLegacy);
  print(p + "pci-v3-location",
        std::to_string(pci.domain) + ":" + std::to_string(pci.bus) + ":" + std::to_string(pci.device));
  print(p + "pci-v3-device-id", hex(pci.pciDeviceId));
  print(p + "pci-v3-subsystem-id", hex(pci.pciSubSystemId));
  print(p + "pci-v3-null-rc", NVML(nvmlDeviceGetPciInfo_v3)(device, nullptr));
  for (const char* generation : {"nvmlDeviceGetPciInfo", "nvmlDeviceGetPciInfo_v2"}) {
    LegacyPciInfo legacy{};
    std::memset(legacy.guard, 0xab, sizeof legacy.guard);
    auto get = resolve<nvmlReturn_t (*)(nvmlDevice_t, void*)>(nvmlLibrary(), generation);
    const std::string q = p + generation + " ";
    print(q + "rc", get(device, &legacy));
    print(q + "busid", legacy.busId);
    print(q + "device-id", hex(legacy.pciDeviceId));
    print(q + "subsystem-id", hex(legacy.pciSubSystemId));
    bool guardIntact = true;
    for (unsigned char byte : legacy.guard) {
      guardIntact = guardIntact && byte == 0xab;
    }
    print(q + "guard", guardIntact ? "intact" : "overwritten");
  }

  unsigned int value = 0;
  print(p + "index-rc", NVML(nvmlDeviceGetIndex)(device, &value));
  print(p + "index", value);
  print(p + "minor-rc", NVML(nvmlDeviceGetMinorNumber)(device, &value));
  print(p + "minor", value);
  nvmlDeviceArchitecture_t architecture = 0;
  print(p + "arch-rc", NVML(nvmlDeviceGetArchitecture)(device, &architecture));
  print(p + "arch", architecture);
  int major = 0, minor = 0;
  print(p + "cc-rc", NVML(nvmlDeviceGetCudaComputeCapability)(device, &major, &minor));
  print(p + "cc", std::to_string(major) + "." + std::to_string(minor));
  print(p + "cc-null-rc", NVML(nvmlDeviceGetCudaComputeCapability)(device, nullptr, &minor));
  nvmlBrandType_t brand = NVML_BRAND_UNKNOWN;
  print(p + "brand-rc", NVML(nvmlDeviceGetBrand)(device, &brand));
  print(p + "brand", static_cast<unsigned int>(brand));

  nvmlDevice_t found = nullptr;
  print(p + "by-uuid-rc", NVML(nvmlDeviceGetHandleByUUID)(uuid, &found));
  print(p + "by-uuid-same", found == device ? "yes" : "no");
  found = nullptr;
  print(p + "by-busid-rc", NVML(nvmlDeviceGetHandleByPciBusId_v2)(pci.busId, &found));
  print(p + "by-busid-same", found == device ? "yes" : "no");
  found = nullptr;
  print(p + "by-busid-legacy-rc", NVML(nvmlDeviceGetHandleByPciBusId)(pci.busIdLegacy, &found));
  print(p + "by-busid-legacy-same", found == device ? "yes" : "no");

  nvmlMemory_t memory{};
  print(p + "memory-rc", NVML(nvmlDeviceGetMemoryInfo)(device, &memory));
  print(p + "memory-total", memory.total);
  print(p + "memory-used", memory.used);
  print(p + "memory-free", memory.free);
  nvmlMemory_v2_t idle2{};
  idle2.version = nvmlMemory_v2;
  print(p + "memory-v2-rc", NVML(nvmlDeviceGetMemoryInfo_v2)(device, &idle2));
  print(p + "memory-v2-total", idle2.total);
  print(p + "memory-v2-used", idle2.used);
  print(p + "memory-v2-free", idle2.free);
  nvmlMemory_v2_t memory2{};
  memory2.version = 1;
  print(p + "memory-v2-bad-version-rc", NVML(nvmlDeviceGetMemoryInfo_v2)(device, &memory2));
  print(p + "memory-null-rc", NVML(nvmlDeviceGetMemoryInfo)(device, nullptr));
  nvmlFieldValue_t fields[2] = {};
  fields[0].fieldId = NVML_FI_DEV_ECC_CURRENT;
  fields[1].fieldId = NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION;
  fields[0].nvmlReturn = fields[1].nvmlReturn = NVML_SUCCESS;
  print(p + "field-values-rc", NVML(nvmlDeviceGetFieldValues)(device, 2, fields));
  print(p + "field-values-each-rc", std::to_string(fields[0].nvmlReturn) + "," + std::to_string(fields[1].nvmlReturn));
  unsigned int generation = 0;
  print(p + "max-pcie-generation-rc", NVML(nvmlDeviceGetMaxPcieLinkGeneration)(device, &generation));
  unsigned int temperature = 0;
  print(p + "temperature-rc", NVML(nvmlDeviceGetTemperature)(device, NVML_TEMPERATURE_GPU, &temperature));
}

// Allocates through the CUDA shim and prints NVML's used memory around it.
int probeCudaMemory(std::size_t bytes) {
  void* cuda = library("libcuda.so.1");
  using Init = CUresult (*)(unsigned int);
  using DeviceGet = CUresult (*)(CUdevice*, int);
  using Uuid = CUresult (*)(CUuuid*, CUdevice);
  using Retain = CUresult (*)(CUcontext*, CUdevice);
  using SetCurrent = CUresult (*)(CUcontext);
  using Alloc = CUresult (*)(CUdeviceptr*, size_t);
  using Free = CUresult (*)(CUdeviceptr);
  if (resolve<Init>(cuda, "cuInit")(0) != CUDA_SUCCESS) {
    print("error", "cuInit failed");
    return 1;
  }
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUuuid uuid{};
  resolve<DeviceGet>(cuda, "cuDeviceGet")(&device, 0);
  resolve<Uuid>(cuda, "cuDeviceGetUuid")(&uuid, device);
  std::string cudaUuid;
  for (char byte : uuid.bytes) {
    char digits[3];
    std::snprintf(digits, sizeof digits, "%02x", static_cast<unsigned char>(byte));
    cudaUuid += digits;
  }
  print("cuda-uuid-hex", cudaUuid);
  resolve<Retain>(cuda, "cuDevicePrimaryCtxRetain")(&context, device);
  resolve<SetCurrent>(cuda, "cuCtxSetCurrent")(context);

  nvmlDevice_t handle = nullptr;
  NVML(nvmlDeviceGetHandleByIndex_v2)(0, &handle);
  auto used = [&](const char* key) {
    nvmlMemory_v2_t memory{};
    memory.version = nvmlMemory_v2;
    const nvmlReturn_t rc = NVML(nvmlDeviceGetMemoryInfo_v2)(handle, &memory);
    print(std::string(key) + "-rc", rc);
    print(std::string(key) + "-used", memory.used);
    print(std::string(key) + "-total", memory.total);
    print(std::string(key) + "-sum-ok", memory.used + memory.free == memory.total ? "yes" : "no");
    nvmlMemory_t v1{};
    NVML(nvmlDeviceGetMemoryInfo)(handle, &v1);
    print(std::string(key) + "-v1-used", v1.used);
  };
  used("before");
  CUdeviceptr pointer = 0;
  print("alloc-rc", resolve<Alloc>(cuda, "cuMemAlloc_v2")(&pointer, bytes));
  used("allocated");
  print("free-rc", resolve<Free>(cuda, "cuMemFree_v2")(pointer));
  used("freed");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  // Before nvmlInit: the library answers UNINITIALIZED.
  unsigned int count = 0;
  print("count-before-init-rc", NVML(nvmlDeviceGetCount_v2)(&count));
  print("init-rc", NVML(nvmlInit_v2)());
  print("count-rc", NVML(nvmlDeviceGetCount_v2)(&count));
  print("count", count);
  unsigned int countV1 = 0;
  NVML(nvmlDeviceGetCount)(&countV1);
  print("count-v1", countV1);

  char text[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
  print("driver-version-rc", NVML(nvmlSystemGetDriverVersion)(text, sizeof text));
  print("driver-version", text);
  print("nvml-version-rc", NVML(nvmlSystemGetNVMLVersion)(text, sizeof text));
  print("nvml-version", text);
  int cudaVersion = 0;
  print("cuda-driver-version-rc", NVML(nvmlSystemGetCudaDriverVersion_v2)(&cudaVersion));
  print("cuda-driver-version", static_cast<unsigned long long>(cudaVersion));

  nvmlDevice_t device = nullptr;
  print("by-index-out-of-range-rc", NVML(nvmlDeviceGetHandleByIndex_v2)(count, &device));
  print("by-index-null-rc", NVML(nvmlDeviceGetHandleByIndex_v2)(0, nullptr));
  print("by-uuid-unknown-rc", NVML(nvmlDeviceGetHandleByUUID)("GPU-00000000-0000-0000-0000-000000000000", &device));
  print("by-busid-unknown-rc", NVML(nvmlDeviceGetHandleByPciBusId_v2)("0000:7f:1f.0", &device));
  print("by-busid-garbage-rc", NVML(nvmlDeviceGetHandleByPciBusId_v2)("not-a-bus-id", &device));
  print("foreign-handle-name-rc", NVML(nvmlDeviceGetName)(reinterpret_cast<nvmlDevice_t>(&count), text, sizeof text));

  nvmlEventSet_t events = nullptr;
  print("event-set-create-rc", NVML(nvmlEventSetCreate)(&events));
  nvmlEventData_t event{};
  print("event-set-wait-rc", NVML(nvmlEventSetWait_v2)(events, &event, 1));
  print("event-set-free-rc", NVML(nvmlEventSetFree)(events));
  const void* table = nullptr;
  const unsigned char unknownTable[16] = {1, 2, 3};
  auto exportTable = resolve<nvmlReturn_t (*)(const void**, const void*)>(nvmlLibrary(), "nvmlInternalGetExportTable");
  print("export-table-unknown-rc", exportTable(&table, unknownTable));

  for (unsigned int i = 0; i < count; ++i) {
    nvmlDevice_t handle = nullptr;
    print(std::to_string(i) + " handle-rc", NVML(nvmlDeviceGetHandleByIndex_v2)(i, &handle));
    probeDevice(i, handle);
  }
  // Concurrent init/lookup/shutdown from several threads: every call must succeed.
  std::atomic<int> threadErrors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&threadErrors, count] {
      for (int round = 0; round < 200; ++round) {
        char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
        nvmlDevice_t handle = nullptr;
        bool ok = NVML(nvmlInit_v2)() == NVML_SUCCESS;
        if (count > 0) {
          ok = ok && NVML(nvmlDeviceGetHandleByIndex_v2)(0, &handle) == NVML_SUCCESS &&
               NVML(nvmlDeviceGetName)(handle, name, sizeof name) == NVML_SUCCESS;
        }
        ok = ok && NVML(nvmlShutdown)() == NVML_SUCCESS;
        threadErrors += ok ? 0 : 1;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  print("thread-errors", static_cast<unsigned long long>(threadErrors.load()));

  if (argc == 3 && std::string(argv[1]) == "--cuda") {
    return probeCudaMemory(std::strtoull(argv[2], nullptr, 10));
  }
  print("shutdown-rc", NVML(nvmlShutdown)());
  return 0;
}

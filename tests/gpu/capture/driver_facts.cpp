// Records what NVIDIA's real libcuda.so.1 answers on a machine with a GPU, as ground truth for the
// shim: every device attribute, identity, cuGetProcAddress answers (which exported variant each
// (name, version, flags) resolves to) and which dark-API export tables exist.
//
//   driver_facts <cudart13-getprocaddress.txt>     (prints a line-oriented report to stdout)
//
// Built with the host compiler and cuda.h only; the driver is dlopened, never linked.
#include <cuda.h>

#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <sstream>
#include <string>

namespace {

#define RESOLVE(name)                                                                                                  \
  auto name = reinterpret_cast<decltype(&::name)>(dlsym(driver, #name));                                               \
  if (name == nullptr) {                                                                                               \
    std::printf("missing-symbol %s\n", #name);                                                                         \
    return 1;                                                                                                          \
  }

const char* symbolOf(void* address) {
  Dl_info info{};
  if (address == nullptr || dladdr(address, &info) == 0 || info.dli_sname == nullptr) {
    return "?";
  }
  return info.dli_sname;
}

struct KnownTable {
  const char* name;
  const char* uuid; // 8-4-4-4-12 of the 16 bytes as passed
};

const KnownTable kTables[] = {
    {"CUDART_INTERFACE", "6bd5fb6c-5bf4-e74a-8987-d93912fd9df9"},
    {"TOOLS_TLS", "42d85a81-23f6-cb47-8298-f6e78a3aecdc"},
    {"TOOLS_RUNTIME_CALLBACK_HOOKS", "a094798c-2e74-2e74-93f2-0800200c0a66"},
    {"CONTEXT_LOCAL_STORAGE_INTERFACE_V0301", "c693336e-1121-df11-a8c3-68f355d89593"},
    {"CTX_CREATE_BYPASS", "0ca50b8c-1004-929a-89a7-d0df10e77286"},
    {"HEAP_ACCESS", "195bcbf4-d67d-024a-acc5-1d29cea631ae"},
    {"DEVICE_EXTENDED_RT", "b10541e1-f7c7-c74a-9f64-f223be99f1e2"},
    {"INTEGRITY_CHECK", "d4082055-bde6-704b-8d34-ba123c66e1f2"},
    {"CONTEXT_CHECKS", "263e8860-7cd2-6143-92f6-bbd5006dfa7e"},
    {"UNNAMED_CUDART13_FIRST", "f8cff951-2146-8b4e-b9e2-fb469e7c0dd9"},
    {"CUBLAS_21318C60", "21318c60-9714-3248-8ca6-41ff7324c8f2"},
    {"CUBLAS_1734DC26", "1734dc26-800d-4745-8726-c0f1e7dd8bca"},
    {"CUFFT_TOOLS_MODULE", "6e163fbe-b958-444d-835c-e182aff1991e"},
};

bool parseUuid(const char* text, CUuuid& out) {
  int byte = 0;
  for (const char* p = text; *p != '\0' && byte < 16; ++p) {
    if (*p == '-') {
      continue;
    }
    unsigned value = 0;
    if (std::sscanf(p, "%2x", &value) != 1) {
      return false;
    }
    out.bytes[byte++] = static_cast<char>(value);
    ++p;
  }
  return byte == 16;
}

} // namespace

int main(int argc, char** argv) {
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver == nullptr) {
    std::printf("error dlopen libcuda.so.1: %s\n", dlerror());
    return 1;
  }
  Dl_info self{};
  dladdr(dlsym(driver, "cuInit"), &self);
  std::printf("driver-library %s\n", self.dli_fname);

  RESOLVE(cuInit);
  RESOLVE(cuDriverGetVersion);
  RESOLVE(cuDeviceGetCount);
  RESOLVE(cuDeviceGet);
  RESOLVE(cuDeviceGetName);
  RESOLVE(cuDeviceTotalMem_v2);
  RESOLVE(cuDeviceGetAttribute);
  RESOLVE(cuDeviceGetUuid_v2);
  RESOLVE(cuDeviceGetPCIBusId);
  RESOLVE(cuGetProcAddress_v2);
  RESOLVE(cuGetExportTable);

  int version = 0;
  cuDriverGetVersion(&version);
  std::printf("driver-version %d\n", version);
  std::printf("cuInit %d\n", static_cast<int>(cuInit(0)));
  int count = 0;
  cuDeviceGetCount(&count);
  std::printf("device-count %d\n", count);

  for (int ordinal = 0; ordinal < count; ++ordinal) {
    CUdevice device = 0;
    cuDeviceGet(&device, ordinal);
    char name[256] = {};
    cuDeviceGetName(name, sizeof name, device);
    size_t total = 0;
    cuDeviceTotalMem_v2(&total, device);
    CUuuid uuid{};
    cuDeviceGetUuid_v2(&uuid, device);
    char pci[64] = {};
    cuDeviceGetPCIBusId(pci, sizeof pci, device);
    std::printf("device %d name \"%s\"\n", ordinal, name);
    std::printf("device %d total-mem %zu\n", ordinal, total);
    std::printf("device %d pci-bus-id %s\n", ordinal, pci);
    std::printf("device %d uuid ", ordinal);
    for (int i = 0; i < 16; ++i) {
      std::printf("%02x", static_cast<unsigned char>(uuid.bytes[i]));
    }
    std::printf("\n");
    for (int attribute = 1; attribute < CU_DEVICE_ATTRIBUTE_MAX; ++attribute) {
      int value = 0;
      const CUresult status = cuDeviceGetAttribute(&value, static_cast<CUdevice_attribute>(attribute), device);
      if (status == CUDA_SUCCESS) {
        std::printf("device %d attribute %d %d\n", ordinal, attribute, value);
      } else {
        std::printf("device %d attribute %d error %d\n", ordinal, attribute, static_cast<int>(status));
      }
    }
  }

  // cuGetProcAddress: each (name, version) cudart 13 asks, with default and per-thread flags, and
  // the same name at 13000 to see the newest variant.
  if (argc > 1) {
    std::ifstream list(argv[1]);
    std::string line;
    while (std::getline(list, line)) {
      if (line.empty() || line[0] == '#') {
        continue;
      }
      std::istringstream fields(line);
      std::string symbol;
      int asked = 0;
      fields >> symbol >> asked;
      for (const int at : {asked, 11080, 12000, 13000}) {
        for (const cuuint64_t flags : {cuuint64_t{CU_GET_PROC_ADDRESS_LEGACY_STREAM},
                                       cuuint64_t{CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM}}) {
          void* fn = nullptr;
          CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SUCCESS;
          const CUresult result = cuGetProcAddress_v2(symbol.c_str(), &fn, at, flags, &status);
          std::printf("proc %s %d %s %d %d %s\n", symbol.c_str(), at, flags == 1 ? "legacy" : "ptds",
                      static_cast<int>(result), static_cast<int>(status), symbolOf(fn));
        }
      }
    }
  }

  for (const KnownTable& table : kTables) {
    CUuuid uuid{};
    if (!parseUuid(table.uuid, uuid)) {
      continue;
    }
    const void* exported = nullptr;
    const CUresult result = cuGetExportTable(&exported, &uuid);
    if (result != CUDA_SUCCESS || exported == nullptr) {
      std::printf("export-table %s %s error %d\n", table.name, table.uuid, static_cast<int>(result));
      continue;
    }
    size_t first = 0;
    std::memcpy(&first, exported, sizeof first);
    std::printf("export-table %s %s ok first-word %zu\n", table.name, table.uuid, first);
    // Slot symbols (nearest exported symbol of each function pointer) for the first 16 slots.
    const void* const* slots = static_cast<const void* const*>(exported);
    for (int i = 1; i < 16; ++i) {
      std::printf("export-slot %s %d %s\n", table.name, i, symbolOf(const_cast<void*>(slots[i])));
    }
  }
  return 0;
}

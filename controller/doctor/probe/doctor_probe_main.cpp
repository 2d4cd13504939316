// vgpu-doctor-probe: the doctor's child process for the questions only the real dynamic loader
// can answer. The doctor runs it with the environment under test (the service's, or the one Ollama
// gives its discovery subprocess), so a crash or a bad library never touches vgpuctl or the
// console. Plain C++ with no Qt, so that what it loads is all that is in the process.
//   vgpu-doctor-probe shim LIBRARY   dlopen LIBRARY (RTLD_NOW), cuInit(0), cuDeviceGetCount
//   vgpu-doctor-probe load LIBRARY   dlopen LIBRARY (RTLD_NOW|RTLD_LOCAL), then report which
//                                    libcuda.so.1 / libnvidia-ml.so.1 the process holds or would load
//   vgpu-doctor-probe uuids CUDA NVML  each device's UUID as CUDA (cuDeviceGetUuid) and NVML
//                                    (nvmlDeviceGetUUID) report it: Ollama matches them
// Output: "key value" lines (dlopen-error, cuInit, device-count, loaded, resolved). Exit 0 when
// the probe ran (whatever it found), 2 on a usage error.
#include <dlfcn.h>
#include <link.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

using CuInitFunction = int (*)(unsigned int);
using CuDeviceGetCountFunction = int (*)(int*);
using CuDeviceGetFunction = int (*)(int*, int);
using CuDeviceGetUuidFunction = int (*)(unsigned char*, int); // CUuuid is 16 bytes
using NvmlInitFunction = int (*)();
using NvmlDeviceGetCountFunction = int (*)(unsigned int*);
using NvmlDeviceGetHandleByIndexFunction = int (*)(unsigned int, void**);
using NvmlDeviceGetUuidFunction = int (*)(void*, char*, unsigned int);

constexpr unsigned int kNvmlUuidBufferSize = 96; // NVML_DEVICE_UUID_V2_BUFFER_SIZE

// The driver libraries whose origin the doctor reports.
constexpr const char* kDriverSonames[] = {"libcuda.so.1", "libnvidia-ml.so.1"};

std::string baseName(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash == nullptr ? std::string(path) : std::string(slash + 1);
}

int reportLoadedObject(dl_phdr_info* info, size_t /*size*/, void* /*data*/) {
  if (info->dlpi_name == nullptr || info->dlpi_name[0] == '\0') {
    return 0;
  }
  const std::string base = baseName(info->dlpi_name);
  for (const char* soname : kDriverSonames) {
    if (base == soname) {
      std::printf("loaded %s %s\n", soname, info->dlpi_name);
    }
  }
  return 0;
}

// Where the loader finds `soname` in this environment, loading it only to ask (RTLD_LAZY).
void reportResolution(const char* soname) {
  void* handle = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    std::printf("resolved %s none\n", soname);
    return;
  }
  const link_map* map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name != nullptr) {
    std::printf("resolved %s %s\n", soname, map->l_name);
  }
  dlclose(handle);
}

int probeShim(const char* library) {
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::printf("dlopen-error %s\n", dlerror()); // NOLINT(concurrency-mt-unsafe): one thread
    return 0;
  }
  auto* cuInit = reinterpret_cast<CuInitFunction>(dlsym(handle, "cuInit"));
  auto* cuDeviceGetCount = reinterpret_cast<CuDeviceGetCountFunction>(dlsym(handle, "cuDeviceGetCount"));
  if (cuInit == nullptr || cuDeviceGetCount == nullptr) {
    std::printf("missing-entry-point %s\n", cuInit == nullptr ? "cuInit" : "cuDeviceGetCount");
    return 0;
  }
  const int initResult = cuInit(0);
  std::printf("cuInit %d\n", initResult);
  int count = 0;
  const int countResult = cuDeviceGetCount(&count);
  std::printf("cuDeviceGetCount %d\n", countResult);
  std::printf("device-count %d\n", countResult == 0 ? count : 0);
  return 0;
}

int probeLoad(const char* library) {
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::printf("dlopen-error %s\n", dlerror()); // NOLINT(concurrency-mt-unsafe): one thread
  } else {
    std::printf("dlopen-ok %s\n", library);
    dl_iterate_phdr(&reportLoadedObject, nullptr);
  }
  for (const char* soname : kDriverSonames) {
    reportResolution(soname);
  }
  return 0;
}

template <typename Function> Function entryPoint(void* handle, const char* name) {
  Function function = reinterpret_cast<Function>(dlsym(handle, name));
  if (function == nullptr) {
    std::printf("missing-entry-point %s\n", name);
  }
  return function;
}

void printCudaUuids(void* cuda) {
  auto* cuInit = entryPoint<CuInitFunction>(cuda, "cuInit");
  auto* cuDeviceGetCount = entryPoint<CuDeviceGetCountFunction>(cuda, "cuDeviceGetCount");
  auto* cuDeviceGet = entryPoint<CuDeviceGetFunction>(cuda, "cuDeviceGet");
  auto* cuDeviceGetUuid = entryPoint<CuDeviceGetUuidFunction>(cuda, "cuDeviceGetUuid");
  int count = 0;
  if (cuInit == nullptr || cuDeviceGetCount == nullptr || cuDeviceGet == nullptr || cuDeviceGetUuid == nullptr ||
      cuInit(0) != 0 || cuDeviceGetCount(&count) != 0) {
    count = 0;
  }
  std::printf("cuda-device-count %d\n", count);
  for (int index = 0; index < count; ++index) {
    int device = 0;
    unsigned char uuid[16] = {};
    if (cuDeviceGet(&device, index) != 0 || cuDeviceGetUuid(uuid, device) != 0) {
      std::printf("cuda-uuid-error %d\n", index);
      continue;
    }
    std::printf("cuda-uuid GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", uuid[0],
                uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9], uuid[10], uuid[11],
                uuid[12], uuid[13], uuid[14], uuid[15]);
  }
}

void printNvmlUuids(void* nvml) {
  auto* nvmlInit = entryPoint<NvmlInitFunction>(nvml, "nvmlInit_v2");
  auto* nvmlDeviceGetCount = entryPoint<NvmlDeviceGetCountFunction>(nvml, "nvmlDeviceGetCount_v2");
  auto* nvmlDeviceGetHandleByIndex =
      entryPoint<NvmlDeviceGetHandleByIndexFunction>(nvml, "nvmlDeviceGetHandleByIndex_v2");
  auto* nvmlDeviceGetUuid = entryPoint<NvmlDeviceGetUuidFunction>(nvml, "nvmlDeviceGetUUID");
  unsigned int count = 0;
  if (nvmlInit == nullptr || nvmlDeviceGetCount == nullptr || nvmlDeviceGetHandleByIndex == nullptr ||
      nvmlDeviceGetUuid == nullptr) {
    std::printf("nvml-device-count 0\n");
    return;
  }
  const int initResult = nvmlInit();
  std::printf("nvmlInit_v2 %d\n", initResult);
  if (initResult != 0 || nvmlDeviceGetCount(&count) != 0) {
    count = 0;
  }
  std::printf("nvml-device-count %u\n", count);
  for (unsigned int index = 0; index < count; ++index) {
    void* device = nullptr;
    char uuid[kNvmlUuidBufferSize] = {};
    if (nvmlDeviceGetHandleByIndex(index, &device) != 0 || nvmlDeviceGetUuid(device, uuid, kNvmlUuidBufferSize) != 0) {
      std::printf("nvml-uuid-error %u\n", index);
      continue;
    }
    std::printf("nvml-uuid %s\n", uuid);
  }
}

int probeUuids(const char* cudaLibrary, const char* nvmlLibrary) {
  void* cuda = dlopen(cudaLibrary, RTLD_NOW | RTLD_LOCAL);
  if (cuda == nullptr) {
    std::printf("dlopen-error %s\n", dlerror()); // NOLINT(concurrency-mt-unsafe): one thread
    return 0;
  }
  void* nvml = dlopen(nvmlLibrary, RTLD_NOW | RTLD_LOCAL);
  if (nvml == nullptr) {
    std::printf("dlopen-error %s\n", dlerror()); // NOLINT(concurrency-mt-unsafe): one thread
    return 0;
  }
  printCudaUuids(cuda);
  printNvmlUuids(nvml);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "shim") == 0) {
    return probeShim(argv[2]);
  }
  if (argc == 3 && std::strcmp(argv[1], "load") == 0) {
    return probeLoad(argv[2]);
  }
  if (argc == 4 && std::strcmp(argv[1], "uuids") == 0) {
    return probeUuids(argv[2], argv[3]);
  }
  (void)std::fprintf(stderr, "usage: vgpu-doctor-probe shim LIBRARY | load LIBRARY | uuids CUDA NVML\n");
  return 2;
}

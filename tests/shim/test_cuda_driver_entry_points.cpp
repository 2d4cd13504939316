// libvgpu-cuda loaded the way CUDA software loads it: dlopen("libcuda.so.1") through the library
// path, then entry points resolved by dlsym and by cuGetProcAddress.
#include <catch2/catch.hpp>

#include <cuda.h>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_paths.h"

namespace {

struct Driver {
  void* handle = nullptr;
  CUresult (*init)(unsigned int) = nullptr;
  CUresult (*driverGetVersion)(int*) = nullptr;
  CUresult (*deviceGetCount)(int*) = nullptr;
  CUresult (*getProcAddress)(const char*, void**, int, cuuint64_t) = nullptr;
  CUresult (*getProcAddressV2)(const char*, void**, int, cuuint64_t, CUdriverProcAddressQueryResult*) = nullptr;
};

template <typename T> void resolve(void* handle, const char* name, T& out) {
  out = reinterpret_cast<T>(dlsym(handle, name));
  INFO("symbol " << name);
  REQUIRE(out != nullptr);
}

const Driver& driver() {
  static Driver d = [] {
    Driver loaded;
    loaded.handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    INFO("dlopen(libcuda.so.1): " << (loaded.handle ? "ok" : dlerror()));
    REQUIRE(loaded.handle != nullptr);
    resolve(loaded.handle, "cuInit", loaded.init);
    resolve(loaded.handle, "cuDriverGetVersion", loaded.driverGetVersion);
    resolve(loaded.handle, "cuDeviceGetCount", loaded.deviceGetCount);
    resolve(loaded.handle, "cuGetProcAddress", loaded.getProcAddress);
    resolve(loaded.handle, "cuGetProcAddress_v2", loaded.getProcAddressV2);
    return loaded;
  }();
  return d;
}

} // namespace

TEST_CASE("libcuda.so.1 on the library path is the vgpu shim") {
  Dl_info info{};
  REQUIRE(dladdr(reinterpret_cast<void*>(driver().init), &info) != 0);
  const std::string path = std::filesystem::canonical(info.dli_fname).string();
  INFO("cuInit comes from " << path);
  CHECK(path.find("libvgpu-cuda.so") != std::string::npos);
}

TEST_CASE("cuDriverGetVersion reports the CUDA API level the shim implements") {
  int version = 0;
  REQUIRE(driver().driverGetVersion(&version) == CUDA_SUCCESS);
  CHECK(version == CUDA_VERSION);
  CHECK(driver().driverGetVersion(nullptr) == CUDA_ERROR_INVALID_VALUE);
}

TEST_CASE("cuDeviceGetCount before a successful cuInit is NOT_INITIALIZED") {
  int count = -1;
  CHECK(driver().deviceGetCount(&count) == CUDA_ERROR_NOT_INITIALIZED);
  CHECK(count == -1);
  CHECK(driver().deviceGetCount(nullptr) == CUDA_ERROR_INVALID_VALUE);
}

TEST_CASE("cuInit validates flags and reports no device when the PCI bus has none") {
  CHECK(driver().init(1) == CUDA_ERROR_INVALID_VALUE);
  CHECK(driver().init(0) == CUDA_ERROR_NO_DEVICE);
  CHECK(driver().init(0) == CUDA_ERROR_NO_DEVICE); // the first result sticks, as in the real driver
  int count = -1;
  CHECK(driver().deviceGetCount(&count) == CUDA_ERROR_NOT_INITIALIZED);
}

TEST_CASE("cuGetProcAddress_v2 resolves the implemented names to the exported functions") {
  struct Case {
    const char* name;
    int version;
    const char* symbol;
  };
  const Case cases[] = {
      {"cuInit", 2000, "cuInit"},
      {"cuInit", 13000, "cuInit"},
      {"cuDriverGetVersion", 2020, "cuDriverGetVersion"},
      {"cuDeviceGetCount", 12000, "cuDeviceGetCount"},
      {"cuGetProcAddress", 11030, "cuGetProcAddress"},
      {"cuGetProcAddress", 11080, "cuGetProcAddress"},
      {"cuGetProcAddress", 12000, "cuGetProcAddress_v2"},
      {"cuGetProcAddress", 13000, "cuGetProcAddress_v2"},
  };
  for (const Case& c : cases) {
    INFO(c.name << " @ " << c.version);
    void* fn = nullptr;
    CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    REQUIRE(driver().getProcAddressV2(c.name, &fn, c.version, CU_GET_PROC_ADDRESS_DEFAULT, &status) == CUDA_SUCCESS);
    CHECK(status == CU_GET_PROC_ADDRESS_SUCCESS);
    CHECK(fn == dlsym(driver().handle, c.symbol));
  }
}

TEST_CASE("cuGetProcAddress_v2 answers unknown names and too-old versions as NVIDIA's driver does") {
  // Driver 580 answers CUDA_SUCCESS with a NULL pointer and says why in the status
  // (docs/gpu-results/2026-11-26-h100-driver-facts).
  void* fn = reinterpret_cast<void*>(0x1);
  CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SUCCESS;
  CHECK(driver().getProcAddressV2("cuNoSuchFunction", &fn, 13000, 0, &status) == CUDA_SUCCESS);
  CHECK(status == CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
  CHECK(fn == nullptr);

  fn = reinterpret_cast<void*>(0x1);
  CHECK(driver().getProcAddressV2("cuGetProcAddress", &fn, 11020, 0, &status) == CUDA_SUCCESS);
  CHECK(status == CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT);
  CHECK(fn == nullptr);

  // A version newer than the driver's API level is invalid.
  CHECK(driver().getProcAddressV2("cuInit", &fn, CUDA_VERSION + 10, 0, &status) == CUDA_ERROR_INVALID_VALUE);
  CHECK(fn == nullptr);

  CHECK(driver().getProcAddressV2(nullptr, &fn, 13000, 0, &status) == CUDA_ERROR_INVALID_VALUE);
  CHECK(driver().getProcAddressV2("cuInit", nullptr, 13000, 0, &status) == CUDA_ERROR_INVALID_VALUE);
  // The status pointer is optional.
  CHECK(driver().getProcAddressV2("cuInit", &fn, 13000, 0, nullptr) == CUDA_SUCCESS);
  CHECK(fn == dlsym(driver().handle, "cuInit"));
}

TEST_CASE("the CUDA 11 cuGetProcAddress signature answers from the same table") {
  void* fn = nullptr;
  REQUIRE(driver().getProcAddress("cuDriverGetVersion", &fn, 11080, 0) == CUDA_SUCCESS);
  CHECK(fn == dlsym(driver().handle, "cuDriverGetVersion"));
  CHECK(driver().getProcAddress("cuNoSuchFunction", &fn, 11080, 0) == CUDA_SUCCESS);
  CHECK(fn == nullptr);
}

TEST_CASE("cuGetProcAddress_v2 answers every (name, version, flags) as NVIDIA's driver 580 did") {
  // docs/gpu-results/2026-11-26-h100-driver-facts/driver-facts.txt: "proc <name> <version>
  // <legacy|ptds> <CUresult> <status> <symbol>" for every name cudart 13 asks, recorded on an H100.
  std::ifstream facts(vgpu::test::sourceDir() / "docs/gpu-results/2026-11-26-h100-driver-facts/driver-facts.txt");
  REQUIRE(facts.good());
  std::string line;
  int compared = 0;
  while (std::getline(facts, line)) {
    std::istringstream fields(line);
    std::string kind, name, stream, symbol;
    int version = 0, result = 0, status = 0;
    if (!(fields >> kind) || kind != "proc" || !(fields >> name >> version >> stream >> result >> status >> symbol)) {
      continue;
    }
    const cuuint64_t flags =
        stream == "ptds" ? CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM : CU_GET_PROC_ADDRESS_LEGACY_STREAM;
    void* fn = nullptr;
    CUdriverProcAddressQueryResult ours = CU_GET_PROC_ADDRESS_SUCCESS;
    INFO(name << " @ " << version << " " << stream << ": NVIDIA answered " << result << "/" << status << " " << symbol);
    REQUIRE(driver().getProcAddressV2(name.c_str(), &fn, version, flags, &ours) == result);
    CHECK(static_cast<int>(ours) == status);
    if (status == CU_GET_PROC_ADDRESS_SUCCESS) {
      // The same exported symbol answers: implemented, or the stub of that name.
      Dl_info info{};
      REQUIRE(fn != nullptr);
      REQUIRE(dladdr(fn, &info) != 0);
      REQUIRE(info.dli_sname != nullptr);
      CHECK(std::string(info.dli_sname) == symbol);
    } else {
      CHECK(fn == nullptr);
    }
    ++compared;
  }
  CHECK(compared > 3000);
}

TEST_CASE("a driver symbol the shim does not implement is exported and answers NOT_SUPPORTED") {
  // cuGraphicsUnregisterResource (graphics interop) is one of them; its stand-in ignores its arguments.
  auto unsupported = reinterpret_cast<CUresult (*)()>(dlsym(driver().handle, "cuGraphicsUnregisterResource"));
  REQUIRE(unsupported != nullptr);
  CHECK(unsupported() == CUDA_ERROR_NOT_SUPPORTED);
  void* fn = nullptr;
  CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
  REQUIRE(driver().getProcAddressV2("cuGraphicsUnregisterResource", &fn, 13000, 0, &status) == CUDA_SUCCESS);
  CHECK(fn == reinterpret_cast<void*>(unsupported));
}

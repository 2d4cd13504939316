// libvgpu-nvml loaded as libnvidia-ml.so.1, the way Ollama, nvidia-smi and nvtop load NVML.
#include <catch2/catch.hpp>

#include <dlfcn.h>
#include <filesystem>
#include <nvml.h>
#include <string>

namespace {

void* nvml() {
  static void* handle = [] {
    void* h = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    INFO("dlopen(libnvidia-ml.so.1): " << (h ? "ok" : dlerror()));
    REQUIRE(h != nullptr);
    return h;
  }();
  return handle;
}

template <typename T> T symbol(const char* name) {
  void* address = dlsym(nvml(), name);
  INFO("symbol " << name);
  REQUIRE(address != nullptr);
  return reinterpret_cast<T>(address);
}

} // namespace

TEST_CASE("libnvidia-ml.so.1 on the library path is the vgpu shim") {
  Dl_info info{};
  REQUIRE(dladdr(dlsym(nvml(), "nvmlInit_v2"), &info) != 0);
  CHECK(std::filesystem::canonical(info.dli_fname).string().find("libvgpu-nvml.so") != std::string::npos);
}

TEST_CASE("NVML init is reference counted and guards device queries") {
  auto init = symbol<nvmlReturn_t (*)()>("nvmlInit_v2");
  auto shutdown = symbol<nvmlReturn_t (*)()>("nvmlShutdown");
  auto count = symbol<nvmlReturn_t (*)(unsigned int*)>("nvmlDeviceGetCount_v2");

  unsigned int devices = 99;
  CHECK(count(&devices) == NVML_ERROR_UNINITIALIZED);
  REQUIRE(init() == NVML_SUCCESS);
  REQUIRE(init() == NVML_SUCCESS);
  CHECK(count(nullptr) == NVML_ERROR_INVALID_ARGUMENT);
  CHECK(count(&devices) == NVML_SUCCESS);
  CHECK(devices == 0); // no discovery in this build: no devices, not invented ones
  CHECK(shutdown() == NVML_SUCCESS);
  CHECK(count(&devices) == NVML_SUCCESS); // one reference left
  CHECK(shutdown() == NVML_SUCCESS);
  CHECK(count(&devices) == NVML_ERROR_UNINITIALIZED);
  CHECK(shutdown() == NVML_ERROR_UNINITIALIZED);
}

TEST_CASE("nvmlErrorString names every return code") {
  auto errorString = symbol<const char* (*)(nvmlReturn_t)>("nvmlErrorString");
  CHECK(std::string(errorString(NVML_SUCCESS)) == "Success");
  CHECK(std::string(errorString(NVML_ERROR_NOT_SUPPORTED)) == "Not Supported");
  for (int code = 1; code <= 29; ++code) {
    INFO("code " << code);
    CHECK(std::string(errorString(static_cast<nvmlReturn_t>(code))) != "Unknown Error");
  }
  CHECK(std::string(errorString(NVML_ERROR_UNKNOWN)) == "Unknown Error");
  CHECK(std::string(errorString(static_cast<nvmlReturn_t>(1000))) == "Unknown Error");
}

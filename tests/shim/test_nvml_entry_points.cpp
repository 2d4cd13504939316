// libvgpu-nvml loaded as libnvidia-ml.so.1, the way Ollama, nvidia-smi and nvtop load NVML. The
// test's environment points discovery at a missing sysfs tree: no devices (tests/nvml has them).
#include <catch2/catch.hpp>

#include "test_paths.h"

#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <nvml.h>
#include <regex>
#include <set>
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
  CHECK(devices == 0); // no stub on the (missing) PCI bus: no devices, not invented ones
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

namespace {

// Names listed one per line; '#' lines are comments.
std::set<std::string> symbolList(const std::filesystem::path& file) {
  std::ifstream in(file);
  REQUIRE(in.good());
  std::set<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') {
      names.insert(line);
    }
  }
  return names;
}

} // namespace

TEST_CASE("every NVML symbol nvidia-smi 535 and nvtop 3.0 resolve is exported") {
  for (const char* list : {"nvml-used-by-nvidia-smi-535.txt", "nvml-used-by-nvtop-3.0.txt"}) {
    const std::set<std::string> names = symbolList(vgpu::test::dataDir() / "nvml" / list);
    CHECK(names.size() > 30);
    for (const std::string& name : names) {
      INFO(list << ": " << name);
      CHECK(dlsym(nvml(), name.c_str()) != nullptr);
    }
  }
}

TEST_CASE("the symbols the shim does not implement answer NVML_ERROR_NOT_SUPPORTED") {
  std::ifstream in(vgpu::test::sourceDir() / "shim" / "nvml" / "nvml_unsupported_symbols.inc");
  REQUIRE(in.good());
  const std::regex row(R"(^X\((nvml[A-Za-z0-9_]+)\)$)");
  int checked = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, row)) {
      continue;
    }
    INFO(match[1].str());
    // The stand-ins ignore their arguments, so calling them without any is safe.
    auto function = reinterpret_cast<int (*)()>(dlsym(nvml(), match[1].str().c_str()));
    REQUIRE(function != nullptr);
    CHECK(function() == NVML_ERROR_NOT_SUPPORTED);
    ++checked;
  }
  CHECK(checked > 100);
}

TEST_CASE("libcuda.so.1 offers NVML its memory accounting, and only after cuInit") {
  void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  INFO("dlopen(libcuda.so.1): " << (cuda ? "ok" : dlerror()));
  REQUIRE(cuda != nullptr);
  auto usage = reinterpret_cast<int (*)(const unsigned char*, size_t*)>(dlsym(cuda, "cuVgpuDeviceMemoryUsage"));
  REQUIRE(usage != nullptr);
  size_t used = 0;
  const unsigned char uuid[16] = {};
  CHECK(usage(uuid, &used) == 3); // CUDA_ERROR_NOT_INITIALIZED
}

// The CUDA shim itself (libcuda.so.1 from the build, dlopened) with backend=remote and nobody
// listening at the endpoint: cuInit answers CUDA_ERROR_NO_DEVICE and logs one error line that names
// the endpoint. One process, one cuInit (the shim initialises once), so one test case.
#include <catch2/catch.hpp>

#include "sysfs_fixture.h"
#include "test_paths.h"

#include <cstdlib>
#include <cuda.h>
#include <dlfcn.h>
#include <fstream>
#include <sstream>

TEST_CASE("cuInit with an unreachable vgpud: CUDA_ERROR_NO_DEVICE and a log line naming the endpoint") {
  const std::string log = (vgpu::test::outputDir() / "vgpud-unreachable.log").string();
  std::remove(log.c_str());
  const std::string endpoint = "unix:/nonexistent-vgpu-dir/vgpud.sock";
  REQUIRE(::setenv("VGPU_CONFIG", "/nonexistent/vgpu-shim.conf", 1) == 0);
  REQUIRE(::setenv("VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree("one-stub").c_str(), 1) == 0);
  REQUIRE(::setenv("VGPU_BACKEND", "remote", 1) == 0);
  REQUIRE(::setenv("VGPU_ENDPOINT", endpoint.c_str(), 1) == 0);
  REQUIRE(::setenv("VGPU_LOG", ("error:" + log).c_str(), 1) == 0);
  REQUIRE(::setenv("VGPU_TELEMETRY", "off", 1) == 0);

  void* shim = ::dlopen(VGPU_SHIM_LIBRARY_DIR "/libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  INFO(::dlerror());
  REQUIRE(shim != nullptr);
  using Init = CUresult (*)(unsigned);
  using Count = CUresult (*)(int*);
  auto init = reinterpret_cast<Init>(::dlsym(shim, "cuInit"));
  auto count = reinterpret_cast<Count>(::dlsym(shim, "cuDeviceGetCount"));
  REQUIRE(init != nullptr);
  REQUIRE(count != nullptr);
  CHECK(init(0) == CUDA_ERROR_NO_DEVICE);
  int devices = -1;
  CHECK(count(&devices) == CUDA_ERROR_NOT_INITIALIZED);

  std::ifstream file(log);
  std::stringstream text;
  text << file.rdbuf();
  INFO(text.str());
  CHECK(text.str().find("cuInit: no device: cannot reach vgpud at " + endpoint) != std::string::npos);
}

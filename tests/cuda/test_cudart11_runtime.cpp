// The same device and memory checks with NVIDIA's CUDA 11.8 runtime (Debian's libcudart11.0):
// cudart 11 takes other paths through the driver (cuGetProcAddress v1, integrity versions
// 11080..11082, modules through CUDART_INTERFACE slot 6).
#include <catch2/catch.hpp>

#include "run_program.h"
#include "sysfs_fixture.h"
#include "test_paths.h"

#include <filesystem>

TEST_CASE("NVIDIA's CUDA 11.8 runtime sees the device and moves memory through the shim") {
  INFO("libcudart.so.11.0 is fetched by `scripts/dev deps` into .deps/libcudart11.0");
  REQUIRE(std::filesystem::exists(VGPU_CUDART11_LIBRARY));
  const std::map<std::string, std::string> environment = {
      {"LD_LIBRARY_PATH", VGPU_SHIM_LIBRARY_DIR},
      {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
      {"VGPU_BACKEND", vgpu::test::testBackend()},
      {"VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree("two-stubs").string()},
      {"VGPU_MACHINE_ID_FILE", (vgpu::test::dataDir() / "sysfs" / "machine-id").string()},
      {"VGPU_LOG", "warn"},
      {"VGPU_PROFILE", ""},
  };
  const auto run = vgpu::test::runProgram(VGPU_CUDART11_CHECKS, {VGPU_CUDART11_LIBRARY}, environment, 300);
  INFO(run.output);
  CHECK(run.exitCode == 0);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(vgpu::test::outputValue(run.output, "runtime-version") == "11080");
  CHECK(vgpu::test::outputValue(run.output, "device-count") == "2");
  CHECK(run.output.find("pass roundtrip-67108864") != std::string::npos);
  CHECK(run.output.find("pass event-elapsed") != std::string::npos);
}

TEST_CASE("the CUDA 11.8 runtime reports no device when the bus has no stub") {
  REQUIRE(std::filesystem::exists(VGPU_CUDART11_LIBRARY));
  const auto run = vgpu::test::runProgram(VGPU_CUDART11_CHECKS, {VGPU_CUDART11_LIBRARY},
                                          {{"LD_LIBRARY_PATH", VGPU_SHIM_LIBRARY_DIR},
                                           {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
                                           {"VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree("zero-stubs").string()},
                                           {"VGPU_LOG", "off"}},
                                          120);
  INFO(run.output);
  CHECK(run.exitCode == 0);
  CHECK(vgpu::test::outputValue(run.output, "device-count") == "0");
}

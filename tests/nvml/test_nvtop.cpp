// nvtop 3.0.1 (Debian 12 contrib, fetched into .deps/nvtop by scripts/dev deps) against the shim.
// nvtop 3.0 has no snapshot mode: it runs in a pseudo-terminal made by script(1) (bsdutils), is
// sent "q" after its first frames, and its screen output must name every presented device.
#include <catch2/catch.hpp>

#include "run_program.h"
#include "sysfs_fixture.h"
#include "test_paths.h"

#include "vgpu/device/device_discovery.h"
#include "vgpu/device/device_profiles.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

TEST_CASE("nvtop shows every presented device") {
  REQUIRE(std::filesystem::exists(VGPU_NVTOP));
  const std::string sysfsRoot = vgpu::test::buildSysfsTree("two-stubs").string();
  const std::string machineId = (vgpu::test::dataDir() / "sysfs" / "machine-id").string();
  vgpu::device::ShimConfig config;
  config.sysfsRoot = sysfsRoot;
  config.machineIdFile = machineId;
  const vgpu::device::DiscoveryResult expected = vgpu::device::discoverDevices(config);
  REQUIRE(expected.devices.size() == 2);

  const std::filesystem::path screen = vgpu::test::scratchDir("nvtop") / "screen.txt";
  const std::string command = "(sleep 1.5; printf q) | script -qec '" + std::string(VGPU_NVTOP) + " -C -p' '" +
                              screen.string() + "' >/dev/null";
  const vgpu::test::ProgramResult result =
      vgpu::test::runProgram("/bin/sh", {"-c", command},
                             {
                                 {"LD_LIBRARY_PATH", VGPU_SHIM_LIBRARY_DIR},
                                 {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
                                 {"VGPU_SYSFS_ROOT", sysfsRoot},
                                 {"VGPU_MACHINE_ID_FILE", machineId},
                                 {"VGPU_LOG", "off"},
                                 {"VGPU_PROFILE", ""},
                                 {"VGPU_MATCH", ""},
                                 {"VGPU_BACKEND", "sim"}, // explicit: the shims never fall back to it
                                 {"VGPU_RUNTIME_DIR", "/nonexistent/vgpu-runtime"}, // no other processes to read
                                 {"TERM", "xterm"},
                                 {"HOME", vgpu::test::scratchDir("nvtop-home").string()},
                             },
                             30);
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  std::ifstream in(screen);
  std::stringstream text;
  text << in.rdbuf();
  // Terminal control sequences out, the words in.
  const std::string plain = std::regex_replace(text.str(), std::regex("\x1b\\[[0-9;?]*[A-Za-z]"), "");
  INFO(plain);
  for (std::size_t i = 0; i < expected.devices.size(); ++i) {
    const std::string label =
        "Device " + std::to_string(i) + " [" + std::string(expected.devices[i].profile->name) + "]";
    CHECK(plain.find(label) != std::string::npos);
  }
}

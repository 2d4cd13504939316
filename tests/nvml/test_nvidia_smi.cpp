// NVIDIA's nvidia-smi 535 (Debian 12 non-free, fetched into .deps/nvidia-smi by scripts/dev deps) run
// against the shim with the shim directory first on the library path: the default view, -q and
// --query-gpu show the presented devices, and nothing fails on a missing symbol or an error the tool
// treats as fatal. Fields the shim has no real value for read N/A.
#include <catch2/catch.hpp>

#include "presented_devices_fixture.h"

#include "run_program.h"
#include "sysfs_fixture.h"
#include "test_paths.h"

#include "vgpu/device/device_discovery.h"
#include "vgpu/device/device_identity.h"
#include "vgpu/device/device_profiles.h"

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

namespace {

using vgpu::test::ProgramResult;

using Fixture = vgpu::test::PresentedDevicesFixture;
using vgpu::test::machineIdFile;
Fixture fixture(const std::string& tree) {
  return vgpu::test::presentedDevices(tree);
}

ProgramResult nvidiaSmi(const Fixture& f, const std::vector<std::string>& arguments,
                        const std::string& runtimeDir = "/nonexistent/vgpu-runtime") {
  REQUIRE(std::filesystem::exists(VGPU_NVIDIA_SMI));
  return vgpu::test::runProgram(VGPU_NVIDIA_SMI, arguments,
                                {
                                    {"LD_LIBRARY_PATH", VGPU_SHIM_LIBRARY_DIR},
                                    {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
                                    {"VGPU_SYSFS_ROOT", f.sysfsRoot},
                                    {"VGPU_MACHINE_ID_FILE", machineIdFile()},
                                    {"VGPU_LOG", "off"},
                                    {"VGPU_PROFILE", ""},
                                    {"VGPU_MATCH", ""},
                                    {"VGPU_BACKEND", "sim"},          // explicit: the shims never fall back to it
                                    {"VGPU_RUNTIME_DIR", runtimeDir}, // default: no other processes to read
                                },
                                60);
}

// "    Key      : value" as nvidia-smi -q prints it.
bool hasQueryLine(const std::string& output, const std::string& key, const std::string& value) {
  const std::regex line("(^|\\n) *" + key + " +: " + value + "(\\n|$)");
  return std::regex_search(output, line);
}

void checkNoFailure(const ProgramResult& result) {
  CHECK(result.exitCode == 0);
  CHECK(result.output.find("Mismatch in versions") == std::string::npos);
  CHECK(result.output.find("Internal NVML error") == std::string::npos);
  CHECK(result.output.find("Function Not Found") == std::string::npos);
}

} // namespace

TEST_CASE("nvidia-smi's default view shows the presented device") {
  const Fixture f = fixture("one-stub");
  REQUIRE(f.expected.devices.size() == 1);
  const ProgramResult result = nvidiaSmi(f, {});
  INFO(result.output);
  checkNoFailure(result);
  CHECK(result.output.find("Driver Version: 580.159.04") != std::string::npos);
  CHECK(result.output.find("CUDA Version: 13.0") != std::string::npos);
  CHECK(result.output.find(std::string(f.expected.devices[0].profile->name)) != std::string::npos);
  CHECK(result.output.find("00000000:00:05.0") != std::string::npos);
  CHECK(result.output.find("No running processes found") != std::string::npos);
}

TEST_CASE("nvidia-smi -q shows the device's identity and N/A for what the shim does not know") {
  const Fixture f = fixture("one-stub");
  REQUIRE(f.expected.devices.size() == 1);
  const ProgramResult result = nvidiaSmi(f, {"-q"});
  INFO(result.output);
  checkNoFailure(result);
  CHECK(hasQueryLine(result.output, "Attached GPUs", "1"));
  CHECK(hasQueryLine(result.output, "Product Name", std::string(f.expected.devices[0].profile->name)));
  CHECK(hasQueryLine(result.output, "Product Brand", "NVIDIA"));
  CHECK(hasQueryLine(result.output, "Product Architecture", "Hopper"));
  CHECK(hasQueryLine(result.output, "GPU UUID", vgpu::device::formatGpuUuid(f.expected.devices[0].uuid)));
  CHECK(hasQueryLine(result.output, "Bus Id", "00000000:00:05.0"));
  CHECK(hasQueryLine(result.output, "Device Id", "0x233110DE"));
  CHECK(hasQueryLine(result.output, "Sub System Id", "0x16C110DE"));
  CHECK(hasQueryLine(result.output, "Minor Number", "0"));
  // Field values the shim has no figure for: N/A, never a number read from an unset buffer.
  CHECK(hasQueryLine(result.output, "Current Power Limit", "N/A"));
  CHECK(hasQueryLine(result.output, "Max Power Limit", "N/A"));
  CHECK(hasQueryLine(result.output, "Power Draw", "N/A"));
}

TEST_CASE("nvidia-smi --query-gpu lists every presented device") {
  const Fixture f = fixture("two-stubs");
  REQUIRE(f.expected.devices.size() == 2);
  const ProgramResult result =
      nvidiaSmi(f, {"--query-gpu=index,name,uuid,pci.bus_id,memory.total", "--format=csv,noheader"});
  INFO(result.output);
  checkNoFailure(result);
  std::ostringstream expected;
  for (std::size_t i = 0; i < f.expected.devices.size(); ++i) {
    const vgpu::device::PresentedDevice& device = f.expected.devices[i];
    char busId[32];
    std::snprintf(busId, sizeof busId, "%08X:%02X:%02X.%X", device.address.domain, device.address.bus,
                  device.address.device, device.address.function);
    // memory.total: the profile's size, also with no CUDA process anywhere (no runtime directory).
    expected << i << ", " << device.profile->name << ", " << vgpu::device::formatGpuUuid(device.uuid) << ", " << busId
             << ", " << (device.profile->totalMemoryBytes >> 20U) << " MiB\n";
  }
  CHECK(result.output == expected.str());
}

// An idle guest — no CUDA process, or no usable runtime directory at all — still has a GPU of the
// profile's size: nvidia-smi shows the total (and nothing used), never N/A (issue #17, #20).
TEST_CASE("nvidia-smi on an idle guest shows the device's total memory") {
  const Fixture f = fixture("one-stub");
  const long totalMiB = static_cast<long>(f.expected.devices.at(0).profile->totalMemoryBytes >> 20U);
  REQUIRE(totalMiB > 0);
  const std::string emptyRuntime = vgpu::test::scratchDir("nvidia-smi-idle-runtime").string();
  for (const std::string& runtimeDir : {std::string("/nonexistent/vgpu-runtime"), emptyRuntime}) {
    INFO("VGPU_RUNTIME_DIR=" << runtimeDir);
    const ProgramResult table = nvidiaSmi(f, {}, runtimeDir);
    INFO(table.output);
    checkNoFailure(table);
    CHECK(std::regex_search(table.output, std::regex("\\| +0MiB / +" + std::to_string(totalMiB) + "MiB +\\|")));
    CHECK(table.output.find("No running processes found") != std::string::npos);

    const ProgramResult query = nvidiaSmi(f, {"-q", "-d", "MEMORY"}, runtimeDir);
    INFO(query.output);
    checkNoFailure(query);
    CHECK(hasQueryLine(query.output, "Total", std::to_string(totalMiB) + " MiB"));
    CHECK(hasQueryLine(query.output, "Used", "0 MiB"));
    CHECK(hasQueryLine(query.output, "Free", std::to_string(totalMiB) + " MiB"));

    const ProgramResult csv =
        nvidiaSmi(f, {"--query-gpu=memory.total,memory.used,memory.free", "--format=csv,noheader,nounits"}, runtimeDir);
    INFO(csv.output);
    CHECK(csv.output == std::to_string(totalMiB) + ", 0, " + std::to_string(totalMiB) + "\n");
  }
}

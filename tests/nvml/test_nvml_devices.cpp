// libvgpu-nvml's devices, as a client sees them: nvml_probe runs as a child process per fixture
// sysfs tree (discovery happens once per process, at the first nvmlInit) and the answers are
// compared with what vgpu_device's own functions say the shims present: same count, names, UUIDs
// (the CUDA shim's bytes), PCI ids and bus ids. With --cuda, memory used follows the CUDA shim's
// allocations in the same process.
#include <catch2/catch.hpp>

#include "presented_devices_fixture.h"

#include "run_program.h"
#include "sysfs_fixture.h"
#include "test_paths.h"

#include "vgpu/device/device_discovery.h"
#include "vgpu/device/device_identity.h"
#include "vgpu/device/device_profiles.h"

#include <nvml.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using vgpu::test::outputValue;
using vgpu::test::ProgramResult;

using Fixture = vgpu::test::PresentedDevicesFixture;
using vgpu::test::machineIdFile;
Fixture fixture(const std::string& tree) {
  return vgpu::test::presentedDevices(tree);
}

ProgramResult probe(const Fixture& f, std::vector<std::string> arguments = {},
                    const std::map<std::string, std::string>& overrides = {}) {
  std::map<std::string, std::string> environment = {
      {"LD_LIBRARY_PATH", VGPU_SHIM_LIBRARY_DIR},
      {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
      {"VGPU_SYSFS_ROOT", f.sysfsRoot},
      {"VGPU_MACHINE_ID_FILE", machineIdFile()},
      {"VGPU_LOG", "warn"},
      {"VGPU_PROFILE", ""},
      {"VGPU_MATCH", ""},
      {"VGPU_BACKEND", "sim"},                           // explicit: the shims never fall back to it
      {"VGPU_RUNTIME_DIR", "/nonexistent/vgpu-runtime"}, // no other processes to read
  };
  for (const auto& [name, value] : overrides) {
    environment[name] = value;
  }
  return vgpu::test::runProgram(VGPU_NVML_PROBE, arguments, environment, 60);
}

// vgpud (simulated executor) on a fresh socket for one test, stopped at the end.
struct Vgpud {
  std::string directory;
  std::string endpoint;
  pid_t pid = -1;
  Vgpud() {
    char pattern[] = "/tmp/vgpud-nvml-XXXXXX"; // short: sun_path holds 108 bytes
    REQUIRE(::mkdtemp(pattern) != nullptr);
    directory = pattern;
    const std::string socket = directory + "/vgpud.sock";
    endpoint = "unix:" + socket;
    std::vector<std::string> arguments{VGPUD_PATH, "--listen", endpoint, "--backend", "sim", "--log-level", "warn"};
    std::vector<char*> argv;
    for (std::string& argument : arguments) {
      argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    REQUIRE(::posix_spawn(&pid, VGPUD_PATH, nullptr, nullptr, argv.data(), environ) == 0);
    for (int attempt = 0; attempt < 500 && !std::filesystem::exists(socket); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(std::filesystem::exists(socket));
  }
  ~Vgpud() {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    std::filesystem::remove_all(directory);
  }
  Vgpud(const Vgpud&) = delete;
  Vgpud& operator=(const Vgpud&) = delete;
};

std::string rc(nvmlReturn_t code) {
  return std::to_string(static_cast<int>(code));
}

std::string hex(unsigned int value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

std::string nvmlBusId(const vgpu::device::PciAddress& address, int domainDigits) {
  char text[32];
  std::snprintf(text, sizeof text, "%0*X:%02X:%02X.%X", domainDigits, address.domain, address.bus, address.device,
                address.function);
  return text;
}

} // namespace

TEST_CASE("NVML counts the stubs on the PCI bus like the CUDA shim: 0, 1, 2") {
  for (const auto& [tree, devices] : {std::pair{"zero-stubs", 0}, {"one-stub", 1}, {"two-stubs", 2}}) {
    const Fixture f = fixture(tree);
    REQUIRE(f.expected.devices.size() == static_cast<std::size_t>(devices));
    const ProgramResult result = probe(f);
    INFO(tree << "\n" << result.output);
    REQUIRE(result.exitCode == 0);
    CHECK(outputValue(result.output, "count-before-init-rc") == rc(NVML_ERROR_UNINITIALIZED));
    CHECK(outputValue(result.output, "init-rc") == rc(NVML_SUCCESS));
    CHECK(outputValue(result.output, "count") == std::to_string(devices));
    CHECK(outputValue(result.output, "count-v1") == std::to_string(devices));
    CHECK(outputValue(result.output, "by-index-out-of-range-rc") == rc(NVML_ERROR_INVALID_ARGUMENT));
    CHECK(outputValue(result.output, "thread-errors") == "0"); // 8 threads × 200 init/lookup/shutdown
    CHECK(outputValue(result.output, "shutdown-rc") == rc(NVML_SUCCESS));
  }
}

TEST_CASE("NVML devices carry the CUDA shim's names, UUIDs and PCI identity") {
  const Fixture f = fixture("two-stubs");
  const ProgramResult result = probe(f);
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  REQUIRE(outputValue(result.output, "count") == "2");
  for (std::size_t i = 0; i < f.expected.devices.size(); ++i) {
    const vgpu::device::PresentedDevice& expected = f.expected.devices[i];
    const std::string p = std::to_string(i) + " ";
    INFO("device " << i);
    CHECK(outputValue(result.output, p + "name") == std::string(expected.profile->name));
    CHECK(outputValue(result.output, p + "uuid") == vgpu::device::formatGpuUuid(expected.uuid));
    CHECK(outputValue(result.output, p + "pci-v3-rc") == rc(NVML_SUCCESS));
    CHECK(outputValue(result.output, p + "pci-v3-busid") == nvmlBusId(expected.address, 8));
    CHECK(outputValue(result.output, p + "pci-v3-busid-legacy") == nvmlBusId(expected.address, 4));
    CHECK(outputValue(result.output, p + "pci-v3-location") == std::to_string(expected.address.domain) + ":" +
                                                                   std::to_string(expected.address.bus) + ":" +
                                                                   std::to_string(expected.address.device));
    const std::string deviceId = hex((unsigned{expected.deviceId} << 16U) | expected.vendorId);
    const std::string subsystemId = hex((unsigned{expected.subsystemDeviceId} << 16U) | expected.subsystemVendorId);
    CHECK(outputValue(result.output, p + "pci-v3-device-id") == deviceId);
    CHECK(outputValue(result.output, p + "pci-v3-subsystem-id") == subsystemId);
    for (const std::string generation : {"nvmlDeviceGetPciInfo", "nvmlDeviceGetPciInfo_v2"}) {
      INFO(generation);
      CHECK(outputValue(result.output, p + generation + " rc") == rc(NVML_SUCCESS));
      CHECK(outputValue(result.output, p + generation + " busid") == nvmlBusId(expected.address, 4));
      CHECK(outputValue(result.output, p + generation + " device-id") == deviceId);
      CHECK(outputValue(result.output, p + generation + " subsystem-id") == subsystemId);
      CHECK(outputValue(result.output, p + generation + " guard") == "intact"); // old, smaller struct
    }
    CHECK(outputValue(result.output, p + "index") == std::to_string(i));
    CHECK(outputValue(result.output, p + "minor") == std::to_string(i));
    CHECK(outputValue(result.output, p + "cc") ==
          std::to_string(expected.profile->ccMajor) + "." + std::to_string(expected.profile->ccMinor));
    CHECK(outputValue(result.output, p + "arch") == std::to_string(NVML_DEVICE_ARCH_HOPPER));
    CHECK(outputValue(result.output, p + "brand") == std::to_string(NVML_BRAND_NVIDIA));
    CHECK(outputValue(result.output, p + "by-uuid-same") == "yes");
    CHECK(outputValue(result.output, p + "by-busid-same") == "yes");
    CHECK(outputValue(result.output, p + "by-busid-legacy-same") == "yes");
  }
}

TEST_CASE("with the work in vgpud NVML presents the guest's devices and UUIDs, configured or by default") {
  // NVML asks vgpud's version once (it answers): nvidia-smi in the guest shows the stubs, with the
  // UUIDs the CUDA shim presents for them through vgpud too (the guest's own).
  const Vgpud vgpud;
  const Fixture f = fixture("two-stubs");
  for (const std::string backend : {"remote", ""}) { // "": VGPU_BACKEND unset, remote is the default
    INFO("VGPU_BACKEND '" << backend << "'");
    const ProgramResult result = probe(f, {}, {{"VGPU_BACKEND", backend}, {"VGPU_ENDPOINT", vgpud.endpoint}});
    INFO(result.output);
    REQUIRE(result.exitCode == 0);
    CHECK(outputValue(result.output, "count") == "2");
    for (std::size_t i = 0; i < f.expected.devices.size(); ++i) {
      CHECK(outputValue(result.output, std::to_string(i) + " uuid") ==
            vgpu::device::formatGpuUuid(f.expected.devices[i].uuid));
    }
  }
}

TEST_CASE("no vgpud answering and no backend = sim: NVML presents no device and says why once") {
  const Fixture f = fixture("one-stub");
  const std::string endpoint = "unix:/nonexistent-vgpu-dir/vgpud.sock";
  struct Case {
    const char* what;
    std::map<std::string, std::string> variables;
    bool configured;
  };
  std::vector<Case> cases = {
      {"only VGPU_ENDPOINT", {{"VGPU_BACKEND", ""}, {"VGPU_ENDPOINT", endpoint}}, false},
      {"backend = remote", {{"VGPU_BACKEND", "remote"}, {"VGPU_ENDPOINT", endpoint}}, true},
  };
  if (!std::filesystem::exists("/run/vgpud.sock")) { // else the default endpoint may have a vgpud
    cases.push_back({"nothing configured", {{"VGPU_BACKEND", ""}, {"VGPU_ENDPOINT", ""}}, false});
  }
  for (Case& entry : cases) {
    INFO(entry.what);
    entry.variables["VGPU_LOG"] = "error";
    const ProgramResult result = probe(f, {}, entry.variables);
    INFO(result.output);
    REQUIRE(result.exitCode == 0);
    CHECK(outputValue(result.output, "init-rc") == rc(NVML_SUCCESS));
    CHECK(outputValue(result.output, "count") == "0");
    const std::string expectedEndpoint =
        entry.variables["VGPU_ENDPOINT"].empty() ? "unix:/run/vgpud.sock" : entry.variables["VGPU_ENDPOINT"];
    const std::string line = "error: nvmlInit: no device: cannot reach vgpud at " + expectedEndpoint + ": ";
    const std::size_t first = result.output.find(line);
    CHECK(first != std::string::npos);
    CHECK(result.output.find(line, first + 1) == std::string::npos); // one line, however often nvmlInit runs
    CHECK((result.output.find("no backend is configured, so the shim uses vgpud") != std::string::npos) ==
          !entry.configured);
  }
}

TEST_CASE("NVML system versions agree with the CUDA shim") {
  const ProgramResult result = probe(fixture("one-stub"));
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  CHECK(outputValue(result.output, "driver-version") == "580.159.04");
  CHECK(outputValue(result.output, "nvml-version") == "13.580.159.04");
  CHECK(outputValue(result.output, "cuda-driver-version") == std::to_string(CUDA_VERSION));
}

TEST_CASE("NVML rejects bad arguments and answers NOT_SUPPORTED where it has no real figure") {
  const Fixture f = fixture("one-stub");
  const ProgramResult result = probe(f);
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  CHECK(outputValue(result.output, "by-index-null-rc") == rc(NVML_ERROR_INVALID_ARGUMENT));
  CHECK(outputValue(result.output, "by-uuid-unknown-rc") == rc(NVML_ERROR_NOT_FOUND));
  CHECK(outputValue(result.output, "by-busid-unknown-rc") == rc(NVML_ERROR_NOT_FOUND));
  CHECK(outputValue(result.output, "by-busid-garbage-rc") == rc(NVML_ERROR_INVALID_ARGUMENT));
  CHECK(outputValue(result.output, "foreign-handle-name-rc") == rc(NVML_ERROR_INVALID_ARGUMENT));
  CHECK(outputValue(result.output, "0 name-short-rc") == rc(NVML_ERROR_INSUFFICIENT_SIZE));
  CHECK(outputValue(result.output, "0 name-null-rc") == rc(NVML_ERROR_INVALID_ARGUMENT));
  CHECK(outputValue(result.output, "0 pci-v3-null-rc") == rc(NVML_ERROR_INVALID_ARGUMENT));
  CHECK(outputValue(result.output, "0 cc-null-rc") == rc(NVML_ERROR_INVALID_ARGUMENT));
  CHECK(outputValue(result.output, "0 memory-null-rc") == rc(NVML_ERROR_INVALID_ARGUMENT));
  CHECK(outputValue(result.output, "0 memory-v2-bad-version-rc") == rc(NVML_ERROR_ARGUMENT_VERSION_MISMATCH));
  // No CUDA shim in this process and no runtime directory (an idle guest): no process is known to
  // use the device, so the device's size from its profile, nothing used, everything free.
  const std::string total = std::to_string(f.expected.devices.at(0).profile->totalMemoryBytes);
  CHECK(outputValue(result.output, "0 memory-rc") == rc(NVML_SUCCESS));
  CHECK(outputValue(result.output, "0 memory-total") == total);
  CHECK(outputValue(result.output, "0 memory-used") == "0");
  CHECK(outputValue(result.output, "0 memory-free") == total);
  CHECK(outputValue(result.output, "0 memory-v2-rc") == rc(NVML_SUCCESS));
  CHECK(outputValue(result.output, "0 memory-v2-total") == total);
  CHECK(outputValue(result.output, "0 memory-v2-used") == "0");
  CHECK(outputValue(result.output, "0 memory-v2-free") == total);
  CHECK(outputValue(result.output, "0 max-pcie-generation-rc") == rc(NVML_ERROR_NOT_SUPPORTED));
  // The batch call succeeds; each field says it has no value.
  CHECK(outputValue(result.output, "0 field-values-rc") == rc(NVML_SUCCESS));
  CHECK(outputValue(result.output, "0 field-values-each-rc") ==
        rc(NVML_ERROR_NOT_SUPPORTED) + "," + rc(NVML_ERROR_NOT_SUPPORTED));
  // Event sets exist (nvidia-smi needs one) but no event ever arrives: a wait times out.
  CHECK(outputValue(result.output, "event-set-create-rc") == rc(NVML_SUCCESS));
  CHECK(outputValue(result.output, "event-set-wait-rc") == rc(NVML_ERROR_TIMEOUT));
  CHECK(outputValue(result.output, "event-set-free-rc") == rc(NVML_SUCCESS));
  CHECK(outputValue(result.output, "export-table-unknown-rc") == rc(NVML_ERROR_NOT_SUPPORTED));
  CHECK(outputValue(result.output, "0 temperature-rc") == rc(NVML_ERROR_NOT_SUPPORTED));
}

TEST_CASE("NVML memory used follows the CUDA shim's allocations in the same process") {
  const Fixture f = fixture("one-stub");
  constexpr unsigned long long kBytes = 64ULL << 20U;
  const ProgramResult result = probe(f, {"--cuda", std::to_string(kBytes)});
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  // The same device in both libraries: cuDeviceGetUuid's bytes are NVML's UUID.
  std::string nvmlUuidHex;
  for (char c : outputValue(result.output, "0 uuid").substr(4)) {
    if (c != '-') {
      nvmlUuidHex += c;
    }
  }
  CHECK(outputValue(result.output, "cuda-uuid-hex") == nvmlUuidHex);
  for (const char* phase : {"before", "allocated", "freed"}) {
    INFO(phase);
    CHECK(outputValue(result.output, std::string(phase) + "-rc") == rc(NVML_SUCCESS));
    CHECK(outputValue(result.output, std::string(phase) + "-total") ==
          std::to_string(f.expected.devices.at(0).profile->totalMemoryBytes));
    CHECK(outputValue(result.output, std::string(phase) + "-sum-ok") == "yes");
    CHECK(outputValue(result.output, std::string(phase) + "-v1-used") ==
          outputValue(result.output, std::string(phase) + "-used"));
  }
  REQUIRE(outputValue(result.output, "alloc-rc") == "0");
  const unsigned long long before = std::stoull(outputValue(result.output, "before-used"));
  const unsigned long long allocated = std::stoull(outputValue(result.output, "allocated-used"));
  const unsigned long long freed = std::stoull(outputValue(result.output, "freed-used"));
  CHECK(allocated - before >= kBytes);
  CHECK(allocated - before < kBytes + (2ULL << 20U)); // at most one allocation granule more
  CHECK(freed == before);
}

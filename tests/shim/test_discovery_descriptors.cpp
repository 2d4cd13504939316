// Discovery keeps no descriptor open: a process that runs discovery again and again (the console
// re-running diagnostics, the NVML shim inside a monitoring daemon) must not run out of
// descriptors when the sysfs tree is broken. Counts the entries of /proc/self/fd around repeated
// failing and succeeding discoveries.
#include "sysfs_fixture.h"
#include "test_paths.h"

#include "vgpu/device/device_discovery.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

using namespace vgpu::device;

namespace {

std::size_t openDescriptorCount() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

ShimConfig configFor(const std::filesystem::path& root) {
  ShimConfig config;
  config.sysfsRoot = root.string();
  config.machineIdFile = (vgpu::test::dataDir() / "sysfs" / "machine-id").string();
  return config;
}

} // namespace

TEST_CASE("repeated failing and succeeding discoveries leave no descriptor open") {
  // Every way a tree can fail that the fixtures describe, and trees that succeed, built before the
  // first count so that only discovery itself is measured.
  const std::vector<std::filesystem::path> failing = {
      vgpu::test::buildSysfsTree("garbled"),
      vgpu::test::buildSysfsTree("missing-device-file"),
      vgpu::test::scratchDir("descriptors-nonexistent") / "nothing-here",
  };
  const std::vector<std::filesystem::path> succeeding = {
      vgpu::test::buildSysfsTree("one-stub"),
      vgpu::test::buildSysfsTree("missing-config"),
  };
  // One round first: whatever is opened once per process (locale data, libpci's ID cache) is not
  // a leak.
  for (const auto& root : failing) {
    static_cast<void>(discoverDevices(configFor(root)));
  }
  for (const auto& root : succeeding) {
    static_cast<void>(discoverDevices(configFor(root)));
  }

  const std::size_t before = openDescriptorCount();
  constexpr int kRounds = 50;
  int failures = 0;
  int successes = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (const auto& root : failing) {
      failures += discoverDevices(configFor(root)).error.empty() ? 0 : 1;
    }
    for (const auto& root : succeeding) {
      successes += discoverDevices(configFor(root)).devices.size() == 1 ? 1 : 0;
    }
  }
  const std::size_t after = openDescriptorCount();

  CHECK(failures == kRounds * static_cast<int>(failing.size()));
  CHECK(successes == kRounds * static_cast<int>(succeeding.size()));
  CHECK(after == before);
}

TEST_CASE("a garbled tree is refused before libpci opens it, with the entry named") {
  const PciScanResult scan = scanPciDevices(vgpu::test::buildSysfsTree("garbled").string());
  CHECK(scan.devices.empty());
  CHECK_THAT(scan.error, Catch::Contains("not-a-pci-address"));
  CHECK_THAT(scan.error, Catch::Contains("domain:bus:device.function"));
}

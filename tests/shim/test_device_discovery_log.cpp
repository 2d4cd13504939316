// logDiscovery's lines, with VGPU_LOG pointing at a file (its own test program: VGPU_LOG is read
// once per process, at the first log call).
#include "sysfs_fixture.h"
#include "test_paths.h"

#include "vgpu/device/device_discovery.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace vgpu::device;

TEST_CASE("logDiscovery reports problems, the reason for no device, and each presented device") {
  const auto logFile = vgpu::test::scratchDir("discovery-log") / "vgpu.log";
  const std::string setting = "info:" + logFile.string();
  REQUIRE(::setenv("VGPU_LOG", setting.c_str(), 1) == 0); // NOLINT(concurrency-mt-unsafe): single-threaded here

  ConfigLoad load;
  load.problems.push_back({"/etc/vgpu/shim.conf", 3, "unknown key 'x'"});
  load.config.sysfsRoot = vgpu::test::buildSysfsTree("unknown-id").string();
  load.config.machineIdFile = (vgpu::test::dataDir() / "sysfs" / "machine-id").string();
  logDiscovery(load, discoverDevices(load.config));

  load.problems.clear();
  load.config.sysfsRoot = vgpu::test::buildSysfsTree("one-stub").string();
  const DiscoveryResult presented = discoverDevices(load.config);
  logDiscovery(load, presented);

  std::ifstream in(logFile);
  std::stringstream text;
  text << in.rdbuf();
  const std::string log = text.str();
  CHECK_THAT(log, Catch::Contains("warn: config: /etc/vgpu/shim.conf:3: unknown key 'x'"));
  CHECK_THAT(log, Catch::Contains("error: discovery: no device presented: PCI device 10de:1234 at 0000:00:05.0 has "
                                  "no device profile; map it with profile=10de:1234=<key>"));
  CHECK_THAT(log, Catch::Contains("info: discovery: 0000:00:05.0 NVIDIA H100 PCIe (profile h100-pcie, PCI 10de:2331, " +
                                  formatGpuUuid(presented.devices.at(0).uuid) + ")"));
}

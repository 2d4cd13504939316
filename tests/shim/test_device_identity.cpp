// Device identity: FNV-1a 128 against published vectors, the UUID derivation's known answers
// (computed independently with Python's big integers), stability and formatting.
#include "vgpu/device/device_identity.h"

#include <catch2/catch.hpp>

#include <set>

using namespace vgpu::device;

TEST_CASE("FNV-1a 128 matches the reference vectors") {
  // From the FNV reference (offset basis for "", and the published "a" and "foobar" values).
  CHECK(formatUuid(fnv1a128("")) == "6c62272e-07bb-0142-62b8-21756295c58d");
  CHECK(formatUuid(fnv1a128("a")) == "d228cb69-6f1a-8caf-7891-2b704e4a8964");
  CHECK(formatUuid(fnv1a128("foobar")) == "343e1662-793c-64bf-6f0d-3597ba446f18");
}

TEST_CASE("device UUIDs follow the documented derivation") {
  const std::string machineId = "0123456789abcdef0123456789abcdef";
  CHECK(formatGpuUuid(deviceUuid(machineId, {0, 0, 5, 0})) == "GPU-8b7d61c9-0634-b2b2-7813-2ddfdab2cec3");
  CHECK(formatGpuUuid(deviceUuid(machineId, {0, 0, 6, 0})) == "GPU-ba9f3c51-0586-bfc7-de12-1651b780d1ac");
  CHECK(formatGpuUuid(deviceUuid("", {0, 0, 5, 0})) == "GPU-f5832221-a438-39a0-b709-0cd936131743");
}

TEST_CASE("the machine id is trimmed, so a trailing newline does not change the UUID") {
  const PciAddress address{0, 0, 5, 0};
  CHECK(deviceUuid("0123456789abcdef0123456789abcdef\n", address) ==
        deviceUuid("  0123456789abcdef0123456789abcdef \r\n", address));
  CHECK(trimMachineId(" \n\t").empty());
}

TEST_CASE("UUIDs differ across addresses and machines") {
  std::set<Uuid> seen;
  for (std::uint8_t bus = 0; bus < 4; ++bus) {
    for (std::uint8_t device = 0; device < 32; ++device) {
      for (std::uint8_t function = 0; function < 8; ++function) {
        seen.insert(deviceUuid("machine-a", {0, bus, device, function}));
        seen.insert(deviceUuid("machine-b", {0, bus, device, function}));
      }
    }
  }
  CHECK(seen.size() == std::size_t{2} * 4 * 32 * 8);
}

TEST_CASE("PCI address and UUID forms") {
  const PciAddress address{0x12, 0xab, 0x1f, 7};
  CHECK(formatPciAddress(address) == "0012:ab:1f.7");
  CHECK(formatNvmlBusId(address) == "00000012:ab:1f.7");
  Uuid uuid{};
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    uuid[i] = static_cast<std::uint8_t>(0xf0 + i);
  }
  CHECK(formatGpuUuid(uuid) == "GPU-f0f1f2f3-f4f5-f6f7-f8f9-fafbfcfdfeff");
}

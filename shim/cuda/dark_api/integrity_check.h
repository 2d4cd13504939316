// The INTEGRITY_CHECK answer cudart verifies (docs/dark-api.md): fixed values for versions ending
// in 0 and 1; otherwise HMAC-MD2 with a fixed key over the driver and caller versions, process and
// thread, the addresses of the tables handed out, the caller's time, and each device's UUID and
// PCI domain/bus/device.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace vgpu::cuda::dark {

struct IntegrityDevice {
  std::array<std::uint8_t, 16> uuid{};
  std::uint32_t pciDomain = 0;
  std::uint32_t pciBus = 0;
  std::uint32_t pciDevice = 0;
};

struct IntegrityInput {
  std::uint32_t driverVersion = 0;
  std::uint32_t version = 0;
  std::uint32_t processId = 0;
  std::uint32_t threadId = 0; // low 32 bits of pthread_self()
  std::uint64_t cudartTable = 0;
  std::uint64_t integrityTable = 0;
  std::uint64_t integrityFunction = 0;
  std::uint64_t seconds = 0;
  std::vector<IntegrityDevice> devices;
};

std::array<std::uint64_t, 2> integrityAnswer(const IntegrityInput& input);

} // namespace vgpu::cuda::dark

// The small lookups on the telemetry structs (device by index, copy direction names).
#include "telemetry/telemetry_types.h"

namespace vgpu::controller::telemetry {

const char* copyDirectionName(CopyDirection direction) {
  static constexpr std::array<const char*, kCopyDirectionCount> kNames{"host_to_device", "device_to_host",
                                                                       "device_to_device"};
  return kNames[static_cast<std::size_t>(direction)];
}

bool ProcessHello::simulated() const {
  return simulatedFlag.value_or(executor.value_or(backend) == QLatin1String("simulated"));
}

const DeviceIdentity* ProcessHello::device(int index) const {
  for (const DeviceIdentity& identity : devices) {
    if (identity.index == index) {
      return &identity;
    }
  }
  return nullptr;
}

const DeviceMemory* Sample::device(int index) const {
  for (const DeviceMemory& memory : devices) {
    if (memory.index == index) {
      return &memory;
    }
  }
  return nullptr;
}

std::uint64_t Sample::vramUsedBytes() const {
  std::uint64_t sum = 0;
  for (const DeviceMemory& memory : devices) {
    sum += memory.usedBytes;
  }
  return sum;
}

} // namespace vgpu::controller::telemetry

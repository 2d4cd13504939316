// Building the integrity message and hashing it.
#include "dark_api/integrity_check.h"

#include "dark_api/md2_hmac.h"

#include <cstring>

namespace vgpu::cuda::dark {
namespace {

constexpr std::uint8_t kKey[16] = {0x14, 0x6A, 0xDD, 0xAE, 0x53, 0xA9, 0xA7, 0x52,
                                   0xAA, 0x08, 0x41, 0x36, 0x0B, 0xF5, 0x5A, 0x9F};

template <typename T> void append(std::vector<std::uint8_t>& out, T value) {
  std::uint8_t bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value); // little-endian host, as the driver's own layout
  out.insert(out.end(), bytes, bytes + sizeof value);
}

} // namespace

std::array<std::uint64_t, 2> integrityAnswer(const IntegrityInput& input) {
  if (input.version % 10 == 0) {
    return {0x3341181C03CB675CULL, 0x8ED383AA1F4CD1E8ULL};
  }
  if (input.version % 10 == 1) {
    return {0x1841181C03CB675CULL, 0x8ED383AA1F4CD1E8ULL};
  }
  std::vector<std::uint8_t> message;
  message.reserve(48 + 28 * input.devices.size());
  append(message, input.driverVersion);
  append(message, input.version);
  append(message, input.processId);
  append(message, input.threadId);
  append(message, input.cudartTable);
  append(message, input.integrityTable);
  append(message, input.integrityFunction);
  append(message, input.seconds);
  for (const IntegrityDevice& device : input.devices) {
    message.insert(message.end(), device.uuid.begin(), device.uuid.end());
    append(message, device.pciDomain);
    append(message, device.pciBus);
    append(message, device.pciDevice);
  }
  const Md2Digest digest = hmacMd2(std::span<const std::uint8_t, 16>(kKey), message);
  std::array<std::uint64_t, 2> out{};
  std::memcpy(&out[0], digest.data(), 8);
  std::memcpy(&out[1], digest.data() + 8, 8);
  return out;
}

} // namespace vgpu::cuda::dark

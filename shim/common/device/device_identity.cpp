// FNV-1a 128 and the UUID derivation documented in device_identity.h. The 128-bit arithmetic is
// done in two 64-bit halves (no __int128, which -Wpedantic rejects): multiplying by the FNV prime
// 2^88 + 0x13b is x * 0x13b + (x << 88), all modulo 2^128.
#include "vgpu/device/device_identity.h"

#include <cstdio>

namespace vgpu::device {
namespace {

struct U128 {
  std::uint64_t high;
  std::uint64_t low;
};

constexpr U128 kFnvOffsetBasis{0x6c62272e07bb0142ULL, 0x62b821756295c58dULL};
constexpr std::uint64_t kFnvPrimeLow = 0x13b; // the prime's low part; its high part is 1 << 24 (2^88)

// x * 0x13b, modulo 2^128, from 32-bit limbs so no partial product overflows.
U128 multiplySmall(U128 x, std::uint64_t factor) {
  const std::uint64_t l0 = (x.low & 0xffffffffULL) * factor;
  const std::uint64_t l1 = (x.low >> 32) * factor + (l0 >> 32);
  const std::uint64_t h0 = (x.high & 0xffffffffULL) * factor + (l1 >> 32);
  const std::uint64_t h1 = (x.high >> 32) * factor + (h0 >> 32);
  return U128{(h1 << 32) | (h0 & 0xffffffffULL), (l1 << 32) | (l0 & 0xffffffffULL)};
}

U128 multiplyByFnvPrime(U128 x) {
  U128 product = multiplySmall(x, kFnvPrimeLow);
  product.high += x.low << 24; // (x << 88): only the low half's low 40 bits land below 2^128
  return product;
}

} // namespace

Uuid fnv1a128(std::string_view bytes) {
  U128 hash = kFnvOffsetBasis;
  for (const char c : bytes) {
    hash.low ^= static_cast<std::uint8_t>(c);
    hash = multiplyByFnvPrime(hash);
  }
  Uuid digest{};
  for (std::size_t i = 0; i < 8; ++i) {
    digest[i] = static_cast<std::uint8_t>(hash.high >> (56 - 8 * i));
    digest[8 + i] = static_cast<std::uint8_t>(hash.low >> (56 - 8 * i));
  }
  return digest;
}

std::string_view trimMachineId(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

Uuid deviceUuid(std::string_view machineId, const PciAddress& address) {
  // The address goes before the machine id: FNV-1a's multiply only carries upwards, so the 33 bytes
  // after it spread a one-character difference (neighbouring devices) over the whole digest.
  std::string input = "vgpu-device-uuid-v1";
  input += '\0';
  input += formatPciAddress(address);
  input += '\0';
  input += trimMachineId(machineId);
  return fnv1a128(input);
}

std::string formatUuid(const Uuid& uuid) {
  char text[37];
  static_cast<void>(std::snprintf(text, sizeof text,
                                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", uuid[0],
                                  uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9],
                                  uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]));
  return text;
}

std::string formatGpuUuid(const Uuid& uuid) {
  return "GPU-" + formatUuid(uuid);
}

} // namespace vgpu::device

// MD2 (RFC 1319) and HMAC (RFC 2104) over it: the keyed hash NVIDIA's driver uses for the dark
// API's integrity check (docs/dark-api.md). Small, dependency-free: the shim may not link a crypto
// library.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace vgpu::cuda::dark {

using Md2Digest = std::array<std::uint8_t, 16>;

Md2Digest md2(std::span<const std::uint8_t> message);
Md2Digest hmacMd2(std::span<const std::uint8_t, 16> key, std::span<const std::uint8_t> message);

} // namespace vgpu::cuda::dark

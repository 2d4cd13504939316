// A presented device's UUID: stable per (machine, PCI address), the same in the CUDA and the NVML
// shim. Algorithm (version 1 of the derivation): FNV-1a 128-bit over the bytes of
//   "vgpu-device-uuid-v1" NUL <PCI address "dddd:bb:dd.f"> NUL <machine id, whitespace-trimmed>
// and the 16-byte digest, most significant byte first, is the UUID. No crypto library may be linked
// into the shims; the UUID needs determinism and spread, not secrecy, which FNV-1a gives.
#pragma once

#include "vgpu/device/pci_discovery.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vgpu::device {

using Uuid = std::array<std::uint8_t, 16>;

// FNV-1a, 128-bit (offset basis 0x6c62272e07bb014262b821756295c58d, prime 2^88 + 0x13b).
Uuid fnv1a128(std::string_view bytes);

// The machine id as read from a file: surrounding whitespace removed.
std::string_view trimMachineId(std::string_view text);

Uuid deviceUuid(std::string_view machineId, const PciAddress& address);

// "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (NVML, nvidia-smi, Ollama, CUDA_VISIBLE_DEVICES).
std::string formatGpuUuid(const Uuid& uuid);

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
std::string formatUuid(const Uuid& uuid);

} // namespace vgpu::device

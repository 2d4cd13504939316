// The session handshake of the vgpud wire protocol (docs/wire-protocol.md, "Hello"): the client's
// version range and the devices its PCI bus expects; the reply's chosen version, session id and
// ONE snapshot per device with everything the shim presents (name, compute capability, memory,
// every attribute with its value or error, UUID, PCI bus id, driver version), so discovery costs
// exactly one round trip.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vgpu::wire {

inline constexpr std::size_t kMaxHelloDevices = 64;
inline constexpr std::size_t kMaxAttributes = 1024;
inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr std::size_t kMaxTokenBytes = 4096;

struct ExpectedDevice {
  std::string profileKey;              // the profile the guest's stub maps to ("h100-pcie")
  std::string pciBusId;                // where the stub sits on the guest's bus ("0000:00:05.0")
  std::array<std::uint8_t, 16> uuid{}; // the guest-derived UUID (a simulated device adopts it)
};

struct HelloRequest {
  std::uint16_t minVersion = 0;
  std::uint16_t maxVersion = 0;
  std::uint32_t processId = 0;
  std::string clientName;              // "libvgpu-cuda 0.1.0"
  std::uint64_t sharedMemoryBytes = 0; // size of the memfd sent with SCM_RIGHTS; 0: none
  std::vector<ExpectedDevice> devices;
  std::string token; // tcp: the shared secret of vgpud's token file; unix: empty
  // The client process's name (its comm, "ollama"), for the host's view; optional at the end of
  // the payload (clients before 0.2 do not send it).
  std::string processName;
};

struct AttributeSnapshot {
  std::int32_t value = 0;
  std::int32_t result = 0; // CUresult the driver answers for this attribute; 0: value is valid
};

struct DeviceSnapshot {
  std::string name;
  std::string architecture;
  std::int32_t ccMajor = 0;
  std::int32_t ccMinor = 0;
  std::uint64_t totalMemoryBytes = 0;
  std::int32_t multiProcessorCount = 0;
  std::int32_t clockRateKHz = 0;
  std::int32_t memoryClockRateKHz = 0;
  std::int32_t memoryBusWidthBits = 0;
  std::int32_t l2CacheBytes = 0;
  std::int32_t sharedMemPerBlockOptin = 0;
  std::int32_t maxThreadsPerMultiProcessor = 0;
  std::array<std::uint8_t, 16> uuid{};
  std::string pciBusId; // the executing GPU's bus id on the host (or the guest's, when simulated)
  std::int32_t driverVersion = 0;
  std::uint64_t allocationGranularity = 0;
  std::uint64_t memoryQuotaBytes = 0; // this session's VRAM quota on the device; 0: none
  bool simulated = false;
  // The device addresses this session's device hands out: the client keeps the range free in its
  // own address space, so unified addressing never confuses a host pointer with a device one.
  std::uint64_t addressBase = 0;
  std::uint64_t addressSize = 0;
  std::vector<AttributeSnapshot> attributes; // index i: attribute id i + 1
};

struct HelloReply {
  std::uint16_t version = 0;
  std::uint64_t sessionId = 0;
  std::string daemonVersion;
  std::string backend; // "sim" or "cuda"
  std::vector<DeviceSnapshot> devices;
};

std::vector<std::uint8_t> encodeHello(const HelloRequest& request);
bool decodeHello(std::span<const std::uint8_t> payload, HelloRequest& out);
std::vector<std::uint8_t> encodeHelloReply(const HelloReply& reply);
bool decodeHelloReply(std::span<const std::uint8_t> payload, HelloReply& out);

// The version both sides speak, or 0 when the ranges do not overlap.
std::uint16_t negotiateVersion(std::uint16_t clientMin, std::uint16_t clientMax);

} // namespace vgpu::wire

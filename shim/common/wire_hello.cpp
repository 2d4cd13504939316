// Encoding and decoding of the Hello request and its device-snapshot reply.
#include "vgpu/wire_hello.h"

#include "vgpu/wire_codec.h"
#include "vgpu/wire_frame.h"

#include <algorithm>

namespace vgpu::wire {
namespace {

void putUuid(Writer& writer, const std::array<std::uint8_t, 16>& uuid) {
  for (std::uint8_t byte : uuid) {
    writer.put(byte);
  }
}

void getUuid(Reader& reader, std::array<std::uint8_t, 16>& uuid) {
  for (std::uint8_t& byte : uuid) {
    byte = reader.get<std::uint8_t>();
  }
}

} // namespace

std::uint16_t negotiateVersion(std::uint16_t clientMin, std::uint16_t clientMax) {
  const std::uint16_t high = std::min(clientMax, kProtocolVersion);
  const std::uint16_t low = std::max(clientMin, kMinProtocolVersion);
  return low <= high ? high : 0;
}

std::vector<std::uint8_t> encodeHello(const HelloRequest& request) {
  std::vector<std::uint8_t> out;
  Writer writer(out);
  writer.put(request.minVersion);
  writer.put(request.maxVersion);
  writer.put(request.processId);
  writer.string(request.clientName);
  writer.put(request.sharedMemoryBytes);
  writer.put(static_cast<std::uint32_t>(request.devices.size()));
  for (const ExpectedDevice& device : request.devices) {
    writer.string(device.profileKey);
    writer.string(device.pciBusId);
    putUuid(writer, device.uuid);
  }
  writer.string(request.token);
  if (!request.processName.empty()) { // absent rather than empty: the older form stays the canonical one
    writer.string(request.processName);
  }
  return out;
}

bool decodeHello(std::span<const std::uint8_t> payload, HelloRequest& out) {
  Reader reader(payload);
  HelloRequest request;
  request.minVersion = reader.get<std::uint16_t>();
  request.maxVersion = reader.get<std::uint16_t>();
  request.processId = reader.get<std::uint32_t>();
  request.clientName = reader.string(kMaxNameBytes);
  request.sharedMemoryBytes = reader.get<std::uint64_t>();
  const auto count = reader.get<std::uint32_t>();
  if (count > kMaxHelloDevices) {
    return false;
  }
  for (std::uint32_t i = 0; i < count && !reader.failed(); ++i) {
    ExpectedDevice device;
    device.profileKey = reader.string(kMaxNameBytes);
    device.pciBusId = reader.string(kMaxNameBytes);
    getUuid(reader, device.uuid);
    request.devices.push_back(std::move(device));
  }
  request.token = reader.string(kMaxTokenBytes);
  if (!reader.atEnd()) {
    request.processName = reader.string(kMaxNameBytes); // since 0.2; older clients end at the token
    if (request.processName.empty()) {
      return false; // an empty name is sent as none
    }
  }
  if (!reader.atEnd()) {
    return false;
  }
  out = std::move(request);
  return true;
}

std::vector<std::uint8_t> encodeHelloReply(const HelloReply& reply) {
  std::vector<std::uint8_t> out;
  Writer writer(out);
  writer.put(reply.version);
  writer.put(reply.sessionId);
  writer.string(reply.daemonVersion);
  writer.string(reply.backend);
  writer.put(static_cast<std::uint32_t>(reply.devices.size()));
  for (const DeviceSnapshot& device : reply.devices) {
    writer.string(device.name);
    writer.string(device.architecture);
    for (std::int32_t value : {device.ccMajor, device.ccMinor}) {
      writer.put(value);
    }
    writer.put(device.totalMemoryBytes);
    for (std::int32_t value :
         {device.multiProcessorCount, device.clockRateKHz, device.memoryClockRateKHz, device.memoryBusWidthBits,
          device.l2CacheBytes, device.sharedMemPerBlockOptin, device.maxThreadsPerMultiProcessor}) {
      writer.put(value);
    }
    putUuid(writer, device.uuid);
    writer.string(device.pciBusId);
    writer.put(device.driverVersion);
    writer.put(device.allocationGranularity);
    writer.put(device.memoryQuotaBytes);
    writer.put(static_cast<std::uint8_t>(device.simulated ? 1 : 0));
    writer.put(device.addressBase);
    writer.put(device.addressSize);
    writer.put(static_cast<std::uint32_t>(device.attributes.size()));
    for (const AttributeSnapshot& attribute : device.attributes) {
      writer.put(attribute.value);
      writer.put(attribute.result);
    }
  }
  return out;
}

bool decodeHelloReply(std::span<const std::uint8_t> payload, HelloReply& out) {
  Reader reader(payload);
  HelloReply reply;
  reply.version = reader.get<std::uint16_t>();
  reply.sessionId = reader.get<std::uint64_t>();
  reply.daemonVersion = reader.string(kMaxNameBytes);
  reply.backend = reader.string(kMaxNameBytes);
  const auto count = reader.get<std::uint32_t>();
  if (count > kMaxHelloDevices) {
    return false;
  }
  for (std::uint32_t i = 0; i < count && !reader.failed(); ++i) {
    DeviceSnapshot device;
    device.name = reader.string(kMaxNameBytes);
    device.architecture = reader.string(kMaxNameBytes);
    for (std::int32_t* field : {&device.ccMajor, &device.ccMinor}) {
      *field = reader.get<std::int32_t>();
    }
    device.totalMemoryBytes = reader.get<std::uint64_t>();
    for (std::int32_t* field :
         {&device.multiProcessorCount, &device.clockRateKHz, &device.memoryClockRateKHz, &device.memoryBusWidthBits,
          &device.l2CacheBytes, &device.sharedMemPerBlockOptin, &device.maxThreadsPerMultiProcessor}) {
      *field = reader.get<std::int32_t>();
    }
    getUuid(reader, device.uuid);
    device.pciBusId = reader.string(kMaxNameBytes);
    device.driverVersion = reader.get<std::int32_t>();
    device.allocationGranularity = reader.get<std::uint64_t>();
    device.memoryQuotaBytes = reader.get<std::uint64_t>();
    device.simulated = reader.get<std::uint8_t>() != 0;
    device.addressBase = reader.get<std::uint64_t>();
    device.addressSize = reader.get<std::uint64_t>();
    const auto attributes = reader.get<std::uint32_t>();
    if (attributes > kMaxAttributes) {
      return false;
    }
    for (std::uint32_t a = 0; a < attributes && !reader.failed(); ++a) {
      AttributeSnapshot attribute;
      attribute.value = reader.get<std::int32_t>();
      attribute.result = reader.get<std::int32_t>();
      device.attributes.push_back(attribute);
    }
    reply.devices.push_back(std::move(device));
  }
  if (!reader.atEnd()) {
    return false;
  }
  out = std::move(reply);
  return true;
}

} // namespace vgpu::wire

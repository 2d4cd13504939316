// Encoding of the telemetry replies (docs/telemetry-protocol.md): hello, sample, error, ok.
#include "vgpu/telemetry/protocol.h"

#include "vgpu/telemetry/json_writer.h"
#include "vgpu/version.h"

namespace vgpu::telemetry {
namespace {

double rate(std::uint64_t now, std::uint64_t before, double seconds) {
  if (seconds <= 0 || now < before) {
    return 0;
  }
  return static_cast<double>(now - before) / seconds;
}

// One copy direction: total bytes and bytes per second since the previous sample.
struct CopyDirection {
  std::string_view name;
  std::uint64_t ActivityCounters::*bytes;
};
constexpr CopyDirection kCopyDirections[] = {
    {"host_to_device", &ActivityCounters::bytesHostToDevice},
    {"device_to_host", &ActivityCounters::bytesDeviceToHost},
    {"device_to_device", &ActivityCounters::bytesDeviceToDevice},
};

} // namespace

std::string encodeHello(const HelloInfo& hello) {
  JsonWriter json;
  json.beginObject();
  json.key("type").value("hello");
  json.key("protocol").value(static_cast<std::int64_t>(kProtocolVersion));
  json.key("pid").value(static_cast<std::int64_t>(hello.pid));
  json.key("executable").value(hello.executable);
  json.key("uid").value(static_cast<std::uint64_t>(hello.uid));
  json.key("shim_version").value(VGPU_VERSION_STRING);
  json.key("backend").value(hello.backend);
  json.key("devices").beginArray();
  for (std::size_t i = 0; i < hello.devices.size(); ++i) {
    const DeviceIdentity& device = hello.devices[i];
    json.beginObject();
    json.key("index").value(static_cast<std::uint64_t>(i));
    json.key("name").value(device.name);
    json.key("uuid").value(device.uuid);
    json.key("pci_bus_id").value(device.pciBusId);
    json.endObject();
  }
  json.endArray();
  json.endObject();
  return json.text();
}

std::string encodeSample(const ProcessSample& now, const ProcessSample& previous, const SampleContext& context) {
  JsonWriter json;
  json.beginObject();
  json.key("type").value("sample");
  json.key("seq").value(context.sequence);
  json.key("time_ms").value(context.timeMs);
  json.key("backend_state").value(now.backendState);
  json.key("devices").beginArray();
  for (std::size_t i = 0; i < now.devices.size(); ++i) {
    const DeviceMemory& memory = now.devices[i];
    json.beginObject();
    json.key("index").value(static_cast<std::uint64_t>(i));
    json.key("vram_used_bytes").value(memory.usedBytes);
    json.key("vram_total_bytes").value(memory.totalBytes);
    json.key("vram_peak_bytes").value(memory.peakBytes);
    json.key("allocations").value(memory.allocationCount);
    json.endObject();
  }
  json.endArray();
  json.key("kernel_launches").beginObject();
  json.key("total").value(now.counters.kernelLaunches);
  json.key("per_second").value(rate(now.counters.kernelLaunches, previous.counters.kernelLaunches, context.seconds));
  json.endObject();
  json.key("copies").beginObject();
  for (const CopyDirection& direction : kCopyDirections) {
    json.key(direction.name).beginObject();
    json.key("bytes").value(now.counters.*direction.bytes);
    json.key("bytes_per_second")
        .value(rate(now.counters.*direction.bytes, previous.counters.*direction.bytes, context.seconds));
    json.endObject();
  }
  json.endObject();
  json.key("memsets").value(now.counters.memsets);
  json.key("dropped_clients").value(context.droppedClients);
  json.endObject();
  return json.text();
}

std::string encodeError(std::string_view code, std::string_view message) {
  JsonWriter json;
  json.beginObject();
  json.key("type").value("error");
  json.key("error").value(code);
  json.key("message").value(message);
  json.endObject();
  return json.text();
}

std::string encodeAck(std::string_view command, std::int64_t intervalMs) {
  JsonWriter json;
  json.beginObject();
  json.key("type").value("ok");
  json.key("cmd").value(command);
  if (intervalMs > 0) {
    json.key("interval_ms").value(intervalMs);
  }
  json.endObject();
  return json.text();
}

} // namespace vgpu::telemetry

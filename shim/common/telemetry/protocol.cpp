// Encoding of the telemetry replies (docs/telemetry-protocol.md): hello, sample, error, ok. A
// sample's latency percentiles cover the window between the client's previous sample and now: the
// difference of two cumulative histograms.
#include "vgpu/telemetry/protocol.h"

#include "vgpu/telemetry/json_writer.h"
#include "vgpu/version.h"

#include <optional>
#include <utility>
#include <vector>

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

// The per-bucket difference now - before (before is an earlier reading of the same counters).
LatencyCounts windowOf(const LatencyCounts& now, const LatencyCounts* before) {
  LatencyCounts window = now;
  if (before != nullptr) {
    for (std::size_t i = 0; i < window.size(); ++i) {
      window[i] = now[i] >= (*before)[i] ? now[i] - (*before)[i] : 0;
    }
  }
  return window;
}

std::uint64_t countOf(const LatencyCounts& counts) {
  std::uint64_t total = 0;
  for (const std::uint64_t count : counts) {
    total += count;
  }
  return total;
}

// "p50"/"p95"/"p99" (with `suffix`): integers, or null for an empty window.
void writePercentiles(JsonWriter& json, const LatencyCounts& window, std::string_view suffix) {
  static constexpr std::pair<std::string_view, unsigned> kPercentiles[] = {{"p50", 50}, {"p95", 95}, {"p99", 99}};
  for (const auto& [name, percent] : kPercentiles) {
    json.key(std::string(name) + std::string(suffix));
    if (const std::optional<std::uint64_t> value = latencyPercentile(window, percent)) {
      json.value(*value);
    } else {
      json.null();
    }
  }
}

// "calls", "apis" and "errors": cumulative counts, and latency over the window since `previous`.
void writeCalls(JsonWriter& json, const ProcessSample& now, const ProcessSample& previous) {
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  LatencyCounts allWindow{};
  std::vector<LatencyCounts> windows;
  windows.reserve(now.apis.size());
  auto before = previous.apis.begin(); // both sorted by name: one merge pass
  for (const ApiCallStats& api : now.apis) {
    while (before != previous.apis.end() && before->name < api.name) {
      ++before;
    }
    const bool known = before != previous.apis.end() && before->name == api.name;
    windows.push_back(windowOf(api.latency, known ? &before->latency : nullptr));
    for (std::size_t i = 0; i < allWindow.size(); ++i) {
      allWindow[i] += windows.back()[i];
    }
    calls += api.calls;
    errors += api.errors;
  }
  json.key("calls").beginObject();
  json.key("total").value(calls);
  json.key("errors").value(errors);
  json.key("window_calls").value(countOf(allWindow));
  json.key("latency_ns").beginObject();
  writePercentiles(json, allWindow, "");
  json.endObject();
  json.endObject();

  json.key("apis").beginArray();
  for (std::size_t i = 0; i < now.apis.size(); ++i) {
    const ApiCallStats& api = now.apis[i];
    json.beginObject();
    json.key("name").value(api.name);
    json.key("calls").value(api.calls);
    json.key("errors").value(api.errors);
    json.key("window_calls").value(countOf(windows[i]));
    writePercentiles(json, windows[i], "_ns");
    json.endObject();
  }
  json.endArray();

  json.key("errors").beginArray();
  for (const ResultCount& result : now.errors) {
    json.beginObject();
    json.key("code").value(result.code);
    json.key("name").value(result.name);
    json.key("count").value(result.count);
    json.endObject();
  }
  json.endArray();
}

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
  json.key("endpoint").value(hello.endpoint);
  json.key("executor").value(hello.executor);
  // Derived, not stored: a flag that cannot disagree with the executor, for readers that only want
  // to know whether kernels really run.
  json.key("simulated").value(hello.executor == "simulated");
  json.key("log_level").value(hello.logLevel);
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
  json.key("activity").beginObject();
  json.key("window_ms").value(static_cast<std::uint64_t>(1000));
  json.key("kernel_percent").value(static_cast<std::uint64_t>(now.kernelActivityPercent));
  json.key("memory_percent").value(static_cast<std::uint64_t>(now.memoryActivityPercent));
  json.endObject();
  json.key("profiler").beginObject();
  json.key("active").value(now.profilerActive);
  json.key("starts").value(now.profilerStarts);
  json.key("stops").value(now.profilerStops);
  json.endObject();
  writeCalls(json, now, previous);
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

std::string encodeLevelAck(std::string_view level) {
  JsonWriter json;
  json.beginObject();
  json.key("type").value("ok");
  json.key("cmd").value("set-log-level");
  json.key("level").value(level);
  json.endObject();
  return json.text();
}

} // namespace vgpu::telemetry

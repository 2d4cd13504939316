// Reading the registry's slots into session views, and the management socket's hello and sample.
#include "admin_sample.h"

#include "vgpu/telemetry/json_writer.h"
#include "vgpu/version.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <strings.h>
#include <unistd.h>

namespace vgpu::daemon {
namespace {

std::uint64_t realtimeMs() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000000;
}

std::string_view transportName(SessionTransport transport) {
  switch (transport) {
  case SessionTransport::Tcp: return "tcp";
  case SessionTransport::Vsock: return "vsock";
  case SessionTransport::Unix: break;
  }
  return "unix";
}

std::string_view stateName(SessionState state) {
  switch (state) {
  case SessionState::Active: return "active";
  case SessionState::Draining: return "draining";
  case SessionState::Ending: return "ending";
  case SessionState::Starting: break;
  }
  return "starting";
}

// A copy of one slot, or nullopt when the slot is free, not yet described, or changed hands
// while it was read.
std::optional<SessionView> readSlot(const SessionFigures& slot) {
  const std::uint64_t id = slot.id.load(std::memory_order_acquire);
  if (id == 0 || !slot.ready.load(std::memory_order_acquire)) {
    return std::nullopt;
  }
  SessionView view;
  view.id = id;
  view.transport = slot.transport;
  view.remoteAddress = figureText(slot.remoteAddress);
  view.peerUid = slot.peerUid;
  view.peerPid = slot.peerPid;
  view.startedMs = slot.startedMs;
  view.helloDone = slot.helloDone.load(std::memory_order_acquire);
  if (view.helloDone) {
    view.clientPid = slot.clientPid;
    view.clientProcess = figureText(slot.clientProcess);
    view.clientName = figureText(slot.clientName);
    const std::size_t count = std::min<std::size_t>(slot.deviceCount, kFigureDevices);
    for (std::size_t i = 0; i < count; ++i) {
      const FigureDevice& device = slot.devices[i];
      SessionView::Device copy;
      copy.name = figureText(device.name);
      copy.pciBusId.assign(device.pciBusId.data(), ::strnlen(device.pciBusId.data(), device.pciBusId.size()));
      copy.uuid = formatUuid(device.uuid);
      copy.totalBytes = device.totalBytes;
      copy.usedBytes = device.usedBytes.load(std::memory_order_relaxed);
      view.devices.push_back(std::move(copy));
    }
  }
  view.deviceBytes = slot.deviceBytes.load(std::memory_order_relaxed);
  view.hostBytes = slot.hostBytes.load(std::memory_order_relaxed);
  view.vramQuotaBytes = slot.vramQuotaBytes.load(std::memory_order_relaxed);
  view.priority = static_cast<SessionPriority>(slot.priority.load(std::memory_order_relaxed));
  view.state = static_cast<SessionState>(slot.state.load(std::memory_order_relaxed));
  view.calls = slot.calls.load(std::memory_order_relaxed);
  view.errors = slot.errors.load(std::memory_order_relaxed);
  view.launches = slot.launches.load(std::memory_order_relaxed);
  view.bytesHostToDevice = slot.bytesHostToDevice.load(std::memory_order_relaxed);
  view.bytesDeviceToHost = slot.bytesDeviceToHost.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < view.latency.size(); ++i) {
    view.latency[i] = slot.latency[i].load(std::memory_order_relaxed);
  }
  if (slot.id.load(std::memory_order_acquire) != id) {
    return std::nullopt; // freed (and perhaps claimed again) while it was read
  }
  return view;
}

void writeLatency(telemetry::JsonWriter& json, const telemetry::LatencyCounts& counts) {
  const auto p50 = telemetry::latencyPercentile(counts, 50);
  if (!p50) {
    return; // no call yet
  }
  json.key("latency_ns").beginObject();
  json.key("p50").value(*p50);
  json.key("p90").value(telemetry::latencyPercentile(counts, 90).value_or(0));
  json.key("p99").value(telemetry::latencyPercentile(counts, 99).value_or(0));
  json.endObject();
}

} // namespace

std::string formatUuid(const std::array<std::uint8_t, 16>& uuid) {
  if (std::all_of(uuid.begin(), uuid.end(), [](std::uint8_t byte) { return byte == 0; })) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "GPU-";
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      text += '-';
    }
    text += kHex[uuid[i] >> 4];
    text += kHex[uuid[i] & 15];
  }
  return text;
}

std::vector<SessionView> readSessions(SessionRegistry& registry) {
  std::vector<SessionView> sessions;
  for (const SessionFigures& slot : registry.slots()) {
    if (std::optional<SessionView> view = readSlot(slot)) {
      sessions.push_back(std::move(*view));
    }
  }
  std::sort(sessions.begin(), sessions.end(), [](const SessionView& a, const SessionView& b) { return a.id < b.id; });
  return sessions;
}

SampleBuilder::SampleBuilder(std::string backend) : backend_(std::move(backend)), startedMs_(realtimeMs()) {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0) {
    hostname_ = name;
  }
}

std::string SampleBuilder::hello(std::string_view transport, std::optional<uid_t> uid) const {
  telemetry::JsonWriter json;
  json.beginObject();
  json.key("type").value("hello");
  json.key("protocol").value(std::uint64_t{1});
  json.key("daemon_version").value(VGPU_VERSION_STRING);
  json.key("hostname").value(hostname_);
  json.key("backend").value(backend_);
  json.key("simulated").value(backend_ == "sim");
  json.key("pid").value(static_cast<std::int64_t>(::getpid()));
  json.key("started_ms").value(startedMs_);
  json.key("peer").beginObject();
  json.key("transport").value(transport);
  if (uid) {
    json.key("uid").value(static_cast<std::uint64_t>(*uid));
  }
  json.endObject();
  json.endObject();
  return json.text();
}

void SampleBuilder::tick(SessionRegistry& registry, Clock::time_point now) {
  if (now - lastTick_ < std::chrono::seconds(1)) {
    return;
  }
  lastTick_ = now;
  std::map<std::uint64_t, Rate> next;
  for (const SessionView& session : readSessions(registry)) {
    Rate rate;
    rate.at = now;
    rate.launches = session.launches;
    rate.bytes = session.bytesHostToDevice + session.bytesDeviceToHost;
    if (const auto previous = rates_.find(session.id); previous != rates_.end()) {
      const double seconds = std::chrono::duration<double>(now - previous->second.at).count();
      if (seconds > 0) {
        rate.launchesPerSecond = static_cast<double>(rate.launches - previous->second.launches) / seconds;
        rate.bytesPerSecond = static_cast<double>(rate.bytes - previous->second.bytes) / seconds;
      }
    }
    next.emplace(session.id, rate);
  }
  rates_ = std::move(next); // ended sessions drop out
}

std::string SampleBuilder::sample(SessionRegistry& registry, std::uint64_t droppedSamples,
                                  const std::vector<HostGpuState>* host) {
  const std::vector<SessionView> sessions = readSessions(registry);
  const bool fromNvml = host != nullptr && !host->empty();
  // Each session device's host GPU: NVML's index of the same UUID, else the device's index.
  auto gpuOf = [&](const SessionView::Device& device, std::size_t index) -> std::uint32_t {
    if (fromNvml && !device.uuid.empty()) {
      for (std::size_t i = 0; i < host->size(); ++i) {
        if (::strcasecmp((*host)[i].uuid.c_str(), device.uuid.c_str()) == 0) {
          return static_cast<std::uint32_t>(i);
        }
      }
    }
    return static_cast<std::uint32_t>(index);
  };
  struct GpuUse {
    std::uint64_t usedBytes = 0;
    std::uint32_t sessions = 0;
  };
  std::map<std::uint32_t, GpuUse> use;
  std::uint64_t totalBytes = 0;
  for (const SessionView& session : sessions) {
    totalBytes += session.deviceBytes;
    for (std::size_t i = 0; i < session.devices.size(); ++i) {
      const SessionView::Device& device = session.devices[i];
      const std::uint32_t gpu = gpuOf(device, i);
      KnownGpu& known = gpus_[gpu];
      if (known.name.empty()) {
        known = {device.name, device.pciBusId, device.uuid, device.totalBytes};
      }
      use[gpu].usedBytes += device.usedBytes;
      ++use[gpu].sessions;
    }
  }
  telemetry::JsonWriter json;
  json.beginObject();
  json.key("type").value("sample");
  json.key("seq").value(++seq_);
  json.key("time_ms").value(realtimeMs());
  json.key("hostname").value(hostname_);
  json.key("backend").value(backend_);
  json.key("simulated").value(backend_ == "sim");
  json.key("dropped_samples").value(droppedSamples);
  json.key("gpus").beginArray();
  auto optional = [&json](std::string_view key, const auto& value) {
    if (value) {
      json.key(key).value(*value);
    }
  };
  // One list either way: NVML's GPUs, or those the sessions revealed with vgpud's accounting as
  // their memory figures (and nothing NVML alone knows).
  std::vector<std::pair<std::uint32_t, HostGpuState>> listed;
  if (fromNvml) {
    for (std::size_t index = 0; index < host->size(); ++index) {
      listed.emplace_back(static_cast<std::uint32_t>(index), (*host)[index]);
    }
  } else {
    for (const auto& [index, gpu] : gpus_) {
      HostGpuState state;
      state.name = gpu.name;
      state.uuid = gpu.uuid;
      state.pciBusId = gpu.pciBusId;
      const std::uint64_t used = use[index].usedBytes;
      state.memoryTotalBytes = gpu.totalBytes;
      state.memoryUsedBytes = used;
      state.memoryFreeBytes = gpu.totalBytes > used ? gpu.totalBytes - used : 0;
      listed.emplace_back(index, std::move(state));
    }
  }
  auto number = [](const std::optional<unsigned>& value) {
    return value ? std::optional<std::uint64_t>(*value) : std::nullopt;
  };
  for (const auto& [index, gpu] : listed) {
    const GpuUse now = use[index];
    json.beginObject();
    json.key("index").value(static_cast<std::uint64_t>(index));
    json.key("name").value(gpu.name);
    if (!gpu.uuid.empty()) {
      json.key("uuid").value(gpu.uuid);
    }
    if (!gpu.pciBusId.empty()) {
      json.key("pci_bus_id").value(gpu.pciBusId);
    }
    json.key("simulated").value(!fromNvml && backend_ == "sim");
    optional("memory_total_bytes", gpu.memoryTotalBytes);
    optional("memory_used_bytes", gpu.memoryUsedBytes);
    optional("memory_free_bytes", gpu.memoryFreeBytes);
    json.key("sessions").value(static_cast<std::uint64_t>(now.sessions));
    json.key("sessions_vram_bytes").value(now.usedBytes);
    optional("utilization_gpu_percent", number(gpu.utilizationGpuPercent));
    optional("utilization_memory_percent", number(gpu.utilizationMemoryPercent));
    optional("temperature_c", number(gpu.temperatureC));
    optional("power_watts", gpu.powerWatts);
    optional("sm_clock_mhz", number(gpu.smClockMhz));
    optional("memory_clock_mhz", number(gpu.memoryClockMhz));
    json.endObject();
  }
  json.endArray();
  json.key("sessions").beginArray();
  const std::uint64_t nowMs = realtimeMs();
  for (const SessionView& session : sessions) {
    json.beginObject();
    json.key("id").value(session.id);
    json.key("transport").value(transportName(session.transport));
    if (session.transport == SessionTransport::Unix) {
      json.key("peer_uid").value(static_cast<std::uint64_t>(session.peerUid));
      json.key("peer_pid").value(static_cast<std::int64_t>(session.peerPid));
    } else {
      json.key("remote_address").value(session.remoteAddress);
    }
    if (session.helloDone) {
      json.key("client_pid").value(static_cast<std::uint64_t>(session.clientPid));
      if (!session.clientProcess.empty()) {
        json.key("client_process").value(session.clientProcess);
      }
      json.key("client_name").value(session.clientName);
    }
    json.key("started_ms").value(session.startedMs);
    json.key("age_s").value(static_cast<double>(nowMs > session.startedMs ? nowMs - session.startedMs : 0) / 1000.0);
    json.key("state").value(stateName(session.state));
    json.key("priority").value(priorityName(session.priority));
    json.key("vram_quota_bytes").value(session.vramQuotaBytes);
    json.key("vram_used_bytes").value(session.deviceBytes);
    json.key("host_bytes").value(session.hostBytes);
    json.key("devices").beginArray();
    for (std::size_t i = 0; i < session.devices.size(); ++i) {
      json.beginObject();
      json.key("index").value(static_cast<std::uint64_t>(i));
      json.key("gpu").value(static_cast<std::uint64_t>(gpuOf(session.devices[i], i)));
      json.key("vram_used_bytes").value(session.devices[i].usedBytes);
      json.endObject();
    }
    json.endArray();
    json.key("calls").value(session.calls);
    json.key("errors").value(session.errors);
    json.key("launches").value(session.launches);
    json.key("bytes_host_to_device").value(session.bytesHostToDevice);
    json.key("bytes_device_to_host").value(session.bytesDeviceToHost);
    const auto rate = rates_.find(session.id);
    json.key("launches_per_s").value(rate != rates_.end() ? rate->second.launchesPerSecond : 0.0);
    json.key("copy_bytes_per_s").value(rate != rates_.end() ? rate->second.bytesPerSecond : 0.0);
    writeLatency(json, session.latency);
    json.endObject();
  }
  json.endArray();
  json.key("totals").beginObject();
  json.key("sessions").value(static_cast<std::uint64_t>(sessions.size()));
  json.key("vram_used_bytes").value(totalBytes);
  json.endObject();
  json.endObject();
  return json.text();
}

} // namespace vgpu::daemon

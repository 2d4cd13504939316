// Writing the host exposition: a table of families, each with HELP and TYPE once (also without
// samples) and its samples contiguous; values printed as integers where they are whole.
#include "host/host_exposition.h"

#include "telemetry/prometheus_exposition.h"

#include <cmath>
#include <functional>
#include <vector>

namespace vgpu::controller::host {
namespace {

using telemetry::escapeLabelValue;

QString formatValue(double value) {
  if (std::isnan(value)) {
    return QStringLiteral("NaN");
  }
  if (std::fabs(value) < 9.007199254740992e15 && std::floor(value) == value) {
    return QString::number(static_cast<std::int64_t>(value));
  }
  return QString::number(value, 'g', 17);
}

QString label(const char* name, const QString& value) {
  return QString::fromLatin1(name) + QStringLiteral("=\"") + escapeLabelValue(value) + u'"';
}

struct Writer {
  QByteArray out;
  void header(const char* name, const char* type, const char* help) {
    out += QByteArray("# HELP ") + name + ' ' + help + '\n';
    out += QByteArray("# TYPE ") + name + ' ' + type + '\n';
  }
  void line(const char* name, const QString& labels, double value) {
    out += name;
    if (!labels.isEmpty()) {
      out += '{' + labels.toUtf8() + '}';
    }
    out += ' ' + formatValue(value).toUtf8() + '\n';
  }
  template <typename T> void optional(const char* name, const QString& labels, const std::optional<T>& value) {
    if (value) {
      line(name, labels, static_cast<double>(*value));
    }
  }
};

QString gpuLabels(const HostGpu& gpu, const QString& hostname) {
  return dcgmLabels(gpu.index, gpu.uuid, gpu.pciBusId, gpu.name, hostname);
}

// The labels every per-session series carries (Hostname as on the GPU gauges, so one dashboard
// variable filters both).
QString sessionLabels(const HostSession& session, const QString& hostname) {
  return label("Hostname", hostname) + u',' + label("session", QString::number(session.id)) + u',' +
         label("transport", session.transport) + u',' + label("peer", session.peerText()) + u',' +
         label("client_process", session.clientProcess);
}

struct GpuFamily {
  const char* name;
  const char* type;
  const char* help;
  std::function<std::optional<double>(const HostGpu&)> value;
};

template <typename T> std::optional<double> asDouble(const std::optional<T>& value) {
  return value ? std::optional<double>(static_cast<double>(*value)) : std::nullopt;
}

const std::vector<GpuFamily>& gpuFamilies() {
  static const std::vector<GpuFamily> kFamilies{
      // dcgm-exporter's default counters, where vgpud's figure means the same (etc/default-counters.csv).
      {"DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).",
       [](const HostGpu& g) {
         return g.memoryUsedBytes ? std::optional<double>(static_cast<double>(dcgmMebibytes(*g.memoryUsedBytes)))
                                  : std::nullopt;
       }},
      {"DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).",
       [](const HostGpu& g) {
         return g.memoryFreeBytes ? std::optional<double>(static_cast<double>(dcgmMebibytes(*g.memoryFreeBytes)))
                                  : std::nullopt;
       }},
      {"DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).",
       [](const HostGpu& g) { return g.utilizationGpuPercent; }},
      {"DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %).",
       [](const HostGpu& g) { return g.utilizationMemoryPercent; }},
      {"DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).", [](const HostGpu& g) { return g.temperatureC; }},
      {"DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).", [](const HostGpu& g) { return g.powerWatts; }},
      {"DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz).", [](const HostGpu& g) { return g.smClockMhz; }},
      {"DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz).",
       [](const HostGpu& g) { return g.memoryClockMhz; }},
      // Ours, in bytes.
      {"vgpu_host_gpu_memory_total_bytes", "gauge", "The GPU's total memory in bytes.",
       [](const HostGpu& g) { return asDouble(g.memoryTotalBytes); }},
      {"vgpu_host_gpu_memory_used_bytes", "gauge",
       "The GPU's used memory in bytes (NVML's figure; simulated GPUs: the sessions' use).",
       [](const HostGpu& g) { return asDouble(g.memoryUsedBytes); }},
      {"vgpu_host_gpu_sessions", "gauge", "vgpud sessions using the GPU.",
       [](const HostGpu& g) { return asDouble(g.sessions); }},
  };
  return kFamilies;
}

double seconds(std::optional<std::int64_t> nanoseconds) {
  return nanoseconds ? static_cast<double>(*nanoseconds) / 1e9 : std::nan("");
}

} // namespace

QString dcgmLabels(int index, const QString& uuid, const QString& pciBusId, const QString& modelName,
                   const QString& hostname) {
  return label("gpu", QString::number(index)) + u',' + label("UUID", uuid) + u',' + label("pci_bus_id", pciBusId) +
         u',' + label("device", u"nvidia"_qs + QString::number(index)) + u',' + label("modelName", modelName) + u',' +
         label("Hostname", hostname);
}

std::uint64_t dcgmMebibytes(std::uint64_t bytes) {
  return bytes >> 20;
}

QByteArray hostPrometheusExposition(const HostScrape& scrape) {
  Writer w;
  const bool up = scrape.hello && scrape.sample;
  w.header("vgpu_host_up", "gauge", "1 when vgpud's admin socket answered this scrape, else 0.");
  w.line("vgpu_host_up", label("endpoint", scrape.endpoint), up ? 1 : 0);
  w.header("vgpu_host_scrape_errors_total", "counter",
           "Scrapes whose admin socket could not be read, since the "
           "exporter started.");
  w.line("vgpu_host_scrape_errors_total", {}, static_cast<double>(scrape.scrapeErrorsTotal));

  const QString hostname =
      up ? (scrape.sample->hostname.isEmpty() ? scrape.hello->hostname : scrape.sample->hostname) : QString();
  w.header("vgpu_host_info", "gauge", "vgpud's identity (always 1): hostname, daemon version, backend, simulated.");
  if (up) {
    w.line("vgpu_host_info",
           label("Hostname", hostname) + u',' + label("daemon_version", scrape.hello->daemonVersion) + u',' +
               label("backend", scrape.sample->backend.isEmpty() ? scrape.hello->backend : scrape.sample->backend) +
               u',' + label("simulated", scrape.sample->simulated ? u"true"_qs : u"false"_qs),
           1);
  }
  w.header("vgpu_host_sessions", "gauge", "Live vgpud sessions.");
  if (up) {
    w.line("vgpu_host_sessions", label("Hostname", hostname),
           static_cast<double>(
               scrape.sample->totalSessions.value_or(static_cast<std::uint64_t>(scrape.sample->sessions.size()))));
  }
  w.header("vgpu_host_gpu_info", "gauge", "A GPU of the host (always 1); simulated: no GPU runs its kernels.");
  if (up) {
    for (const HostGpu& gpu : scrape.sample->gpus) {
      w.line("vgpu_host_gpu_info",
             gpuLabels(gpu, hostname) + u',' + label("simulated", gpu.simulated ? u"true"_qs : u"false"_qs), 1);
    }
  }
  for (const GpuFamily& family : gpuFamilies()) {
    w.header(family.name, family.type, family.help);
    if (!up) {
      continue;
    }
    for (const HostGpu& gpu : scrape.sample->gpus) {
      if (const std::optional<double> value = family.value(gpu)) {
        w.line(family.name, gpuLabels(gpu, hostname), *value);
      }
    }
  }

  const QList<HostSession> sessions = up ? scrape.sample->sessions : QList<HostSession>{};
  w.header("vgpu_host_session_info", "gauge",
           "A live session (always 1): client pid and name as the client reported them, state, priority.");
  for (const HostSession& s : sessions) {
    w.line("vgpu_host_session_info",
           sessionLabels(s, hostname) + u',' +
               label("client_pid", s.clientPid ? QString::number(*s.clientPid) : QString()) + u',' +
               label("client_name", s.clientName) + u',' + label("state", s.state) + u',' +
               label("priority", s.priority),
           1);
  }
  w.header("vgpu_host_session_start_time_seconds", "gauge", "When the session started, seconds since the Unix epoch.");
  for (const HostSession& s : sessions) {
    if (s.startedMs) {
      w.line("vgpu_host_session_start_time_seconds", sessionLabels(s, hostname),
             static_cast<double>(*s.startedMs) / 1000.0);
    }
  }
  w.header("vgpu_host_session_vram_used_bytes", "gauge", "Device memory the session holds on the host GPU, in bytes.");
  for (const HostSession& s : sessions) {
    for (const HostSessionDevice& device : s.devices) {
      w.line("vgpu_host_session_vram_used_bytes",
             sessionLabels(s, hostname) + u',' + label("gpu", QString::number(device.gpu)),
             static_cast<double>(device.vramUsedBytes));
    }
  }
  // The per-session families that are one figure each, in the exposition's order.
  struct SessionFamily {
    const char* name;
    const char* type;
    const char* help;
    std::optional<std::uint64_t> HostSession::*figure;
  };
  static constexpr SessionFamily kFamilies[] = {
      {"vgpu_host_session_vram_quota_bytes", "gauge", "The session's VRAM quota per device in bytes; 0: none.",
       &HostSession::vramQuotaBytes},
      {"vgpu_host_session_host_bytes", "gauge", "Host memory vgpud holds for the session, in bytes.",
       &HostSession::hostBytes},
      {"vgpu_host_session_calls_total", "counter", "Calls the session made.", &HostSession::calls},
      {"vgpu_host_session_errors_total", "counter", "The session's calls that failed.", &HostSession::errors},
      {"vgpu_host_session_kernel_launches_total", "counter", "Kernel launches of the session.", &HostSession::launches},
  };
  for (const SessionFamily& family : kFamilies) {
    w.header(family.name, family.type, family.help);
    for (const HostSession& s : sessions) {
      w.optional(family.name, sessionLabels(s, hostname), s.*family.figure);
    }
  }
  w.header("vgpu_host_session_copy_bytes_total", "counter", "Bytes the session copied, by direction.");
  for (const HostSession& s : sessions) {
    w.optional("vgpu_host_session_copy_bytes_total", sessionLabels(s, hostname) + u",direction=\"host_to_device\""_qs,
               s.bytesHostToDevice);
    w.optional("vgpu_host_session_copy_bytes_total", sessionLabels(s, hostname) + u",direction=\"device_to_host\""_qs,
               s.bytesDeviceToHost);
  }
  w.header("vgpu_host_session_call_latency_seconds", "summary",
           "Latency of the session's calls in vgpud: quantiles 0.5, 0.9, 0.99 (upper edges of histogram buckets; "
           "NaN without calls), count of calls.");
  for (const HostSession& s : sessions) {
    if (!s.latency) {
      continue;
    }
    const QString labels = sessionLabels(s, hostname);
    w.line("vgpu_host_session_call_latency_seconds", labels + u",quantile=\"0.5\""_qs, seconds(s.latency->p50Ns));
    w.line("vgpu_host_session_call_latency_seconds", labels + u",quantile=\"0.9\""_qs, seconds(s.latency->p90Ns));
    w.line("vgpu_host_session_call_latency_seconds", labels + u",quantile=\"0.99\""_qs, seconds(s.latency->p99Ns));
    w.optional("vgpu_host_session_call_latency_seconds_count", labels, s.calls);
  }
  return w.out;
}

} // namespace vgpu::controller::host

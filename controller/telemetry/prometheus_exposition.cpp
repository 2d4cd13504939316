// Writing the exposition: one Family per metric name, filled from the snapshot and written in the
// order of the family table, so HELP/TYPE precede each family's samples exactly once and a family
// with no samples still documents itself. Families and labels: docs/metrics.md.
#include "telemetry/prometheus_exposition.h"

#include "host/host_exposition.h"

#include <QSysInfo>
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace vgpu::controller::telemetry {
namespace {

struct Family {
  const char* name;
  const char* type; // gauge, counter, summary
  const char* help;
  // Appends this family's samples for one process.
  void (*write)(const char* name, const ProcessSnapshot& process, const QString& processLabels, QByteArray& out);
};

QString formatValue(double value) {
  if (std::isnan(value)) {
    return QStringLiteral("NaN");
  }
  if (std::isinf(value)) {
    return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
  }
  if (std::fabs(value) < 9.007199254740992e15 && std::floor(value) == value) {
    return QString::number(static_cast<std::int64_t>(value));
  }
  return QString::number(value, 'g', 17);
}

void line(QByteArray& out, const char* name, const QString& labels, double value) {
  out += name;
  if (!labels.isEmpty()) {
    out += '{' + labels.toUtf8() + '}';
  }
  out += ' ' + formatValue(value).toUtf8() + '\n';
}

QString label(const char* name, const QString& value) {
  return QString::fromLatin1(name) + QStringLiteral("=\"") + escapeLabelValue(value) + u'"';
}

QString deviceLabels(const ProcessSnapshot& process, const QString& processLabels, int index) {
  const DeviceIdentity* identity = process.hello.device(index);
  return processLabels + u',' + label("device", identity != nullptr ? identity->uuid : QString::number(index));
}

template <typename Member>
void writeDevices(const char* name, const ProcessSnapshot& process, const QString& labels, QByteArray& out,
                  Member member) {
  for (const DeviceMemory& memory : process.sample.devices) {
    line(out, name, deviceLabels(process, labels, memory.index), static_cast<double>(memory.*member));
  }
}

double seconds(std::optional<std::int64_t> nanoseconds) {
  return nanoseconds ? static_cast<double>(*nanoseconds) / 1e9 : std::nan("");
}

const std::vector<Family>& families() {
  static const std::vector<Family> kFamilies{
      {"vgpu_process_info", "gauge",
       "Shim process identity (always 1): backend, endpoint, simulated (true: no GPU runs its kernels), uid, shim "
       "version.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         line(out, name,
              labels + u',' + label("backend", p.hello.backend) + u',' +
                  label("endpoint", p.hello.endpoint.value_or(QString())) + u',' +
                  label("simulated", p.hello.simulated() ? QStringLiteral("true") : QStringLiteral("false")) + u',' +
                  label("uid", QString::number(p.hello.uid)) + u',' + label("shim_version", p.hello.shimVersion) +
                  u',' + label("backend_state", p.sample.backendState),
              1);
       }},
      {"vgpu_memory_used_bytes", "gauge", "Device memory the backend counts against the device for this process.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         writeDevices(name, p, labels, out, &DeviceMemory::usedBytes);
       }},
      {"vgpu_memory_total_bytes", "gauge", "Total memory of the device.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         writeDevices(name, p, labels, out, &DeviceMemory::totalBytes);
       }},
      {"vgpu_memory_peak_bytes", "gauge", "Highest memory use since the process started or peaks were reset.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         writeDevices(name, p, labels, out, &DeviceMemory::peakBytes);
       }},
      {"vgpu_memory_allocations", "gauge", "Live allocations on the device.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         writeDevices(name, p, labels, out, &DeviceMemory::allocations);
       }},
      {"vgpu_kernel_launches_total", "counter", "Kernel launches accepted by the backend since cuInit.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         line(out, name, labels, static_cast<double>(p.sample.kernelLaunchesTotal));
       }},
      {"vgpu_copy_bytes_total", "counter", "Bytes copied since cuInit, by direction.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         for (int d = 0; d < kCopyDirectionCount; ++d) {
           const auto direction = static_cast<CopyDirection>(d);
           line(out, name, labels + u',' + label("direction", QString::fromLatin1(copyDirectionName(direction))),
                static_cast<double>(p.sample.copy(direction).bytes));
         }
       }},
      {"vgpu_memsets_total", "counter", "Memset operations since cuInit.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         line(out, name, labels, static_cast<double>(p.sample.memsets));
       }},
      {"vgpu_api_calls_total", "counter", "CUDA driver API calls since cuInit, by entry point.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         for (const ApiFigures& api : p.sample.apis.value_or(QList<ApiFigures>{})) {
           line(out, name, labels + u',' + label("api", api.name), static_cast<double>(api.calls));
         }
       }},
      {"vgpu_api_errors_total", "counter", "CUDA driver API calls that did not return CUDA_SUCCESS, by CUresult.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         for (const ErrorFigures& error : p.sample.errors.value_or(QList<ErrorFigures>{})) {
           const QString result = error.name.isEmpty() ? QString::number(error.code) : error.name;
           line(out, name, labels + u',' + label("result", result), static_cast<double>(error.count));
         }
       }},
      {"vgpu_call_latency_seconds", "summary",
       "Wall time inside the shim's entry points: quantiles over the calls since cuInit (the snapshot window; "
       "NaN without calls; each the upper bound of a histogram bucket), count of calls since cuInit.",
       [](const char* name, const ProcessSnapshot& p, const QString& labels, QByteArray& out) {
         if (!p.sample.calls) {
           return;
         }
         const LatencyPercentiles& latency = p.sample.calls->latency;
         line(out, name, labels + QStringLiteral(",quantile=\"0.5\""), seconds(latency.p50Ns));
         line(out, name, labels + QStringLiteral(",quantile=\"0.95\""), seconds(latency.p95Ns));
         line(out, name, labels + QStringLiteral(",quantile=\"0.99\""), seconds(latency.p99Ns));
         line(out, (QByteArray(name) + "_count").constData(), labels, static_cast<double>(p.sample.calls->total));
       }},
  };
  return kFamilies;
}

void header(QByteArray& out, const char* name, const char* type, const char* help) {
  out += QByteArray("# HELP ") + name + ' ' + help + '\n';
  out += QByteArray("# TYPE ") + name + ' ' + type + '\n';
}

// One device as the guest's processes see it, their use summed (the DCGM-named gauges).
struct GuestDevice {
  int index = 0;
  QString uuid;
  QString name;
  QString pciBusId;
  std::uint64_t usedBytes = 0;
  std::uint64_t totalBytes = 0;
};

QList<GuestDevice> guestDevices(const SnapshotResult& snapshot) {
  QList<GuestDevice> devices;
  for (const ProcessSnapshot& process : snapshot.processes) {
    for (const DeviceMemory& memory : process.sample.devices) {
      const DeviceIdentity* identity = process.hello.device(memory.index);
      const QString key = identity != nullptr && !identity->uuid.isEmpty() ? identity->uuid : QString();
      GuestDevice* found = nullptr;
      for (GuestDevice& device : devices) {
        if (key.isEmpty() ? device.uuid.isEmpty() && device.index == memory.index : device.uuid == key) {
          found = &device;
        }
      }
      if (found == nullptr) {
        GuestDevice device;
        device.index = memory.index;
        if (identity != nullptr) {
          device.uuid = identity->uuid;
          device.name = identity->name;
          device.pciBusId = identity->pciBusId;
        }
        devices.append(device);
        found = &devices.last();
      }
      found->usedBytes += memory.usedBytes;
      found->totalBytes = std::max(found->totalBytes, memory.totalBytes);
    }
  }
  return devices;
}

void writeDcgmFamilies(const SnapshotResult& snapshot, QByteArray& out) {
  const QList<GuestDevice> devices = guestDevices(snapshot);
  const QString hostname = QSysInfo::machineHostName();
  header(out, "DCGM_FI_DEV_FB_USED", "gauge",
         "Framebuffer memory used (in MiB): the vgpu shim processes' use of the device, summed.");
  for (const GuestDevice& device : devices) {
    line(out, "DCGM_FI_DEV_FB_USED",
         host::dcgmLabels(device.index, device.uuid, device.pciBusId, device.name, hostname),
         static_cast<double>(host::dcgmMebibytes(device.usedBytes)));
  }
  header(out, "DCGM_FI_DEV_FB_FREE", "gauge",
         "Framebuffer memory free (in MiB): the device's total less the vgpu shim processes' use.");
  for (const GuestDevice& device : devices) {
    const std::uint64_t free = device.totalBytes > device.usedBytes ? device.totalBytes - device.usedBytes : 0;
    line(out, "DCGM_FI_DEV_FB_FREE",
         host::dcgmLabels(device.index, device.uuid, device.pciBusId, device.name, hostname),
         static_cast<double>(host::dcgmMebibytes(free)));
  }
}

} // namespace

QString escapeLabelValue(const QString& value) {
  QString escaped;
  escaped.reserve(value.size());
  for (const QChar c : value) {
    if (c == u'\\') {
      escaped += QStringLiteral("\\\\");
    } else if (c == u'"') {
      escaped += QStringLiteral("\\\"");
    } else if (c == u'\n') {
      escaped += QStringLiteral("\\n");
    } else {
      escaped += c;
    }
  }
  return escaped;
}

QByteArray prometheusExposition(const SnapshotResult& snapshot, std::uint64_t scrapeErrorsTotal) {
  QByteArray out;
  header(out, "vgpu_processes", "gauge", "Processes running the vgpu CUDA shim whose control socket answered.");
  line(out, "vgpu_processes", {}, static_cast<double>(snapshot.processes.size()));
  header(out, "vgpu_scrape_errors_total", "counter",
         "Control sockets that could not be read, since the exporter started.");
  line(out, "vgpu_scrape_errors_total", {}, static_cast<double>(scrapeErrorsTotal));
  writeDcgmFamilies(snapshot, out);
  for (const Family& family : families()) {
    header(out, family.name, family.type, family.help);
    for (const ProcessSnapshot& process : snapshot.processes) {
      const QString labels =
          label("pid", QString::number(process.hello.pid)) + u',' + label("exe", process.hello.executable);
      family.write(family.name, process, labels, out);
    }
  }
  return out;
}

} // namespace vgpu::controller::telemetry

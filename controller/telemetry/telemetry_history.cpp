// TelemetryHistory: which figures of a sample feed which series (a table), the ring buffers, and
// the per-device aggregation (sample-and-hold over the processes of a device).
#include "telemetry/telemetry_history.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>

namespace vgpu::controller::telemetry {
namespace {

enum class Aggregate { Sum, Max };

struct MetricInfo {
  Metric metric;
  const char* name;
  bool perDevice;
  Aggregate aggregate;
  // The value of a per-process metric in a sample (nullopt = no point this time).
  std::optional<double> (*processValue)(const Sample&);
};

std::optional<double> percentile(const Sample& sample, std::optional<std::int64_t> LatencyPercentiles::*member) {
  if (!sample.calls || !(sample.calls->latency.*member)) {
    return std::nullopt;
  }
  return static_cast<double>(*(sample.calls->latency.*member));
}

const std::array<MetricInfo, kMetricCount> kMetrics{{
    {Metric::VramUsedBytes, "vram_used_bytes", true, Aggregate::Sum, nullptr},
    {Metric::VramTotalBytes, "vram_total_bytes", true, Aggregate::Max, nullptr},
    {Metric::LaunchesPerSecond, "launches_per_second", false, Aggregate::Sum,
     [](const Sample& s) -> std::optional<double> { return s.kernelLaunchesPerSecond; }},
    {Metric::LatencyP50Ns, "latency_p50_ns", false, Aggregate::Max,
     [](const Sample& s) { return percentile(s, &LatencyPercentiles::p50Ns); }},
    {Metric::LatencyP95Ns, "latency_p95_ns", false, Aggregate::Max,
     [](const Sample& s) { return percentile(s, &LatencyPercentiles::p95Ns); }},
    {Metric::LatencyP99Ns, "latency_p99_ns", false, Aggregate::Max,
     [](const Sample& s) { return percentile(s, &LatencyPercentiles::p99Ns); }},
    {Metric::HostToDeviceBytesPerSecond, "host_to_device_bytes_per_second", false, Aggregate::Sum,
     [](const Sample& s) -> std::optional<double> { return s.copy(CopyDirection::HostToDevice).bytesPerSecond; }},
    {Metric::DeviceToHostBytesPerSecond, "device_to_host_bytes_per_second", false, Aggregate::Sum,
     [](const Sample& s) -> std::optional<double> { return s.copy(CopyDirection::DeviceToHost).bytesPerSecond; }},
    {Metric::DeviceToDeviceBytesPerSecond, "device_to_device_bytes_per_second", false, Aggregate::Sum,
     [](const Sample& s) -> std::optional<double> { return s.copy(CopyDirection::DeviceToDevice).bytesPerSecond; }},
}};

const MetricInfo& info(Metric metric) {
  return kMetrics[static_cast<std::size_t>(metric)];
}

} // namespace

bool metricIsPerDevice(Metric metric) {
  return info(metric).perDevice;
}

const char* metricName(Metric metric) {
  return info(metric).name;
}

std::size_t TelemetryHistory::capacityFor(std::chrono::milliseconds window, std::chrono::milliseconds interval) {
  if (interval.count() <= 0 || window.count() <= 0) {
    return 1;
  }
  const auto count = (window.count() + interval.count() - 1) / interval.count();
  return static_cast<std::size_t>(std::max<std::int64_t>(count, 1));
}

TelemetryHistory::TelemetryHistory(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void TelemetryHistory::setCapacity(std::size_t capacity) {
  capacity_ = std::max<std::size_t>(capacity, 1);
  for (auto& [key, buffer] : series_) {
    buffer.setCapacity(capacity_);
  }
}

void TelemetryHistory::append(const SeriesKey& key, const Point& point) {
  auto found = series_.find(key);
  if (found == series_.end()) {
    found = series_.emplace(key, RingBuffer<Point>(capacity_)).first;
  }
  found->second.push(point);
}

void TelemetryHistory::addSample(qint64 pid, const Sample& sample) {
  QList<int>& devices = processDevices_[pid];
  devices.clear();
  for (const DeviceMemory& memory : sample.devices) {
    devices.append(memory.index);
    append({pid, Metric::VramUsedBytes, memory.index}, {sample.timeMs, static_cast<double>(memory.usedBytes)});
    append({pid, Metric::VramTotalBytes, memory.index}, {sample.timeMs, static_cast<double>(memory.totalBytes)});
  }
  for (const MetricInfo& metric : kMetrics) {
    if (metric.processValue != nullptr) {
      if (const std::optional<double> value = metric.processValue(sample)) {
        append({pid, metric.metric, -1}, {sample.timeMs, *value});
      }
    }
  }
}

void TelemetryHistory::removeProcess(qint64 pid) {
  std::erase_if(series_, [pid](const auto& entry) { return entry.first.pid == pid; });
  processDevices_.erase(pid);
}

void TelemetryHistory::clear() {
  series_.clear();
  processDevices_.clear();
}

QList<qint64> TelemetryHistory::pids() const {
  QList<qint64> result;
  for (const auto& [key, buffer] : series_) {
    if (result.isEmpty() || result.back() != key.pid) {
      result.append(key.pid);
    }
  }
  return result;
}

QList<int> TelemetryHistory::devices(qint64 pid) const {
  std::set<int> found;
  for (const auto& [key, buffer] : series_) {
    if (key.device >= 0 && (pid == 0 || key.pid == pid)) {
      found.insert(key.device);
    }
  }
  return QList<int>(found.begin(), found.end());
}

const RingBuffer<Point>* TelemetryHistory::series(const SeriesKey& key) const {
  const SeriesKey normal{key.pid, key.metric, metricIsPerDevice(key.metric) ? key.device : -1};
  const auto found = series_.find(normal);
  return found == series_.end() ? nullptr : &found->second;
}

QList<Point> TelemetryHistory::points(const SeriesKey& key, std::int64_t sinceMs) const {
  QList<Point> result;
  if (const RingBuffer<Point>* buffer = series(key)) {
    for (std::size_t i = 0; i < buffer->size(); ++i) {
      if (buffer->at(i).timeMs >= sinceMs) {
        result.append(buffer->at(i));
      }
    }
  }
  return result;
}

QList<Point> TelemetryHistory::deviceSeries(int device, Metric metric, std::int64_t sinceMs,
                                            std::int64_t holdMs) const {
  // The processes of the device: those with a VRAM series for it.
  std::vector<const RingBuffer<Point>*> inputs;
  for (const auto& [key, buffer] : series_) {
    if (key.metric == Metric::VramUsedBytes && key.device == device) {
      if (const RingBuffer<Point>* input = series({key.pid, metric, device})) {
        inputs.push_back(input);
      }
    }
  }
  std::set<std::int64_t> times;
  for (const RingBuffer<Point>* input : inputs) {
    for (std::size_t i = 0; i < input->size(); ++i) {
      if (input->at(i).timeMs >= sinceMs) {
        times.insert(input->at(i).timeMs);
      }
    }
  }
  const Aggregate aggregate = info(metric).aggregate;
  std::vector<std::size_t> cursor(inputs.size(), 0); // per input: the first point after the current time
  QList<Point> result;
  result.reserve(static_cast<qsizetype>(times.size()));
  for (const std::int64_t time : times) {
    double value = 0.0;
    bool any = false;
    for (std::size_t n = 0; n < inputs.size(); ++n) {
      const RingBuffer<Point>& input = *inputs[n];
      while (cursor[n] < input.size() && input.at(cursor[n]).timeMs <= time) {
        ++cursor[n];
      }
      if (cursor[n] == 0) {
        continue; // this process had not started yet
      }
      const Point& held = input.at(cursor[n] - 1);
      if (time - held.timeMs > holdMs) {
        continue; // this process has stopped reporting
      }
      value = !any ? held.value : (aggregate == Aggregate::Sum ? value + held.value : std::max(value, held.value));
      any = true;
    }
    if (any) {
      result.append({time, value});
    }
  }
  return result;
}

std::size_t TelemetryHistory::pointCount() const {
  std::size_t count = 0;
  for (const auto& [key, buffer] : series_) {
    count += buffer.size();
  }
  return count;
}

std::size_t TelemetryHistory::storageBytes() const {
  std::size_t bytes = 0;
  for (const auto& [key, buffer] : series_) {
    bytes += buffer.storageBytes();
  }
  return bytes;
}

} // namespace vgpu::controller::telemetry

// TelemetryHistory: the recent past of every process, for plots. One fixed-capacity ring buffer of
// (time, value) points per (pid, metric[, device]); the capacity comes from the time window and
// the sample interval (1 h at 100 ms = 36,000 points), so memory never grows past it however long
// the console runs. Per-device views aggregate the processes that use a device.
#pragma once

#include "telemetry/ring_buffer.h"
#include "telemetry/telemetry_types.h"

#include <QList>
#include <chrono>
#include <limits>
#include <map>
#include <tuple>

namespace vgpu::controller::telemetry {

enum class Metric {
  VramUsedBytes,                // per device
  VramTotalBytes,               // per device
  LaunchesPerSecond,            // per process
  LatencyP50Ns,                 // per process; no point when the window had no calls
  LatencyP95Ns,                 // per process
  LatencyP99Ns,                 // per process
  HostToDeviceBytesPerSecond,   // per process
  DeviceToHostBytesPerSecond,   // per process
  DeviceToDeviceBytesPerSecond, // per process
};
inline constexpr int kMetricCount = 9;
// Whether the metric has one series per device (VRAM) or one per process.
bool metricIsPerDevice(Metric metric);
// A stable identifier ("vram_used_bytes", "launches_per_second", …) for CSV headers and JSON.
const char* metricName(Metric metric);

struct Point {
  std::int64_t timeMs = 0;
  double value = 0.0;
};

// Identifies one series. `device` is the CUDA ordinal for per-device metrics, -1 otherwise.
struct SeriesKey {
  qint64 pid = 0;
  Metric metric = Metric::VramUsedBytes;
  int device = -1;
  friend bool operator<(const SeriesKey& a, const SeriesKey& b) {
    return std::tie(a.pid, a.metric, a.device) < std::tie(b.pid, b.metric, b.device);
  }
};

class TelemetryHistory {
public:
  // Points needed to cover `window` at one sample per `interval` (at least 1).
  static std::size_t capacityFor(std::chrono::milliseconds window, std::chrono::milliseconds interval);

  explicit TelemetryHistory(std::size_t capacity);

  std::size_t capacity() const { return capacity_; }
  // Changes every series' capacity (keeps the newest points).
  void setCapacity(std::size_t capacity);

  // Appends one point per metric (per device for VRAM) at sample.timeMs.
  void addSample(qint64 pid, const Sample& sample);
  // Forgets a process's series (e.g. some time after processGone).
  void removeProcess(qint64 pid);
  void clear();

  // Pids with at least one series, ascending.
  QList<qint64> pids() const;
  // Devices that have VRAM series for `pid` (or for any process when pid is 0), ascending.
  QList<int> devices(qint64 pid = 0) const;

  // One series' points, oldest first, with timeMs >= sinceMs. Empty for an unknown key.
  QList<Point> points(const SeriesKey& key, std::int64_t sinceMs = std::numeric_limits<std::int64_t>::min()) const;
  // The series itself, or nullptr.
  const RingBuffer<Point>* series(const SeriesKey& key) const;

  // The "per device" view: `metric` over every process that reports device `device`, one point
  // per distinct sample time, each process contributing its latest value at or before that time
  // (and not older than its own previous point's spacing + `holdMs`). VRAM used, launches and
  // bandwidth are summed; VRAM total is the device's (the maximum); latency percentiles are the
  // worst (maximum) process's.
  QList<Point> deviceSeries(int device, Metric metric, std::int64_t sinceMs = std::numeric_limits<std::int64_t>::min(),
                            std::int64_t holdMs = 2000) const;

  // Points held in all series together, and the bytes of their storage.
  std::size_t pointCount() const;
  std::size_t storageBytes() const;

private:
  void append(const SeriesKey& key, const Point& point);

  std::size_t capacity_;
  std::map<SeriesKey, RingBuffer<Point>> series_;
  std::map<qint64, QList<int>> processDevices_; // the devices each process's latest sample listed
};

} // namespace vgpu::controller::telemetry

// TelemetryHistory: ring buffers hold at most the capacity the window and interval give (2 h of
// 10 Hz samples into a 1 h history leaves exactly 36,000 points per series, storage included),
// per-process and per-device series, aggregation over the processes of a device.
#include <catch2/catch.hpp>

#include "telemetry/telemetry_history.h"

using namespace vgpu::controller::telemetry;
using namespace std::chrono_literals;

namespace {

Sample makeSample(std::int64_t timeMs, std::uint64_t usedBytes, double launches,
                  std::optional<std::int64_t> p99 = std::nullopt) {
  Sample sample;
  sample.timeMs = timeMs;
  sample.devices.append({0, usedBytes, 1000, usedBytes, 1});
  sample.kernelLaunchesPerSecond = launches;
  sample.copies[static_cast<std::size_t>(CopyDirection::HostToDevice)].bytesPerSecond = 10.0;
  CallFigures calls;
  calls.latency.p99Ns = p99;
  sample.calls = calls;
  return sample;
}

} // namespace

TEST_CASE("ring buffer keeps the newest values in order", "[telemetry][history]") {
  RingBuffer<int> ring(3);
  for (int i = 1; i <= 5; ++i) {
    ring.push(i);
  }
  REQUIRE(ring.size() == 3);
  CHECK(ring.at(0) == 3);
  CHECK(ring.at(2) == 5);
  CHECK(ring.newest() == 5);
  CHECK(ring.storageBytes() == 3 * sizeof(int));
  ring.setCapacity(2);
  CHECK(ring.size() == 2);
  CHECK(ring.at(0) == 4);
  ring.setCapacity(4);
  ring.push(6);
  ring.push(7);
  ring.push(8);
  CHECK(ring.size() == 4);
  CHECK(ring.at(0) == 5);
}

TEST_CASE("capacity follows the window and the interval", "[telemetry][history]") {
  CHECK(TelemetryHistory::capacityFor(1h, 100ms) == 36000);
  CHECK(TelemetryHistory::capacityFor(1min, 1000ms) == 60);
  CHECK(TelemetryHistory::capacityFor(1min, 7000ms) == 9);
  CHECK(TelemetryHistory::capacityFor(0ms, 100ms) == 1);
}

TEST_CASE("two hours of 10 Hz samples never grow a one-hour history", "[telemetry][history]") {
  TelemetryHistory history(TelemetryHistory::capacityFor(1h, 100ms));
  const std::int64_t start = 1764158400000;
  std::size_t storageAfterOneHour = 0;
  for (std::int64_t i = 0; i < 72000; ++i) {
    history.addSample(42, makeSample(start + i * 100, static_cast<std::uint64_t>(i), 1.0, 500));
    if (i == 35999) {
      storageAfterOneHour = history.storageBytes();
    }
  }
  const RingBuffer<Point>* used = history.series({42, Metric::VramUsedBytes, 0});
  REQUIRE(used != nullptr);
  CHECK(used->size() == 36000);
  CHECK(used->capacity() == 36000);
  CHECK(used->storageBytes() == 36000 * sizeof(Point));
  CHECK(used->at(0).timeMs == start + std::int64_t{36000} * 100); // the oldest hour is gone
  CHECK(used->newest().value == 71999.0);
  // 2 per-device series + 4 per-process ones with values (launches, p99, and 3 copy directions).
  const std::size_t series = 2 + 1 + 1 + 3;
  CHECK(history.pointCount() == series * 36000);
  CHECK(history.storageBytes() == storageAfterOneHour);
  CHECK(history.storageBytes() == series * 36000 * sizeof(Point));
}

TEST_CASE("latency points only for windows with calls", "[telemetry][history]") {
  TelemetryHistory history(100);
  history.addSample(1, makeSample(1000, 0, 0, 700));
  history.addSample(1, makeSample(1100, 0, 0, std::nullopt));
  history.addSample(1, makeSample(1200, 0, 0, 900));
  const QList<Point> p99 = history.points({1, Metric::LatencyP99Ns});
  REQUIRE(p99.size() == 2);
  CHECK(p99[1].value == 900.0);
  CHECK(history.points({1, Metric::LatencyP50Ns}).isEmpty());
  CHECK(history.points({1, Metric::VramUsedBytes, 0}, 1100).size() == 2);
}

TEST_CASE("per-device series aggregate the device's processes", "[telemetry][history]") {
  TelemetryHistory history(100);
  // Process 1 from t=1000, process 2 from t=1050; process 1 stops after t=1200.
  for (std::int64_t t = 1000; t <= 1200; t += 100) {
    history.addSample(1, makeSample(t, 100, 5.0, 300));
  }
  for (std::int64_t t = 1050; t <= 5050; t += 100) {
    history.addSample(2, makeSample(t, 40, 2.0, 800));
  }
  CHECK(history.pids() == QList<qint64>{1, 2});
  CHECK(history.devices() == QList<int>{0});
  const QList<Point> used = history.deviceSeries(0, Metric::VramUsedBytes, 0, 1000);
  REQUIRE(used.size() >= 4);
  CHECK(used[0].timeMs == 1000);
  CHECK(used[0].value == 100.0); // only process 1
  CHECK(used[1].timeMs == 1050);
  CHECK(used[1].value == 140.0);    // both, process 1 held from 1000
  CHECK(used.back().value == 40.0); // process 1 stopped reporting more than holdMs earlier
  const QList<Point> launches = history.deviceSeries(0, Metric::LaunchesPerSecond, 0, 1000);
  CHECK(launches[1].value == 7.0);
  const QList<Point> total = history.deviceSeries(0, Metric::VramTotalBytes, 0, 1000);
  CHECK(total[1].value == 1000.0); // the device's total, not a sum
  const QList<Point> p99 = history.deviceSeries(0, Metric::LatencyP99Ns, 0, 1000);
  CHECK(p99[1].value == 800.0); // the worst process
  history.removeProcess(1);
  CHECK(history.pids() == QList<qint64>{2});
  CHECK(history.deviceSeries(0, Metric::VramUsedBytes).front().value == 40.0);
}

// TelemetryModel: what the console knows about the shim processes — their hellos, latest samples
// and one hour of history (controller/telemetry). The dashboard and the processes page read it;
// a TelemetryClient feeds it in production (attach) and tests feed it directly through the same
// slots, so "a test telemetry source" exercises exactly the production path from there on.
#pragma once

#include "telemetry/process_summary.h"
#include "telemetry/telemetry_history.h"
#include "telemetry/telemetry_types.h"

#include <QObject>
#include <chrono>
#include <map>

namespace vgpu::controller::telemetry {
class TelemetryClient;
}

namespace vgpu::console {

class TelemetryModel : public QObject {
  Q_OBJECT
public:
  // History kept for the longest window the dashboard offers, at the sample interval.
  static constexpr std::chrono::hours kHistoryWindow{1};

  explicit TelemetryModel(std::chrono::milliseconds sampleInterval, QObject* parent = nullptr);

  // Feeds the model from a client (the client must outlive the model's use of it).
  void attach(controller::telemetry::TelemetryClient* client);

  const controller::telemetry::TelemetryHistory& history() const { return history_; }
  // Live processes (hello received, not gone), ascending.
  QList<qint64> processes() const;
  const controller::telemetry::ProcessHello* hello(qint64 pid) const;
  const controller::telemetry::Sample* latestSample(qint64 pid) const;
  // The process table's row for a live process (zero figures before its first sample).
  controller::telemetry::ProcessSummary summary(qint64 pid) const;
  // Devices seen by any live process: ordinal → identity (first reporter wins).
  std::map<int, controller::telemetry::DeviceIdentity> devices() const;
  // How many of the live processes (or `pid`, when not 0) run on a simulated device (in-process or
  // in vgpud): none, some or all of them.
  enum class SimulatedShare { None, Some, All };
  SimulatedShare simulatedShare(qint64 pid = 0) const;
  // Time of the newest sample of any process (0 when none).
  std::int64_t newestTimeMs() const { return newestTimeMs_; }

  // The feed (connected to a TelemetryClient's signals by attach(), or called by tests).
  void addProcess(qint64 pid, const vgpu::controller::telemetry::ProcessHello& hello);
  void addSample(qint64 pid, const vgpu::controller::telemetry::Sample& sample);
  void removeProcess(qint64 pid);

signals:
  void processesChanged();
  void samplesAdded();

private:
  controller::telemetry::TelemetryHistory history_;
  std::map<qint64, controller::telemetry::ProcessHello> hellos_;
  std::map<qint64, controller::telemetry::Sample> latest_;
  std::map<qint64, std::int64_t> goneAtMs_; // ended processes whose history is still in the window
  std::int64_t newestTimeMs_ = 0;
};

} // namespace vgpu::console

// TelemetryModel: bookkeeping of hellos, latest samples and history (see telemetry_model.h).
#include "telemetry_model.h"

#include "telemetry/telemetry_client.h"

namespace vgpu::console {

namespace telemetry = controller::telemetry;

TelemetryModel::TelemetryModel(std::chrono::milliseconds sampleInterval, QObject* parent)
    : QObject(parent), history_(telemetry::TelemetryHistory::capacityFor(kHistoryWindow, sampleInterval)) {}

void TelemetryModel::attach(telemetry::TelemetryClient* client) {
  connect(client, &telemetry::TelemetryClient::processAppeared, this, [this, client](qint64 pid) {
    if (const auto hello = client->hello(pid)) {
      addProcess(pid, *hello);
    }
  });
  connect(client, &telemetry::TelemetryClient::sampleReceived, this, &TelemetryModel::addSample);
  connect(client, &telemetry::TelemetryClient::processGone, this, &TelemetryModel::removeProcess);
}

QList<qint64> TelemetryModel::processes() const {
  QList<qint64> pids;
  for (const auto& [pid, hello] : hellos_) {
    pids.append(pid);
  }
  return pids;
}

const telemetry::ProcessHello* TelemetryModel::hello(qint64 pid) const {
  const auto it = hellos_.find(pid);
  return it == hellos_.end() ? nullptr : &it->second;
}

const telemetry::Sample* TelemetryModel::latestSample(qint64 pid) const {
  const auto it = latest_.find(pid);
  return it == latest_.end() ? nullptr : &it->second;
}

telemetry::ProcessSummary TelemetryModel::summary(qint64 pid) const {
  const telemetry::ProcessHello* process = hello(pid);
  if (process == nullptr) {
    return {};
  }
  const telemetry::Sample* sample = latestSample(pid);
  return telemetry::summarizeProcess(*process, sample != nullptr ? *sample : telemetry::Sample{});
}

std::map<int, telemetry::DeviceIdentity> TelemetryModel::devices() const {
  std::map<int, telemetry::DeviceIdentity> result;
  for (const auto& [pid, process] : hellos_) {
    for (const telemetry::DeviceIdentity& device : process.devices) {
      result.emplace(device.index, device);
    }
  }
  return result;
}

TelemetryModel::SimulatedShare TelemetryModel::simulatedShare(qint64 pid) const {
  int shown = 0;
  int simulated = 0;
  for (const auto& [processPid, process] : hellos_) {
    if (pid != 0 && processPid != pid) {
      continue;
    }
    ++shown;
    simulated += process.simulated() ? 1 : 0;
  }
  if (simulated == 0) {
    return SimulatedShare::None;
  }
  return simulated == shown ? SimulatedShare::All : SimulatedShare::Some;
}

void TelemetryModel::addProcess(qint64 pid, const telemetry::ProcessHello& hello) {
  hellos_[pid] = hello;
  if (goneAtMs_.erase(pid) > 0) {
    history_.removeProcess(pid); // a pid reused by a new process: the old one's points are not its
  }
  emit processesChanged();
}

void TelemetryModel::addSample(qint64 pid, const telemetry::Sample& sample) {
  if (hellos_.find(pid) == hellos_.end()) {
    return; // a sample before its hello, or after the process was removed: nothing to attach it to
  }
  latest_[pid] = sample;
  history_.addSample(pid, sample);
  newestTimeMs_ = std::max(newestTimeMs_, sample.timeMs);
  // Forget ended processes once their last point left the longest window: memory stays bounded
  // however many short-lived processes come and go.
  const std::int64_t horizon = newestTimeMs_ - std::chrono::milliseconds(kHistoryWindow).count();
  for (auto it = goneAtMs_.begin(); it != goneAtMs_.end();) {
    if (it->second < horizon) {
      history_.removeProcess(it->first);
      it = goneAtMs_.erase(it);
    } else {
      ++it;
    }
  }
  emit samplesAdded();
}

void TelemetryModel::removeProcess(qint64 pid) {
  // The history stays until it ages out of the window: a process that just ended remains visible
  // in the plots, but it leaves the process list at once.
  if (hellos_.erase(pid) + latest_.erase(pid) > 0) {
    goneAtMs_[pid] = newestTimeMs_;
    emit processesChanged();
  }
}

} // namespace vgpu::console

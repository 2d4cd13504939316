// The Hosts page's history and sessions table (see hosts_model.h).
#include "hosts_model.h"

#include "telemetry/process_summary.h"

#include <QLocale>
#include <QSet>

namespace vgpu::console {

namespace host = controller::host;

namespace {

constexpr int kGpuKind = 0;
constexpr int kSessionKind = 1;

QString latencyText(std::optional<std::int64_t> ns) {
  if (!ns) {
    return {};
  }
  return QLocale().toString(static_cast<double>(*ns) / 1000.0, 'f', 1) + QStringLiteral(" µs");
}

QString bytesText(std::optional<std::uint64_t> bytes) {
  return bytes ? controller::telemetry::humanBytes(*bytes) : QString();
}

} // namespace

QString sessionDisplayName(const host::HostSession& session) {
  QString name =
      session.clientProcess.isEmpty() ? HostSessionsModel::tr("session %1").arg(session.id) : session.clientProcess;
  if (session.clientPid) {
    name += HostSessionsModel::tr(" (pid %1)").arg(*session.clientPid);
  }
  const QString peer = session.peerText();
  if (!peer.isEmpty()) {
    name += QLatin1Char(' ') + peer;
  }
  return name;
}

void HostHistory::append(const Key& key, std::int64_t timeMs, double value) {
  auto it = series_.find(key);
  if (it == series_.end()) {
    it = series_.emplace(key, controller::telemetry::RingBuffer<HostPoint>(capacity_)).first;
  }
  if (!it->second.empty() && it->second.newest().timeMs >= timeMs) {
    return; // a sample older than what is held (a reconnection's first sample may repeat one)
  }
  it->second.push({timeMs, value});
}

void HostHistory::addSample(const host::HostSample& sample, std::int64_t intervalMs) {
  const std::int64_t t = sample.timeMs;
  newestMs_ = std::max(newestMs_, t);
  for (const host::HostGpu& gpu : sample.gpus) {
    const auto add = [&](GpuMetric metric, auto value) {
      if (value) {
        append({kGpuKind, 0, static_cast<int>(metric), gpu.index}, t, static_cast<double>(*value));
      }
    };
    add(GpuMetric::MemoryTotalBytes, gpu.memoryTotalBytes);
    add(GpuMetric::MemoryUsedBytes, gpu.memoryUsedBytes);
    add(GpuMetric::UtilizationPercent, gpu.utilizationGpuPercent);
    add(GpuMetric::TemperatureC, gpu.temperatureC);
    add(GpuMetric::PowerWatts, gpu.powerWatts);
  }
  for (const host::HostSession& session : sample.sessions) {
    labels_.insert(session.id, sessionDisplayName(session));
    lastSeenMs_.insert(session.id, t);
    for (const host::HostSessionDevice& device : session.devices) {
      append({kSessionKind, session.id, static_cast<int>(SessionMetric::VramUsedBytes), device.gpu}, t,
             static_cast<double>(device.vramUsedBytes));
    }
    if (session.launchesPerS) {
      append({kSessionKind, session.id, static_cast<int>(SessionMetric::LaunchesPerSecond), -1}, t,
             *session.launchesPerS);
    }
    if (session.copyBytesPerS) {
      append({kSessionKind, session.id, static_cast<int>(SessionMetric::CopyBytesPerSecond), -1}, t,
             *session.copyBytesPerS);
    }
  }
  // Ended sessions are forgotten once they leave the span the buffers hold.
  const std::int64_t span = static_cast<std::int64_t>(capacity_) * std::max<std::int64_t>(intervalMs, 1);
  QList<std::uint64_t> gone;
  for (auto it = lastSeenMs_.cbegin(); it != lastSeenMs_.cend(); ++it) {
    if (it.value() < t - span) {
      gone.append(it.key());
    }
  }
  for (const std::uint64_t id : gone) {
    lastSeenMs_.remove(id);
    labels_.remove(id);
    for (auto it = series_.begin(); it != series_.end();) {
      it = std::get<0>(it->first) == kSessionKind && std::get<1>(it->first) == id ? series_.erase(it) : std::next(it);
    }
  }
}

void HostHistory::clear() {
  series_.clear();
  labels_.clear();
  lastSeenMs_.clear();
  newestMs_ = 0;
}

QList<int> HostHistory::gpus() const {
  QList<int> result;
  for (const auto& [key, buffer] : series_) {
    if (std::get<0>(key) == kGpuKind && !result.contains(std::get<3>(key))) {
      result.append(std::get<3>(key));
    }
  }
  std::sort(result.begin(), result.end());
  return result;
}

QList<std::uint64_t> HostHistory::sessionsOn(int gpu, std::int64_t sinceMs) const {
  QList<std::uint64_t> result;
  for (const auto& [key, buffer] : series_) {
    if (std::get<0>(key) == kSessionKind && std::get<2>(key) == static_cast<int>(SessionMetric::VramUsedBytes) &&
        std::get<3>(key) == gpu && !buffer.empty() && buffer.newest().timeMs >= sinceMs) {
      result.append(std::get<1>(key));
    }
  }
  return result; // the map's order: ascending id
}

QList<HostPoint> HostHistory::pointsOf(const Key& key, std::int64_t sinceMs) const {
  QList<HostPoint> result;
  const auto it = series_.find(key);
  if (it == series_.end()) {
    return result;
  }
  const auto& buffer = it->second;
  // Binary search for the first point at or after sinceMs (the buffer is in time order).
  std::size_t low = 0;
  std::size_t high = buffer.size();
  while (low < high) {
    const std::size_t middle = (low + high) / 2;
    if (buffer.at(middle).timeMs < sinceMs) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  result.reserve(static_cast<qsizetype>(buffer.size() - low));
  for (std::size_t i = low; i < buffer.size(); ++i) {
    result.append(buffer.at(i));
  }
  return result;
}

QList<HostPoint> HostHistory::gpuPoints(int gpu, GpuMetric metric, std::int64_t sinceMs) const {
  return pointsOf({kGpuKind, 0, static_cast<int>(metric), gpu}, sinceMs);
}

QList<HostPoint> HostHistory::sessionPoints(std::uint64_t session, SessionMetric metric, int gpu,
                                            std::int64_t sinceMs) const {
  return pointsOf({kSessionKind, session, static_cast<int>(metric), metric == SessionMetric::VramUsedBytes ? gpu : -1},
                  sinceMs);
}

QString HostHistory::sessionLabel(std::uint64_t session) const {
  return labels_.value(session, HostSessionsModel::tr("session %1").arg(session));
}

std::size_t HostHistory::pointCount() const {
  std::size_t count = 0;
  for (const auto& [key, buffer] : series_) {
    count += buffer.size();
  }
  return count;
}

int HostSessionsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int HostSessionsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant HostSessionsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) {
    return {};
  }
  const Row& row = rows_[index.row()];
  const host::HostSession& s = row.session;
  if (role == SessionIdRole) {
    return QVariant::fromValue<qulonglong>(s.id);
  }
  if (role == HostKeyRole) {
    return row.hostKey;
  }
  if (role == Qt::TextAlignmentRole) {
    switch (index.column()) {
    case Host:
    case Guest:
    case Process:
    case Priority:
    case State: return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    default: return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
  }
  if (role != Qt::DisplayRole && role != SortRole) {
    return {};
  }
  const bool sort = role == SortRole;
  QStringList gpus;
  for (const host::HostSessionDevice& device : s.devices) {
    gpus.append(QString::number(device.gpu));
  }
  const auto number = [&](auto value, const QString& text) -> QVariant {
    if (!value) {
      return sort ? QVariant(-1.0) : QVariant(QString());
    }
    return sort ? QVariant(static_cast<double>(*value)) : QVariant(text);
  };
  switch (index.column()) {
  case Id: return sort ? QVariant::fromValue<qulonglong>(s.id) : QVariant(QString::number(s.id));
  case Host: return row.hostName;
  case Guest: return s.peerText().isEmpty() ? s.transport : s.peerText();
  case Process: return s.clientProcess;
  case Pid: return number(s.clientPid, s.clientPid ? QString::number(*s.clientPid) : QString());
  case Gpu:
    return sort ? QVariant(gpus.isEmpty() ? -1 : s.devices.first().gpu) : QVariant(gpus.join(QStringLiteral(", ")));
  case VramUsed: return number(s.vramUsedBytes, bytesText(s.vramUsedBytes));
  case Quota:
    if (s.vramQuotaBytes && *s.vramQuotaBytes == 0) {
      return sort ? QVariant(0.0) : QVariant(tr("none"));
    }
    return number(s.vramQuotaBytes, bytesText(s.vramQuotaBytes));
  case Priority:
    if (sort) {
      return s.priority == u"low" ? 0 : s.priority == u"high" ? 2 : 1;
    }
    return s.priority == u"low"      ? tr("low")
           : s.priority == u"high"   ? tr("high")
           : s.priority == u"normal" ? tr("normal")
                                     : s.priority;
  case State:
    return s.state == u"active"     ? tr("active")
           : s.state == u"draining" ? tr("draining")
           : s.state == u"ending"   ? tr("ending")
           : s.state == u"starting" ? tr("starting")
                                    : s.state;
  case LaunchesPerS:
    return number(s.launchesPerS, s.launchesPerS ? QLocale().toString(*s.launchesPerS, 'f', 1) : QString());
  case CopyBytesPerS:
    return number(s.copyBytesPerS,
                  s.copyBytesPerS
                      ? controller::telemetry::humanBytes(static_cast<std::uint64_t>(*s.copyBytesPerS)) + tr("/s")
                      : QString());
  case LatencyP50:
    return number(s.latency ? s.latency->p50Ns : std::nullopt,
                  latencyText(s.latency ? s.latency->p50Ns : std::nullopt));
  case LatencyP99:
    return number(s.latency ? s.latency->p99Ns : std::nullopt,
                  latencyText(s.latency ? s.latency->p99Ns : std::nullopt));
  case Errors: return number(s.errors, s.errors ? QString::number(*s.errors) : QString());
  case Age: return number(s.ageS, s.ageS ? tr("%1 s").arg(QLocale().toString(*s.ageS, 'f', 0)) : QString());
  default: return {};
  }
}

QVariant HostSessionsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  switch (section) {
  case Id: return tr("Session");
  case Host: return tr("Host");
  case Guest: return tr("Guest / transport");
  case Process: return tr("Client process");
  case Pid: return tr("PID");
  case Gpu: return tr("GPU");
  case VramUsed: return tr("VRAM used");
  case Quota: return tr("Quota");
  case Priority: return tr("Priority");
  case State: return tr("State");
  case LaunchesPerS: return tr("Launches/s");
  case CopyBytesPerS: return tr("Copy B/s");
  case LatencyP50: return tr("Latency p50");
  case LatencyP99: return tr("Latency p99");
  case Errors: return tr("Errors");
  case Age: return tr("Age");
  default: return {};
  }
}

void HostSessionsModel::setHostSessions(const QString& hostKey, const QString& hostName,
                                        const QList<host::HostSession>& sessions) {
  QSet<std::uint64_t> incoming;
  for (const host::HostSession& session : sessions) {
    incoming.insert(session.id);
  }
  for (int i = static_cast<int>(rows_.size()) - 1; i >= 0; --i) {
    if (rows_[i].hostKey == hostKey && !incoming.contains(rows_[i].session.id)) {
      beginRemoveRows({}, i, i);
      rows_.removeAt(i);
      endRemoveRows();
    }
  }
  for (const host::HostSession& session : sessions) {
    int found = -1;
    for (int i = 0; i < rows_.size(); ++i) {
      if (rows_[i].hostKey == hostKey && rows_[i].session.id == session.id) {
        found = i;
        break;
      }
    }
    if (found >= 0) {
      rows_[found].session = session;
      rows_[found].hostName = hostName;
      emit dataChanged(index(found, 0), index(found, ColumnCount - 1));
    } else {
      const int at = static_cast<int>(rows_.size());
      beginInsertRows({}, at, at);
      rows_.append({hostKey, hostName, session});
      endInsertRows();
    }
  }
}

void HostSessionsModel::removeHost(const QString& hostKey) {
  setHostSessions(hostKey, QString(), {});
}

const HostSessionsModel::Row* HostSessionsModel::row(int index) const {
  return index >= 0 && index < rows_.size() ? &rows_[index] : nullptr;
}

void HostSessionsModel::retranslate() {
  emit headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
  if (!rows_.isEmpty()) {
    emit dataChanged(index(0, 0), index(static_cast<int>(rows_.size()) - 1, ColumnCount - 1));
  }
}

} // namespace vgpu::console

// What the Hosts page shows of each vgpud it watches (docs/console.md, "Hosts"): the recent past of
// every GPU and session (HostHistory: one fixed-capacity ring buffer per series, 1 h at 1 s samples
// by default, so memory never grows past it) and every live session of every host in one table
// (HostSessionsModel, sorted and filtered through a QSortFilterProxyModel on SortRole).
#pragma once

#include "host/host_types.h"
#include "host/quota_size.h"
#include "telemetry/ring_buffer.h"
#include "telemetry/telemetry_history.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <limits>
#include <map>
#include <tuple>

namespace vgpu::console {

using HostPoint = controller::telemetry::Point;

// One host's history. GPU series per GPU index; session series per session id (VRAM per GPU).
class HostHistory {
public:
  enum class GpuMetric { MemoryTotalBytes, MemoryUsedBytes, UtilizationPercent, TemperatureC, PowerWatts };
  enum class SessionMetric { VramUsedBytes, LaunchesPerSecond, CopyBytesPerSecond };

  static constexpr std::size_t kDefaultCapacity = 3600; // 1 h at 1 s samples

  explicit HostHistory(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  std::size_t capacity() const { return capacity_; }
  // Appends the sample's figures at sample.timeMs (a figure vgpud omitted adds no point) and
  // forgets sessions whose newest point is older than the capacity's span.
  void addSample(const controller::host::HostSample& sample, std::int64_t intervalMs = 1000);
  void clear();

  QList<int> gpus() const;
  // Sessions with VRAM points on `gpu` at or after `sinceMs`, ascending id.
  QList<std::uint64_t> sessionsOn(int gpu, std::int64_t sinceMs) const;
  QList<HostPoint> gpuPoints(int gpu, GpuMetric metric,
                             std::int64_t sinceMs = std::numeric_limits<std::int64_t>::min()) const;
  // `gpu` only matters for VramUsedBytes.
  QList<HostPoint> sessionPoints(std::uint64_t session, SessionMetric metric, int gpu = 0,
                                 std::int64_t sinceMs = std::numeric_limits<std::int64_t>::min()) const;
  // "ollama (pid 4242) tcp:192.168.122.17": the session's client process and guest, as last seen.
  QString sessionLabel(std::uint64_t session) const;
  std::int64_t newestTimeMs() const { return newestMs_; }
  std::size_t pointCount() const;

private:
  // (kind 0 = GPU / 1 = session, id, metric, gpu)
  using Key = std::tuple<int, std::uint64_t, int, int>;
  void append(const Key& key, std::int64_t timeMs, double value);
  QList<HostPoint> pointsOf(const Key& key, std::int64_t sinceMs) const;

  std::size_t capacity_;
  std::int64_t newestMs_ = 0;
  std::map<Key, controller::telemetry::RingBuffer<HostPoint>> series_;
  QHash<std::uint64_t, QString> labels_;
  QHash<std::uint64_t, std::int64_t> lastSeenMs_;
};

// "ollama (pid 4242) tcp:192.168.122.17", as the legends and dialogs name a session.
QString sessionDisplayName(const controller::host::HostSession& session);

// Every live session of every host, one row each.
class HostSessionsModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column {
    Id,
    Host,
    Guest,
    Process,
    Pid,
    Gpu,
    VramUsed,
    Quota,
    Priority,
    State,
    LaunchesPerS,
    CopyBytesPerS,
    LatencyP50,
    LatencyP99,
    Errors,
    Age,
    ColumnCount
  };
  static constexpr int SortRole = Qt::UserRole;          // numbers as numbers
  static constexpr int SessionIdRole = Qt::UserRole + 1; // std::uint64_t as qulonglong
  static constexpr int HostKeyRole = Qt::UserRole + 2;   // the endpoint's text

  struct Row {
    QString hostKey;  // the endpoint's text
    QString hostName; // hello's hostname (or the endpoint)
    controller::host::HostSession session;
  };

  using QAbstractTableModel::QAbstractTableModel;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // Replaces the host's rows by `sessions`, in place (rows of sessions that stay keep their place,
  // so selections survive a sample).
  void setHostSessions(const QString& hostKey, const QString& hostName,
                       const QList<controller::host::HostSession>& sessions);
  void removeHost(const QString& hostKey);
  const Row* row(int index) const;
  void retranslate();

private:
  QList<Row> rows_;
};

using controller::host::parseQuotaSize; // host/quota_size.h, shared with vgpuctl host set-quota

} // namespace vgpu::console

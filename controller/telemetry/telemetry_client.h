// TelemetryClient: the live view of every shim process on this machine, the data source of the
// console and of vgpuctl top/watch. It watches the runtime directories (QFileSystemWatcher plus a
// slow rescan as a safety net, since inotify misses nothing but a directory created late; without
// an explicit directory the rescan also re-applies the rule, defaultRuntimeDirectories()),
// connects to each <pid>.sock with QLocalSocket, sends hello + subscribe, and emits the decoded
// replies. A socket that refuses connections is stale when its pid is dead and is then removed;
// otherwise it is retried at the next rescan. A process is "gone" when its connection closes or
// its socket disappears. Runs on the caller's event loop; no threads.
#pragma once

#include "telemetry/telemetry_types.h"

#include <QObject>
#include <QTimer>
#include <map>
#include <memory>
#include <optional>

class QFileSystemWatcher;

namespace vgpu::controller::telemetry {

class ProcessConnection;

class TelemetryClient : public QObject {
  Q_OBJECT
public:
  struct Options {
    QString runtimeDirectory;         // "" = defaultRuntimeDirectories(), re-read at each rescan
    int intervalMs = 1000;            // subscribe interval, clamped to the protocol's 10…10000
    int rescanMs = 2000;              // safety-net rescan of the directory
    qsizetype maxLineBytes = 1 << 20; // a longer reply line is skipped with an error signal
  };

  explicit TelemetryClient(QObject* parent = nullptr);
  explicit TelemetryClient(Options options, QObject* parent = nullptr);
  ~TelemetryClient() override;

  // Starts watching and connecting (returns at once; results arrive as signals).
  void start();
  // Disconnects from every process (emitting processGone for each) and stops watching.
  void stop();
  bool running() const { return running_; }

  // The directories scanned: the explicit one, or the rule's at the last rescan.
  QStringList runtimeDirectories() const { return directories_; }
  int intervalMs() const { return options_.intervalMs; }
  // Changes the interval of every current and future subscription.
  void setIntervalMs(int intervalMs);

  // Processes whose hello has arrived (processAppeared emitted, processGone not yet), by pid.
  QList<qint64> processes() const;
  std::optional<ProcessHello> hello(qint64 pid) const;
  std::optional<Sample> latestSample(qint64 pid) const;

  // Requests to one process; false when it is not connected. Replies arrive as okReceived /
  // serverErrorReceived.
  bool resetPeaks(qint64 pid);
  bool setLogLevel(qint64 pid, const QString& level);

  // Rescans the directory now (also runs every rescanMs).
  void rescan();

signals:
  void processAppeared(qint64 pid);
  void processGone(qint64 pid);
  void sampleReceived(qint64 pid, const vgpu::controller::telemetry::Sample& sample);
  void okReceived(qint64 pid, const vgpu::controller::telemetry::OkReply& reply);
  void serverErrorReceived(qint64 pid, const vgpu::controller::telemetry::ServerError& error);
  // Something went wrong that the caller may want to show: a bad line (skipped), a refused
  // connection, a stale socket removed. pid is 0 for a directory itself.
  void errorOccurred(qint64 pid, const QString& text);

private:
  void connectTo(qint64 pid, const QString& path);
  void onConnectionClosed(qint64 pid);
  void onConnectFailed(qint64 pid, const QString& path, const QString& why, bool refused);
  void watchDirectories();

  Options options_;
  QStringList directories_;
  QStringList unwatchable_;         // directories the watcher refused (reported once)
  QStringList reportedDirectories_; // directories this user may not list (reported once)
  bool running_ = false;
  QFileSystemWatcher* watcher_ = nullptr;
  QTimer rescanTimer_;
  std::map<qint64, std::unique_ptr<ProcessConnection>> connections_;
  // The last connect failure reported per pid: a live process that keeps refusing us is reported
  // once, not at every rescan.
  std::map<qint64, QString> reportedFailures_;
};

} // namespace vgpu::controller::telemetry

Q_DECLARE_METATYPE(vgpu::controller::telemetry::OkReply)
Q_DECLARE_METATYPE(vgpu::controller::telemetry::ServerError)

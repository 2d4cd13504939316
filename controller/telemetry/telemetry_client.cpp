// TelemetryClient: discovery (watcher + rescan), one ProcessConnection per pid, the stale-socket
// rule, and the signals. Connections are removed with deleteLater because their handlers run
// inside their own socket's signal emission.
#include "telemetry/telemetry_client.h"

#include "telemetry/process_connection.h"
#include "telemetry/runtime_directory.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <algorithm>

namespace vgpu::controller::telemetry {
namespace {

constexpr int kMinIntervalMs = 10;
constexpr int kMaxIntervalMs = 10000;

int clampInterval(int intervalMs) {
  return std::clamp(intervalMs, kMinIntervalMs, kMaxIntervalMs);
}

} // namespace

TelemetryClient::TelemetryClient(QObject* parent) : TelemetryClient(Options{}, parent) {}

TelemetryClient::TelemetryClient(Options options, QObject* parent) : QObject(parent), options_(std::move(options)) {
  qRegisterMetaType<Sample>();
  qRegisterMetaType<ProcessHello>();
  qRegisterMetaType<OkReply>();
  qRegisterMetaType<ServerError>();
  directories_ =
      options_.runtimeDirectory.isEmpty() ? defaultRuntimeDirectories() : QStringList{options_.runtimeDirectory};
  options_.intervalMs = clampInterval(options_.intervalMs);
  rescanTimer_.setInterval(std::max(options_.rescanMs, 50));
  connect(&rescanTimer_, &QTimer::timeout, this, &TelemetryClient::rescan);
}

TelemetryClient::~TelemetryClient() {
  // No signals from a half-destroyed object: drop the connections quietly.
  running_ = false;
  auto connections = std::move(connections_);
  connections_.clear();
}

void TelemetryClient::start() {
  if (running_) {
    return;
  }
  running_ = true;
  rescanTimer_.start();
  rescan();
}

void TelemetryClient::stop() {
  if (!running_) {
    return;
  }
  running_ = false;
  rescanTimer_.stop();
  delete watcher_;
  watcher_ = nullptr;
  auto connections = std::move(connections_);
  connections_.clear();
  for (auto& [pid, connection] : connections) {
    const bool appeared = connection->appeared;
    connection->detach();
    connection.release()->deleteLater();
    if (appeared) {
      emit processGone(pid);
    }
  }
}

void TelemetryClient::setIntervalMs(int intervalMs) {
  options_.intervalMs = clampInterval(intervalMs);
  for (auto& [pid, connection] : connections_) {
    connection->subscribe(options_.intervalMs);
  }
}

QList<qint64> TelemetryClient::processes() const {
  QList<qint64> pids;
  for (const auto& [pid, connection] : connections_) {
    if (connection->appeared) {
      pids.append(pid);
    }
  }
  return pids;
}

std::optional<ProcessHello> TelemetryClient::hello(qint64 pid) const {
  const auto found = connections_.find(pid);
  return found == connections_.end() ? std::nullopt : found->second->hello;
}

std::optional<Sample> TelemetryClient::latestSample(qint64 pid) const {
  const auto found = connections_.find(pid);
  return found == connections_.end() ? std::nullopt : found->second->latest;
}

bool TelemetryClient::resetPeaks(qint64 pid) {
  const auto found = connections_.find(pid);
  return found != connections_.end() && found->second->send({{QStringLiteral("cmd"), QStringLiteral("reset-peaks")}});
}

bool TelemetryClient::setLogLevel(qint64 pid, const QString& level) {
  const auto found = connections_.find(pid);
  return found != connections_.end() && found->second->send({{QStringLiteral("cmd"), QStringLiteral("set-log-level")},
                                                             {QStringLiteral("level"), level}});
}

void TelemetryClient::watchDirectories() {
  for (const QString& directory : directories_) {
    if (!QFileInfo(directory).isDir() || (watcher_ != nullptr && watcher_->directories().contains(directory)) ||
        unwatchable_.contains(directory)) {
      continue;
    }
    if (watcher_ == nullptr) {
      watcher_ = new QFileSystemWatcher(this);
      connect(watcher_, &QFileSystemWatcher::directoryChanged, this, &TelemetryClient::rescan);
    }
    if (!watcher_->addPath(directory)) {
      unwatchable_.append(directory); // said once
      emit errorOccurred(
          0, QStringLiteral("cannot watch %1; rescanning every %2 ms").arg(directory).arg(rescanTimer_.interval()));
    }
  }
}

void TelemetryClient::rescan() {
  if (!running_) {
    return;
  }
  if (options_.runtimeDirectory.isEmpty()) {
    directories_ = defaultRuntimeDirectories(); // a directory created since (an XDG fallback) joins
  }
  watchDirectories();
  for (const QString& problem : unreadableDirectories(directories_)) {
    if (!reportedDirectories_.contains(problem)) {
      reportedDirectories_.append(problem); // said once
      emit errorOccurred(0, problem);
    }
  }
  for (const auto& [pid, path] : socketFiles(directories_)) {
    if (connections_.count(pid) == 0) {
      connectTo(pid, path);
    }
  }
}

void TelemetryClient::connectTo(qint64 pid, const QString& path) {
  ProcessConnection::Handlers handlers;
  handlers.decoded = [this, pid](const DecodedLine& line) {
    const auto found = connections_.find(pid);
    if (found == connections_.end()) {
      return;
    }
    ProcessConnection& connection = *found->second;
    if (const auto* hello = std::get_if<ProcessHello>(&line)) {
      reportedFailures_.erase(pid);
      connection.hello = *hello;
      if (!connection.appeared) {
        connection.appeared = true;
        emit processAppeared(pid);
      }
    } else if (const auto* sample = std::get_if<Sample>(&line)) {
      connection.latest = *sample;
      if (connection.appeared) {
        emit sampleReceived(pid, *sample);
      }
    } else if (const auto* ok = std::get_if<OkReply>(&line)) {
      emit okReceived(pid, *ok);
    } else if (const auto* error = std::get_if<ServerError>(&line)) {
      emit serverErrorReceived(pid, *error);
      emit errorOccurred(pid, QStringLiteral("process %1: %2: %3").arg(pid).arg(error->code, error->message));
    }
  };
  handlers.badLine = [this, pid](const QString& why) {
    emit errorOccurred(pid, QStringLiteral("process %1: %2").arg(pid).arg(why));
  };
  handlers.connectFailed = [this, pid, path](const QString& why, bool refused) {
    onConnectFailed(pid, path, why, refused);
  };
  handlers.closed = [this, pid] { onConnectionClosed(pid); };
  auto connection =
      std::make_unique<ProcessConnection>(pid, path, options_.intervalMs, options_.maxLineBytes, std::move(handlers));
  ProcessConnection* raw = connection.get();
  connections_[pid] = std::move(connection);
  raw->start();
}

void TelemetryClient::onConnectFailed(qint64 pid, const QString& path, const QString& why, bool refused) {
  const auto found = connections_.find(pid);
  if (found == connections_.end()) {
    return;
  }
  found->second->detach();
  found->second.release()->deleteLater();
  connections_.erase(found);
  if (refused && removeIfStale(path, pid)) {
    emit errorOccurred(pid, QStringLiteral("removed the stale socket %1 (process %2 is gone)").arg(path).arg(pid));
    return;
  }
  // A live process that refused us (access rule, 64 clients) or a socket that vanished meanwhile:
  // the next rescan tries again.
  if (QFileInfo::exists(path) && reportedFailures_[pid] != why) {
    reportedFailures_[pid] = why;
    emit errorOccurred(pid, QStringLiteral("cannot connect to %1: %2").arg(path, why));
  }
}

void TelemetryClient::onConnectionClosed(qint64 pid) {
  const auto found = connections_.find(pid);
  if (found == connections_.end()) {
    return;
  }
  const bool appeared = found->second->appeared;
  const QString path = found->second->path();
  found->second->detach();
  found->second.release()->deleteLater();
  connections_.erase(found);
  if (appeared) {
    emit processGone(pid);
  }
  // A killed process leaves its socket behind; the process's own atexit removes it otherwise.
  if (QFileInfo::exists(path) && removeIfStale(path, pid)) {
    emit errorOccurred(pid, QStringLiteral("removed the stale socket %1 (process %2 is gone)").arg(path).arg(pid));
  }
}

} // namespace vgpu::controller::telemetry

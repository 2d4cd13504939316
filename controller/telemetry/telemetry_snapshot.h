// snapshotAll: one blocking pass over every socket in the runtime directories (hello + snapshot each),
// for command-line tools that print once (vgpuctl ps, metrics --once). SnapshotSession does the
// same pass repeatedly over connections it keeps open (metrics --listen: one pass per scrape,
// without a connect and hello per process each time; a snapshot's latency window is still
// everything since cuInit, as the protocol defines it). Stale
// sockets of dead processes are removed on the way, like TelemetryClient does — unless the caller
// must stay read-only (the doctor), which asks to keep them.
#pragma once

#include "telemetry/telemetry_types.h"

#include <QStringList>
#include <chrono>
#include <map>
#include <memory>

namespace vgpu::controller::telemetry {

struct ProcessSnapshot {
  ProcessHello hello;
  Sample sample;
};

struct SnapshotResult {
  QList<ProcessSnapshot> processes; // by pid
  QStringList errors;               // one line per socket that could not be read ("<path>: why")
};

enum class StaleSockets { Remove, Keep };

// Every live process in `runtimeDirectories` (a pid in two of them counted once, from the first);
// the whole pass takes at most `timeout`.
SnapshotResult snapshotAll(const QStringList& runtimeDirectories, std::chrono::milliseconds timeout,
                           StaleSockets stale = StaleSockets::Remove);
SnapshotResult snapshotAll(const QString& runtimeDirectory, std::chrono::milliseconds timeout,
                           StaleSockets stale = StaleSockets::Remove);

// Repeated passes over kept connections (blocking; no event loop needed).
class SnapshotSession {
public:
  explicit SnapshotSession(QStringList runtimeDirectories, StaleSockets stale = StaleSockets::Remove);
  explicit SnapshotSession(const QString& runtimeDirectory, StaleSockets stale = StaleSockets::Remove);
  ~SnapshotSession();
  SnapshotSession(const SnapshotSession&) = delete;
  SnapshotSession& operator=(const SnapshotSession&) = delete;

  // One snapshot of every live process; the whole pass takes at most `timeout`. Connections of
  // processes that are gone are dropped; new sockets are connected (their first window: since cuInit).
  SnapshotResult pass(std::chrono::milliseconds timeout);

private:
  struct Connection;
  QStringList runtimeDirectories_;
  StaleSockets stale_;
  std::map<qint64, std::unique_ptr<Connection>> connections_;
};

} // namespace vgpu::controller::telemetry

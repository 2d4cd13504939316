// Where control sockets live, by the shim's own rule — the one function in shim common,
// vgpu/telemetry/runtime_directory.h (docs/telemetry-protocol.md, "Lifetime") — as Qt strings.
// A reader never creates a directory. Also the socket-file naming (<pid>.sock) and the
// stale-socket rule shared by TelemetryClient and snapshotAll.
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller::telemetry {

// Every directory a reader with this environment scans: VGPU_RUNTIME_DIR alone when set, else
// /run/vgpu, $XDG_RUNTIME_DIR/vgpu and every reachable /run/user/<uid>/vgpu that exist (empty
// when none does).
QStringList defaultRuntimeDirectories();

// Where a CUDA process started now with this environment would serve its socket ("" when none).
QString servingRuntimeDirectory();

struct SocketFile {
  qint64 pid = 0;
  QString path;
};
// One line per directory of `directories` that exists but this user may not list (a user outside
// the telemetry group and the packaged /run/vgpu, 1770 root:vgpu): the shim processes there are
// not shown; the line says so and how to see them. Empty when every one is readable.
QStringList unreadableDirectories(const QStringList& directories);

// The socket files of every directory in `directories`, sorted by pid; a pid found in two
// directories is listed once, from the first.
QList<SocketFile> socketFiles(const QStringList& directories);

// The pid of a socket file name "<pid>.sock" (digits only), or nullopt.
std::optional<qint64> pidOfSocketName(const QString& fileName);

// The socket files in `directory`, by file name, sorted by pid.
QStringList socketFiles(const QString& directory);

// Whether process `pid` exists (/proc/<pid> present).
bool processAlive(qint64 pid);

// Removes the socket file `path` of `pid` when the process is dead (a socket left by a killed
// process). Returns true when it removed it.
bool removeIfStale(const QString& path, qint64 pid);

} // namespace vgpu::controller::telemetry

// Where control sockets live, by the shim's own rule (docs/telemetry-protocol.md, "Lifetime"):
// $VGPU_RUNTIME_DIR when set, else /run/vgpu when it exists, else $XDG_RUNTIME_DIR/vgpu. The
// reader never creates the directory. Also the socket-file naming (<pid>.sock) and the
// stale-socket rule shared by TelemetryClient and snapshotAll.
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller::telemetry {

// The runtime directory a process started now with this environment would use ("" when none:
// no VGPU_RUNTIME_DIR, no /run/vgpu and no XDG_RUNTIME_DIR).
QString defaultRuntimeDirectory();

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

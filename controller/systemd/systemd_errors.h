// How failures talking to systemd over D-Bus are told to the admin: the D-Bus error names that
// systemd and the bus daemon return, mapped (by a table) to one clear sentence each. Callers show
// the sentence; the raw D-Bus name and text stay in `detail` for logs and --json.
#pragma once

#include <QDBusError>
#include <QString>

namespace vgpu::controller {

enum class SystemdErrorKind {
  None,
  NoSuchUnit,   // the unit does not exist (not loaded / no unit file)
  AccessDenied, // polkit or the bus policy refused: the change must go through vgpu-helper
  Unreachable,  // no bus, or nothing answers as org.freedesktop.systemd1
  JobFailed,    // the job ran and ended with a result other than "done"
  JobTimeout,   // we gave up waiting for JobRemoved
  Other,        // any other D-Bus error, reported with systemd's own text
};

struct SystemdError {
  SystemdErrorKind kind = SystemdErrorKind::None;
  QString message; // one sentence for the admin
  QString detail;  // the D-Bus error name and text, when there was one
  bool isError() const { return kind != SystemdErrorKind::None; }
};

// Maps a D-Bus error returned by a call about `unit` (may be empty) to a clear message.
SystemdError describeDBusError(const QDBusError& error, const QString& unit);

// The error for a bus connection that is not connected at all.
SystemdError unreachableBus(const QDBusError& lastError);

// A stable lower-case word for --json output: "no-such-unit", "access-denied", ...
QString systemdErrorKindName(SystemdErrorKind kind);

} // namespace vgpu::controller

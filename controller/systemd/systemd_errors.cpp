// The table from D-Bus error names (systemd's org.freedesktop.systemd1.* and the bus daemon's
// org.freedesktop.DBus.Error.*) to the kinds and sentences the console and vgpuctl show.
#include "systemd/systemd_errors.h"

#include <array>

namespace vgpu::controller {
namespace {

struct ErrorRow {
  const char* dbusName;
  SystemdErrorKind kind;
};

// Unprivileged callers get InteractiveAuthorizationRequired from systemd when polkit would have
// to ask, AccessDenied when the bus policy or polkit refuses outright.
constexpr std::array kErrorTable{
    ErrorRow{"org.freedesktop.systemd1.NoSuchUnit", SystemdErrorKind::NoSuchUnit},
    ErrorRow{"org.freedesktop.systemd1.LoadFailed", SystemdErrorKind::NoSuchUnit},
    ErrorRow{"org.freedesktop.DBus.Error.AccessDenied", SystemdErrorKind::AccessDenied},
    ErrorRow{"org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", SystemdErrorKind::AccessDenied},
    ErrorRow{"org.freedesktop.DBus.Error.AuthFailed", SystemdErrorKind::AccessDenied},
    ErrorRow{"org.freedesktop.DBus.Error.ServiceUnknown", SystemdErrorKind::Unreachable},
    ErrorRow{"org.freedesktop.DBus.Error.NameHasNoOwner", SystemdErrorKind::Unreachable},
    ErrorRow{"org.freedesktop.DBus.Error.NoServer", SystemdErrorKind::Unreachable},
    ErrorRow{"org.freedesktop.DBus.Error.NoReply", SystemdErrorKind::Unreachable},
    ErrorRow{"org.freedesktop.DBus.Error.Disconnected", SystemdErrorKind::Unreachable},
    ErrorRow{"org.freedesktop.DBus.Error.TimedOut", SystemdErrorKind::Unreachable},
    ErrorRow{"org.freedesktop.DBus.Error.Timeout", SystemdErrorKind::Unreachable},
    ErrorRow{"org.freedesktop.DBus.Error.UnknownObject", SystemdErrorKind::Unreachable},
};

struct KindRow {
  SystemdErrorKind kind;
  const char* word;
};

constexpr std::array kKindNames{
    KindRow{SystemdErrorKind::None, "none"},
    KindRow{SystemdErrorKind::NoSuchUnit, "no-such-unit"},
    KindRow{SystemdErrorKind::AccessDenied, "access-denied"},
    KindRow{SystemdErrorKind::Unreachable, "unreachable"},
    KindRow{SystemdErrorKind::JobFailed, "job-failed"},
    KindRow{SystemdErrorKind::JobTimeout, "job-timeout"},
    KindRow{SystemdErrorKind::Other, "other"},
};

QString messageFor(SystemdErrorKind kind, const QString& unit, const QString& systemdText) {
  const QString subject = unit.isEmpty() ? QStringLiteral("this operation") : unit;
  switch (kind) {
  case SystemdErrorKind::NoSuchUnit:
    return QStringLiteral("no such unit: %1 (systemd has no unit file for it)").arg(subject);
  case SystemdErrorKind::AccessDenied:
    return QStringLiteral("permission denied: controlling %1 needs privileges; it goes through vgpu-helper "
                          "(polkit), not through your user's D-Bus connection")
        .arg(subject);
  case SystemdErrorKind::Unreachable:
    return QStringLiteral("systemd is not reachable over D-Bus (%1)").arg(systemdText);
  default: return QStringLiteral("systemd refused the request for %1: %2").arg(subject, systemdText);
  }
}

} // namespace

SystemdError describeDBusError(const QDBusError& error, const QString& unit) {
  if (!error.isValid()) {
    return {};
  }
  SystemdErrorKind kind = SystemdErrorKind::Other;
  for (const ErrorRow& row : kErrorTable) {
    if (error.name() == QLatin1String(row.dbusName)) {
      kind = row.kind;
      break;
    }
  }
  const QString detail = error.name() + QStringLiteral(": ") + error.message();
  return {kind, messageFor(kind, unit, error.message().isEmpty() ? error.name() : error.message()), detail};
}

SystemdError unreachableBus(const QDBusError& lastError) {
  const QString why = lastError.isValid() ? lastError.message() : QStringLiteral("not connected to the bus");
  return {SystemdErrorKind::Unreachable, messageFor(SystemdErrorKind::Unreachable, {}, why),
          lastError.isValid() ? lastError.name() + QStringLiteral(": ") + lastError.message() : QString()};
}

QString systemdErrorKindName(SystemdErrorKind kind) {
  for (const KindRow& row : kKindNames) {
    if (row.kind == kind) {
      return QLatin1String(row.word);
    }
  }
  return QStringLiteral("other");
}

} // namespace vgpu::controller

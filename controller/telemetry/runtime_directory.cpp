// The runtime-directory rule of the shim (shim/common/telemetry/runtime_directory.cpp), read-only
// here, and the stale-socket rule: a socket is removed only when its pid no longer exists, so a
// live process that is slow to accept is never robbed of its socket.
#include "telemetry/runtime_directory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>

namespace vgpu::controller::telemetry {

QString defaultRuntimeDirectory() {
  QString configured = qEnvironmentVariable("VGPU_RUNTIME_DIR");
  if (!configured.isEmpty()) {
    return configured;
  }
  if (QFileInfo(QStringLiteral("/run/vgpu")).isDir()) {
    return QStringLiteral("/run/vgpu");
  }
  const QString xdg = qEnvironmentVariable("XDG_RUNTIME_DIR");
  if (xdg.isEmpty()) {
    return {};
  }
  return xdg + QStringLiteral("/vgpu");
}

std::optional<qint64> pidOfSocketName(const QString& fileName) {
  if (!fileName.endsWith(QStringLiteral(".sock"))) {
    return std::nullopt;
  }
  const QString digits = fileName.chopped(5);
  if (digits.isEmpty() || digits.size() > 10 ||
      !std::all_of(digits.begin(), digits.end(), [](QChar c) { return c >= u'0' && c <= u'9'; })) {
    return std::nullopt;
  }
  const qint64 pid = digits.toLongLong();
  if (pid <= 0) {
    return std::nullopt;
  }
  return pid;
}

QStringList socketFiles(const QString& directory) {
  QStringList names;
  if (directory.isEmpty()) {
    return names;
  }
  for (const QString& name : QDir(directory).entryList({QStringLiteral("*.sock")}, QDir::System | QDir::Files)) {
    if (pidOfSocketName(name)) {
      names.append(name);
    }
  }
  std::sort(names.begin(), names.end(),
            [](const QString& a, const QString& b) { return *pidOfSocketName(a) < *pidOfSocketName(b); });
  return names;
}

bool processAlive(qint64 pid) {
  return QFileInfo::exists(QStringLiteral("/proc/") + QString::number(pid));
}

bool removeIfStale(const QString& path, qint64 pid) {
  if (processAlive(pid)) {
    return false;
  }
  return QFile::remove(path);
}

} // namespace vgpu::controller::telemetry

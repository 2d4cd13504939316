// The runtime-directory rule of the shim (vgpu/telemetry/runtime_directory.h, linked from shim
// common), read-only here, and the stale-socket rule: a socket is removed only when its pid no longer exists, so a
// live process that is slow to accept is never robbed of its socket.
#include "telemetry/runtime_directory.h"

#include "vgpu/telemetry/runtime_directory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace vgpu::controller::telemetry {

namespace {

QStringList fromRule(vgpu::telemetry::RuntimeDirectoryUse use) {
  QStringList directories;
  for (const std::string& directory :
       vgpu::telemetry::runtimeDirectories(vgpu::telemetry::RuntimeDirectoryInputs::fromEnvironment(), use)
           .directories) {
    directories.append(QFile::decodeName(directory.c_str()));
  }
  return directories;
}

} // namespace

QStringList defaultRuntimeDirectories() {
  return fromRule(vgpu::telemetry::RuntimeDirectoryUse::Read);
}

QString servingRuntimeDirectory() {
  const QStringList chosen = fromRule(vgpu::telemetry::RuntimeDirectoryUse::WouldServe);
  return chosen.isEmpty() ? QString() : chosen.front();
}

QStringList unreadableDirectories(const QStringList& directories) {
  QStringList problems;
  for (const QString& directory : directories) {
    const QByteArray encoded = QFile::encodeName(directory);
    if (!QFileInfo(directory).isDir() || ::access(encoded.constData(), R_OK | X_OK) == 0) {
      continue;
    }
    const QString why = QString::fromLocal8Bit(strerrordesc_np(errno));
    QString group = qEnvironmentVariable("VGPU_TELEMETRY_GROUP");
    if (group.isEmpty()) {
      group = QStringLiteral("vgpu");
    }
    problems.append(QStringLiteral("%1: %2: the shim processes there are not shown (to see them, run as root or as a "
                                   "member of group '%3': sudo usermod -aG %3 $USER, then log in again)")
                        .arg(directory, why, group));
  }
  return problems;
}

QList<SocketFile> socketFiles(const QStringList& directories) {
  QList<SocketFile> files;
  for (const QString& directory : directories) {
    const QDir dir(directory);
    for (const QString& name : socketFiles(directory)) {
      const qint64 pid = *pidOfSocketName(name);
      if (std::none_of(files.begin(), files.end(), [pid](const SocketFile& file) { return file.pid == pid; })) {
        files.append(SocketFile{pid, dir.filePath(name)});
      }
    }
  }
  std::sort(files.begin(), files.end(), [](const SocketFile& a, const SocketFile& b) { return a.pid < b.pid; });
  return files;
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

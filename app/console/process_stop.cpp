// Checked SIGTERM of a listed process (process_stop.h).
#include "process_stop.h"

#include <QCoreApplication>
#include <QFile>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace vgpu::console {

// The translation context of the messages below.
class ProcessStop {
  Q_DECLARE_TR_FUNCTIONS(ProcessStop)
};

namespace {

QByteArray readSmallFile(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.read(64 * 1024) : QByteArray();
}

} // namespace

std::optional<ProcessIdentity> readProcessIdentity(qint64 pid, const QString& procRoot) {
  const QString dir = procRoot + QLatin1Char('/') + QString::number(pid);
  const QByteArray stat = readSmallFile(dir + QStringLiteral("/stat"));
  const QByteArray status = readSmallFile(dir + QStringLiteral("/status"));
  // The command name (field 2) may hold spaces and parentheses: the fields after it start after
  // the last ')'. Field 3 (state) is the first of them, field 22 (starttime) the twentieth.
  const qsizetype close = stat.lastIndexOf(')');
  if (close < 0 || status.isEmpty()) {
    return std::nullopt;
  }
  const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
  constexpr qsizetype kStartTimeField = 22 - 3;
  if (fields.size() <= kStartTimeField) {
    return std::nullopt;
  }
  ProcessIdentity identity;
  identity.pid = pid;
  bool ok = false;
  identity.startTicks = fields.at(kStartTimeField).toULongLong(&ok);
  if (!ok) {
    return std::nullopt;
  }
  for (const QByteArray& line : status.split('\n')) {
    if (line.startsWith("Uid:")) {
      identity.uid = line.mid(4).simplified().split(' ').value(0).toUInt(&ok);
      return ok ? std::optional(identity) : std::nullopt;
    }
  }
  return std::nullopt;
}

StopResult stopProcess(const ProcessIdentity& expected, std::uint32_t ownUid, const QString& procRoot) {
  if (expected.uid != ownUid) {
    return {StopOutcome::NotOwned, ProcessStop::tr("Process %1 belongs to another user.").arg(expected.pid)};
  }
  // Read as late as possible: between here and kill(2) only a pid wrap-around within microseconds
  // could intervene, not the minutes a row may have been on screen.
  const std::optional<ProcessIdentity> now = readProcessIdentity(expected.pid, procRoot);
  if (!now) {
    return {StopOutcome::Gone, ProcessStop::tr("Process %1 is no longer running.").arg(expected.pid)};
  }
  if (!(*now == expected)) {
    return {StopOutcome::Replaced,
            ProcessStop::tr("Process %1 has exited; its pid now belongs to another process, which was left alone.")
                .arg(expected.pid)};
  }
  if (::kill(static_cast<pid_t>(expected.pid), SIGTERM) != 0) {
    return {StopOutcome::Failed, ProcessStop::tr("Could not stop process %1: %2")
                                     .arg(expected.pid)
                                     .arg(QString::fromLocal8Bit(std::strerror(errno)))};
  }
  return {StopOutcome::Sent, ProcessStop::tr("Sent SIGTERM to process %1.").arg(expected.pid)};
}

} // namespace vgpu::console

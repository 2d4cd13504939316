// One request to systemd's manager (daemon Reload, or StartUnit/StopUnit/RestartUnit) followed to
// its end: the method reply gives the job's object path, then the job is followed to its
// JobRemoved(id, job, unit, result) signal. JobRemoved may arrive before the method reply (systemd
// can finish a job while the reply is still queued), so removals seen while the reply is pending
// are kept and matched when the path is known. A timer of our own ends the wait with a clear error
// when no JobRemoved arrives.
#pragma once

#include "systemd/systemd_errors.h"

#include <QDBusConnection>
#include <QDBusObjectPath>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <chrono>

class QDBusPendingCallWatcher;

namespace vgpu::controller {

enum class SystemdVerb { Reload, Start, Stop, Restart };

// "reload", "start", "stop", "restart".
QString systemdVerbName(SystemdVerb verb);

struct JobOutcome {
  SystemdVerb verb = SystemdVerb::Reload;
  QString unit;       // empty for Reload
  QString mode;       // job mode passed to systemd ("replace", "fail", ...); empty for Reload
  QString jobPath;    // /org/freedesktop/systemd1/job/N; empty for Reload or when the call failed
  QString result;     // JobRemoved's result: done, failed, timeout, canceled, dependency, skipped, ...
  SystemdError error; // kind None when the operation succeeded
  bool succeeded() const { return !error.isError(); }
};

// One sentence for a JobRemoved result other than "done" (systemd's documented results).
QString describeJobResult(const QString& result, SystemdVerb verb, const QString& unit);

QJsonObject jobOutcomeToJson(const JobOutcome& outcome);

class SystemdJob : public QObject {
  Q_OBJECT
public:
  SystemdJob(const QDBusConnection& bus, SystemdVerb verb, const QString& unit, const QString& mode,
             std::chrono::milliseconds timeout, QObject* parent);

  // Sends the request; call once. finished() is emitted exactly once afterwards (never from here).
  void start();

  bool isFinished() const { return finished_; }
  const JobOutcome& outcome() const { return outcome_; }

Q_SIGNALS:
  void finished(const vgpu::controller::JobOutcome& outcome);

private:
  void onReply(QDBusPendingCallWatcher* watcher);
  void onTimeout();
  void finishWithResult(const QString& result);
  void finishWithError(const SystemdError& error);
  void finish();

  QDBusConnection bus_;
  std::chrono::milliseconds timeout_;
  JobOutcome outcome_;
  QTimer timer_;
  QHash<QString, QString> removedBeforeReply_; // job path → result, seen while the reply was pending
  bool replied_ = false;
  bool listening_ = false;
  bool finished_ = false;

  // QtDBus connects JobRemoved by this slot's signature (SLOT macro), so it must be a slot.
private Q_SLOTS: // NOLINT(readability-redundant-access-specifiers): Q_SLOTS is invisible to clang-tidy
  void onJobRemoved(uint id, const QDBusObjectPath& job, const QString& unit, const QString& result);
};

} // namespace vgpu::controller

Q_DECLARE_METATYPE(vgpu::controller::JobOutcome)

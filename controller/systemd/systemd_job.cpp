// Following one systemd job from the method call to its JobRemoved signal (see systemd_job.h).
#include "systemd/systemd_job.h"

#include "systemd/systemd_dbus_names.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <array>

namespace vgpu::controller {
namespace {

struct VerbRow {
  SystemdVerb verb;
  const char* word;
  const char* method; // org.freedesktop.systemd1.Manager method
};

constexpr std::array kVerbs{
    VerbRow{SystemdVerb::Reload, "reload", "Reload"},
    VerbRow{SystemdVerb::Start, "start", "StartUnit"},
    VerbRow{SystemdVerb::Stop, "stop", "StopUnit"},
    VerbRow{SystemdVerb::Restart, "restart", "RestartUnit"},
};

const VerbRow& verbRow(SystemdVerb verb) {
  for (const VerbRow& row : kVerbs) {
    if (row.verb == verb) {
      return row;
    }
  }
  return kVerbs.front();
}

struct ResultRow {
  const char* result;
  const char* sentence; // %1 the verb, %2 the unit
};

// org.freedesktop.systemd1(5), signal JobRemoved: the job results systemd reports.
constexpr std::array kJobResults{
    ResultRow{"failed", "%2 failed to %1; its log says why (vgpuctl journal)"},
    ResultRow{"timeout", "%2 did not finish %1ing within systemd's own job timeout"},
    ResultRow{"canceled", "the %1 job for %2 was canceled before it finished (a newer job replaced it?)"},
    ResultRow{"dependency", "the %1 job for %2 failed because a unit it depends on failed"},
    ResultRow{"skipped", "the %1 job for %2 was skipped: it did not apply to the unit's current state"},
    ResultRow{"invalid", "the %1 job for %2 was invalid for this unit"},
    ResultRow{"assert", "the %1 job for %2 failed an Assert...= condition of the unit"},
    ResultRow{"unsupported", "%2 does not support %1"},
    ResultRow{"collected", "the %1 job for %2 was garbage-collected before it ran"},
    ResultRow{"once", "%2 can only be started once"},
};

} // namespace

QString systemdVerbName(SystemdVerb verb) {
  return QLatin1String(verbRow(verb).word);
}

QString describeJobResult(const QString& result, SystemdVerb verb, const QString& unit) {
  for (const ResultRow& row : kJobResults) {
    if (result == QLatin1String(row.result)) {
      return QString::fromLatin1(row.sentence).arg(systemdVerbName(verb), unit);
    }
  }
  return QStringLiteral("the %1 job for %2 ended with result '%3'").arg(systemdVerbName(verb), unit, result);
}

QJsonObject jobOutcomeToJson(const JobOutcome& outcome) {
  QJsonObject json{
      {QStringLiteral("verb"), systemdVerbName(outcome.verb)},
      {QStringLiteral("succeeded"), outcome.succeeded()},
  };
  if (!outcome.unit.isEmpty()) {
    json.insert(QStringLiteral("unit"), outcome.unit);
    json.insert(QStringLiteral("mode"), outcome.mode);
  }
  if (!outcome.jobPath.isEmpty()) {
    json.insert(QStringLiteral("job"), outcome.jobPath);
  }
  if (!outcome.result.isEmpty()) {
    json.insert(QStringLiteral("result"), outcome.result);
  }
  if (outcome.error.isError()) {
    json.insert(QStringLiteral("error"), systemdErrorKindName(outcome.error.kind));
    json.insert(QStringLiteral("message"), outcome.error.message);
    if (!outcome.error.detail.isEmpty()) {
      json.insert(QStringLiteral("detail"), outcome.error.detail);
    }
  }
  return json;
}

SystemdJob::SystemdJob(const QDBusConnection& bus, SystemdVerb verb, const QString& unit, const QString& mode,
                       std::chrono::milliseconds timeout, QObject* parent)
    : QObject(parent), bus_(bus), timeout_(timeout) {
  outcome_.verb = verb;
  outcome_.unit = unit;
  outcome_.mode = verb == SystemdVerb::Reload ? QString() : mode;
  timer_.setSingleShot(true);
  connect(&timer_, &QTimer::timeout, this, &SystemdJob::onTimeout);
}

void SystemdJob::start() {
  timer_.start(timeout_);
  if (!bus_.isConnected()) {
    // finished() must not be emitted from start(): callers connect after calling it.
    outcome_.error = unreachableBus(bus_.lastError());
    QMetaObject::invokeMethod(this, &SystemdJob::finish, Qt::QueuedConnection);
    return;
  }
  QDBusMessage call =
      QDBusMessage::createMethodCall(dbus_names::kService, dbus_names::kManagerPath, dbus_names::kManagerInterface,
                                     QLatin1String(verbRow(outcome_.verb).method));
  if (outcome_.verb != SystemdVerb::Reload) {
    // QtDBus resolves the slot's parameter types by name (QMetaType::fromName), and Qt 6.4 knows
    // "QDBusObjectPath" by name only after its metatype was registered in this process. In a fresh
    // process (vgpuctl, vgpu-helper) nothing had done that yet: connect() failed silently, no
    // AddMatch reached the bus and every job waited for its timeout.
    qRegisterMetaType<QDBusObjectPath>();
    // Listen before sending, so a JobRemoved that overtakes the reply is not lost.
    listening_ =
        bus_.connect(dbus_names::kService, dbus_names::kManagerPath, dbus_names::kManagerInterface,
                     QStringLiteral("JobRemoved"), this, SLOT(onJobRemoved(uint, QDBusObjectPath, QString, QString)));
    if (!listening_) {
      // Without the signal the job's end cannot be seen: say so now rather than after the timeout,
      // and do not start a job we cannot follow.
      outcome_.error = {SystemdErrorKind::Other,
                        QStringLiteral("cannot listen for systemd's JobRemoved signal on this D-Bus connection; "
                                       "the %1 job for %2 was not started")
                            .arg(systemdVerbName(outcome_.verb), outcome_.unit),
                        bus_.lastError().isValid() ? bus_.lastError().message() : QString()};
      QMetaObject::invokeMethod(this, &SystemdJob::finish, Qt::QueuedConnection);
      return;
    }
    call << outcome_.unit << outcome_.mode;
  }
  const int callTimeoutMs = static_cast<int>(timeout_.count());
  auto* watcher = new QDBusPendingCallWatcher(bus_.asyncCall(call, callTimeoutMs), this);
  connect(watcher, &QDBusPendingCallWatcher::finished, this, &SystemdJob::onReply);
}

void SystemdJob::onReply(QDBusPendingCallWatcher* watcher) {
  watcher->deleteLater();
  if (finished_) {
    return;
  }
  replied_ = true;
  if (watcher->isError()) {
    finishWithError(describeDBusError(watcher->error(), outcome_.unit));
    return;
  }
  if (outcome_.verb == SystemdVerb::Reload) {
    finishWithResult(QStringLiteral("done"));
    return;
  }
  const QDBusPendingReply<QDBusObjectPath> reply = *watcher;
  outcome_.jobPath = reply.value().path();
  const auto early = removedBeforeReply_.constFind(outcome_.jobPath);
  if (early != removedBeforeReply_.constEnd()) {
    finishWithResult(early.value());
  }
}

void SystemdJob::onJobRemoved(uint /*id*/, const QDBusObjectPath& job, const QString& unit, const QString& result) {
  if (finished_ || unit != outcome_.unit) {
    return;
  }
  if (!replied_) {
    removedBeforeReply_.insert(job.path(), result);
    return;
  }
  if (job.path() == outcome_.jobPath) {
    finishWithResult(result);
  }
}

void SystemdJob::onTimeout() {
  if (finished_) {
    return;
  }
  const auto seconds = QString::number(static_cast<double>(timeout_.count()) / 1000.0);
  if (!replied_) {
    finishWithError({SystemdErrorKind::Unreachable,
                     QStringLiteral("systemd is not reachable over D-Bus (no reply to %1 within %2 s)")
                         .arg(systemdVerbName(outcome_.verb), seconds),
                     {}});
    return;
  }
  finishWithError({SystemdErrorKind::JobTimeout,
                   QStringLiteral("systemd did not report the end of the %1 job for %2 (%3) within %4 s; the job may "
                                  "still be queued or running")
                       .arg(systemdVerbName(outcome_.verb), outcome_.unit, outcome_.jobPath, seconds),
                   {}});
}

void SystemdJob::finishWithResult(const QString& result) {
  outcome_.result = result;
  if (result != QLatin1String("done")) {
    outcome_.error = {SystemdErrorKind::JobFailed, describeJobResult(result, outcome_.verb, outcome_.unit),
                      QStringLiteral("JobRemoved result: ") + result};
  }
  finish();
}

void SystemdJob::finishWithError(const SystemdError& error) {
  outcome_.error = error;
  finish();
}

void SystemdJob::finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  timer_.stop();
  if (listening_) {
    bus_.disconnect(dbus_names::kService, dbus_names::kManagerPath, dbus_names::kManagerInterface,
                    QStringLiteral("JobRemoved"), this, SLOT(onJobRemoved(uint, QDBusObjectPath, QString, QString)));
    listening_ = false;
  }
  removedBeforeReply_.clear();
  Q_EMIT finished(outcome_);
}

} // namespace vgpu::controller

// SystemdManager and UnitStatusRequest: systemd's manager API over QtDBus (see systemd_manager.h).
#include "systemd/systemd_manager.h"

#include "systemd/systemd_dbus_names.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QEventLoop>

namespace vgpu::controller {

UnitStatusRequest::UnitStatusRequest(const QDBusConnection& bus, const QString& unit, int callTimeoutMs,
                                     QObject* parent)
    : QObject(parent), bus_(bus), unit_(unit), callTimeoutMs_(callTimeoutMs) {
  result_.status.name = unit;
}

void UnitStatusRequest::start() {
  if (!bus_.isConnected()) {
    result_.error = unreachableBus(bus_.lastError());
    QMetaObject::invokeMethod(this, &UnitStatusRequest::finish, Qt::QueuedConnection);
    return;
  }
  // LoadUnit rather than GetUnit: GetUnit fails for units systemd has not loaded yet (an inactive
  // service that nothing references), LoadUnit loads them and reports LoadState=not-found when
  // there is no unit file.
  call(dbus_names::kManagerPath, dbus_names::kManagerInterface, QStringLiteral("LoadUnit"), {unit_},
       &UnitStatusRequest::onUnitLoaded);
}

void UnitStatusRequest::call(const QString& path, const QString& interface, const QString& method,
                             const QVariantList& arguments, void (UnitStatusRequest::*next)(QDBusPendingCallWatcher*)) {
  QDBusMessage message = QDBusMessage::createMethodCall(dbus_names::kService, path, interface, method);
  message.setArguments(arguments);
  auto* watcher = new QDBusPendingCallWatcher(bus_.asyncCall(message, callTimeoutMs_), this);
  connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, next](QDBusPendingCallWatcher* done) {
    done->deleteLater();
    if (done->isError()) {
      finishWithError(describeDBusError(done->error(), unit_));
      return;
    }
    (this->*next)(done);
  });
}

void UnitStatusRequest::onUnitLoaded(QDBusPendingCallWatcher* watcher) {
  const QDBusPendingReply<QDBusObjectPath> reply = *watcher;
  objectPath_ = reply.value().path();
  call(objectPath_, dbus_names::kPropertiesInterface, QStringLiteral("GetAll"), {dbus_names::kUnitInterface},
       &UnitStatusRequest::onUnitProperties);
}

void UnitStatusRequest::onUnitProperties(QDBusPendingCallWatcher* watcher) {
  const QDBusPendingReply<QVariantMap> reply = *watcher;
  unitProperties_ = reply.value();
  const QString loadState = unitProperties_.value(QStringLiteral("LoadState")).toString();
  if (loadState == QLatin1String("not-found")) {
    finishWithError({SystemdErrorKind::NoSuchUnit,
                     QStringLiteral("no such unit: %1 (systemd has no unit file for it)").arg(unit_),
                     QStringLiteral("LoadState=not-found")});
    return;
  }
  if (!unit_.endsWith(QLatin1String(".service"))) {
    result_.status = unitStatusFromProperties(unit_, objectPath_, unitProperties_, {});
    finish();
    return;
  }
  call(objectPath_, dbus_names::kPropertiesInterface, QStringLiteral("GetAll"), {dbus_names::kServiceInterface},
       &UnitStatusRequest::onServiceProperties);
}

void UnitStatusRequest::onServiceProperties(QDBusPendingCallWatcher* watcher) {
  const QDBusPendingReply<QVariantMap> reply = *watcher;
  result_.status = unitStatusFromProperties(unit_, objectPath_, unitProperties_, reply.value());
  finish();
}

void UnitStatusRequest::finishWithError(const SystemdError& error) {
  result_.error = error;
  finish();
}

void UnitStatusRequest::finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  Q_EMIT finished(result_);
}

SystemdManager::SystemdManager(const QDBusConnection& bus, QObject* parent) : QObject(parent), bus_(bus) {
  qRegisterMetaType<JobOutcome>();
  qRegisterMetaType<UnitStatusResult>();
}

SystemdJob* SystemdManager::reload() {
  return startJob(SystemdVerb::Reload, {}, {});
}
SystemdJob* SystemdManager::startUnit(const QString& unit, const QString& mode) {
  return startJob(SystemdVerb::Start, unit, mode);
}
SystemdJob* SystemdManager::stopUnit(const QString& unit, const QString& mode) {
  return startJob(SystemdVerb::Stop, unit, mode);
}
SystemdJob* SystemdManager::restartUnit(const QString& unit, const QString& mode) {
  return startJob(SystemdVerb::Restart, unit, mode);
}

UnitStatusRequest* SystemdManager::requestUnitStatus(const QString& unit) {
  auto* request = new UnitStatusRequest(bus_, unit, static_cast<int>(callTimeout_.count()), this);
  request->start();
  return request;
}

void SystemdManager::subscribeOnce() {
  if (subscribed_ || !bus_.isConnected()) {
    return;
  }
  // systemd only broadcasts JobRemoved while some client is subscribed. Messages from one
  // connection are delivered in order, so this Subscribe is handled before the job request that
  // follows it. A second Subscribe from the same connection answers AlreadySubscribed: harmless.
  subscribed_ = true;
  const QDBusMessage call = QDBusMessage::createMethodCall(dbus_names::kService, dbus_names::kManagerPath,
                                                           dbus_names::kManagerInterface, QStringLiteral("Subscribe"));
  auto* watcher = new QDBusPendingCallWatcher(bus_.asyncCall(call, static_cast<int>(callTimeout_.count())), this);
  connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher* done) {
    done->deleteLater();
    if (done->isError() && done->error().name() != QLatin1String("org.freedesktop.systemd1.AlreadySubscribed")) {
      subscribed_ = false; // try again with the next job
    }
  });
}

SystemdJob* SystemdManager::startJob(SystemdVerb verb, const QString& unit, const QString& mode) {
  if (verb != SystemdVerb::Reload) {
    subscribeOnce();
  }
  auto* job = new SystemdJob(bus_, verb, unit, mode, jobTimeout_, this);
  job->start();
  return job;
}

JobOutcome SystemdManager::wait(SystemdJob* job) {
  if (!job->isFinished()) {
    QEventLoop loop;
    connect(job, &SystemdJob::finished, &loop, &QEventLoop::quit);
    loop.exec();
  }
  return job->outcome();
}

JobOutcome SystemdManager::reloadAndWait() {
  SystemdJob* job = reload();
  JobOutcome outcome = wait(job);
  job->deleteLater();
  return outcome;
}

JobOutcome SystemdManager::runAndWait(SystemdVerb verb, const QString& unit, const QString& mode) {
  SystemdJob* job = startJob(verb, unit, mode);
  JobOutcome outcome = wait(job);
  job->deleteLater();
  return outcome;
}

UnitStatusResult SystemdManager::unitStatus(const QString& unit) {
  UnitStatusRequest* request = requestUnitStatus(unit);
  if (!request->isFinished()) {
    QEventLoop loop;
    connect(request, &UnitStatusRequest::finished, &loop, &QEventLoop::quit);
    loop.exec();
  }
  UnitStatusResult result = request->result();
  request->deleteLater();
  return result;
}

} // namespace vgpu::controller

// SystemdManager: the controller's client of systemd's manager over D-Bus (QtDBus), used by the
// console's Service page, vgpuctl and vgpu-helper. Works on any QDBusConnection: the system bus in
// production, a private bus with the fake-systemd1 test double in tests. Jobs are followed to
// their JobRemoved result (SystemdJob); unit state is read with LoadUnit + Properties.GetAll.
// Every call is asynchronous (objects emitting finished()); the *AndWait functions block in a
// local event loop for vgpuctl.
#pragma once

#include "systemd/systemd_job.h"
#include "systemd/unit_status.h"

#include <QDBusConnection>
#include <QObject>
#include <QVariantMap>
#include <chrono>

class QDBusPendingCallWatcher;

namespace vgpu::controller {

struct UnitStatusResult {
  UnitStatus status;
  SystemdError error; // kind None when `status` is valid
};

// One asynchronous unitStatus() read: LoadUnit, then GetAll on .Unit and (for services) .Service.
class UnitStatusRequest : public QObject {
  Q_OBJECT
public:
  UnitStatusRequest(const QDBusConnection& bus, const QString& unit, int callTimeoutMs, QObject* parent);
  void start();
  bool isFinished() const { return finished_; }
  const UnitStatusResult& result() const { return result_; }

Q_SIGNALS:
  void finished(const vgpu::controller::UnitStatusResult& result);

private:
  void call(const QString& path, const QString& interface, const QString& method, const QVariantList& arguments,
            void (UnitStatusRequest::*next)(QDBusPendingCallWatcher*));
  void onUnitLoaded(QDBusPendingCallWatcher* watcher);
  void onUnitProperties(QDBusPendingCallWatcher* watcher);
  void onServiceProperties(QDBusPendingCallWatcher* watcher);
  void finishWithError(const SystemdError& error);
  void finish();

  QDBusConnection bus_;
  QString unit_;
  int callTimeoutMs_;
  QString objectPath_;
  QVariantMap unitProperties_;
  UnitStatusResult result_;
  bool finished_ = false;
};

class SystemdManager : public QObject {
  Q_OBJECT
public:
  explicit SystemdManager(const QDBusConnection& bus, QObject* parent = nullptr);

  // How long a job may take from the call to its JobRemoved before we report a timeout (default
  // 120 s: systemd's own default start timeout is 90 s, so its "timeout" result comes first).
  void setJobTimeout(std::chrono::milliseconds timeout) { jobTimeout_ = timeout; }
  // How long one property read may take (default 10 s).
  void setCallTimeout(std::chrono::milliseconds timeout) { callTimeout_ = timeout; }

  // Asynchronous: the returned object (a child of this manager) emits finished() once; delete it
  // (deleteLater) when done with it.
  SystemdJob* reload();
  SystemdJob* startUnit(const QString& unit, const QString& mode = QStringLiteral("replace"));
  SystemdJob* stopUnit(const QString& unit, const QString& mode = QStringLiteral("replace"));
  SystemdJob* restartUnit(const QString& unit, const QString& mode = QStringLiteral("replace"));
  UnitStatusRequest* requestUnitStatus(const QString& unit);

  // Blocking conveniences (local event loop) for vgpuctl.
  JobOutcome reloadAndWait();
  JobOutcome runAndWait(SystemdVerb verb, const QString& unit, const QString& mode = QStringLiteral("replace"));
  UnitStatusResult unitStatus(const QString& unit);

  // Waits for an asynchronous job started above.
  static JobOutcome wait(SystemdJob* job);

  // systemd sends JobRemoved and PropertiesChanged only while some client is subscribed; jobs
  // subscribe by themselves, watchers (UnitWatcher) call this. Once per manager.
  void subscribeOnce();
  const QDBusConnection& bus() const { return bus_; }

private:
  SystemdJob* startJob(SystemdVerb verb, const QString& unit, const QString& mode);

  QDBusConnection bus_;
  std::chrono::milliseconds jobTimeout_{120000};
  std::chrono::milliseconds callTimeout_{10000};
  bool subscribed_ = false;
};

} // namespace vgpu::controller

Q_DECLARE_METATYPE(vgpu::controller::UnitStatusResult)

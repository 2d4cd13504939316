// FakeSystemd1: a test double of systemd's manager on D-Bus, faithful to org.freedesktop.systemd1(5)
// for what vgpu uses (Manager: Subscribe, Unsubscribe, Reload, GetUnit, LoadUnit, StartUnit,
// StopUnit, RestartUnit; signal JobRemoved; unit objects at systemd's escaped paths with the
// .Unit and .Service properties through org.freedesktop.DBus.Properties). Job results are
// scripted per unit (done, failed, timeout, canceled, dependency, skipped, or "never" = no
// JobRemoved at all); jobs move units (with PropertiesChanged on the unit object) through activating → active with a
// new MainPID and timestamps. A control interface (org.vgpu.test.FakeSystemd1 at /org/vgpu/test/FakeSystemd1) lets
// tests change the script and read counters while it runs.
#pragma once

#include <QDBusConnection>
#include <QDBusServiceWatcher>
#include <QDBusVirtualObject>
#include <QHash>
#include <QSet>
#include <QStringList>

namespace vgpu::test {

struct FakeUnit {
  QString name;
  QString loadState = QStringLiteral("loaded");
  QString activeState = QStringLiteral("active");
  QString subState = QStringLiteral("running");
  quint32 mainPid = 0;
  quint64 execMainStartUs = 0;
  quint64 activeEnterUs = 0;
  QString fragmentPath;
  QStringList dropInPaths;
  bool needDaemonReload = false;
  QString jobResult = QStringLiteral("done"); // what the next job on this unit ends with
};

struct FakeSystemd1Options {
  int jobDelayMs = 50;             // time from the job's reply to its JobRemoved
  bool removedBeforeReply = false; // emit JobRemoved before sending the method reply (a real race)
  bool denyJobs = false;           // answer jobs and Reload as polkit does for unprivileged callers
};

class FakeSystemd1 : public QDBusVirtualObject {
  Q_OBJECT
public:
  FakeSystemd1(const QDBusConnection& bus, const FakeSystemd1Options& options, QObject* parent = nullptr);

  // Adds a loaded, running unit with a unit file under /etc/systemd/system.
  void addUnit(const QString& name);
  bool setJobResult(const QString& unit, const QString& result);

  QString introspect(const QString& path) const override;
  bool handleMessage(const QDBusMessage& message, const QDBusConnection& connection) override;

  static inline const QString kControlPath = QStringLiteral("/org/vgpu/test/FakeSystemd1");
  static inline const QString kControlInterface = QStringLiteral("org.vgpu.test.FakeSystemd1");

private:
  using Handler = void (FakeSystemd1::*)(const QDBusMessage&);
  struct Method {
    const char* name;
    const char* signature; // input signature systemd declares
    Handler handler;
  };

  bool dispatch(const QDBusMessage& message, const Method* begin, const Method* end);
  void reply(const QDBusMessage& message, const QVariantList& values = {});
  void replyError(const QDBusMessage& message, const QString& name, const QString& text);

  void subscribe(const QDBusMessage& message);
  void unsubscribe(const QDBusMessage& message);
  void reload(const QDBusMessage& message);
  void getUnit(const QDBusMessage& message);
  void loadUnit(const QDBusMessage& message);
  void startUnit(const QDBusMessage& message);
  void stopUnit(const QDBusMessage& message);
  void restartUnit(const QDBusMessage& message);
  void queueJob(const QDBusMessage& message, const QString& type);
  void completeJob(quint32 id, const QString& jobPath, const QString& unit, const QString& type);
  void emitJobRemoved(quint32 id, const QString& jobPath, const QString& unit, const QString& result);
  void emitPropertiesChanged(const FakeUnit& unit);

  void propertiesGet(const QDBusMessage& message);
  void propertiesGetAll(const QDBusMessage& message);
  QVariantMap properties(const FakeUnit& unit, const QString& interface, bool* known) const;
  FakeUnit* unitAtPath(const QString& path);

  void controlSetJobResult(const QDBusMessage& message);
  void controlSetRemovedBeforeReply(const QDBusMessage& message);
  void controlSetDenyJobs(const QDBusMessage& message);
  void controlSetUnitProperty(const QDBusMessage& message);
  void controlAddUnit(const QDBusMessage& message);
  void controlCounters(const QDBusMessage& message);

  QDBusConnection bus_;
  FakeSystemd1Options options_;
  QHash<QString, FakeUnit> units_;      // by name
  QSet<QString> subscribers_;           // unique bus names that called Subscribe
  QDBusServiceWatcher subscriberWatch_; // like systemd, forget subscribers that leave the bus
  QHash<QString, quint32> counters_;
  quint32 nextJobId_ = 100;
  quint32 nextPid_ = 4200;
};

} // namespace vgpu::test

// Desktop notifications on a private session bus: a stand-in org.freedesktop.Notifications in
// this process records every Notify call; one notification per transition (vgpud unreachable,
// Ollama on the CPU, a session at its VRAM quota), with summary and body, none while a state
// stays the same; without the service nothing fails and the absence is logged once. And the
// main window's tray tooltip follows the status header.
#include <catch2/catch.hpp>

#include "console_tray.h"
#include "desktop_alerts.h"
#include "hosts_model.h"
#include "main_window.h"
#include "status_header.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVirtualObject>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using vgpu::console::DesktopAlerts;
using vgpu::controller::status::MachineStatus;
using vgpu::controller::status::Placement;

namespace {

// A dbus-daemon of our own (as tests/support/systemd/private_systemd_bus.cpp starts one), so the
// desktop's real notification daemon never sees these calls.
class PrivateSessionBus {
public:
  PrivateSessionBus() {
    REQUIRE(dir_.isValid());
    const QString configPath = dir_.filePath(QStringLiteral("session.conf"));
    QFile config(configPath);
    REQUIRE(config.open(QIODevice::WriteOnly));
    // The policy private_systemd_bus.cpp's bus has: everything allowed, only our clients on it.
    config.write(QStringLiteral("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                                " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                                "<busconfig>\n"
                                "  <type>session</type>\n"
                                "  <listen>unix:path=%1</listen>\n"
                                "  <auth>EXTERNAL</auth>\n"
                                "  <policy context=\"default\">\n"
                                "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                                "    <allow eavesdrop=\"true\"/>\n"
                                "    <allow own=\"*\"/>\n"
                                "  </policy>\n"
                                "</busconfig>\n")
                     .arg(dir_.filePath(QStringLiteral("bus")))
                     .toUtf8());
    config.close();
    daemon_.setStandardErrorFile(dir_.filePath(QStringLiteral("dbus-daemon.log")));
    // The config's <type>session</type> makes it a session bus (--session would load the user's).
    daemon_.start(QStringLiteral("dbus-daemon"), {QStringLiteral("--print-address"), QStringLiteral("--nofork"),
                                                  QStringLiteral("--config-file=") + configPath});
    REQUIRE(daemon_.waitForStarted(5000));
    while (!daemon_.canReadLine()) {
      REQUIRE(daemon_.waitForReadyRead(5000));
    }
    address_ = QString::fromUtf8(daemon_.readLine()).trimmed();
    REQUIRE_FALSE(address_.isEmpty());
  }
  ~PrivateSessionBus() {
    for (const QString& name : names_) {
      QDBusConnection::disconnectFromBus(name);
    }
    daemon_.terminate();
    daemon_.waitForFinished(3000);
  }
  // A connection of its own: the notifier and the service are separate clients, as on a desktop.
  QDBusConnection connect(const QString& name) {
    names_.append(name);
    QDBusConnection bus = QDBusConnection::connectToBus(address_, name);
    REQUIRE(bus.isConnected());
    return bus;
  }

private:
  QTemporaryDir dir_;
  QProcess daemon_;
  QString address_;
  QStringList names_;
};

// org.freedesktop.Notifications as a notification daemon offers it, recording each Notify.
class NotificationsRecorder : public QDBusVirtualObject {
public:
  struct Call {
    QString summary;
    QString body;
  };
  explicit NotificationsRecorder(QDBusConnection bus) : bus_(std::move(bus)) {
    REQUIRE(bus_.registerVirtualObject(QStringLiteral("/org/freedesktop/Notifications"), this));
    REQUIRE(bus_.registerService(QStringLiteral("org.freedesktop.Notifications")));
  }
  QString introspect(const QString&) const override { return {}; }
  bool handleMessage(const QDBusMessage& message, const QDBusConnection& connection) override {
    if (message.member() != QLatin1String("Notify") || message.arguments().size() != 8) {
      return false;
    }
    calls.append({message.arguments().at(3).toString(), message.arguments().at(4).toString()});
    connection.send(message.createReply(QVariant::fromValue(static_cast<uint>(calls.size()))));
    return true;
  }
  QList<Call> calls;

private:
  QDBusConnection bus_;
};

MachineStatus statusWith(std::optional<bool> vgpudReachable, Placement placement) {
  MachineStatus status;
  status.vgpudReachable = vgpudReachable;
  status.placement = placement;
  return status;
}

vgpu::controller::host::HostSession session(std::uint64_t id, double usedGiB, double quotaGiB) {
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  vgpu::controller::host::HostSession s;
  s.id = id;
  s.clientProcess = QStringLiteral("ollama");
  s.clientPid = 4242;
  s.vramUsedBytes = static_cast<std::uint64_t>(usedGiB * kGiB);
  s.vramQuotaBytes = static_cast<std::uint64_t>(quotaGiB * kGiB);
  return s;
}

} // namespace

TEST_CASE("one desktop notification per machine-status transition, none while it stays") {
  PrivateSessionBus bus;
  NotificationsRecorder recorder(bus.connect(QStringLiteral("notifications-daemon")));
  DesktopAlerts alerts(bus.connect(QStringLiteral("console")));

  alerts.setStatus(statusWith(true, Placement::Gpu));
  QTest::qWait(200);
  CHECK(recorder.calls.isEmpty()); // all well: nothing to say

  alerts.setStatus(statusWith(false, Placement::Gpu));
  QTRY_COMPARE_WITH_TIMEOUT(recorder.calls.size(), 1, 5000);
  CHECK(recorder.calls.at(0).summary == QStringLiteral("vgpud is unreachable"));
  CHECK(recorder.calls.at(0).body.contains(QStringLiteral("Hosts page")));
  for (int refresh = 0; refresh < 3; ++refresh) { // the header refreshes; the state stays
    alerts.setStatus(statusWith(false, Placement::Gpu));
  }
  QTest::qWait(300);
  CHECK(recorder.calls.size() == 1);

  alerts.setStatus(statusWith(false, Placement::Cpu));
  QTRY_COMPARE_WITH_TIMEOUT(recorder.calls.size(), 2, 5000);
  CHECK(recorder.calls.at(1).summary == QStringLiteral("Ollama fell back to the CPU"));

  // Recovered, then broken again: a new transition, a new notification.
  alerts.setStatus(statusWith(true, Placement::Cpu));
  alerts.setStatus(statusWith(std::nullopt, Placement::Cpu)); // not asked is not unreachable
  QTest::qWait(300);
  CHECK(recorder.calls.size() == 2);
  alerts.setStatus(statusWith(false, Placement::Cpu));
  QTRY_COMPARE_WITH_TIMEOUT(recorder.calls.size(), 3, 5000);
  CHECK(recorder.calls.at(2).summary == QStringLiteral("vgpud is unreachable"));
}

TEST_CASE("a session at its VRAM quota is notified once") {
  PrivateSessionBus bus;
  NotificationsRecorder recorder(bus.connect(QStringLiteral("notifications-daemon")));
  DesktopAlerts alerts(bus.connect(QStringLiteral("console")));
  vgpu::console::HostSessionsModel sessions;
  const QString host = QStringLiteral("unix:/run/vgpud-admin.sock");

  sessions.setHostSessions(host, QStringLiteral("gpu-host-1"), {session(7, 3.0, 4.0), session(8, 9.0, 0.0)});
  alerts.setSessions(sessions);
  QTest::qWait(200);
  CHECK(recorder.calls.isEmpty()); // under its quota; and no quota set at all for session 8

  sessions.setHostSessions(host, QStringLiteral("gpu-host-1"), {session(7, 4.0, 4.0), session(8, 9.0, 0.0)});
  alerts.setSessions(sessions);
  QTRY_COMPARE_WITH_TIMEOUT(recorder.calls.size(), 1, 5000);
  CHECK(recorder.calls.at(0).summary == QStringLiteral("A session reached its VRAM quota"));
  CHECK(recorder.calls.at(0).body.contains(QStringLiteral("gpu-host-1")));
  CHECK(recorder.calls.at(0).body.contains(QStringLiteral("ollama")));

  sessions.setHostSessions(host, QStringLiteral("gpu-host-1"), {session(7, 4.5, 4.0), session(8, 9.0, 0.0)});
  alerts.setSessions(sessions);
  QTest::qWait(300);
  CHECK(recorder.calls.size() == 1);
}

namespace {
int absenceMessages = 0;
QtMessageHandler previousHandler = nullptr;
void countAbsence(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.contains(QStringLiteral("desktop notifications unavailable"))) {
    ++absenceMessages;
  }
  if (previousHandler != nullptr) {
    previousHandler(type, context, message);
  }
}
} // namespace

TEST_CASE("without a notification service nothing fails and the absence is logged once") {
  PrivateSessionBus bus; // nobody owns org.freedesktop.Notifications
  DesktopAlerts alerts(bus.connect(QStringLiteral("console")));
  int sent = 0;
  QObject::connect(&alerts, &DesktopAlerts::noticeSent, [&sent] { ++sent; });
  absenceMessages = 0;
  previousHandler = qInstallMessageHandler(countAbsence);
  alerts.setStatus(statusWith(false, Placement::Cpu));
  QTRY_COMPARE_WITH_TIMEOUT(absenceMessages, 1, 5000);
  alerts.setStatus(statusWith(true, Placement::Gpu));
  alerts.setStatus(statusWith(false, Placement::Cpu));
  QTest::qWait(500);
  qInstallMessageHandler(previousHandler);
  CHECK(sent == 4);
  CHECK(absenceMessages == 1);
}

TEST_CASE("the main window feeds the status header's state to the notifications and the tray tooltip") {
  vgpu::console::ConsoleOptions options;
  options.watchProcesses = false;
  options.watchHosts = false;
  options.watchStatus = false;
  vgpu::console::MainWindow window(options);
  REQUIRE(window.desktopAlerts() != nullptr);
  REQUIRE(window.tray() != nullptr);
  window.statusHeader()->setStatus(statusWith(false, Placement::Cpu));
  CHECK(window.desktopAlerts()->state().vgpudUnreachable);
  CHECK(window.desktopAlerts()->state().ollamaOnCpu);
  CHECK(window.tray()->toolTip().startsWith(QStringLiteral("vgpu console\n")));
  CHECK(window.tray()->toolTip().contains(window.statusHeader()->placementItem()->text().remove(u'&')));
}

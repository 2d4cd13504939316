// SystemdManager against the systemd1 test double on a private dbus-daemon: Reload, jobs followed
// to their JobRemoved result (done, failed, timeout, never removed, removed before the reply),
// unit status properties, the clear errors for no such unit, denied access and no systemd, and
// UnitWatcher following a restart through PropertiesChanged.
#include <catch2/catch.hpp>

#include "private_systemd_bus.h"
#include "systemd/systemd_manager.h"
#include "systemd/unit_watcher.h"

#include <QSignalSpy>
#include <QTest>

using vgpu::controller::JobOutcome;
using vgpu::controller::SystemdErrorKind;
using vgpu::controller::SystemdManager;
using vgpu::controller::SystemdVerb;
using vgpu::test::PrivateSystemdBus;
using vgpu::test::PrivateSystemdBusOptions;

namespace {

const QString kOllama = QStringLiteral("ollama.service");

uint counter(PrivateSystemdBus& bus, const char* method) {
  return bus.counters().value(QLatin1String(method)).toUInt();
}

} // namespace

TEST_CASE("Reload calls the manager's Reload and clears NeedDaemonReload") {
  PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  REQUIRE(bus.setUnitProperty(kOllama, QStringLiteral("NeedDaemonReload"), true));
  SystemdManager manager(bus.connection());
  REQUIRE(manager.unitStatus(kOllama).status.needDaemonReload);

  const JobOutcome outcome = manager.reloadAndWait();
  CHECK(outcome.succeeded());
  CHECK(outcome.result == QStringLiteral("done"));
  CHECK(counter(bus, "Reload") == 1);
  CHECK_FALSE(manager.unitStatus(kOllama).status.needDaemonReload);
}

TEST_CASE("restart is followed to JobRemoved done; the unit becomes active with a new MainPID") {
  PrivateSystemdBusOptions options;
  options.jobDelayMs = 400; // long enough to read the state while the job runs, even on a busy machine
  PrivateSystemdBus bus(options);
  REQUIRE(bus.isReady());
  SystemdManager manager(bus.connection());
  const auto before = manager.unitStatus(kOllama);
  REQUIRE_FALSE(before.error.isError());
  REQUIRE(before.status.mainPid != 0);

  vgpu::controller::SystemdJob* job = manager.restartUnit(kOllama);
  // While the job runs the unit is activating.
  const auto during = manager.unitStatus(kOllama);
  CHECK(during.status.activeState == QStringLiteral("activating"));
  const JobOutcome outcome = SystemdManager::wait(job);
  CHECK(outcome.succeeded());
  CHECK(outcome.result == QStringLiteral("done"));
  CHECK(outcome.jobPath.startsWith(QStringLiteral("/org/freedesktop/systemd1/job/")));
  CHECK(outcome.mode == QStringLiteral("replace"));
  CHECK(counter(bus, "Subscribe") == 1); // subscribed before the job, once

  const auto after = manager.unitStatus(kOllama);
  CHECK(after.status.activeState == QStringLiteral("active"));
  CHECK(after.status.subState == QStringLiteral("running"));
  CHECK(after.status.mainPid != 0);
  CHECK(after.status.mainPid != before.status.mainPid);
  CHECK(after.status.execMainStartUs > before.status.execMainStartUs);
  CHECK(after.status.activeEnterUs > before.status.activeEnterUs);

  // A second job on the same manager does not subscribe again.
  CHECK(manager.runAndWait(SystemdVerb::Stop, kOllama).succeeded());
  CHECK(counter(bus, "Subscribe") == 1);
  CHECK(manager.unitStatus(kOllama).status.activeState == QStringLiteral("inactive"));
  CHECK(manager.runAndWait(SystemdVerb::Start, kOllama).succeeded());
  CHECK(manager.unitStatus(kOllama).status.activeState == QStringLiteral("active"));
}

TEST_CASE("a job that ends with a result other than done is reported with that result") {
  PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  SystemdManager manager(bus.connection());
  for (const char* result : {"failed", "timeout", "canceled", "dependency", "skipped"}) {
    INFO(result);
    REQUIRE(bus.setJobResult(kOllama, QLatin1String(result)));
    const JobOutcome outcome = manager.runAndWait(SystemdVerb::Restart, kOllama);
    CHECK_FALSE(outcome.succeeded());
    CHECK(outcome.result == QLatin1String(result));
    CHECK(outcome.error.kind == SystemdErrorKind::JobFailed);
    CHECK(outcome.error.message.contains(kOllama));
  }
  REQUIRE(bus.setJobResult(kOllama, QStringLiteral("failed")));
  const JobOutcome failed = manager.runAndWait(SystemdVerb::Restart, kOllama);
  CHECK(failed.error.message == QStringLiteral("ollama.service failed to restart; its log says why (vgpuctl journal)"));
  const auto status = manager.unitStatus(kOllama);
  CHECK(status.status.activeState == QStringLiteral("failed"));
  CHECK(status.status.mainPid == 0);
}

TEST_CASE("a job that is never removed ends with our own timeout error") {
  PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  REQUIRE(bus.setJobResult(kOllama, QStringLiteral("never")));
  SystemdManager manager(bus.connection());
  manager.setJobTimeout(std::chrono::milliseconds(400));
  const JobOutcome outcome = manager.runAndWait(SystemdVerb::Restart, kOllama);
  CHECK_FALSE(outcome.succeeded());
  CHECK(outcome.error.kind == SystemdErrorKind::JobTimeout);
  CHECK(outcome.result.isEmpty());
  CHECK_FALSE(outcome.jobPath.isEmpty());
  CHECK(outcome.error.message.contains(QStringLiteral("did not report the end of the restart job")));
  CHECK(outcome.error.message.contains(outcome.jobPath));
}

TEST_CASE("JobRemoved arriving before the method reply is still matched to the job") {
  PrivateSystemdBusOptions options;
  options.removedBeforeReply = true;
  PrivateSystemdBus bus(options);
  REQUIRE(bus.isReady());
  SystemdManager manager(bus.connection());
  manager.setJobTimeout(std::chrono::milliseconds(2000));
  const JobOutcome done = manager.runAndWait(SystemdVerb::Restart, kOllama);
  CHECK(done.succeeded());
  CHECK(done.result == QStringLiteral("done"));

  REQUIRE(bus.setJobResult(kOllama, QStringLiteral("failed")));
  const JobOutcome failed = manager.runAndWait(SystemdVerb::Restart, kOllama);
  CHECK(failed.result == QStringLiteral("failed"));
  CHECK(failed.error.kind == SystemdErrorKind::JobFailed);
}

TEST_CASE("two jobs at once each get their own JobRemoved") {
  PrivateSystemdBus bus({{kOllama, QStringLiteral("vgpud.service")}, 50, false, false});
  REQUIRE(bus.isReady());
  REQUIRE(bus.setJobResult(QStringLiteral("vgpud.service"), QStringLiteral("failed")));
  SystemdManager manager(bus.connection());
  auto* first = manager.restartUnit(kOllama);
  auto* second = manager.restartUnit(QStringLiteral("vgpud.service"));
  CHECK(SystemdManager::wait(first).result == QStringLiteral("done"));
  CHECK(SystemdManager::wait(second).result == QStringLiteral("failed"));
}

TEST_CASE("the asynchronous API emits finished once") {
  PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  SystemdManager manager(bus.connection());
  auto* job = manager.restartUnit(kOllama);
  QSignalSpy spy(job, &vgpu::controller::SystemdJob::finished);
  REQUIRE(spy.wait(5000));
  QTest::qWait(100);
  CHECK(spy.count() == 1);
  CHECK(qvariant_cast<JobOutcome>(spy.at(0).at(0)).result == QStringLiteral("done"));
}

TEST_CASE("no such unit, access denied and no systemd are clear errors") {
  PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  SystemdManager manager(bus.connection());

  const JobOutcome missing = manager.runAndWait(SystemdVerb::Restart, QStringLiteral("nosuch.service"));
  CHECK(missing.error.kind == SystemdErrorKind::NoSuchUnit);
  CHECK(missing.error.message == QStringLiteral("no such unit: nosuch.service (systemd has no unit file for it)"));
  CHECK(missing.error.detail.startsWith(QStringLiteral("org.freedesktop.systemd1.NoSuchUnit")));
  const auto missingStatus = manager.unitStatus(QStringLiteral("nosuch.service"));
  CHECK(missingStatus.error.kind == SystemdErrorKind::NoSuchUnit);

  REQUIRE(bus.setDenyJobs(true));
  const JobOutcome denied = manager.runAndWait(SystemdVerb::Restart, kOllama);
  CHECK(denied.error.kind == SystemdErrorKind::AccessDenied);
  CHECK(denied.error.message.contains(QStringLiteral("vgpu-helper")));
  CHECK(manager.reloadAndWait().error.kind == SystemdErrorKind::AccessDenied);
  REQUIRE(bus.setDenyJobs(false));

  const JobOutcome badMode = manager.runAndWait(SystemdVerb::Start, kOllama, QStringLiteral("sideways"));
  CHECK(badMode.error.kind == SystemdErrorKind::Other);
  CHECK(badMode.error.message.contains(QStringLiteral("Job mode sideways invalid.")));

  bus.stopSystemd();
  const JobOutcome gone = manager.runAndWait(SystemdVerb::Restart, kOllama);
  CHECK(gone.error.kind == SystemdErrorKind::Unreachable);
  CHECK(gone.error.message.startsWith(QStringLiteral("systemd is not reachable over D-Bus")));
  CHECK(manager.unitStatus(kOllama).error.kind == SystemdErrorKind::Unreachable);

  SystemdManager disconnected(QDBusConnection(QStringLiteral("no-such-connection")));
  CHECK(disconnected.runAndWait(SystemdVerb::Restart, kOllama).error.kind == SystemdErrorKind::Unreachable);
  CHECK(disconnected.unitStatus(kOllama).error.kind == SystemdErrorKind::Unreachable);
}

TEST_CASE("unit status reads the Unit and Service properties") {
  PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  const QStringList dropIns{QStringLiteral("/etc/systemd/system/ollama.service.d/10-override.conf"),
                            QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf")};
  REQUIRE(bus.setUnitProperty(kOllama, QStringLiteral("DropInPaths"), dropIns));
  SystemdManager manager(bus.connection());
  const auto result = manager.unitStatus(kOllama);
  REQUIRE_FALSE(result.error.isError());
  const auto& status = result.status;
  CHECK(status.name == kOllama);
  CHECK(status.objectPath == QStringLiteral("/org/freedesktop/systemd1/unit/ollama_2eservice"));
  CHECK(status.loadState == QStringLiteral("loaded"));
  CHECK(status.activeState == QStringLiteral("active"));
  CHECK(status.subState == QStringLiteral("running"));
  CHECK(status.mainPid != 0);
  CHECK(status.execMainStartUs > 1700000000000000ULL);
  CHECK(status.activeEnterUs == status.execMainStartUs);
  CHECK(status.fragmentPath == QStringLiteral("/etc/systemd/system/ollama.service"));
  CHECK(status.dropInPaths == dropIns);
  CHECK_FALSE(status.needDaemonReload);
  CHECK(vgpu::controller::unitUptimeSeconds(status, status.activeEnterUs + 61000000U) == 61);
}

TEST_CASE("a unit watcher follows a restart through PropertiesChanged") {
  PrivateSystemdBusOptions options;
  options.jobDelayMs = 300;
  PrivateSystemdBus bus(options);
  REQUIRE(bus.isReady());
  SystemdManager manager(bus.connection());
  vgpu::controller::UnitWatcher watcher(&manager, kOllama);
  watcher.setPollInterval(std::chrono::minutes(10)); // only signals can drive it in this test
  QSignalSpy changes(&watcher, &vgpu::controller::UnitWatcher::statusChanged);
  watcher.start();
  REQUIRE(changes.wait(5000));
  const quint32 firstPid = watcher.latest().status.mainPid;
  REQUIRE(firstPid != 0);

  QStringList states;
  auto* job = manager.restartUnit(kOllama);
  CHECK(SystemdManager::wait(job).succeeded());
  for (int i = 0; i < 20 && watcher.latest().status.mainPid == 0; ++i) {
    changes.wait(100);
  }
  QTest::qWait(100);
  for (const QList<QVariant>& change : changes) {
    states << qvariant_cast<vgpu::controller::UnitStatusResult>(change.at(0)).status.activeState;
  }
  INFO(states.join(u',').toStdString());
  CHECK(states.contains(QStringLiteral("activating")));
  CHECK(states.last() == QStringLiteral("active"));
  CHECK(watcher.latest().status.mainPid != firstPid);
  CHECK(watcher.latest().status.mainPid != 0);
}

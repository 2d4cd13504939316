// `vgpuctl service` against fake-systemd1 on a private bus (--bus ADDRESS): status text and JSON,
// restart with the job's result, a failed job, denied access and usage errors.
#include <catch2/catch.hpp>

#include "private_systemd_bus.h"
#include "vgpuctl_cli.h"
#include "vgpuctl_run.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {

using Run = vgpu::test::VgpuctlRun;
using vgpu::test::vgpuctl;

QJsonObject json(const QString& text) {
  QJsonParseError error{};
  const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
  INFO(text.toStdString());
  REQUIRE(error.error == QJsonParseError::NoError);
  return document.object();
}

} // namespace

TEST_CASE("vgpuctl service status prints the unit's state, text and JSON") {
  vgpu::test::PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  REQUIRE(bus.setUnitProperty(QStringLiteral("ollama.service"), QStringLiteral("NeedDaemonReload"), true));
  const QString address = bus.address();

  const Run text = vgpuctl({QStringLiteral("service"), QStringLiteral("status"), QStringLiteral("--bus"), address});
  INFO(text.err.toStdString());
  CHECK(text.code == 0);
  CHECK(text.out.startsWith(QStringLiteral("ollama.service: active (running)\n")));
  CHECK(text.out.contains(QStringLiteral("  loaded:    loaded (/etc/systemd/system/ollama.service)\n")));
  CHECK(text.out.contains(QStringLiteral("  main PID:  ")));
  CHECK(text.out.contains(QStringLiteral(", up 0h 1m ")));
  CHECK(text.out.contains(QStringLiteral("changed since the last daemon-reload")));

  const Run machine = vgpuctl({QStringLiteral("service"), QStringLiteral("status"), QStringLiteral("--json"),
                               QStringLiteral("--bus"), address});
  CHECK(machine.code == 0);
  const QJsonObject object = json(machine.out);
  CHECK(object.value(QStringLiteral("unit")).toString() == QStringLiteral("ollama.service"));
  CHECK(object.value(QStringLiteral("active_state")).toString() == QStringLiteral("active"));
  CHECK(object.value(QStringLiteral("main_pid")).toInt() > 0);
  CHECK(object.value(QStringLiteral("uptime_s")).toInt() >= 60);
  CHECK(object.value(QStringLiteral("need_daemon_reload")).toBool());

  const Run missing = vgpuctl({QStringLiteral("service"), QStringLiteral("status"), QStringLiteral("--unit"),
                               QStringLiteral("nosuch.service"), QStringLiteral("--bus"), address});
  CHECK(missing.code == 1);
  CHECK(missing.err.contains(QStringLiteral("no such unit: nosuch.service")));
}

TEST_CASE("vgpuctl service restart follows the job; a failed job exits 1 with its result") {
  vgpu::test::PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  const QString address = bus.address();
  const Run done = vgpuctl({QStringLiteral("service"), QStringLiteral("restart"), QStringLiteral("--bus"), address});
  INFO(done.err.toStdString());
  CHECK(done.code == 0);
  CHECK(done.out.startsWith(QStringLiteral("restart ollama.service: done (job /org/freedesktop/systemd1/job/")));
  CHECK(done.out.contains(QStringLiteral("ollama.service: active (running)")));

  REQUIRE(bus.setJobResult(QStringLiteral("ollama.service"), QStringLiteral("failed")));
  const Run failed = vgpuctl({QStringLiteral("service"), QStringLiteral("restart"), QStringLiteral("--json"),
                              QStringLiteral("--bus"), address});
  CHECK(failed.code == 1);
  CHECK(failed.err.contains(QStringLiteral("ollama.service failed to restart")));
  const QJsonObject object = json(failed.out);
  CHECK(object.value(QStringLiteral("result")).toString() == QStringLiteral("failed"));
  CHECK(object.value(QStringLiteral("error")).toString() == QStringLiteral("job-failed"));
  CHECK(object.value(QStringLiteral("status")).toObject().value(QStringLiteral("active_state")).toString() ==
        QStringLiteral("failed"));

  REQUIRE(bus.setJobResult(QStringLiteral("ollama.service"), QStringLiteral("never")));
  const Run stuck = vgpuctl({QStringLiteral("service"), QStringLiteral("start"), QStringLiteral("--timeout"),
                             QStringLiteral("0.3"), QStringLiteral("--bus"), address});
  CHECK(stuck.code == 1);
  CHECK(stuck.err.contains(QStringLiteral("did not report the end of the start job")));

  const Run reload = vgpuctl({QStringLiteral("service"), QStringLiteral("reload"), QStringLiteral("--bus"), address});
  INFO(reload.out.toStdString());
  CHECK(reload.code == 0);
  CHECK(reload.out == QStringLiteral("reload (daemon): done\n"));
  CHECK(bus.counters().value(QStringLiteral("Reload")).toUInt() == 1);
}

TEST_CASE("vgpuctl service: denied access points at vgpu-helper; usage errors exit 2") {
  vgpu::test::PrivateSystemdBusOptions options;
  options.denyJobs = true;
  vgpu::test::PrivateSystemdBus bus(options);
  REQUIRE(bus.isReady());
  const Run denied =
      vgpuctl({QStringLiteral("service"), QStringLiteral("restart"), QStringLiteral("--bus"), bus.address()});
  CHECK(denied.code == 1);
  CHECK(denied.err.contains(QStringLiteral("goes through vgpu-helper")));

  CHECK(vgpuctl({QStringLiteral("service")}).code == 2);
  CHECK(vgpuctl({QStringLiteral("service"), QStringLiteral("frobnicate")}).code == 2);
  CHECK(vgpuctl({QStringLiteral("service"), QStringLiteral("status"), QStringLiteral("--bogus")}).code == 2);
  CHECK(vgpuctl({QStringLiteral("service"), QStringLiteral("start"), QStringLiteral("--timeout"), QStringLiteral("x")})
            .code == 2);

  const Run nobus = vgpuctl({QStringLiteral("service"), QStringLiteral("status"), QStringLiteral("--bus"),
                             QStringLiteral("unix:path=/nonexistent/bus")});
  CHECK(nobus.code == 1);
  CHECK(nobus.err.contains(QStringLiteral("systemd is not reachable over D-Bus")));
}

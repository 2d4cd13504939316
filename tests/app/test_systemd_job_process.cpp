// systemd jobs followed from a program of their own: the real vgpuctl and vgpu-helper binaries
// against fake-systemd1 on a private bus. These caught a bug the in-process tests could not: in a
// fresh process QtDBus could not resolve the JobRemoved slot's QDBusObjectPath parameter by name
// (nothing had registered that metatype yet), QDBusConnection::connect() failed silently, no
// AddMatch was sent and every restart waited for its timeout. In a test process an earlier
// unit-status read had registered the type, which hid the bug there.
#include <catch2/catch.hpp>

#include "changes/helper_client.h"
#include "private_systemd_bus.h"
#include "test_paths.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace {

struct ProcessRun {
  int exitCode = -1;
  QString out;
  QString err;
  qint64 elapsedMs = 0;
};

// Runs `program` and waits at most 20 s: far less than the 120 s job timeout, so a lost JobRemoved
// fails the test instead of stalling it.
ProcessRun runProcess(const QString& program, const QStringList& arguments,
                      const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment()) {
  QProcess process;
  process.setProcessEnvironment(environment);
  QElapsedTimer timer;
  timer.start();
  process.start(program, arguments);
  const bool finished = process.waitForFinished(20000);
  if (!finished) {
    process.kill();
    process.waitForFinished(5000);
  }
  ProcessRun run{finished && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                 QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError()),
                 timer.elapsed()};
  INFO(program.toStdString() << ' ' << arguments.join(u' ').toStdString() << "\nstdout: " << run.out.toStdString()
                             << "\nstderr: " << run.err.toStdString());
  REQUIRE(finished);
  return run;
}

QJsonObject json(const QString& text) {
  QJsonParseError error{};
  const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
  INFO(text.toStdString());
  REQUIRE(error.error == QJsonParseError::NoError);
  return document.object();
}

} // namespace

TEST_CASE("vgpuctl service restart in its own process sees the job's JobRemoved") {
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  const QStringList restart{QStringLiteral("service"),
                            QStringLiteral("restart"),
                            QStringLiteral("--json"),
                            QStringLiteral("--timeout"),
                            QStringLiteral("15"),
                            QStringLiteral("--bus"),
                            bus.address()};

  const ProcessRun done = runProcess(QStringLiteral(VGPUCTL_PATH), restart);
  INFO(done.err.toStdString());
  CHECK(done.exitCode == 0);
  CHECK(done.elapsedMs < 10000); // the fake ends the job after 50 ms; 15 s would be our timeout
  const QJsonObject object = json(done.out);
  CHECK(object.value(QStringLiteral("result")).toString() == QStringLiteral("done"));
  CHECK(object.value(QStringLiteral("status")).toObject().value(QStringLiteral("active_state")).toString() ==
        QStringLiteral("active"));

  REQUIRE(bus.setJobResult(QStringLiteral("ollama.service"), QStringLiteral("failed")));
  const ProcessRun failed = runProcess(QStringLiteral(VGPUCTL_PATH), restart);
  CHECK(failed.exitCode == 1);
  CHECK(failed.elapsedMs < 10000);
  CHECK(json(failed.out).value(QStringLiteral("result")).toString() == QStringLiteral("failed"));
  CHECK(failed.err.contains(QStringLiteral("ollama.service failed to restart")));
}

TEST_CASE("vgpu-helper restart-ollama in its own process reports the job's result") {
  const auto root = vgpu::test::scratchDir("helper-restart-process");
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.insert(QStringLiteral("VGPU_HELPER_TEST_BUS"), bus.address());
  const QStringList arguments{QStringLiteral("--root"), QString::fromStdString(root.string()),
                              QStringLiteral("restart-ollama")};

  const ProcessRun done = runProcess(QStringLiteral(VGPU_HELPER_PATH), arguments, environment);
  const auto reply = vgpu::controller::parseHelperReply(done.exitCode, done.out.toUtf8(), done.err.toUtf8());
  INFO(reply.message.toStdString());
  CHECK(done.exitCode == 0);
  CHECK(done.elapsedMs < 10000);
  const QJsonObject job = reply.data.value(QStringLiteral("job")).toObject();
  CHECK(job.value(QStringLiteral("result")).toString() == QStringLiteral("done"));
  CHECK(job.value(QStringLiteral("succeeded")).toBool());
  CHECK(reply.message == QStringLiteral("ollama.service restarted (job result: done)"));

  REQUIRE(bus.setJobResult(QStringLiteral("ollama.service"), QStringLiteral("failed")));
  const ProcessRun failed = runProcess(QStringLiteral(VGPU_HELPER_PATH), arguments, environment);
  const auto failedReply =
      vgpu::controller::parseHelperReply(failed.exitCode, failed.out.toUtf8(), failed.err.toUtf8());
  CHECK(failed.exitCode == static_cast<int>(vgpu::controller::HelperExit::Failed));
  CHECK(failed.elapsedMs < 10000);
  const QJsonObject failedJob = failedReply.data.value(QStringLiteral("job")).toObject();
  CHECK(failedJob.value(QStringLiteral("result")).toString() == QStringLiteral("failed"));
  CHECK(failedJob.value(QStringLiteral("error")).toString() == QStringLiteral("job-failed"));
  CHECK(failedReply.message.contains(QStringLiteral("ollama.service failed to restart")));
}

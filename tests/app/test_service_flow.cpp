// The service flow end to end: the real vgpuctl binary, vgpu-helper in test mode
// (--root, no pkexec) and fake-systemd1 on a private bus, on the fake Ollama tree. Plan → apply
// (service scope) → env set OLLAMA_LLM_LIBRARY=cuda_v12 (written and reloaded through the helper)
// → restart through the helper (job done, a new MainPID) → rollback → the tree and its drop-ins
// byte-identical to the start; a failed restart job reported with its result; the fallback to
// vgpu-helper when systemd refuses the caller.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "fake_ollama_tree.h"
#include "private_systemd_bus.h"
#include "test_paths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using vgpu::test::FakeOllamaTree;

namespace {

struct Run {
  int code = -1;
  QString out;
  QString err;
};

const QString kDropIn = QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf");

// An Ollama installation plus what the vgpu package ships (the shims the installer copies).
class FlowTree {
public:
  explicit FlowTree(const std::string& name)
      : tree_(QString::fromStdString(vgpu::test::scratchDir("service-flow-" + name).string())) {
    vgpu::test::writePackagedShims(tree_.root().toStdString());
    tree_.makeDirectory(QStringLiteral("/var/lib"));
  }
  const FakeOllamaTree& tree() const { return tree_; }
  std::filesystem::path path() const { return tree_.root().toStdString(); }

  // vgpuctl --root TREE ARGUMENTS, as its own process, with the helper from the build tree.
  Run vgpuctl(const QStringList& arguments) const {
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("VGPU_HELPER"), QStringLiteral(VGPU_HELPER_PATH));
    environment.remove(QStringLiteral("VGPU_HELPER_TEST_BUS")); // only what --bus passes on
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(VGPUCTL_PATH), QStringList{QStringLiteral("--root"), tree_.root()} + arguments);
    const bool finished = process.waitForFinished(60000);
    Run run{finished ? process.exitCode() : -1, QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
    INFO("vgpuctl " << arguments.join(u' ').toStdString() << "\nstdout: " << run.out.toStdString()
                    << "\nstderr: " << run.err.toStdString());
    REQUIRE(finished);
    return run;
  }

private:
  FakeOllamaTree tree_;
};

QJsonObject json(const QString& text) {
  QJsonParseError error{};
  const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
  INFO(text.toStdString());
  REQUIRE(error.error == QJsonParseError::NoError);
  return document.object();
}

qint64 mainPid(const FlowTree& flow, const QString& address) {
  const Run status = flow.vgpuctl({QStringLiteral("service"), QStringLiteral("status"), QStringLiteral("--json"),
                                   QStringLiteral("--bus"), address});
  REQUIRE(status.code == 0);
  return json(status.out).value(QStringLiteral("main_pid")).toInteger();
}

} // namespace

TEST_CASE("service flow: plan, install, set OLLAMA_LLM_LIBRARY, restart, rollback to byte-identical") {
  const FlowTree flow("e2e");
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  const QString address = bus.address();
  const auto before = vgpu::test::treeListing(flow.path());
  const QByteArray overrideBefore =
      vgpu::test::readFile(flow.path() / "etc/systemd/system/ollama.service.d/override.conf");

  // Plan: the exact operations, nothing changed.
  const Run plan = flow.vgpuctl(
      {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service"), QStringLiteral("--dry-run")});
  REQUIRE(plan.code == 0);
  CHECK(plan.out.contains(QStringLiteral("write    ") + kDropIn));
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(flow.path()), before).empty());

  // Apply (service scope) through vgpu-helper.
  const Run install = flow.vgpuctl({QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service")});
  REQUIRE(install.code == 0);
  CHECK(install.out.contains(QStringLiteral("applied as transaction")));
  CHECK(vgpu::test::readFile(flow.path() / kDropIn.mid(1).toStdString())
            .contains("Environment=\"LD_LIBRARY_PATH=" + vgpu::controller::installedShimDir().toUtf8() + "\""));

  // Set the variant: written by the helper, systemd reloaded by the helper, restart announced.
  const qint64 pidBefore = mainPid(flow, address);
  REQUIRE(pidBefore > 0);
  const Run set = flow.vgpuctl({QStringLiteral("env"), QStringLiteral("set"),
                                QStringLiteral("OLLAMA_LLM_LIBRARY=cuda_v12"), QStringLiteral("--bus"), address});
  REQUIRE(set.code == 0);
  CHECK(set.out.contains(QStringLiteral("+Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"")));
  CHECK(set.out.contains(QStringLiteral("set OLLAMA_LLM_LIBRARY in the managed drop-in: applied as transaction")));
  CHECK(set.out.contains(QStringLiteral("systemd reloaded its unit files\n")));
  CHECK(set.out.contains(QStringLiteral("ollama.service needs a restart to use the new environment: vgpuctl service "
                                        "restart\n")));
  CHECK(bus.counters().value(QStringLiteral("Reload")).toUInt() == 1);
  const QByteArray dropIn = vgpu::test::readFile(flow.path() / kDropIn.mid(1).toStdString());
  CHECK(dropIn.contains("Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\""));
  CHECK(dropIn.contains("Environment=\"LD_LIBRARY_PATH=" + vgpu::controller::installedShimDir().toUtf8() + "\""));
  CHECK(flow.vgpuctl({QStringLiteral("env"), QStringLiteral("get"), QStringLiteral("OLLAMA_LLM_LIBRARY")})
            .out.contains(QStringLiteral("in 50-vgpu.conf: cuda_v12")));

  // Restart through the helper: the job is followed to "done", the unit runs with a new MainPID.
  const Run restart =
      flow.vgpuctl({QStringLiteral("service"), QStringLiteral("restart"), QStringLiteral("--via-helper"),
                    QStringLiteral("--json"), QStringLiteral("--bus"), address});
  REQUIRE(restart.code == 0);
  const QJsonObject job = json(restart.out);
  CHECK(job.value(QStringLiteral("result")).toString() == QStringLiteral("done"));
  CHECK(job.value(QStringLiteral("via")).toString() == QStringLiteral("vgpu-helper"));
  CHECK(job.value(QStringLiteral("job")).toString().startsWith(QStringLiteral("/org/freedesktop/systemd1/job/")));
  const QJsonObject status = job.value(QStringLiteral("status")).toObject();
  CHECK(status.value(QStringLiteral("active_state")).toString() == QStringLiteral("active"));
  const qint64 pidAfter = status.value(QStringLiteral("main_pid")).toInteger();
  CHECK(pidAfter > 0);
  CHECK(pidAfter != pidBefore);
  CHECK(bus.counters().value(QStringLiteral("RestartUnit")).toUInt() == 1);

  // Roll back, newest first: the tree and every drop-in as they were.
  const Run undoSet = flow.vgpuctl({QStringLiteral("rollback")});
  REQUIRE(undoSet.code == 0);
  const Run undoInstall = flow.vgpuctl({QStringLiteral("rollback")});
  REQUIRE(undoInstall.code == 0);
  const std::string difference = vgpu::test::listingDifference(vgpu::test::treeListing(flow.path()), before);
  INFO(difference);
  CHECK(difference.empty());
  CHECK_FALSE(std::filesystem::exists(flow.path() / kDropIn.mid(1).toStdString()));
  CHECK(vgpu::test::readFile(flow.path() / "etc/systemd/system/ollama.service.d/override.conf") == overrideBefore);
}

TEST_CASE("service flow: a failed restart job is reported with its result") {
  const FlowTree flow("failed-restart");
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  const QString address = bus.address();
  REQUIRE(bus.setJobResult(QStringLiteral("ollama.service"), QStringLiteral("failed")));

  const Run restart =
      flow.vgpuctl({QStringLiteral("service"), QStringLiteral("restart"), QStringLiteral("--via-helper"),
                    QStringLiteral("--json"), QStringLiteral("--bus"), address});
  CHECK(restart.code == 1);
  CHECK(restart.err.contains(QStringLiteral("vgpu-helper restart-ollama: ollama.service failed to restart")));
  const QJsonObject job = json(restart.out);
  CHECK(job.value(QStringLiteral("result")).toString() == QStringLiteral("failed"));
  CHECK(job.value(QStringLiteral("error")).toString() == QStringLiteral("job-failed"));
  CHECK(job.value(QStringLiteral("helperExitCode")).toInt() == 1);
  CHECK(job.value(QStringLiteral("status")).toObject().value(QStringLiteral("active_state")).toString() ==
        QStringLiteral("failed"));

  // env set --restart: the change is applied and reloaded, the failed restart makes it exit 1.
  const Run set = flow.vgpuctl({QStringLiteral("env"), QStringLiteral("set"), QStringLiteral("OLLAMA_DEBUG=1"),
                                QStringLiteral("--restart"), QStringLiteral("--bus"), address});
  CHECK(set.code == 1);
  CHECK(set.out.contains(QStringLiteral("systemd reloaded its unit files\n")));
  CHECK(set.err.contains(QStringLiteral("ollama.service failed to restart")));
  CHECK(vgpu::test::readFile(flow.path() / kDropIn.mid(1).toStdString()).contains("Environment=\"OLLAMA_DEBUG=1\""));
}

TEST_CASE("service flow: systemd refusing the caller hands restart to vgpu-helper; usage errors") {
  const FlowTree flow("refused");
  vgpu::test::PrivateSystemdBusOptions options;
  options.denyJobs = true; // the fake refuses everyone, so the helper's attempt is refused as well
  vgpu::test::PrivateSystemdBus bus(options);
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  const QString address = bus.address();

  const Run restart = flow.vgpuctl({QStringLiteral("service"), QStringLiteral("restart"), QStringLiteral("--json"),
                                    QStringLiteral("--bus"), address});
  CHECK(restart.code == 1);
  CHECK(restart.err.contains(QStringLiteral("goes through vgpu-helper")));
  CHECK(restart.err.contains(QStringLiteral("asking vgpu-helper to restart ollama.service instead")));
  CHECK(restart.err.contains(QStringLiteral("vgpu-helper restart-ollama: permission denied")));
  const QJsonObject job = json(restart.out);
  CHECK(job.value(QStringLiteral("via")).toString() == QStringLiteral("vgpu-helper"));
  CHECK(job.value(QStringLiteral("error")).toString() == QStringLiteral("access-denied"));
  CHECK(job.value(QStringLiteral("directAttempt")).toObject().value(QStringLiteral("error")).toString() ==
        QStringLiteral("access-denied"));
  CHECK(bus.counters().value(QStringLiteral("RestartUnit")).toUInt() == 2); // vgpuctl's, then the helper's

  // start/stop and other units are not helper verbs: the refusal is reported, no second attempt.
  const Run stop = flow.vgpuctl({QStringLiteral("service"), QStringLiteral("stop"), QStringLiteral("--bus"), address});
  CHECK(stop.code == 1);
  CHECK_FALSE(stop.err.contains(QStringLiteral("asking vgpu-helper")));
  CHECK(bus.counters().value(QStringLiteral("StopUnit")).toUInt() == 1);

  for (const QStringList& arguments :
       {QStringList{QStringLiteral("service"), QStringLiteral("status"), QStringLiteral("--via-helper")},
        QStringList{QStringLiteral("service"), QStringLiteral("stop"), QStringLiteral("--via-helper")},
        QStringList{QStringLiteral("service"), QStringLiteral("restart"), QStringLiteral("--unit"),
                    QStringLiteral("other.service"), QStringLiteral("--via-helper")},
        QStringList{QStringLiteral("env"), QStringLiteral("set"), QStringLiteral("OLLAMA_DEBUG=1"),
                    QStringLiteral("--no-reload"), QStringLiteral("--restart")}}) {
    INFO(arguments.join(u' ').toStdString());
    CHECK(flow.vgpuctl(arguments).code == 2);
  }
}

// Issue 18, item 4: `systemctl edit` leaves override.conf with its own LD_LIBRARY_PATH, which
// beats the shim's drop-in. The doctor finds it (file:line, effective value), `vgpuctl env
// resolve` applies its remedy through vgpu-helper (merge, reload, restart), a second doctor run
// finds nothing, and rollback restores both files byte for byte.
TEST_CASE("service flow: override.conf beating the shim's LD_LIBRARY_PATH: found, resolved, verified, undone") {
  const FlowTree flow("override");
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  const QString address = bus.address();
  REQUIRE(flow.vgpuctl({QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service")}).code == 0);
  const std::filesystem::path overridePath = flow.path() / "etc/systemd/system/ollama.service.d/override.conf";
  const std::filesystem::path managedPath = flow.path() / kDropIn.mid(1).toStdString();
  const QByteArray overrideText = "[Service]\nEnvironment=\"OLLAMA_NUM_GPU=999\"\n"
                                  "Environment=\"LD_LIBRARY_PATH=/opt/cuda/lib64\"\n";
  vgpu::test::writeFile(overridePath, overrideText);
  const QByteArray managedBefore = vgpu::test::readFile(managedPath);
  const QString shimDir = vgpu::controller::installedShimDir();

  const auto overridesCheck = [&flow]() {
    const Run doctor = flow.vgpuctl({QStringLiteral("doctor"), QStringLiteral("--json")});
    for (const QJsonValue check : json(doctor.out)[QStringLiteral("checks")].toArray()) {
      if (check[QStringLiteral("id")].toString() == QStringLiteral("service.managed-overrides")) {
        return check.toObject();
      }
    }
    FAIL("no service.managed-overrides in the report");
    return QJsonObject();
  };
  const QJsonObject found = overridesCheck();
  const QString evidence = QString::fromUtf8(QJsonDocument(found[QStringLiteral("evidence")].toArray()).toJson());
  INFO(found[QStringLiteral("summary")].toString().toStdString() << "\n" << evidence.toStdString());
  CHECK(found[QStringLiteral("status")].toString() == QStringLiteral("fail"));
  CHECK(found[QStringLiteral("summary")].toString().contains(
      QLatin1String("overridden by /etc/systemd/system/ollama.service.d/override.conf:3")));
  CHECK(found[QStringLiteral("summary")].toString().contains(QLatin1String("LD_LIBRARY_PATH=/opt/cuda/lib64")));
  CHECK(found[QStringLiteral("summary")].toString().contains(QLatin1String("the shim is not loaded")));
  const QJsonObject action = found[QStringLiteral("remedy")][QStringLiteral("action")].toObject();
  CHECK(action[QStringLiteral("verb")].toString() == QStringLiteral("override-resolve"));
  CHECK(found[QStringLiteral("remedy")][QStringLiteral("text")].toString().contains(
      QLatin1String("vgpuctl env resolve LD_LIBRARY_PATH --merge")));

  const Run dryRun = flow.vgpuctl({QStringLiteral("env"), QStringLiteral("resolve"), QStringLiteral("LD_LIBRARY_PATH"),
                                   QStringLiteral("--dry-run")});
  CHECK(dryRun.code == 0);
  CHECK(dryRun.out.contains(QStringLiteral("-Environment=\"LD_LIBRARY_PATH=/opt/cuda/lib64\"")));
  CHECK(vgpu::test::readFile(overridePath) == overrideText);

  const Run resolve = flow.vgpuctl({QStringLiteral("env"), QStringLiteral("resolve"), QStringLiteral("LD_LIBRARY_PATH"),
                                    QStringLiteral("--restart"), QStringLiteral("--bus"), address});
  INFO(resolve.out.toStdString() << resolve.err.toStdString());
  REQUIRE(resolve.code == 0);
  CHECK(resolve.out.contains(QStringLiteral("systemd reloaded its unit files\n")));
  CHECK(bus.counters().value(QStringLiteral("Reload")).toUInt() == 1);
  CHECK(bus.counters().value(QStringLiteral("RestartUnit")).toUInt() == 1);
  CHECK(vgpu::test::readFile(overridePath) == "[Service]\nEnvironment=\"OLLAMA_NUM_GPU=999\"\n");
  CHECK(vgpu::test::readFile(managedPath)
            .contains("Environment=\"LD_LIBRARY_PATH=" + shimDir.toUtf8() + ":/opt/cuda/lib64\""));
  CHECK(overridesCheck()[QStringLiteral("status")].toString() == QStringLiteral("pass"));
  CHECK(flow.vgpuctl({QStringLiteral("env"), QStringLiteral("resolve"), QStringLiteral("LD_LIBRARY_PATH")})
            .out.contains(QStringLiteral("no change")));

  const Run undo = flow.vgpuctl({QStringLiteral("rollback")});
  CHECK(undo.code == 0);
  CHECK(vgpu::test::readFile(overridePath) == overrideText);
  CHECK(vgpu::test::readFile(managedPath) == managedBefore);
  CHECK(overridesCheck()[QStringLiteral("status")].toString() == QStringLiteral("fail"));
}

// `vgpuctl status` on test machines — the fake Ollama tree with the doctor's proc
// fixtures and a shim.conf, an empty control-socket directory: its lines, its JSON fields
// (docs/vgpuctl-json.md) and its exit codes for no Ollama (4), the simulated device (3), degraded
// states (1: a runner on the CPU, vgpud unreachable) and a usage error (2).
#include <catch2/catch.hpp>

#include "machine_status_fixture.h"
#include "vgpuctl_run.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

using vgpu::test::vgpuctl;

QStringList statusArguments(const vgpu::test::StatusMachine& machine, bool json) {
  QStringList arguments{QStringLiteral("status"),        QStringLiteral("--root"),    machine.root,
                        QStringLiteral("--runtime-dir"), machine.runtimeDir,          QStringLiteral("--shim-dir"),
                        QStringLiteral("/usr/lib/vgpu"), QStringLiteral("--timeout"), QStringLiteral("1000")};
  if (json) {
    arguments.append(QStringLiteral("--json"));
  }
  return arguments;
}

QJsonObject statusJson(const vgpu::test::StatusMachine& machine, int expectedCode) {
  const auto run = vgpuctl(statusArguments(machine, true));
  INFO(run.out.toStdString() << run.err.toStdString());
  REQUIRE(run.code == expectedCode);
  QJsonParseError error;
  const QJsonDocument document = QJsonDocument::fromJson(run.out.toUtf8(), &error);
  REQUIRE(error.error == QJsonParseError::NoError);
  const QJsonObject object = document.object();
  CHECK(object.value(QStringLiteral("exit_code")).toInt() == expectedCode);
  return object;
}

QStringList alertKinds(const QJsonObject& status) {
  QStringList kinds;
  for (const QJsonValue& alert : status.value(QStringLiteral("alerts")).toArray()) {
    kinds.append(alert.toObject().value(QStringLiteral("kind")).toString());
    CHECK_FALSE(alert.toObject().value(QStringLiteral("page")).toString().isEmpty());
    CHECK_FALSE(alert.toObject().value(QStringLiteral("detail")).toString().isEmpty());
  }
  return kinds;
}

} // namespace

TEST_CASE("vgpuctl status: no Ollama installed exits 4") {
  const auto machine = vgpu::test::statusMachine("cli-no-ollama", "no-ollama", QByteArray(), false);
  const auto human = vgpuctl(statusArguments(machine, false));
  INFO(human.out.toStdString() << human.err.toStdString());
  CHECK(human.code == 4);
  CHECK(human.out.contains(QStringLiteral("Ollama    not installed\n")));
  CHECK(human.out.contains(QStringLiteral("Runs on   nothing: no Ollama process runs\n")));
  CHECK(human.out.contains(QStringLiteral("VRAM      unknown: no shim process to ask\n")));
  CHECK(human.out.contains(QStringLiteral("Alert     no-ollama: ")));
  CHECK(human.out.endsWith(QStringLiteral("Verdict   no-ollama (exit 4)\n")));

  const QJsonObject status = statusJson(machine, 4);
  CHECK(status.value(QStringLiteral("verdict")).toString() == QStringLiteral("no-ollama"));
  const QJsonObject ollama = status.value(QStringLiteral("ollama")).toObject();
  CHECK(ollama.value(QStringLiteral("state")).toString() == QStringLiteral("not-installed"));
  CHECK(ollama.value(QStringLiteral("page")).toString() == QStringLiteral("service"));
  CHECK(status.value(QStringLiteral("placement")).toObject().value(QStringLiteral("runs_on")).toString() ==
        QStringLiteral("none"));
  CHECK(status.value(QStringLiteral("vram")).toObject().value(QStringLiteral("used_bytes")).isNull());
  CHECK(status.value(QStringLiteral("gpus")).toArray().isEmpty());
  CHECK(alertKinds(status).contains(QStringLiteral("no-ollama")));
}

TEST_CASE("vgpuctl status: the simulated backend exits 3 and says so") {
  const auto machine = vgpu::test::statusMachine("cli-simulated", "healthy-era-a", "backend = sim\n");
  const auto human = vgpuctl(statusArguments(machine, false));
  INFO(human.out.toStdString() << human.err.toStdString());
  CHECK(human.code == 3);
  CHECK(human.out.contains(QStringLiteral("Ollama    running, version ")));
  CHECK(human.out.contains(
      QStringLiteral("GPU       none presented now; configured: SIMULATED device, in the process (kernels are not "
                     "run)\n")));
  CHECK_FALSE(human.out.contains(QStringLiteral("vgpud     "))); // nothing to reach with backend = sim
  CHECK(human.out.contains(QStringLiteral("Alert     simulated-device: ")));
  CHECK(human.out.endsWith(QStringLiteral("Verdict   simulated (exit 3)\n")));

  const QJsonObject status = statusJson(machine, 3);
  CHECK(status.value(QStringLiteral("verdict")).toString() == QStringLiteral("simulated"));
  CHECK(status.value(QStringLiteral("ollama")).toObject().value(QStringLiteral("state")).toString() ==
        QStringLiteral("active"));
  const QJsonObject backend = status.value(QStringLiteral("backend")).toObject();
  CHECK(backend.value(QStringLiteral("simulated")).toBool());
  CHECK(backend.value(QStringLiteral("in_process")).toBool());
  CHECK(backend.value(QStringLiteral("endpoint")).isNull());
  CHECK(backend.value(QStringLiteral("vgpud_reachable")).isNull());
  CHECK(backend.value(QStringLiteral("page")).toString() == QStringLiteral("processes"));
  const QJsonObject placement = status.value(QStringLiteral("placement")).toObject();
  CHECK(placement.value(QStringLiteral("runners")).toInt() == 1);
  CHECK(placement.value(QStringLiteral("runners_on_cpu")).toInt() == 0);
  CHECK(alertKinds(status) == QStringList{QStringLiteral("simulated-device")});
}

TEST_CASE("vgpuctl status: a runner on the CPU with vgpud unreachable exits 1") {
  const auto machine = vgpu::test::statusMachine(
      "cli-degraded", "cpu-llama-server-era-b", QByteArray("endpoint = ") + vgpu::test::deadEndpoint().toUtf8() + '\n');
  const auto human = vgpuctl(statusArguments(machine, false));
  INFO(human.out.toStdString() << human.err.toStdString());
  CHECK(human.code == 1);
  CHECK(human.out.contains(QStringLiteral("Runs on   CPU: 1 of 1 runner(s) without the CUDA backend\n")));
  CHECK(human.out.contains(QStringLiteral("vgpud     UNREACHABLE at %1\n").arg(vgpu::test::deadEndpoint())));
  CHECK(human.out.contains(
      QStringLiteral("Alert     cpu-fallback: llama-server pid 930 has no libggml-cuda.so loaded\n")));
  CHECK(human.out.contains(QStringLiteral("Alert     vgpud-unreachable: vgpud unreachable at ")));
  CHECK(human.out.endsWith(QStringLiteral("Verdict   degraded (exit 1)\n")));

  const QJsonObject status = statusJson(machine, 1);
  CHECK(status.value(QStringLiteral("verdict")).toString() == QStringLiteral("degraded"));
  const QJsonObject placement = status.value(QStringLiteral("placement")).toObject();
  CHECK(placement.value(QStringLiteral("runs_on")).toString() == QStringLiteral("cpu"));
  CHECK(placement.value(QStringLiteral("page")).toString() == QStringLiteral("diagnostics"));
  const QJsonObject backend = status.value(QStringLiteral("backend")).toObject();
  CHECK(backend.value(QStringLiteral("endpoint")).toString() == vgpu::test::deadEndpoint());
  CHECK(backend.value(QStringLiteral("vgpud_reachable")) == QJsonValue(false));
  CHECK(backend.value(QStringLiteral("page")).toString() == QStringLiteral("hosts"));
  CHECK(alertKinds(status) == QStringList{QStringLiteral("cpu-fallback"), QStringLiteral("vgpud-unreachable")});
}

TEST_CASE("vgpuctl status: a bad option is a usage error (2)") {
  const auto run = vgpuctl({QStringLiteral("status"), QStringLiteral("--no-such-option")});
  CHECK(run.code == 2);
  CHECK(run.err.contains(QStringLiteral("vgpuctl status: ")));
  CHECK(vgpuctl({QStringLiteral("status"), QStringLiteral("--timeout"), QStringLiteral("0")}).code == 2);
}

TEST_CASE("vgpuctl status: systemd not answering is said, and the state follows from the processes") {
  const auto machine = vgpu::test::statusMachine("cli-no-bus", "serve-only", "backend = sim\n");
  const QString noBus =
      QStringLiteral("unix:path=") + QString::fromStdString((vgpu::test::scratchDir("status-no-bus") / "bus").string());
  const auto human = vgpuctl(statusArguments(machine, false) + QStringList{QStringLiteral("--bus"), noBus});
  INFO(human.out.toStdString() << human.err.toStdString());
  CHECK(human.code == 3); // ollama serve runs (on the configured simulated device)
  CHECK(human.out.contains(QStringLiteral("systemd   not answering (")));
  CHECK(human.out.contains(QStringLiteral("Runs on   idle: no model loaded\n")));
  const auto json = vgpuctl(statusArguments(machine, true) + QStringList{QStringLiteral("--bus"), noBus});
  const QJsonObject ollama =
      QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("ollama")).toObject();
  CHECK(ollama.value(QStringLiteral("state")).toString() == QStringLiteral("active"));
  CHECK(ollama.value(QStringLiteral("unit_state")).isNull());
  CHECK_FALSE(ollama.value(QStringLiteral("unit_error")).toString().isEmpty());
}

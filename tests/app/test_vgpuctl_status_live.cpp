// `vgpuctl status` with a real CUDA process under the shim (telemetry_probe, backend sim, 64 MiB
// allocated) standing in for the runner of the healthy-era-a proc fixture (its proc folder renamed
// to the probe's pid): the GPU line and JSON name the device the shim presents, marked simulated,
// with the VRAM its control socket reports; the runner is judged simulated from its own hello.
// Also ollama.service's state from systemd (fake-systemd1 on a private bus, --bus).
#include <catch2/catch.hpp>

#include "machine_status_fixture.h"
#include "private_systemd_bus.h"
#include "telemetry_test_support.h"
#include "vgpuctl_run.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace std::chrono_literals;
namespace fs = std::filesystem;

TEST_CASE("vgpuctl status names the live simulated GPU, its VRAM, and exits 3") {
  const auto machine = vgpu::test::statusMachine("cli-live", "healthy-era-a", "backend = sim\n");
  vgpu::test::ProbeProcess probe(vgpu::test::probeEnvironment(machine.runtimeDir.toStdString()));
  REQUIRE(probe.readLine(30s).rfind("ready ", 0) == 0);
  REQUIRE(probe.command("alloc") == "ok");
  const fs::path proc = fs::path(machine.root.toStdString()) / "proc";
  fs::rename(proc / "907", proc / std::to_string(probe.pid()));

  const QStringList arguments{QStringLiteral("status"), QStringLiteral("--root"), machine.root,
                              QStringLiteral("--runtime-dir"), machine.runtimeDir};
  const auto human = vgpu::test::vgpuctl(arguments);
  INFO(human.out.toStdString() << human.err.toStdString());
  CHECK(human.code == 3);
  CHECK(human.out.contains(QStringLiteral("Runs on   SIMULATED device (1 runner(s))\n")));
  CHECK(human.out.contains(QStringLiteral("GPU       NVIDIA H100 PCIe (GPU-")));
  CHECK(human.out.contains(QStringLiteral("), SIMULATED device, in the process (kernels are not run)\n")));
  CHECK(human.out.contains(QStringLiteral("VRAM      64.0 MiB of ")));

  const auto json = vgpu::test::vgpuctl(arguments + QStringList{QStringLiteral("--json")});
  REQUIRE(json.code == 3);
  const QJsonObject status = QJsonDocument::fromJson(json.out.toUtf8()).object();
  const QJsonArray gpus = status.value(QStringLiteral("gpus")).toArray();
  REQUIRE(gpus.size() == 1);
  const QJsonObject gpu = gpus.at(0).toObject();
  CHECK(gpu.value(QStringLiteral("name")).toString() == QStringLiteral("NVIDIA H100 PCIe"));
  CHECK(gpu.value(QStringLiteral("uuid")).toString().startsWith(QStringLiteral("GPU-")));
  CHECK(gpu.value(QStringLiteral("where")).toObject().value(QStringLiteral("simulated")).toBool());
  CHECK(gpu.value(QStringLiteral("where")).toObject().value(QStringLiteral("in_process")).toBool());
  CHECK(gpu.value(QStringLiteral("vram_used_bytes")).toInteger() == 64 * 1024 * 1024);
  CHECK(gpu.value(QStringLiteral("vram_total_bytes")).toInteger() > 64 * 1024 * 1024);
  CHECK(status.value(QStringLiteral("placement")).toObject().value(QStringLiteral("runs_on")).toString() ==
        QStringLiteral("simulated"));
  const QString simulatedDetail =
      status.value(QStringLiteral("alerts")).toArray().at(0).toObject().value(QStringLiteral("detail")).toString();
  CHECK(simulatedDetail == QStringLiteral("ollama runner pid %1 runs on it").arg(probe.pid())); // from its hello
  CHECK(probe.exit() == 0);
}

TEST_CASE("vgpuctl status --bus reads ollama.service's state from systemd; stopped is exit 4") {
  vgpu::test::PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  const auto machine = vgpu::test::statusMachine("cli-bus", "healthy-era-a", "backend = sim\n");
  const QStringList arguments{
      QStringLiteral("status"), QStringLiteral("--root"), machine.root,  QStringLiteral("--runtime-dir"),
      machine.runtimeDir,       QStringLiteral("--bus"),  bus.address(), QStringLiteral("--json")};
  const auto running = vgpu::test::vgpuctl(arguments);
  INFO(running.out.toStdString() << running.err.toStdString());
  CHECK(running.code == 3); // running, on the configured simulated device
  const QJsonObject ollama =
      QJsonDocument::fromJson(running.out.toUtf8()).object().value(QStringLiteral("ollama")).toObject();
  CHECK(ollama.value(QStringLiteral("state")).toString() == QStringLiteral("active"));
  CHECK(ollama.value(QStringLiteral("unit_state")).toString() == QStringLiteral("active (running)"));

  // systemd's word wins over the processes the tree still shows.
  REQUIRE(
      bus.setUnitProperty(QStringLiteral("ollama.service"), QStringLiteral("ActiveState"), QStringLiteral("inactive")));
  REQUIRE(bus.setUnitProperty(QStringLiteral("ollama.service"), QStringLiteral("SubState"), QStringLiteral("dead")));
  const auto stopped = vgpu::test::vgpuctl(arguments.mid(0, arguments.size() - 1));
  INFO(stopped.out.toStdString() << stopped.err.toStdString());
  CHECK(stopped.code == 4);
  CHECK(stopped.out.contains(QStringLiteral("Ollama    not running (ollama.service inactive (dead)), version ")));
  CHECK(stopped.out.contains(QStringLiteral("Alert     ollama-inactive: ollama.service is inactive (dead)\n")));
}

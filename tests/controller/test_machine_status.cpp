// MachineStatus's assembly without a window or a command: which verdict wins
// when several states meet, VRAM of one device shared by processes, a runner no socket answered
// for under backend = sim, unknown figures as JSON null, and the doctor's runner judgement
// (OllamaProcess::runnerOnCpu) that the status and runtime.ollama-processes share.
#include <catch2/catch.hpp>

#include "machine_status_fixture.h"
#include "status/machine_status.h"

#include <QJsonObject>

using namespace vgpu::controller::status;
namespace doctor = vgpu::controller::doctor;

namespace {

constexpr qint64 kMiB = 1024 * 1024;
constexpr qint64 kH100Bytes = 85520809984;

QList<doctor::OllamaProcess> procFixture(const char* name) {
  return doctor::findOllamaProcesses(
      QString::fromStdString((vgpu::test::dataDir() / "doctor-proc" / name / "proc").string()));
}

doctor::UnitStatusInput unit(const char* active, const char* sub) {
  vgpu::controller::UnitStatus status;
  status.name = QStringLiteral("ollama.service");
  status.loadState = QStringLiteral("loaded");
  status.activeState = QString::fromLatin1(active);
  status.subState = QString::fromLatin1(sub);
  return doctor::UnitStatusInput{status, QString()};
}

QStringList kinds(const MachineStatus& status) {
  QStringList names;
  for (const StatusAlert& alert : status.alerts) {
    names.append(alertKindName(alert.kind));
  }
  return names;
}

} // namespace

TEST_CASE("the doctor's runner judgement: a runner without libggml-cuda.so runs on the CPU") {
  const QList<doctor::OllamaProcess> cpu = procFixture("cpu-llama-server-era-b");
  const QList<doctor::OllamaProcess> healthy = procFixture("healthy-era-a");
  int cpuRunners = 0;
  for (const doctor::OllamaProcess& process : cpu) {
    cpuRunners += process.runnerOnCpu() ? 1 : 0;
    if (process.role == doctor::OllamaProcessRole::Serve) {
      CHECK_FALSE(process.runnerOnCpu()); // the server never loads a backend itself
    }
  }
  CHECK(cpuRunners == 1);
  for (const doctor::OllamaProcess& process : healthy) {
    CHECK_FALSE(process.runnerOnCpu());
  }
  doctor::OllamaProcess unreadable = healthy.back();
  unreadable.mappedFiles.clear();
  unreadable.mapsError = QStringLiteral("Permission denied");
  CHECK_FALSE(unreadable.runnerOnCpu()); // unread maps are no evidence of a CPU fallback
}

TEST_CASE("the worst state decides the verdict") {
  MachineStatusInputs inputs;
  inputs.ollamaProcesses = procFixture("cpu-llama-server-era-b");
  inputs.unit = unit("active", "running");
  inputs.configured = WorkPlace{true, true, QString()};
  MachineStatus status = assembleMachineStatus(inputs);
  CHECK(kinds(status) == QStringList{QStringLiteral("cpu-fallback"), QStringLiteral("simulated-device")});
  CHECK(status.verdict() == Verdict::Degraded); // the CPU fallback needs fixing before the backend
  CHECK(status.exitCode() == 1);

  inputs.unit = unit("failed", "failed");
  status = assembleMachineStatus(inputs);
  CHECK(status.ollama == OllamaState::Inactive);
  CHECK(status.unitState == QStringLiteral("failed (failed)"));
  CHECK(status.verdict() == Verdict::NoOllama);
  CHECK(status.exitCode() == 4);
  CHECK(kinds(status).front() == QStringLiteral("ollama-inactive"));
  CHECK(status.alerts.front().page == StatusPage::Service);
}

TEST_CASE("a control socket that cannot be read degrades the answer") {
  MachineStatusInputs inputs;
  inputs.ollamaProcesses = procFixture("serve-only");
  inputs.unit = unit("active", "running");
  inputs.configured = WorkPlace{false, false, QStringLiteral("unix:/run/vgpud.sock")};
  inputs.vgpudEndpoint = doctor::CheckResult::pass(QStringLiteral("vgpud answers"));
  CHECK(assembleMachineStatus(inputs).verdict() == Verdict::Gpu); // idle and ready
  inputs.telemetryErrors = {QStringLiteral("/run/vgpu/907.sock: refused by the access rule")};
  const MachineStatus status = assembleMachineStatus(inputs);
  CHECK(status.verdict() == Verdict::Degraded);
  REQUIRE(kinds(status) == QStringList{QStringLiteral("telemetry-unreadable")});
  CHECK(status.alerts.front().detail.contains(QStringLiteral("907.sock")));
}

TEST_CASE("one device used by two processes: used memory summed, the device's total once") {
  MachineStatusInputs inputs;
  inputs.ollamaProcesses = procFixture("healthy-era-a");
  inputs.unit = unit("active", "running");
  inputs.configured = WorkPlace{false, false, QStringLiteral("unix:/run/vgpud.sock")};
  inputs.shimProcesses = {
      vgpu::test::shimProcess(907, false, QStringLiteral("unix:/run/vgpud.sock"), 1024 * kMiB, kH100Bytes),
      vgpu::test::shimProcess(4242, false, QStringLiteral("unix:/run/vgpud.sock"), 512 * kMiB, kH100Bytes)};
  const MachineStatus status = assembleMachineStatus(inputs);
  REQUIRE(status.gpus.size() == 1);
  CHECK(status.gpus.front().vramUsedBytes == static_cast<std::uint64_t>(1536 * kMiB));
  CHECK(status.vramUsedBytes == static_cast<std::uint64_t>(1536 * kMiB));
  CHECK(status.vramTotalBytes == static_cast<std::uint64_t>(kH100Bytes));
  CHECK(status.placement == Placement::Gpu);
  CHECK(status.placementPage() == StatusPage::Processes);
  CHECK(status.workPlacePage() == StatusPage::Hosts);
  CHECK_FALSE(status.vgpudReachable.has_value()); // not asked: JSON null, never a guessed true
  const QJsonObject json = status.toJson();
  CHECK(json.value(QStringLiteral("backend")).toObject().value(QStringLiteral("vgpud_reachable")).isNull());
  CHECK(json.value(QStringLiteral("vram")).toObject().value(QStringLiteral("used_bytes")).toInteger() == 1536 * kMiB);
  CHECK(json.value(QStringLiteral("verdict")).toString() == QStringLiteral("gpu"));
}

TEST_CASE("with backend = sim a runner no socket answered for is on the simulated device, not the GPU") {
  MachineStatusInputs inputs;
  inputs.ollamaProcesses = procFixture("healthy-era-a");
  inputs.unit = unit("active", "running");
  inputs.configured = WorkPlace{true, true, QString()};
  const MachineStatus status = assembleMachineStatus(inputs);
  CHECK(status.placement == Placement::Simulated);
  CHECK(status.verdict() == Verdict::Simulated);
  CHECK(status.exitCode() == 3);
  CHECK_FALSE(status.vramUsedBytes.has_value());
  CHECK(status.toJson().value(QStringLiteral("vram")).toObject().value(QStringLiteral("used_bytes")).isNull());
}

TEST_CASE("a simulated device in vgpud is simulated too") {
  MachineStatusInputs inputs;
  inputs.ollamaProcesses = procFixture("healthy-era-a");
  inputs.unit = unit("active", "running");
  inputs.configured = WorkPlace{false, false, QStringLiteral("unix:/run/vgpud.sock")};
  inputs.vgpudEndpoint = doctor::CheckResult::pass(QStringLiteral("vgpud answers"));
  inputs.shimProcesses = {
      vgpu::test::shimProcess(907, true, QStringLiteral("unix:/run/vgpud.sock"), 64 * kMiB, kH100Bytes)};
  const MachineStatus status = assembleMachineStatus(inputs);
  REQUIRE(status.gpus.size() == 1);
  CHECK(status.gpus.front().where.simulated);
  CHECK_FALSE(status.gpus.front().where.inProcess);
  CHECK(status.gpus.front().where.endpoint == QStringLiteral("unix:/run/vgpud.sock"));
  CHECK(status.placement == Placement::Simulated);
  CHECK(status.verdict() == Verdict::Simulated);
  CHECK(status.workPlacePage() == StatusPage::Processes);
}

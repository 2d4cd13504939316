// The console's status header in the real main window: each state assembled
// from the fake Ollama tree, the doctor's proc fixtures, a shim.conf, the doctor's real
// shim.vgpud-endpoint check (against a real vgpud, or nobody) and shim processes decoded from
// protocol lines — GPU, CPU fallback,
// simulated device, vgpud unreachable, no Ollama — rendered, asserted on its shown text and
// grabbed to PNG; clicking an item switches to the page that explains it.
#include <catch2/catch.hpp>

#include "configuration_page.h"
#include "dashboard_page.h"
#include "diagnostics_page.h"
#include "gui_test_support.h"
#include "hosts_page.h"
#include "machine_status_fixture.h"
#include "main_window.h"
#include "processes_page.h"
#include "status/machine_status.h"
#include "status_header.h"
#include "telemetry/process_summary.h"
#include "telemetry_model.h"
#include "vgpud_fixture.h"

#include <QProgressBar>
#include <QTabWidget>
#include <QTest>
#include <QToolButton>

using vgpu::console::ConsoleOptions;
using vgpu::console::MainWindow;
using vgpu::console::StatusHeader;
using namespace vgpu::controller::status;
namespace doctor = vgpu::controller::doctor;

namespace {

constexpr qint64 kMiB = 1024 * 1024;
constexpr qint64 kH100Bytes = 85520809984;
const QString kShimDir = QStringLiteral("/usr/lib/vgpu"); // where the proc fixtures' runners map the shim

ConsoleOptions offline() {
  ConsoleOptions options;
  options.watchProcesses = false;
  options.watchHosts = false;
  options.watchStatus = false; // the test gives the header its status
  return options;
}

MachineStatusInputs gather(const vgpu::test::StatusMachine& machine) {
  MachineStatusSources sources;
  sources.root = machine.root;
  sources.shimDir = kShimDir;
  sources.runtimeDirectories = {machine.runtimeDir};
  sources.timeout = std::chrono::milliseconds(1000);
  return gatherMachineStatusInputs(sources);
}

doctor::UnitStatusInput activeUnit() {
  vgpu::controller::UnitStatus unit;
  unit.name = QStringLiteral("ollama.service");
  unit.loadState = QStringLiteral("loaded");
  unit.activeState = QStringLiteral("active");
  unit.subState = QStringLiteral("running");
  unit.mainPid = 812;
  return doctor::UnitStatusInput{unit, QString()};
}

QStringList alertTexts(const StatusHeader& header) {
  QStringList texts;
  for (const QToolButton* item : header.alertItems()) {
    texts.append(item->text());
  }
  return texts;
}

void show(MainWindow& window, const MachineStatus& status, const std::string& screenshot) {
  window.statusHeader()->setStatus(status);
  vgpu::test::grabToFile(window, screenshot, QSize(1200, 420));
}

} // namespace

TEST_CASE("header: Ollama's runners on the GPU through vgpud") {
  vgpu::test::VgpudProcess daemon; // answers the doctor's Version request at its endpoint
  const QString endpoint = QString::fromStdString(daemon.endpoint());
  const auto machine =
      vgpu::test::statusMachine("gpu", "healthy-era-a", QByteArray("endpoint = ") + endpoint.toUtf8() + '\n');
  MachineStatusInputs inputs = gather(machine);
  REQUIRE(inputs.vgpudEndpoint);
  CHECK(inputs.vgpudEndpoint->status == doctor::CheckStatus::Pass);
  inputs.unit = activeUnit();
  // The runner's own socket as a shim with a GPU behind vgpud answers (executor cuda).
  inputs.shimProcesses = {vgpu::test::shimProcess(907, false, endpoint, 6144 * kMiB, kH100Bytes)};
  const MachineStatus status = assembleMachineStatus(inputs);
  REQUIRE(status.vgpudReachable == true);
  REQUIRE(status.verdict() == Verdict::Gpu);

  MainWindow window(offline());
  show(window, status, "status-header-gpu.png");
  StatusHeader& header = *window.statusHeader();
  CHECK(header.ollamaItem()->text().startsWith(QStringLiteral("Ollama: running")));
  CHECK(header.placementItem()->text().startsWith(QStringLiteral("on the GPU (1 runner")));
  CHECK(header.gpuItem()->text() == QStringLiteral("NVIDIA H100 PCIe — vgpud at ") + endpoint);
  CHECK(header.vramItem()->text() == QStringLiteral("VRAM %1 of %2")
                                         .arg(vgpu::controller::telemetry::humanBytes(6144 * kMiB),
                                              vgpu::controller::telemetry::humanBytes(kH100Bytes)));
  CHECK(header.vramBar()->value() == static_cast<int>(6144.0 * kMiB / kH100Bytes * 1000.0));
  CHECK(alertTexts(header) == QStringList{QStringLiteral("No alerts")});
  CHECK_FALSE(header.gpuItem()->text().contains(QStringLiteral("SIMULATED")));

  SECTION("clicking an item shows the page that explains it") {
    QTabWidget* pages = window.pages();
    QTest::mouseClick(header.gpuItem(), Qt::LeftButton); // vgpud: the Hosts page
    CHECK(pages->currentWidget() == window.hostsPage());
    QTest::mouseClick(header.placementItem(), Qt::LeftButton); // runners on the GPU: the Processes page
    CHECK(pages->currentWidget() == window.processesPage());
    QTest::mouseClick(header.vramItem(), Qt::LeftButton);
    CHECK(pages->currentWidget() == window.dashboard());
  }
}

TEST_CASE("header: a runner fell back to the CPU") {
  vgpu::test::VgpudProcess daemon; // vgpud answers: the CPU fallback is the only thing wrong
  const auto machine = vgpu::test::statusMachine(
      "cpu", "cpu-llama-server-era-b", QByteArray("endpoint = ") + QByteArray::fromStdString(daemon.endpoint()) + '\n');
  MachineStatusInputs inputs = gather(machine);
  inputs.unit = activeUnit();
  const MachineStatus status = assembleMachineStatus(inputs);
  REQUIRE(status.vgpudReachable == true);
  REQUIRE(status.verdict() == Verdict::Degraded);

  MainWindow window(offline());
  show(window, status, "status-header-cpu-fallback.png");
  StatusHeader& header = *window.statusHeader();
  CHECK(header.placementItem()->text().startsWith(QStringLiteral("on the CPU: 1 of 1 runner")));
  CHECK(header.vramItem()->text() == QStringLiteral("VRAM unknown"));
  CHECK_FALSE(header.vramBar()->isEnabled());
  REQUIRE(alertTexts(header) == QStringList{QStringLiteral("⚠ CPU fallback: a runner has no CUDA backend")});
  CHECK(header.alertItems().front()->toolTip().contains(QStringLiteral("llama-server pid 930")));

  QTest::mouseClick(header.alertItems().front(), Qt::LeftButton);
  CHECK(window.pages()->currentWidget() == window.diagnosticsPage());
}

TEST_CASE("header: the simulated device is marked as simulated") {
  const auto machine = vgpu::test::statusMachine("simulated", "healthy-era-a", "backend = sim\n");
  MachineStatusInputs inputs = gather(machine);
  REQUIRE(inputs.vgpudEndpoint);
  CHECK(inputs.vgpudEndpoint->status == doctor::CheckStatus::Skip); // no vgpud to reach with backend = sim
  inputs.unit = activeUnit();
  inputs.shimProcesses = {vgpu::test::shimProcess(907, true, QStringLiteral("in-process"), 64 * kMiB, kH100Bytes)};
  const MachineStatus status = assembleMachineStatus(inputs);
  REQUIRE(status.verdict() == Verdict::Simulated);

  MainWindow window(offline());
  show(window, status, "status-header-simulated.png");
  StatusHeader& header = *window.statusHeader();
  CHECK(header.placementItem()->text().startsWith(QStringLiteral("on a SIMULATED device")));
  CHECK(header.gpuItem()->text() == QStringLiteral("NVIDIA H100 PCIe — SIMULATED in the process, kernels are not run"));
  CHECK(alertTexts(header) == QStringList{QStringLiteral("⚠ Simulated device: no GPU runs the kernels")});
  CHECK(header.palette().color(QPalette::Window) == QColor(0xff, 0xe7, 0xb3)); // amber, never the healthy green

  QTest::mouseClick(header.gpuItem(), Qt::LeftButton);
  CHECK(window.pages()->currentWidget() == window.processesPage());
}

TEST_CASE("header: vgpud cannot be reached") {
  const auto machine = vgpu::test::statusMachine(
      "unreachable", "serve-only", QByteArray("endpoint = ") + vgpu::test::deadEndpoint().toUtf8() + '\n');
  MachineStatusInputs inputs = gather(machine); // the doctor's check really connects, and fails
  inputs.unit = activeUnit();
  const MachineStatus status = assembleMachineStatus(inputs);
  REQUIRE(status.vgpudReachable == false);
  REQUIRE(status.verdict() == Verdict::Degraded);

  MainWindow window(offline());
  show(window, status, "status-header-vgpud-unreachable.png");
  StatusHeader& header = *window.statusHeader();
  CHECK(header.placementItem()->text() == QStringLiteral("idle: no model loaded"));
  CHECK(header.gpuItem()->text() ==
        QStringLiteral("No GPU presented now (configured: vgpud at %1)").arg(vgpu::test::deadEndpoint()));
  REQUIRE(alertTexts(header) == QStringList{QStringLiteral("⚠ vgpud unreachable")});
  CHECK(header.alertItems().front()->toolTip().contains(
      QStringLiteral("vgpud unreachable at %1").arg(vgpu::test::deadEndpoint())));
}

TEST_CASE("header: no Ollama on the machine") {
  const auto machine = vgpu::test::statusMachine("no-ollama", "no-ollama", QByteArray(), false);
  const MachineStatus status = assembleMachineStatus(gather(machine));
  REQUIRE(status.verdict() == Verdict::NoOllama);

  MainWindow window(offline());
  show(window, status, "status-header-no-ollama.png");
  StatusHeader& header = *window.statusHeader();
  CHECK(header.ollamaItem()->text() == QStringLiteral("Ollama: not installed"));
  CHECK(header.placementItem()->text() == QStringLiteral("no Ollama process runs"));
  const QStringList alerts = alertTexts(header);
  REQUIRE_FALSE(alerts.isEmpty());
  CHECK(alerts.front() == QStringLiteral("⚠ Ollama is not installed"));

  QTest::mouseClick(header.alertItems().front(), Qt::LeftButton);
  CHECK(window.pages()->currentWidget() == window.configurationPage());
}

TEST_CASE("the main window gathers the header itself, with the telemetry model's processes") {
  // The real path: MainWindow reads the tree on its worker thread (installation, proc, shim.conf,
  // the doctor's vgpud check) and adds the processes the Dashboard's model holds.
  const auto machine = vgpu::test::statusMachine("window", "healthy-era-a", "backend = sim\n");
  ConsoleOptions options = offline();
  options.watchStatus = true;
  options.machine.root = machine.root;
  options.statusIntervalMs = 200;
  MainWindow window(options);
  const auto process = vgpu::test::shimProcess(907, true, QStringLiteral("in-process"), 64 * kMiB, kH100Bytes);
  window.telemetryModel()->addProcess(907, process.hello);
  window.telemetryModel()->addSample(907, process.sample);
  StatusHeader& header = *window.statusHeader();
  QTRY_VERIFY_WITH_TIMEOUT(header.status().vramUsedBytes.has_value(), 10000);
  CHECK(header.status().ollama == OllamaState::Active); // ollama serve 812 runs in the tree's proc
  CHECK(header.status().verdict() == Verdict::Simulated);
  CHECK(header.vramItem()->text() == QStringLiteral("VRAM %1 of %2")
                                         .arg(vgpu::controller::telemetry::humanBytes(64 * kMiB),
                                              vgpu::controller::telemetry::humanBytes(kH100Bytes)));
  CHECK(header.gpuItem()->text().contains(QStringLiteral("SIMULATED")));
  vgpu::test::grabToFile(window, "status-header-window-live.png", QSize(1200, 420));
}

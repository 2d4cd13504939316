// The embedded default: the README's run command under Xvfb shows live data
// within 10 seconds and stops its demo workload on exit; in-process, the demo workload's samples
// reach the dashboard through the real TelemetryClient, and the live dashboard is grabbed.
#include <catch2/catch.hpp>

#include "dashboard_page.h"
#include "demo_session.h"
#include "hosts_page.h"
#include "main_window.h"
#include "run_program.h"
#include "telemetry_model.h"
#include "telemetry_plot.h"
#include "test_paths.h"

#include <QApplication>
#include <QFileInfo>
#include <QTest>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

using vgpu::console::DemoSession;
using vgpu::console::MainWindow;

namespace {

bool processExists(long pid) {
  return std::filesystem::exists("/proc/" + std::to_string(pid));
}

} // namespace

TEST_CASE("the README run command shows a live dashboard within 10 seconds under Xvfb") {
  const auto home = vgpu::test::scratchDir("new-user-home");
  const auto started = std::chrono::steady_clock::now();
  const vgpu::test::ProgramResult result = vgpu::test::runProgram(
      "/usr/bin/xvfb-run",
      {"-a", (vgpu::test::sourceDir() / "scripts" / "dev").string(), "console", "--exit-when-live", "10"},
      {{"HOME", home.string()},
       {"VGPU_RUNTIME_DIR", ""},
       {"XDG_RUNTIME_DIR", ""},
       {"QT_QPA_PLATFORM", ""},
       {"VGPU_LOG", ""}},
      90);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  std::smatch live;
  REQUIRE(
      std::regex_search(result.output, live, std::regex("live: samples of pid ([0-9]+) plotted after ([0-9]+) ms")));
  CHECK(std::stol(live[2].str()) < 10'000);
  CHECK(seconds < 20.0); // scripts/dev's package and build checks included
  std::smatch demo;
  REQUIRE(std::regex_search(result.output, demo, std::regex("demo workload \\(pid ([0-9]+)\\)")));
  CHECK(demo[1].str() == live[1].str()); // the live data is the demo's
  CHECK(result.output.find("runs on a simulated H100 in a local vgpud at unix:") != std::string::npos);
  const long pid = std::stol(demo[1].str());
  for (int i = 0; i < 60 && processExists(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_FALSE(processExists(pid)); // the console stopped its workload
}

TEST_CASE("the demo workload's samples reach the dashboard through the telemetry client") {
  const auto runtime = vgpu::test::scratchDir("demo-runtime");
  DemoSession demo(vgpu::console::locateDemoPrograms());
  QString error;
  REQUIRE(demo.start(QString::fromStdString(runtime.string()), &error));
  INFO(error.toStdString());
  vgpu::console::ConsoleOptions options;
  options.runtimeDirectory = demo.runtimeDirectory();
  options.sampleIntervalMs = 50;
  MainWindow window(options);
  window.resize(1200, 760);
  window.show();
  auto* model = window.telemetryModel();
  QTRY_VERIFY_WITH_TIMEOUT(model->processes().contains(demo.workloadPid()), 10000);
  const auto* hello = model->hello(demo.workloadPid());
  REQUIRE(hello != nullptr);
  // The work runs in the demo's own vgpud, on its simulated device.
  REQUIRE_FALSE(demo.vgpudEndpoint().isEmpty());
  CHECK(hello->backend == QStringLiteral("remote"));
  CHECK(hello->endpoint == demo.vgpudEndpoint());
  CHECK(hello->executor == QStringLiteral("simulated"));
  CHECK(hello->devices.size() == 1);
  CHECK(hello->devices.first().name == QStringLiteral("NVIDIA H100 PCIe"));
  // A few seconds of the sawtooth and the launch wave.
  auto* launches = window.dashboard()->launchesPlot();
  QTRY_VERIFY_WITH_TIMEOUT(launches->seriesCount() > 0 && launches->seriesData(0).size() > 40, 15000);
  QTest::qWait(2500);
  window.dashboard()->refreshNow();
  CHECK(launches->seriesData(0).last().second > 100.0); // ≥ 20 launches per 50 ms tick
  const auto vram = window.dashboard()->vramPlot()->seriesData(0);
  REQUIRE(vram.size() > 10);
  CHECK(vram.last().second > vram.first().second); // the sawtooth rises in its first minute
  QApplication::processEvents();
  const auto path = vgpu::test::outputDir() / "screenshots" / "dashboard-live-demo-en.png";
  std::filesystem::create_directories(path.parent_path());
  REQUIRE(window.grab().save(QString::fromStdString(path.string()), "PNG"));

  // The Hosts page watches the demo vgpud's management socket: the workload is its one session.
  REQUIRE(demo.adminEndpoint() == QStringLiteral("unix:") + demo.folder() + QStringLiteral("/admin.sock"));
  vgpu::console::ConsoleOptions hostsOptions = options;
  hostsOptions.watchProcesses = false;
  hostsOptions.hostEndpoints = {demo.adminEndpoint()};
  MainWindow hostsWindow(hostsOptions);
  auto* hosts = hostsWindow.hostsPage();
  CHECK(hosts->endpoints() == QStringList{demo.adminEndpoint()});
  QTRY_VERIFY_WITH_TIMEOUT(hosts->sessionsModel()->rowCount() == 1, 10000);
  CHECK(hosts->sessionsModel()->row(0)->session.clientPid == demo.workloadPid());
  QTRY_VERIFY_WITH_TIMEOUT(hosts->vramPlot(demo.adminEndpoint(), 0) != nullptr, 5000);

  const qint64 pid = demo.workloadPid();
  demo.stop();
  QTRY_VERIFY_WITH_TIMEOUT(!model->processes().contains(pid), 5000);
}

TEST_CASE("the demo does not start where the shim is already in use") {
  const auto runtime = vgpu::test::scratchDir("demo-busy");
  DemoSession first(vgpu::console::locateDemoPrograms());
  QString error;
  REQUIRE(first.start(QString::fromStdString(runtime.string()), &error));
  const QString socket = QString::fromStdString(runtime.string()) + QStringLiteral("/%1.sock").arg(first.workloadPid());
  QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(socket), 10000);
  QString reason;
  CHECK_FALSE(vgpu::console::demoWanted(QStringList{QString::fromStdString(runtime.string())}, {}, &reason));
  CHECK(reason.contains(QStringLiteral("1 process")));
  first.stop();
  CHECK(vgpu::console::demoWanted(QStringList{QString::fromStdString(runtime.string())}, {}, &reason));
  const auto fakeVgpud = vgpu::test::scratchDir("demo-vgpud") / "vgpud.sock";
  std::ofstream(fakeVgpud) << "";
  CHECK_FALSE(vgpu::console::demoWanted({}, QString::fromStdString(fakeVgpud.string()), &reason));
  CHECK(reason.contains(QStringLiteral("vgpud is running")));
}

TEST_CASE("a missing demo workload is reported with what to do") {
  DemoSession demo({});
  QString error;
  CHECK_FALSE(demo.start({}, &error));
  CHECK(error.contains(QStringLiteral("scripts/dev build")));
}

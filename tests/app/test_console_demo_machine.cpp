// The embedded default's Ollama machine (DemoSession with vgpu-demo-machine): the console's pages
// manage a stand-in Ollama installation in the demo's folder, with ollama.service played by
// fake-systemd1 on a private bus and vgpu-helper in its test mode. A newcomer's path, driven with
// QTest: the demo banner; the Service page's unit and log; the Configuration page sets
// OLLAMA_LLM_LIBRARY=cuda_v12, applies and restarts (a new MainPID); the Diagnostics page verifies
// the requested folder; and nothing of this machine's configuration changes. Stopping the demo
// ends the machine's processes and removes the folder.
#include <catch2/catch.hpp>

#include "configuration_page.h"
#include "demo_session.h"
#include "diagnostics_page.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "service_page.h"
#include "systemd/systemd_manager.h"
#include "test_paths.h"

#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QMap>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <csignal>

using vgpu::console::ConfigurationPage;
using vgpu::console::DemoSession;
using vgpu::console::MainWindow;
using vgpu::test::child;

namespace {

// This machine's files a demo must never touch: path → contents ("<missing>" when absent).
QMap<QString, QByteArray> machineFiles() {
  QMap<QString, QByteArray> files;
  for (const QString& top : {QStringLiteral("/etc/systemd/system/ollama.service.d"), QStringLiteral("/etc/vgpu"),
                             QStringLiteral("/var/lib/vgpu"), vgpu::controller::installedShimDir()}) {
    if (!QFileInfo::exists(top)) {
      files.insert(top, QByteArrayLiteral("<missing>"));
      continue;
    }
    QDirIterator walk(top, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (walk.hasNext()) {
      QFile file(walk.next());
      files.insert(file.fileName(), file.open(QIODevice::ReadOnly) ? file.read(1 << 20) : QByteArrayLiteral("?"));
    }
  }
  return files;
}

quint32 mainPid(const vgpu::console::ManagedMachine& machine) {
  vgpu::controller::SystemdManager manager(machine.bus());
  const auto result = manager.unitStatus(QStringLiteral("ollama.service"));
  INFO(result.error.message.toStdString());
  REQUIRE_FALSE(result.error.isError());
  return result.status.mainPid;
}

const vgpu::controller::doctor::ReportEntry* entry(const vgpu::controller::doctor::DoctorReport& report,
                                                   const QString& id) {
  for (const auto& each : report.entries) {
    if (each.id == id) {
      return &each;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("the demo's Ollama machine: set OLLAMA_LLM_LIBRARY, apply, restart and verify, all in its folder") {
  const QMap<QString, QByteArray> before = machineFiles();
  qunsetenv("VGPU_HELPER_TEST_BUS");
  auto demo = std::make_unique<DemoSession>(vgpu::console::locateDemoPrograms());
  QString error;
  REQUIRE(demo->start(QString(), &error));
  INFO(demo->machineError().toStdString());
  REQUIRE(demo->machine().has_value());
  const vgpu::console::ManagedMachine machine = *demo->machine();
  CHECK(machine.demo);
  CHECK(machine.root.startsWith(demo->folder() + QLatin1Char('/')));
  const QString dropIn = machine.root + QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf");

  vgpu::console::ConsoleOptions options;
  options.watchProcesses = false;
  options.watchHosts = false;
  options.watchStatus = false;
  options.machine = machine;
  {
    MainWindow window(options);
    window.show();
    CHECK(window.windowTitle().contains(QStringLiteral("demo")));
    auto* banner = child<QLabel>(window, "demoBanner");
    CHECK(banner->isVisible());
    CHECK(banner->text().contains(machine.root));

    // The Service page: the demo's unit, running, and its log (which says no Ollama runs).
    window.pages()->setCurrentWidget(window.servicePage());
    QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(window, "serviceState")->text(), QStringLiteral("active"), 10000);
    auto* lines = child<QListWidget>(window, "journalLines");
    QTRY_VERIFY_WITH_TIMEOUT(lines->count() >= 3, 10000);
    CHECK(lines->item(0)->text().contains(QStringLiteral("no Ollama runs here")));

    // The Configuration page: OLLAMA_LLM_LIBRARY=cuda_v12 through vgpu-helper on the demo's tree.
    ConfigurationPage& page = *window.configurationPage();
    window.pages()->setCurrentWidget(&page);
    QSignalSpy refreshed(&page, &ConfigurationPage::refreshed);
    page.refresh();
    REQUIRE(refreshed.wait(10000));
    auto* library = child<QComboBox>(window, "configLlmLibrary");
    const int cuda12 = library->findData(QStringLiteral("cuda_v12"));
    REQUIRE(cuda12 > 0); // the demo's installation has the cuda_v12 folder
    library->setCurrentIndex(cuda12);
    QSignalSpy applied(&page, &ConfigurationPage::applied);
    page.applyChanges();
    REQUIRE(applied.wait(30000));
    INFO(applied.first().first().toString().toStdString());
    CHECK(applied.first().first().toString().startsWith(QStringLiteral("Applied: ")));
    QFile written(dropIn);
    REQUIRE(written.open(QIODevice::ReadOnly));
    CHECK(written.readAll().contains("Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\""));

    // Restart: fake-systemd1 gives ollama.service a new main process.
    const quint32 pidBefore = mainPid(machine);
    QSignalSpy restarted(&page, &ConfigurationPage::restarted);
    page.restartService();
    REQUIRE(restarted.wait(30000));
    INFO(restarted.first().first().toString().toStdString());
    CHECK(restarted.first().first().toString().contains(QStringLiteral("done")));
    QTRY_VERIFY_WITH_TIMEOUT(mainPid(machine) != pidBefore, 5000);

    // Verify: the page reads the value back; the doctor finds the requested folder usable.
    QTRY_COMPARE_WITH_TIMEOUT(library->currentData().toString(), QStringLiteral("cuda_v12"), 10000);
    vgpu::console::DiagnosticsPage& diagnostics = *window.diagnosticsPage();
    window.pages()->setCurrentWidget(&diagnostics);
    QSignalSpy finished(&diagnostics, &vgpu::console::DiagnosticsPage::finished);
    QTest::mouseClick(child<QPushButton>(window, "diagnosticsRun"), Qt::LeftButton);
    REQUIRE(finished.wait(30000));
    const auto* requested = entry(diagnostics.report(), QStringLiteral("ollama.requested-library"));
    REQUIRE(requested != nullptr);
    INFO(requested->result.summary.toStdString());
    CHECK(requested->result.status == vgpu::controller::doctor::CheckStatus::Pass);
    CHECK(requested->result.summary.contains(QStringLiteral("cuda_v12")));
    // The demo guest's shim.conf names the demo's vgpud, which answers.
    const auto* endpoint = entry(diagnostics.report(), QStringLiteral("shim.vgpud-endpoint"));
    REQUIRE(endpoint != nullptr);
    INFO(endpoint->result.summary.toStdString());
    CHECK(endpoint->result.status == vgpu::controller::doctor::CheckStatus::Pass);
    vgpu::test::grabToFile(window, "console-demo-machine.png", QSize(1200, 760));
  }

  // Nothing outside the demo's folder changed; stopping the demo ends its machine and its folder.
  CHECK(machineFiles() == before);
  const auto machinePid = static_cast<pid_t>(demo->machinePid());
  REQUIRE(machinePid > 0);
  const QString folder = demo->folder();
  demo.reset();
  CHECK(::kill(machinePid, 0) != 0);
  CHECK_FALSE(QFileInfo::exists(folder));
  qunsetenv("VGPU_HELPER_TEST_BUS");
}

// The Processes page's desktop behaviour: header sorting with numeric columns sorted as numbers,
// and the row context menu — Copy (tab-separated onto the clipboard), Show in dashboard (the
// window switches page and selects the pid), Stop process (SIGTERM to a real child after a
// confirmation; disabled with a reason for another user's process; nothing sent once the pid no
// longer names the process the row showed).
#include <catch2/catch.hpp>

#include "dashboard_page.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "process_stop.h"
#include "processes_page.h"
#include "telemetry_model.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QHeaderView>
#include <QMenu>
#include <QProcess>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <unistd.h>

namespace telemetry = vgpu::controller::telemetry;
using vgpu::console::ProcessesPage;
using vgpu::console::TelemetryModel;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr std::int64_t kStartMs = 1'764'158'400'000;

telemetry::ProcessHello hello(qint64 pid, const QString& executable, std::uint32_t uid) {
  telemetry::ProcessHello h;
  h.protocol = 1;
  h.pid = pid;
  h.executable = executable;
  h.uid = uid;
  h.backend = QStringLiteral("remote");
  h.endpoint = QStringLiteral("unix:/run/vgpud.sock");
  h.devices.append({0, QStringLiteral("NVIDIA H100 PCIe"), QStringLiteral("GPU-aaaa"), QStringLiteral("0000:00:05.0")});
  return h;
}

void addProcess(TelemetryModel& model, qint64 pid, double vramGiB, std::uint32_t uid = ::getuid(),
                const QString& executable = QStringLiteral("/usr/bin/ollama")) {
  model.addProcess(pid, hello(pid, executable, uid));
  telemetry::Sample s;
  s.seq = 1;
  s.timeMs = kStartMs;
  s.backendState = QStringLiteral("ready");
  telemetry::DeviceMemory memory;
  memory.usedBytes = static_cast<std::uint64_t>(vramGiB * kGiB);
  memory.totalBytes = static_cast<std::uint64_t>(80 * kGiB);
  s.devices.append(memory);
  s.kernelLaunchesPerSecond = vramGiB * 10;
  model.addSample(pid, s);
}

QList<qint64> pidColumn(const QTableWidget* table) {
  QList<qint64> pids;
  for (int row = 0; row < table->rowCount(); ++row) {
    pids.append(table->item(row, 0)->text().toLongLong());
  }
  return pids;
}

// Clicks the column's header as an admin would, until it sorts in `order` (a first click on a new
// column keeps the current direction, a second one flips it).
void sortByClicking(QTableWidget* table, int column, Qt::SortOrder order) {
  QHeaderView* header = table->horizontalHeader();
  for (int click = 0; click < 2; ++click) {
    if (header->sortIndicatorSection() == column && header->sortIndicatorOrder() == order) {
      return;
    }
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                      QPoint(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, 5));
  }
  REQUIRE(header->sortIndicatorSection() == column);
  REQUIRE(header->sortIndicatorOrder() == order);
}

QAction* menuAction(QMenu* menu, const char* name) {
  return vgpu::test::child<QAction>(*menu, name);
}

// A child process of this test that stops only when signalled.
struct Sleeper {
  QProcess process;
  qint64 pid = 0; // kept: QProcess forgets it once the process has finished
  Sleeper() {
    process.start(QStringLiteral("sleep"), {QStringLiteral("60")});
    REQUIRE(process.waitForStarted(5000));
    pid = process.processId();
  }
  ~Sleeper() {
    process.kill();
    process.waitForFinished(5000);
  }
};

} // namespace

TEST_CASE("the Processes page sorts by a clicked header, numbers as numbers") {
  TelemetryModel model(std::chrono::milliseconds(100));
  addProcess(model, 202, 2.0);
  addProcess(model, 33, 10.0);
  addProcess(model, 101, 1.0);
  ProcessesPage page(&model);
  page.resize(900, 400);
  page.show();
  page.refresh();
  QTableWidget* table = page.table();
  QApplication::processEvents();
  CHECK(pidColumn(table) == QList<qint64>{33, 101, 202}); // "33" sorts after "202" as text
  sortByClicking(table, 5, Qt::AscendingOrder);           // VRAM: 1 GiB, 2 GiB, 10 GiB
  CHECK(pidColumn(table) == QList<qint64>{101, 202, 33});
  sortByClicking(table, 5, Qt::DescendingOrder);
  CHECK(pidColumn(table) == QList<qint64>{33, 202, 101});
  page.refresh(); // the next refresh keeps the admin's order
  CHECK(pidColumn(table) == QList<qint64>{33, 202, 101});
  sortByClicking(table, 6, Qt::AscendingOrder); // launches/s: 10, 20, 100
  CHECK(pidColumn(table) == QList<qint64>{101, 202, 33});
  sortByClicking(table, 0, Qt::DescendingOrder); // pid: 202, 101, 33
  CHECK(pidColumn(table) == QList<qint64>{202, 101, 33});
}

TEST_CASE("Copy puts the process's row on the clipboard as tab-separated text") {
  TelemetryModel model(std::chrono::milliseconds(100));
  addProcess(model, 101, 1.0);
  ProcessesPage page(&model);
  QGuiApplication::clipboard()->clear();
  std::unique_ptr<QMenu> menu(page.createContextMenu(101));
  menuAction(menu.get(), "processCopy")->trigger();
  const QStringList cells = QGuiApplication::clipboard()->text().split(u'\t');
  REQUIRE(cells.size() == 7);
  CHECK(cells.at(0) == QStringLiteral("101"));
  CHECK(cells.at(2) == QStringLiteral("/usr/bin/ollama"));
  CHECK(cells.at(5) == QStringLiteral("1.0 GiB"));
}

TEST_CASE("Show in dashboard switches to the Dashboard with the process selected") {
  vgpu::console::ConsoleOptions options;
  options.watchProcesses = false;
  options.watchHosts = false;
  options.watchStatus = false;
  vgpu::console::MainWindow window(options);
  addProcess(*window.telemetryModel(), 101, 1.0);
  addProcess(*window.telemetryModel(), 202, 2.0);
  window.pages()->setCurrentWidget(window.processesPage());
  window.processesPage()->refresh();
  std::unique_ptr<QMenu> menu(window.processesPage()->createContextMenu(202));
  menuAction(menu.get(), "processShowInDashboard")->trigger();
  CHECK(window.pages()->currentWidget() == window.dashboard());
  CHECK(window.dashboard()->selectedProcess() == 202);
}

TEST_CASE("Stop process sends SIGTERM to the console user's own process after a confirmation") {
  Sleeper sleeper;
  TelemetryModel model(std::chrono::milliseconds(100));
  addProcess(model, sleeper.pid, 1.0, ::getuid(), QStringLiteral("/usr/bin/sleep"));
  ProcessesPage page(&model);
  page.refresh();
  QStringList questions;
  bool answer = false;
  page.setConfirmation([&](const QString& question) {
    questions.append(question);
    return answer;
  });
  QStringList messages;
  QObject::connect(&page, &ProcessesPage::statusMessage, [&](const QString& text) { messages.append(text); });
  std::unique_ptr<QMenu> menu(page.createContextMenu(sleeper.pid));
  QAction* stop = menuAction(menu.get(), "processStop");
  REQUIRE(stop->isEnabled());
  stop->trigger(); // the admin cancels
  REQUIRE(questions.size() == 1);
  CHECK(questions.first().contains(QString::number(sleeper.pid)));
  CHECK_FALSE(sleeper.process.waitForFinished(300));
  answer = true;
  stop->trigger();
  REQUIRE(sleeper.process.waitForFinished(5000));
  CHECK(sleeper.process.exitStatus() == QProcess::CrashExit); // ended by the signal
  REQUIRE(messages.size() == 1);
  CHECK(messages.first() == QStringLiteral("Sent SIGTERM to process %1.").arg(sleeper.pid));
  // The process has gone: a second stop finds no process and sends nothing.
  stop->trigger();
  CHECK(messages.last() == QStringLiteral("Process %1 is no longer running.").arg(sleeper.pid));
}

TEST_CASE("Stop process is disabled, with the reason, for another user's process") {
  TelemetryModel model(std::chrono::milliseconds(100));
  addProcess(model, 4242, 1.0, ::getuid() + 1);
  ProcessesPage page(&model);
  page.refresh();
  bool asked = false;
  page.setConfirmation([&](const QString&) {
    asked = true;
    return true;
  });
  std::unique_ptr<QMenu> menu(page.createContextMenu(4242));
  QAction* stop = menuAction(menu.get(), "processStop");
  CHECK_FALSE(stop->isEnabled());
  CHECK(stop->toolTip().contains(QStringLiteral("another user")));
  page.stopProcessOf(4242);
  CHECK_FALSE(asked);
}

TEST_CASE("a pid that now names another process is left alone") {
  Sleeper sleeper;
  const std::optional<vgpu::console::ProcessIdentity> identity = vgpu::console::readProcessIdentity(sleeper.pid);
  REQUIRE(identity);
  CHECK(identity->uid == ::getuid());
  // A /proc where the pid has a later start time: what a recycled pid looks like.
  const auto proc = vgpu::test::scratchDir("processes-recycled-proc");
  const auto dir = proc / std::to_string(sleeper.pid);
  std::filesystem::create_directories(dir);
  QFile stat(QString::fromStdString((dir / "stat").string()));
  REQUIRE(stat.open(QIODevice::WriteOnly));
  stat.write(QStringLiteral("%1 (sleep) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %2 0 0\n")
                 .arg(sleeper.pid)
                 .arg(identity->startTicks + 500)
                 .toUtf8());
  stat.close();
  QFile status(QString::fromStdString((dir / "status").string()));
  REQUIRE(status.open(QIODevice::WriteOnly));
  status.write(QStringLiteral("Name:\tsleep\nUid:\t%1\t%1\t%1\t%1\n").arg(::getuid()).toUtf8());
  status.close();
  const QString procRoot = QString::fromStdString(proc.string());
  const vgpu::console::StopResult result = vgpu::console::stopProcess(*identity, ::getuid(), procRoot);
  CHECK(result.outcome == vgpu::console::StopOutcome::Replaced);
  CHECK_FALSE(sleeper.process.waitForFinished(300));
  // Against the real /proc the same identity matches, and the stop goes through.
  CHECK(vgpu::console::stopProcess(*identity, ::getuid()).outcome == vgpu::console::StopOutcome::Sent);
  CHECK(sleeper.process.waitForFinished(5000));
}

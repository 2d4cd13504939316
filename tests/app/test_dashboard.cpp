// The Dashboard and Processes pages fed by a test telemetry source (the TelemetryModel's slots,
// the path a TelemetryClient feeds in production): samples appear in the plots' data, selecting a
// process filters, the window, pause/resume, coalesced refreshes, log axis, hover read-out,
// CSV/PNG export, the simulated-backend note, the empty state; grabbed in English and German.
#include <catch2/catch.hpp>

#include "dashboard_page.h"
#include "main_window.h"
#include "processes_page.h"
#include "status_header.h"
#include "telemetry_model.h"
#include "telemetry_plot.h"
#include "test_paths.h"
#include "translations.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPalette>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QTranslator>

namespace telemetry = vgpu::controller::telemetry;
using vgpu::console::ConsoleOptions;
using vgpu::console::DashboardPage;
using vgpu::console::MainWindow;
using vgpu::console::TelemetryModel;
using vgpu::console::TelemetryPlot;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr std::int64_t kStartMs = 1'764'158'400'000;

telemetry::ProcessHello hello(qint64 pid, const QString& executable,
                              const QString& backend = QStringLiteral("simulated")) {
  telemetry::ProcessHello h;
  h.protocol = 1;
  h.pid = pid;
  h.executable = executable;
  h.uid = 0;
  h.backend = backend;
  h.endpoint = QStringLiteral("in-process");
  h.devices.append({0, QStringLiteral("NVIDIA H100 PCIe"), QStringLiteral("GPU-aaaa"), QStringLiteral("0000:00:05.0")});
  return h;
}

// A sample of a process using `usedGiB` with `launches` per second and latency p50/p95/p99.
telemetry::Sample sample(std::int64_t timeMs, double usedGiB, double launches, std::int64_t p50 = 1000) {
  telemetry::Sample s;
  s.seq = static_cast<std::uint64_t>(timeMs);
  s.timeMs = timeMs;
  s.backendState = QStringLiteral("ready");
  telemetry::DeviceMemory memory;
  memory.index = 0;
  memory.usedBytes = static_cast<std::uint64_t>(usedGiB * kGiB);
  memory.totalBytes = static_cast<std::uint64_t>(80 * kGiB);
  s.devices.append(memory);
  s.kernelLaunchesPerSecond = launches;
  s.copies[0].bytesPerSecond = 256.0 * 1024 * 1024;
  telemetry::CallFigures calls;
  calls.total = 10;
  calls.windowCalls = 10;
  calls.latency.p50Ns = p50;
  calls.latency.p95Ns = p50 * 4;
  calls.latency.p99Ns = p50 * 16;
  s.calls = calls;
  return s;
}

// Two processes sampled every 100 ms for `seconds`: 101 uses 1 GiB at 100 launches/s, 202 uses
// 2 GiB at 50 launches/s.
void feedTwoProcesses(TelemetryModel& model, int seconds, std::int64_t fromMs = kStartMs) {
  for (std::int64_t t = fromMs; t < fromMs + seconds * 1000; t += 100) {
    model.addSample(101, sample(t, 1.0, 100.0));
    model.addSample(202, sample(t + 5, 2.0, 50.0, 2000));
  }
}

double lastValue(const TelemetryPlot* plot, int series) {
  const auto data = plot->seriesData(series);
  REQUIRE_FALSE(data.isEmpty());
  return data.last().second;
}

ConsoleOptions offline() {
  ConsoleOptions options;
  options.watchProcesses = false; // the test is the telemetry source
  options.watchStatus = false;    // no background reads of this machine behind the plots
  return options;
}

void grab(QWidget& widget, const std::string& name) {
  widget.resize(1200, 760);
  widget.show();
  QApplication::processEvents();
  const auto path = vgpu::test::outputDir() / "screenshots" / name;
  std::filesystem::create_directories(path.parent_path());
  REQUIRE(widget.grab().save(QString::fromStdString(path.string()), "PNG"));
  CHECK(std::filesystem::file_size(path) > 5000);
}

// Fusion's dark scheme, as a dark desktop theme hands it to Qt.
QPalette darkPalette() {
  QPalette dark;
  dark.setColor(QPalette::Window, QColor(53, 53, 53));
  dark.setColor(QPalette::WindowText, Qt::white);
  dark.setColor(QPalette::Base, QColor(35, 35, 35));
  dark.setColor(QPalette::AlternateBase, QColor(53, 53, 53));
  dark.setColor(QPalette::Text, Qt::white);
  dark.setColor(QPalette::Button, QColor(53, 53, 53));
  dark.setColor(QPalette::ButtonText, Qt::white);
  dark.setColor(QPalette::Highlight, QColor(42, 130, 218));
  dark.setColor(QPalette::HighlightedText, Qt::black);
  return dark;
}

// The colour most pixels have: a plot's background.
QColor dominantColour(const QImage& image) {
  QHash<QRgb, int> counts;
  for (int y = 0; y < image.height(); y += 2) {
    for (int x = 0; x < image.width(); x += 2) {
      ++counts[image.pixel(x, y)];
    }
  }
  QRgb best = 0;
  for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
    if (it.value() > counts.value(best)) {
      best = it.key();
    }
  }
  return QColor::fromRgb(best);
}

// Pixels in `area` at least `lightness` (light) or at most it (dark): tick-label text.
int countPixels(const QImage& image, const QRect& area, bool light, int lightness) {
  int count = 0;
  for (int y = area.top(); y <= area.bottom() && y < image.height(); ++y) {
    for (int x = area.left(); x <= area.right() && x < image.width(); ++x) {
      const int value = image.pixelColor(x, y).lightness();
      count += (light ? value >= lightness : value <= lightness) ? 1 : 0;
    }
  }
  return count;
}

} // namespace

TEST_CASE("samples from a telemetry source appear in the dashboard's plots") {
  MainWindow window(offline());
  TelemetryModel& model = *window.telemetryModel();
  DashboardPage& dashboard = *window.dashboard();
  auto* emptyState = window.findChild<QLabel*>(QStringLiteral("dashboardEmptyState"));
  REQUIRE(emptyState != nullptr);
  window.show();
  CHECK(emptyState->isVisible());

  model.addProcess(101, hello(101, QStringLiteral("/usr/bin/ollama")));
  model.addProcess(202, hello(202, QStringLiteral("/opt/train/bin/train")));
  feedTwoProcesses(model, 10);
  dashboard.refreshNow();
  CHECK_FALSE(emptyState->isVisible());

  // All processes of device 0: summed VRAM and launches, the device's total, the worst latency.
  CHECK(lastValue(dashboard.vramPlot(), 0) == Approx(3.0));
  CHECK(lastValue(dashboard.vramPlot(), 1) == Approx(80.0));
  CHECK(lastValue(dashboard.launchesPlot(), 0) == Approx(150.0));
  CHECK(lastValue(dashboard.latencyPlot(), 0) == Approx(2.0)); // µs: process 202's p50
  CHECK(lastValue(dashboard.latencyPlot(), 2) == Approx(32.0));
  CHECK(lastValue(dashboard.bandwidthPlot(), 0) == Approx(512.0)); // MiB/s, both processes
  CHECK(dashboard.vramPlot()->seriesData(0).size() >= 95);
  CHECK(dashboard.vramPlot()->legend->visible());

  // New samples are appended, not redrawn from scratch.
  const auto before = dashboard.vramPlot()->seriesData(0).size();
  model.addSample(101, sample(kStartMs + 10'000, 1.5, 100.0));
  model.addSample(202, sample(kStartMs + 10'005, 2.0, 50.0));
  dashboard.refreshNow();
  CHECK(dashboard.vramPlot()->seriesData(0).size() > before);
  CHECK(lastValue(dashboard.vramPlot(), 0) == Approx(3.5));
}

TEST_CASE("selecting a process on the Processes page filters the dashboard") {
  MainWindow window(offline());
  TelemetryModel& model = *window.telemetryModel();
  model.addProcess(101, hello(101, QStringLiteral("/usr/bin/ollama")));
  model.addProcess(202, hello(202, QStringLiteral("/opt/train/bin/train")));
  feedTwoProcesses(model, 5);
  window.processesPage()->refresh();
  auto* table = window.findChild<QTableWidget*>(QStringLiteral("processTable"));
  REQUIRE(table != nullptr);
  REQUIRE(table->rowCount() == 2);
  CHECK(table->item(1, 0)->text() == QStringLiteral("202"));
  CHECK(table->item(1, 2)->text() == QStringLiteral("/opt/train/bin/train"));
  CHECK(table->item(1, 4)->text().startsWith(QStringLiteral("simulated")));
  CHECK(table->item(1, 5)->text() == QStringLiteral("2.0 GiB"));

  window.show();
  QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualItemRect(table->item(1, 0)).center());
  DashboardPage& dashboard = *window.dashboard();
  CHECK(dashboard.selectedProcess() == 202);
  CHECK(lastValue(dashboard.vramPlot(), 0) == Approx(2.0));
  CHECK(lastValue(dashboard.launchesPlot(), 0) == Approx(50.0));
  auto* processCombo = window.findChild<QComboBox*>(QStringLiteral("dashboardProcess"));
  REQUIRE(processCombo != nullptr);
  CHECK(processCombo->currentText().startsWith(QStringLiteral("202")));

  // Back to every process, from the Processes page's button.
  QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("processesShowAll")), Qt::LeftButton);
  CHECK(dashboard.selectedProcess() == 0);
  CHECK(lastValue(dashboard.vramPlot(), 0) == Approx(3.0));
}

TEST_CASE("the time window, pause and resume, and coalesced refreshes") {
  MainWindow window(offline());
  TelemetryModel& model = *window.telemetryModel();
  DashboardPage& dashboard = *window.dashboard();
  model.addProcess(101, hello(101, QStringLiteral("/usr/bin/ollama")));
  model.addProcess(202, hello(202, QStringLiteral("/opt/train/bin/train")));
  window.show();
  feedTwoProcesses(model, 180); // 3 minutes
  dashboard.setWindowSeconds(60);
  const auto oneMinute = dashboard.vramPlot()->seriesData(0);
  REQUIRE_FALSE(oneMinute.isEmpty());
  const double newest = oneMinute.last().first;
  CHECK(newest - oneMinute.first().first <= 60.0);
  CHECK(newest - oneMinute.first().first >= 59.0);
  dashboard.setWindowSeconds(300);
  const auto fiveMinutes = dashboard.vramPlot()->seriesData(0);
  CHECK(fiveMinutes.first().first == Approx(static_cast<double>(kStartMs) / 1000.0 + 0.005).epsilon(1e-9));

  // Paused: samples keep arriving into the history, the plots stand still.
  QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("dashboardPause")), Qt::LeftButton);
  REQUIRE(dashboard.paused());
  const auto frozen = dashboard.vramPlot()->seriesData(0).size();
  feedTwoProcesses(model, 5, kStartMs + 180'000);
  QTest::qWait(100);
  CHECK(dashboard.vramPlot()->seriesData(0).size() == frozen);
  QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("dashboardPause")), Qt::LeftButton);
  CHECK_FALSE(dashboard.paused());
  CHECK(dashboard.vramPlot()->seriesData(0).last().first ==
        Approx(static_cast<double>(kStartMs + 184'905) / 1000.0).epsilon(1e-9));

  // 200 samples in a burst cause one queued refresh, not 200.
  const int refreshes = dashboard.refreshCount();
  for (int i = 0; i < 100; ++i) {
    model.addSample(101, sample(kStartMs + 190'000 + i * 10, 1.0, 100.0));
    model.addSample(202, sample(kStartMs + 190'005 + i * 10, 2.0, 50.0));
  }
  CHECK(dashboard.refreshPending());
  QTest::qWait(3 * DashboardPage::kMinRefreshMs);
  CHECK(dashboard.refreshCount() == refreshes + 1);
}

TEST_CASE("latency axis, hover read-out and export of the visible data") {
  MainWindow window(offline());
  TelemetryModel& model = *window.telemetryModel();
  DashboardPage& dashboard = *window.dashboard();
  model.addProcess(101, hello(101, QStringLiteral("/usr/bin/ollama")));
  model.addProcess(202, hello(202, QStringLiteral("/opt/train/bin/train")));
  feedTwoProcesses(model, 10);
  dashboard.refreshNow();

  auto* logAxis = window.findChild<QCheckBox*>(QStringLiteral("dashboardLatencyLog"));
  REQUIRE(logAxis != nullptr);
  logAxis->click();
  CHECK(dashboard.latencyPlot()->yAxis->scaleType() == QCPAxis::stLogarithmic);
  logAxis->click();
  CHECK(dashboard.latencyPlot()->yAxis->scaleType() == QCPAxis::stLinear);

  const double at = static_cast<double>(kStartMs + 5'000) / 1000.0;
  const QString readout = dashboard.vramPlot()->readoutAt(at);
  CHECK(readout.contains(QStringLiteral("used 3 GiB")));
  CHECK(readout.contains(QStringLiteral("total 80 GiB")));

  // Moving the mouse over a plot shows the read-out in text.
  window.resize(1200, 760);
  window.show();
  QApplication::processEvents();
  TelemetryPlot* plot = dashboard.launchesPlot();
  const int x = static_cast<int>(plot->xAxis->coordToPixel(at));
  QMouseEvent move(QEvent::MouseMove, QPointF(x, plot->height() / 2), plot->mapToGlobal(QPointF(x, plot->height() / 2)),
                   Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(plot, &move);
  auto* readoutLabel = window.findChild<QLabel*>(QStringLiteral("dashboardReadout"));
  REQUIRE(readoutLabel != nullptr);
  CHECK(readoutLabel->text().contains(QStringLiteral("launches/s 150")));

  const auto folder = vgpu::test::scratchDir("dashboard-export");
  QString error;
  const QString csvPath = QString::fromStdString((folder / "visible.csv").string());
  REQUIRE(dashboard.exportCsv(csvPath, &error));
  QFile csv(csvPath);
  REQUIRE(csv.open(QIODevice::ReadOnly));
  const QStringList lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  CHECK(lines.first() == QStringLiteral("plot,series,unit,time_ms,value"));
  CHECK(lines.contains(QStringLiteral("vramPlot,used,GiB,%1,3").arg(kStartMs + 9'905)));
  CHECK(lines.contains(QStringLiteral("latencyPlot,p99,µs,%1,32").arg(kStartMs + 9'905)));
  // Every visible point of every series, one line each (4 plots, 9 series).
  int expected = 0;
  for (const TelemetryPlot* p :
       {dashboard.vramPlot(), dashboard.launchesPlot(), dashboard.latencyPlot(), dashboard.bandwidthPlot()}) {
    for (int s = 0; s < p->seriesCount(); ++s) {
      expected += static_cast<int>(p->seriesData(s).size());
    }
  }
  CHECK(lines.size() == expected + 1);
  const QString pngPath = QString::fromStdString((folder / "plots.png").string());
  REQUIRE(dashboard.exportPng(pngPath, &error));
  QImage png(pngPath);
  CHECK(png.width() > 400);
  CHECK_FALSE(dashboard.exportCsv(QStringLiteral("/nonexistent/dir/x.csv"), &error));
  CHECK(error.contains(QStringLiteral("/nonexistent/dir/x.csv")));
}

TEST_CASE("the simulated backend is labelled, a remote one is not") {
  MainWindow window(offline());
  TelemetryModel& model = *window.telemetryModel();
  window.show();
  auto* note = window.findChild<QLabel*>(QStringLiteral("dashboardSimulatedNote"));
  REQUIRE(note != nullptr);
  model.addProcess(101, hello(101, QStringLiteral("/usr/bin/ollama")));
  CHECK(note->isVisible());
  CHECK(note->text().contains(QStringLiteral("not executed")));
  model.addProcess(303, hello(303, QStringLiteral("/usr/bin/python3"), QStringLiteral("remote")));
  // All processes shown, one simulated: the note stays, worded for some of them.
  CHECK(note->isVisible());
  CHECK(note->text().contains(QStringLiteral("Some of these processes run on a simulated device")));
  window.dashboard()->selectProcess(303);
  CHECK_FALSE(note->isVisible());
  window.dashboard()->selectProcess(101);
  CHECK(note->isVisible());
  CHECK(note->text().startsWith(QStringLiteral("Simulated device:")));
  // vgpud's simulated executor is simulated too, and the Processes page says where.
  telemetry::ProcessHello inVgpud = hello(404, QStringLiteral("/usr/bin/ollama"), QStringLiteral("remote"));
  inVgpud.endpoint = QStringLiteral("unix:/run/vgpud.sock");
  inVgpud.executor = QStringLiteral("simulated");
  model.addProcess(404, inVgpud);
  window.dashboard()->selectProcess(404);
  CHECK(note->isVisible());
  window.processesPage()->refresh();
  auto* table = window.findChild<QTableWidget*>(QStringLiteral("processTable"));
  QStringList backends;
  for (int row = 0; row < table->rowCount(); ++row) {
    backends.append(table->item(row, 4)->text());
  }
  CHECK(backends.contains(QStringLiteral("simulated, in vgpud (unix:/run/vgpud.sock)")));
  CHECK(backends.contains(QStringLiteral("remote (in-process)")));
  model.removeProcess(404);
  // A process that ends leaves the table at once; its history stays in the plots' window.
  model.removeProcess(303);
  CHECK(window.findChild<QTableWidget*>(QStringLiteral("processTable"))->rowCount() == 1);
}

TEST_CASE("the model forgets ended processes once they leave the longest window") {
  TelemetryModel model(std::chrono::milliseconds(100));
  model.addProcess(7, hello(7, QStringLiteral("/bin/short-lived")));
  model.addSample(7, sample(kStartMs, 1.0, 1.0));
  model.removeProcess(7);
  model.addProcess(8, hello(8, QStringLiteral("/bin/long-lived")));
  model.addSample(8, sample(kStartMs + 1000, 1.0, 1.0));
  CHECK(model.history().pids().contains(7)); // still within the hour
  model.addSample(8, sample(kStartMs + 3'700'000, 1.0, 1.0));
  CHECK_FALSE(model.history().pids().contains(7));
  CHECK(model.history().pids().contains(8));
}

TEST_CASE("the dashboard and processes pages are grabbed in English and German") {
  for (const bool german : {false, true}) {
    QTranslator* translator = nullptr;
    if (german) {
      translator = vgpu::console::installTranslation(*QCoreApplication::instance(), QLocale(QLocale::German));
      REQUIRE(translator != nullptr);
    }
    {
      MainWindow window(offline());
      TelemetryModel& model = *window.telemetryModel();
      model.addProcess(101, hello(101, QStringLiteral("/usr/bin/ollama")));
      model.addProcess(202, hello(202, QStringLiteral("/opt/train/bin/train")));
      for (std::int64_t t = 0; t < 300'000; t += 100) { // 5 minutes of varied figures
        const double wave = std::sin(static_cast<double>(t) / 20'000.0);
        model.addSample(101, sample(kStartMs + t, 8.0 + 6.0 * wave, 900.0 + 400.0 * wave, 900 + t % 700));
        model.addSample(202, sample(kStartMs + t + 5, 20.0 - 4.0 * wave, 300.0, 2500 + t % 1300));
      }
      window.dashboard()->refreshNow();
      const std::string suffix = german ? "-de.png" : "-en.png";
      grab(window, "dashboard" + suffix);
      auto* pages = window.findChild<QTabWidget*>(QStringLiteral("pages"));
      pages->setCurrentWidget(window.processesPage());
      window.processesPage()->refresh();
      grab(window, "processes" + suffix);
      if (german) {
        CHECK(pages->tabText(pages->indexOf(window.processesPage())) == QStringLiteral("Prozesse"));
      }
    }
    if (translator != nullptr) {
      QCoreApplication::removeTranslator(translator);
      delete translator;
    }
  }
}

TEST_CASE("the plots follow a dark palette and go back to a light one") {
  const QPalette original = QApplication::palette();
  MainWindow window(offline());
  TelemetryModel& model = *window.telemetryModel();
  model.addProcess(101, hello(101, QStringLiteral("/usr/bin/ollama")));
  feedTwoProcesses(model, 10);
  window.dashboard()->refreshNow();
  TelemetryPlot* plot = window.dashboard()->vramPlot();
  for (const bool dark : {true, false}) {
    INFO((dark ? "dark" : "light"));
    // The application's palette, as a desktop theme change delivers it (ApplicationPaletteChange,
    // then PaletteChange on every widget without a palette of its own).
    QApplication::setPalette(dark ? darkPalette() : original);
    QApplication::processEvents(); // the plots' queued replot
    grab(window, dark ? "dashboard-dark.png" : "dashboard-light.png");
    const QImage image = plot->grab().toImage();
    const int background = dominantColour(image).lightness();
    CHECK((dark ? background < 80 : background > 200));
    CHECK((dark ? plot->xAxis->tickLabelColor().lightness() > 200 : plot->xAxis->tickLabelColor().lightness() < 80));
    const int legend = plot->legend->brush().color().lightness();
    CHECK((dark ? legend < 80 : legend > 200));
    // The legend's box, inside its border: the legend's own background, as drawn.
    const QRect legendBox = plot->legend->outerRect();
    const int drawnLegend = image.pixelColor(legendBox.right() - 3, legendBox.top() + 3).lightness();
    CHECK((dark ? drawnLegend < 80 : drawnLegend > 200));
    // The time axis' tick labels, below the data area: text drawn in the light (dark) colour.
    const QRect axisRect = plot->axisRect()->rect();
    const QRect labels(axisRect.left(), axisRect.bottom() + 4, axisRect.width(), 14);
    CHECK(countPixels(image, labels, dark, dark ? 180 : 80) > 20);
    // The status header's tint follows too, so the palette's text stays readable on it.
    const int header = dominantColour(window.statusHeader()->grab().toImage()).lightness();
    INFO(header);
    CHECK((dark ? header < 90 : header > 180));
  }
}

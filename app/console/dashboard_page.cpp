// Dashboard: controls, the four plots and their coalesced refresh (see dashboard_page.h).
#include "dashboard_page.h"

#include "common/install_paths.h"
#include "telemetry_model.h"
#include "telemetry_plot.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace vgpu::console {

namespace telemetry = controller::telemetry;
using telemetry::Metric;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMiB = 1024.0 * 1024.0;

// Which metric each series of each plot shows, in series order.
constexpr std::array kVramMetrics = {Metric::VramUsedBytes, Metric::VramTotalBytes};
constexpr std::array kLaunchMetrics = {Metric::LaunchesPerSecond};
constexpr std::array kLatencyMetrics = {Metric::LatencyP50Ns, Metric::LatencyP95Ns, Metric::LatencyP99Ns};
constexpr std::array kBandwidthMetrics = {Metric::HostToDeviceBytesPerSecond, Metric::DeviceToHostBytesPerSecond,
                                          Metric::DeviceToDeviceBytesPerSecond};

// Solid 1-pixel lines: a dashed pen on a noisy series of 36,000 points costs ~100x a solid one to
// draw. Series are told apart without colour by the marker shapes the plot adds along each line
// (TelemetryPlot) and by name in the legend and the read-out.
QPen seriesPen(int index) {
  static const std::array<QColor, 3> colours = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28),
                                                QColor(0x2c, 0xa0, 0x2c)};
  return QPen(colours[static_cast<std::size_t>(index) % colours.size()], 1);
}

template <std::size_t N> void addSeries(TelemetryPlot* plot, const std::array<Metric, N>& metrics) {
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    plot->addSeries(QString::fromLatin1(telemetry::metricName(metrics[i])), seriesPen(static_cast<int>(i)));
  }
}

QString csvField(const QString& text) {
  if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))) {
    return text;
  }
  QString quoted = text;
  quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
  return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace

DashboardPage::DashboardPage(TelemetryModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  setObjectName(QStringLiteral("dashboardPage"));
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buildControls());
  buildPlotArea(layout);

  refreshTimer_.setSingleShot(true);
  refreshTimer_.setInterval(kMinRefreshMs);
  connect(&refreshTimer_, &QTimer::timeout, this, &DashboardPage::refreshNow);

  retranslate();
  windowCombo_->setCurrentIndex(1); // 5 minutes

  connectControls();
  connect(model_, &TelemetryModel::processesChanged, this, &DashboardPage::onProcessesChanged);
  connect(model_, &TelemetryModel::samplesAdded, this, &DashboardPage::onSamplesAdded);
  onProcessesChanged();
}

// The row above the plots: device, process and window choices, pause, the latency scale, exports.
QHBoxLayout* DashboardPage::buildControls() {
  auto* controls = new QHBoxLayout;
  deviceLabel_ = new QLabel(this);
  deviceCombo_ = new QComboBox(this);
  deviceCombo_->setObjectName(QStringLiteral("dashboardDevice"));
  deviceLabel_->setBuddy(deviceCombo_);
  processLabel_ = new QLabel(this);
  processCombo_ = new QComboBox(this);
  processCombo_->setObjectName(QStringLiteral("dashboardProcess"));
  processCombo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  deviceCombo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  processLabel_->setBuddy(processCombo_);
  windowLabel_ = new QLabel(this);
  windowCombo_ = new QComboBox(this);
  windowCombo_->setObjectName(QStringLiteral("dashboardWindow"));
  windowLabel_->setBuddy(windowCombo_);
  pauseButton_ = new QPushButton(this);
  pauseButton_->setObjectName(QStringLiteral("dashboardPause"));
  pauseButton_->setCheckable(true);
  latencyLog_ = new QCheckBox(this);
  latencyLog_->setObjectName(QStringLiteral("dashboardLatencyLog"));
  exportPngButton_ = new QPushButton(this);
  exportPngButton_->setObjectName(QStringLiteral("dashboardExportPng"));
  exportCsvButton_ = new QPushButton(this);
  exportCsvButton_->setObjectName(QStringLiteral("dashboardExportCsv"));
  // The drop-down lists are focusable widgets of their own: named for automation and screen readers.
  for (QComboBox* combo : {deviceCombo_, processCombo_, windowCombo_}) {
    combo->view()->setObjectName(combo->objectName() + QStringLiteral("List"));
  }
  for (QWidget* widget : std::initializer_list<QWidget*>{deviceLabel_, deviceCombo_, processLabel_, processCombo_,
                                                         windowLabel_, windowCombo_, pauseButton_, latencyLog_}) {
    controls->addWidget(widget);
  }
  controls->addStretch(1);
  controls->addWidget(exportPngButton_);
  controls->addWidget(exportCsvButton_);

  return controls;
}

// The simulated-device note, the plots (or the empty state when no process is seen) and the
// readout below them.
void DashboardPage::buildPlotArea(QVBoxLayout* layout) {
  simulatedNote_ = new QLabel(this);
  simulatedNote_->setObjectName(QStringLiteral("dashboardSimulatedNote"));
  simulatedNote_->setWordWrap(true);
  layout->addWidget(simulatedNote_);

  stack_ = new QStackedWidget(this);
  emptyState_ = new QLabel(stack_);
  emptyState_->setObjectName(QStringLiteral("dashboardEmptyState"));
  emptyState_->setWordWrap(true);
  emptyState_->setAlignment(Qt::AlignCenter);
  emptyState_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  stack_->addWidget(emptyState_);

  plots_ = new QWidget(stack_);
  plots_->setObjectName(QStringLiteral("dashboardPlots"));
  auto* grid = new QGridLayout(plots_);
  grid->setContentsMargins(0, 0, 0, 0);
  vramPlot_ = new TelemetryPlot(QStringLiteral("vramPlot"), plots_);
  launchesPlot_ = new TelemetryPlot(QStringLiteral("launchesPlot"), plots_);
  latencyPlot_ = new TelemetryPlot(QStringLiteral("latencyPlot"), plots_);
  bandwidthPlot_ = new TelemetryPlot(QStringLiteral("bandwidthPlot"), plots_);
  addSeries(vramPlot_, kVramMetrics);
  addSeries(launchesPlot_, kLaunchMetrics);
  addSeries(latencyPlot_, kLatencyMetrics);
  addSeries(bandwidthPlot_, kBandwidthMetrics);
  grid->addWidget(vramPlot_, 0, 0);
  grid->addWidget(launchesPlot_, 0, 1);
  grid->addWidget(latencyPlot_, 1, 0);
  grid->addWidget(bandwidthPlot_, 1, 1);
  stack_->addWidget(plots_);
  layout->addWidget(stack_, 1);

  readout_ = new QLabel(this);
  readout_->setObjectName(QStringLiteral("dashboardReadout"));
  readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(readout_);

  for (TelemetryPlot* plot : {vramPlot_, launchesPlot_, latencyPlot_, bandwidthPlot_}) {
    connect(plot, &TelemetryPlot::readoutChanged, readout_, &QLabel::setText);
  }
}

void DashboardPage::connectControls() {
  connect(deviceCombo_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0) {
      selectedDevice_ = deviceCombo_->itemData(index).toInt();
      rebuild();
    }
  });
  connect(processCombo_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0) {
      const qint64 pid = processCombo_->itemData(index).toLongLong();
      if (pid != selectedPid_) {
        selectedPid_ = pid;
        rebuild();
        emit processSelected(pid);
      }
    }
  });
  connect(windowCombo_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0) {
      windowSeconds_ = kWindowSeconds[static_cast<std::size_t>(index)];
      rebuild();
    }
  });
  connect(pauseButton_, &QPushButton::toggled, this, &DashboardPage::setPaused);
  connect(latencyLog_, &QCheckBox::toggled, this, [this](bool on) {
    latencyPlot_->setLogarithmic(on);
    latencyPlot_->replot(QCustomPlot::rpQueuedReplot);
  });
  connect(exportPngButton_, &QPushButton::clicked, this, [this] { chooseFileAndExport(true); });
  connect(exportCsvButton_, &QPushButton::clicked, this, [this] { chooseFileAndExport(false); });
}

void DashboardPage::retranslate() {
  emptyState_->setText(tr("<b>No CUDA process is using the vgpu shim yet.</b><br>"
                          "Start a CUDA program with the shim first on its library path, for example:<br>"
                          "<tt>LD_LIBRARY_PATH=%1 ./my-cuda-program</tt><br>"
                          "or run <tt>scripts/dev console</tt>, which starts a demo workload on a simulated GPU.<br>"
                          "Its VRAM, kernel launches and call latency will appear here.")
                           .arg(controller::installedShimDir()));
  emptyState_->setAccessibleName(tr("Dashboard status"));
  deviceLabel_->setText(tr("&Device:"));
  deviceCombo_->setAccessibleName(tr("Device shown"));
  processLabel_->setText(tr("P&rocess:"));
  processCombo_->setAccessibleName(tr("Process shown"));
  windowLabel_->setText(tr("&Window:"));
  windowCombo_->setAccessibleName(tr("Time window"));
  deviceCombo_->view()->setAccessibleName(tr("Devices"));
  processCombo_->view()->setAccessibleName(tr("Processes"));
  windowCombo_->view()->setAccessibleName(tr("Time windows"));
  const int window = windowCombo_->currentIndex();
  const QSignalBlocker blocker(windowCombo_);
  windowCombo_->clear();
  windowCombo_->addItem(tr("1 minute"));
  windowCombo_->addItem(tr("5 minutes"));
  windowCombo_->addItem(tr("15 minutes"));
  windowCombo_->addItem(tr("1 hour"));
  windowCombo_->setCurrentIndex(window);
  pauseButton_->setText(paused_ ? tr("&Resume") : tr("&Pause"));
  pauseButton_->setAccessibleName(paused_ ? tr("Resume live plots") : tr("Pause live plots"));
  latencyLog_->setText(tr("&Logarithmic latency axis"));
  latencyLog_->setAccessibleName(tr("Logarithmic latency axis"));
  exportPngButton_->setText(tr("Export P&NG…"));
  exportPngButton_->setAccessibleName(tr("Export the visible plots as a PNG image"));
  exportCsvButton_->setText(tr("Export &CSV…"));
  exportCsvButton_->setAccessibleName(tr("Export the visible data as CSV"));
  updateSimulatedNote();
  simulatedNote_->setAccessibleName(tr("Backend note"));
  readout_->setAccessibleName(tr("Value under the mouse pointer"));
  if (readout_->text().isEmpty()) {
    readout_->setText(tr("Hover over a plot to read its values."));
  }

  vramPlot_->setTitle(tr("VRAM"));
  vramPlot_->setUnit(kGiB, tr("GiB"));
  vramPlot_->setAccessibleName(tr("VRAM used and total over time"));
  vramPlot_->setSeriesName(0, tr("used"));
  vramPlot_->setSeriesName(1, tr("total"));
  launchesPlot_->setTitle(tr("Kernel launches"));
  launchesPlot_->setUnit(1.0, tr("per second"));
  launchesPlot_->setAccessibleName(tr("Kernel launches per second over time"));
  launchesPlot_->setSeriesName(0, tr("launches/s"));
  latencyPlot_->setTitle(tr("Call latency"));
  latencyPlot_->setUnit(1000.0, tr("µs"));
  latencyPlot_->setAccessibleName(tr("Call latency percentiles over time"));
  latencyPlot_->setSeriesName(0, tr("p50"));
  latencyPlot_->setSeriesName(1, tr("p95"));
  latencyPlot_->setSeriesName(2, tr("p99"));
  bandwidthPlot_->setTitle(tr("Copy bandwidth"));
  bandwidthPlot_->setUnit(kMiB, tr("MiB/s"));
  bandwidthPlot_->setAccessibleName(tr("Copy bandwidth per direction over time"));
  bandwidthPlot_->setSeriesName(0, tr("host→device"));
  bandwidthPlot_->setSeriesName(1, tr("device→host"));
  bandwidthPlot_->setSeriesName(2, tr("device→device"));
  onProcessesChanged(); // the combo boxes' first items are translated text
  fullRefreshNeeded_ = true;
}

void DashboardPage::updateSimulatedNote() {
  const TelemetryModel::SimulatedShare share = model_->simulatedShare(selectedPid_);
  simulatedNote_->setText(share == TelemetryModel::SimulatedShare::Some
                              ? tr("Some of these processes run on a simulated device: no GPU runs their kernels, "
                                   "which are validated and counted, not executed.")
                              : tr("Simulated device: memory, copies and call figures are real accounting; kernels "
                                   "are validated and counted, not executed."));
  simulatedNote_->setVisible(share != TelemetryModel::SimulatedShare::None);
}

void DashboardPage::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) {
    retranslate();
  }
  QWidget::changeEvent(event);
}

void DashboardPage::onProcessesChanged() {
  if (processCombo_ == nullptr) {
    return;
  }
  {
    const QSignalBlocker blockDevices(deviceCombo_);
    deviceCombo_->clear();
    for (const auto& [index, device] : model_->devices()) {
      deviceCombo_->addItem(QStringLiteral("%1: %2").arg(index).arg(device.name), index);
    }
    const int found = deviceCombo_->findData(selectedDevice_);
    deviceCombo_->setCurrentIndex(found >= 0 ? found : 0);
    if (found < 0 && deviceCombo_->count() > 0) {
      selectedDevice_ = deviceCombo_->itemData(0).toInt();
    }
  }
  {
    const QSignalBlocker blockProcesses(processCombo_);
    processCombo_->clear();
    processCombo_->addItem(tr("All processes"), qint64{0});
    for (const qint64 pid : model_->processes()) {
      const telemetry::ProcessHello* hello = model_->hello(pid);
      processCombo_->addItem(QStringLiteral("%1 — %2").arg(pid).arg(QFileInfo(hello->executable).fileName()), pid);
    }
    const int found = processCombo_->findData(selectedPid_);
    // A selected process that ended stays selectable while its history is in the window.
    if (found < 0 && selectedPid_ != 0) {
      processCombo_->addItem(tr("%1 (ended)").arg(selectedPid_), selectedPid_);
    }
    processCombo_->setCurrentIndex(processCombo_->findData(selectedPid_));
  }
  const bool live = !model_->processes().isEmpty() || model_->newestTimeMs() > 0;
  stack_->setCurrentWidget(live ? plots_ : static_cast<QWidget*>(emptyState_));
  updateSimulatedNote();
  fullRefreshNeeded_ = true;
  onSamplesAdded();
}

void DashboardPage::onSamplesAdded() {
  if (stack_->currentWidget() != plots_ && model_->newestTimeMs() > 0) {
    stack_->setCurrentWidget(plots_);
  }
  if (!paused_ && !refreshTimer_.isActive()) {
    refreshTimer_.start(); // coalesces every sample until it fires
  }
}

void DashboardPage::selectProcess(qint64 pid) {
  const int index = processCombo_->findData(pid);
  if (index >= 0) {
    processCombo_->setCurrentIndex(index);
  }
}

void DashboardPage::setWindowSeconds(int seconds) {
  for (std::size_t i = 0; i < kWindowSeconds.size(); ++i) {
    if (kWindowSeconds[i] == seconds) {
      windowCombo_->setCurrentIndex(static_cast<int>(i));
    }
  }
}

void DashboardPage::setPaused(bool paused) {
  if (paused_ == paused) {
    return;
  }
  paused_ = paused;
  pauseButton_->setChecked(paused);
  pauseButton_->setText(paused_ ? tr("&Resume") : tr("&Pause"));
  pauseButton_->setAccessibleName(paused_ ? tr("Resume live plots") : tr("Pause live plots"));
  if (paused_) {
    refreshTimer_.stop();
  } else {
    rebuild(); // catch up with everything that arrived while paused
  }
}

void DashboardPage::rebuild() {
  fullRefreshNeeded_ = true;
  updateSimulatedNote();
  if (!paused_) {
    refreshNow();
  }
}

QList<telemetry::Point> DashboardPage::points(Metric metric, std::int64_t sinceMs) const {
  const telemetry::TelemetryHistory& history = model_->history();
  if (selectedPid_ == 0) {
    return history.deviceSeries(selectedDevice_, metric, sinceMs);
  }
  const int device = telemetry::metricIsPerDevice(metric) ? selectedDevice_ : -1;
  return history.points({selectedPid_, metric, device}, sinceMs);
}

void DashboardPage::updatePlots(bool full) {
  const std::int64_t nowMs = model_->newestTimeMs() > 0 ? model_->newestTimeMs() : QDateTime::currentMSecsSinceEpoch();
  const std::int64_t windowMs = std::int64_t{windowSeconds_} * 1000;
  const auto update = [&](TelemetryPlot* plot, auto metrics) {
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const int series = static_cast<int>(i);
      if (full) {
        plot->replacePoints(series, points(metrics[i], nowMs - windowMs));
      } else {
        const auto newest = plot->newestTimeMs(series);
        plot->appendPoints(series, points(metrics[i], newest ? *newest + 1 : nowMs - windowMs));
      }
    }
    plot->setWindow(nowMs, windowMs);
    plot->replot(QCustomPlot::rpQueuedReplot);
  };
  update(vramPlot_, kVramMetrics);
  update(launchesPlot_, kLaunchMetrics);
  update(latencyPlot_, kLatencyMetrics);
  update(bandwidthPlot_, kBandwidthMetrics);
}

void DashboardPage::refreshNow() {
  refreshTimer_.stop();
  updatePlots(fullRefreshNeeded_);
  fullRefreshNeeded_ = false;
  ++refreshCount_;
}

QString DashboardPage::visibleCsv() const {
  QString csv = QStringLiteral("plot,series,unit,time_ms,value\n");
  for (const TelemetryPlot* plot : {vramPlot_, launchesPlot_, latencyPlot_, bandwidthPlot_}) {
    for (int series = 0; series < plot->seriesCount(); ++series) {
      for (const auto& [seconds, value] : plot->seriesData(series)) {
        csv += csvField(plot->objectName()) + QLatin1Char(',') + csvField(plot->seriesName(series)) + QLatin1Char(',') +
               csvField(plot->unit()) + QLatin1Char(',') +
               QString::number(static_cast<qint64>(std::llround(seconds * 1000.0))) + QLatin1Char(',') +
               QString::number(value, 'g', 10) + QLatin1Char('\n');
      }
    }
  }
  return csv;
}

bool DashboardPage::exportCsv(const QString& path, QString* error) const {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(visibleCsv().toUtf8()) < 0 || !file.commit()) {
    if (error != nullptr) {
      *error = tr("Cannot write %1: %2").arg(path, file.errorString());
    }
    return false;
  }
  return true;
}

bool DashboardPage::exportPng(const QString& path, QString* error) {
  if (!plots_->grab().save(path, "PNG")) {
    if (error != nullptr) {
      *error = tr("Cannot write %1").arg(path);
    }
    return false;
  }
  return true;
}

void DashboardPage::chooseFileAndExport(bool png) {
  const QString path =
      QFileDialog::getSaveFileName(this, png ? tr("Export plots as PNG") : tr("Export visible data as CSV"),
                                   png ? QStringLiteral("vgpu-dashboard.png") : QStringLiteral("vgpu-dashboard.csv"),
                                   png ? tr("PNG images (*.png)") : tr("CSV files (*.csv)"));
  if (path.isEmpty()) {
    return;
  }
  QString error;
  if (!(png ? exportPng(path, &error) : exportCsv(path, &error))) {
    QMessageBox::warning(this, tr("Export failed"), error);
  }
}

} // namespace vgpu::console

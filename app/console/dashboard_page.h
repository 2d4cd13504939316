// The dashboard: live plots of the virtual GPU — VRAM used against total, kernel launches per
// second, call latency p50/p95/p99 and copy bandwidth per direction — for one device, over all
// processes or the one selected (here or on the Processes page). Time window 1 minute to 1 hour,
// pause/resume, hover read-outs, legends, PNG/CSV export of what is visible. Redraws are coalesced:
// samples only mark the plots dirty and one queued refresh (at most 30 per second) appends the new
// points and replots. Without any shim process it shows how to start one.
#pragma once

#include "telemetry/telemetry_history.h"

#include <QTimer>
#include <QWidget>
#include <array>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QVBoxLayout;
class QPushButton;
class QStackedWidget;

namespace vgpu::console {

class TelemetryModel;
class TelemetryPlot;

class DashboardPage : public QWidget {
  Q_OBJECT
public:
  // The windows offered, in seconds (1 min … 1 h).
  static constexpr std::array<int, 4> kWindowSeconds = {60, 300, 900, 3600};
  static constexpr int kMinRefreshMs = 33; // ≤ 30 refreshes per second

  explicit DashboardPage(TelemetryModel* model, QWidget* parent = nullptr);

  TelemetryPlot* vramPlot() const { return vramPlot_; }
  TelemetryPlot* launchesPlot() const { return launchesPlot_; }
  TelemetryPlot* latencyPlot() const { return latencyPlot_; }
  TelemetryPlot* bandwidthPlot() const { return bandwidthPlot_; }

  // 0 = all processes of the device.
  void selectProcess(qint64 pid);
  qint64 selectedProcess() const { return selectedPid_; }
  int selectedDevice() const { return selectedDevice_; }
  void setWindowSeconds(int seconds);
  int windowSeconds() const { return windowSeconds_; }
  void setPaused(bool paused);
  bool paused() const { return paused_; }

  // Appends new points and replots now (the coalesced refresh calls this; so can tests).
  void refreshNow();
  int refreshCount() const { return refreshCount_; }
  bool refreshPending() const { return refreshTimer_.isActive(); }

  // The visible data of every plot: "plot,series,unit,time_ms,value" rows with a header.
  QString visibleCsv() const;
  bool exportCsv(const QString& path, QString* error) const;
  bool exportPng(const QString& path, QString* error);

signals:
  void processSelected(qint64 pid);

protected:
  void changeEvent(QEvent* event) override;

private:
  QHBoxLayout* buildControls();
  void buildPlotArea(QVBoxLayout* layout);
  void connectControls();
  void retranslate();
  // Shows the simulated-device note when any shown process is simulated, worded for some or all.
  void updateSimulatedNote();
  void onProcessesChanged();
  void onSamplesAdded();
  void rebuild();
  void updatePlots(bool full);
  QList<controller::telemetry::Point> points(controller::telemetry::Metric metric, std::int64_t sinceMs) const;
  void chooseFileAndExport(bool png);

  TelemetryModel* model_;
  qint64 selectedPid_ = 0;
  int selectedDevice_ = 0;
  int windowSeconds_ = 300;
  bool paused_ = false;
  bool fullRefreshNeeded_ = true;
  int refreshCount_ = 0;
  QTimer refreshTimer_;

  QStackedWidget* stack_ = nullptr;
  QLabel* emptyState_ = nullptr;
  QComboBox* deviceCombo_ = nullptr;
  QComboBox* processCombo_ = nullptr;
  QComboBox* windowCombo_ = nullptr;
  QPushButton* pauseButton_ = nullptr;
  QCheckBox* latencyLog_ = nullptr;
  QPushButton* exportPngButton_ = nullptr;
  QPushButton* exportCsvButton_ = nullptr;
  QLabel* simulatedNote_ = nullptr;
  QLabel* readout_ = nullptr;
  QLabel* deviceLabel_ = nullptr;
  QLabel* processLabel_ = nullptr;
  QLabel* windowLabel_ = nullptr;
  QWidget* plots_ = nullptr;
  TelemetryPlot* vramPlot_ = nullptr;
  TelemetryPlot* launchesPlot_ = nullptr;
  TelemetryPlot* latencyPlot_ = nullptr;
  TelemetryPlot* bandwidthPlot_ = nullptr;
};

} // namespace vgpu::console

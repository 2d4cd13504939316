// TelemetryPlot: one of the dashboard's live plots — named series of (time, value) over a sliding
// time window, drawn by QCustomPlot. Points are appended incrementally (a refresh costs the new
// points, not the whole hour), points older than the window are dropped, and the value axis can be
// linear or logarithmic. Hovering shows a read-out of every series at the cursor's time, in text
// (never colour alone). Values are stored already divided by the plot's unit (e.g. bytes → GiB).
// Background, axes, grid, tick labels and legend follow the widget's palette (a dark desktop
// theme gives a dark plot), re-applied whenever the palette changes.
#pragma once

#include "telemetry/telemetry_history.h"

#include <QList>
#include <QPen>
#include <QString>
#include <qcustomplot.h>

namespace vgpu::console {

class TelemetryPlot : public QCustomPlot {
  Q_OBJECT
public:
  TelemetryPlot(const QString& objectName, QWidget* parent = nullptr);

  // Adds a series (a graph with a legend entry); returns its index.
  int addSeries(const QString& name, const QPen& pen);
  int seriesCount() const { return graphCount(); }
  void setSeriesName(int series, const QString& name);
  QString seriesName(int series) const;

  // Raw values are divided by `divisor` and labelled with `unit` (e.g. 2^30, "GiB").
  void setUnit(double divisor, const QString& unit);
  QString unit() const { return unit_; }
  void setTitle(const QString& title);
  QString title() const { return title_; }

  // Appends the points newer than the series' newest (older ones are already drawn).
  void appendPoints(int series, const QList<controller::telemetry::Point>& points);
  // Replaces a series' points (after a change of selection or window).
  void replacePoints(int series, const QList<controller::telemetry::Point>& points);
  // Time (ms) of the series' newest point, or nullopt when empty.
  std::optional<std::int64_t> newestTimeMs(int series) const;
  // Values (in the plot's unit) of a series, oldest first — what tests and CSV export read.
  QList<QPair<double, double>> seriesData(int series) const; // (seconds since the epoch, value)
  void clearAll();

  // Shows [nowMs − windowMs, nowMs] and drops older points; rescales the value axis.
  void setWindow(std::int64_t nowMs, std::int64_t windowMs);
  void setLogarithmic(bool logarithmic);
  bool logarithmic() const { return logarithmic_; }

  // "12:03:04 — p50 1.2 µs, p95 …": every series' value at the time nearest to `seconds`.
  QString readoutAt(double seconds) const;

signals:
  void readoutChanged(const QString& text);

protected:
  void changeEvent(QEvent* event) override;

private:
  // Takes the plot's non-series colours from palette() and queues a replot.
  void applyPalette();
  void onMouseMove(QMouseEvent* event);
  void rescaleValues();

  QString title_;
  QString unit_;
  double divisor_ = 1.0;
  bool logarithmic_ = false;
  QCPItemStraightLine* cursor_ = nullptr;
};

} // namespace vgpu::console

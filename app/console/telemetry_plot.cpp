// TelemetryPlot: QCustomPlot set up for live telemetry (see telemetry_plot.h).
#include "telemetry_plot.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>
#include <array>
#include <cmath>

namespace vgpu::console {

namespace {

constexpr int kMarkersPerLine = 12;

double seconds(std::int64_t timeMs) {
  return static_cast<double>(timeMs) / 1000.0;
}

} // namespace

TelemetryPlot::TelemetryPlot(const QString& objectName, QWidget* parent) : QCustomPlot(parent) {
  setObjectName(objectName);
  setMinimumHeight(170);
  setFocusPolicy(Qt::StrongFocus); // reachable by keyboard (Tab), so the accessible name is read
  setNoAntialiasingOnDrag(true);
  setPlottingHint(QCP::phCacheLabels, true);
  // Thousands of points per plot: polylines drawn in one call and lines without antialiasing keep
  // a replot in milliseconds (antialiased, segment-by-segment lines cost ~100x more).
  setPlottingHint(QCP::phFastPolylines, true);
  setNotAntialiasedElements(QCP::aePlottables);

  auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
  ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
  ticker->setDateTimeSpec(Qt::LocalTime);
  xAxis->setTicker(ticker);
  legend->setVisible(true);
  legend->setFont(QFont(font().family(), qMax(7, font().pointSize() - 1)));
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);

  cursor_ = new QCPItemStraightLine(this);
  cursor_->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
  cursor_->setVisible(false);
  connect(this, &QCustomPlot::mouseMove, this, &TelemetryPlot::onMouseMove);
  applyPalette();
}

// QCustomPlot paints with its own fixed colours (white background, black axes); a dark desktop
// theme would show a white rectangle with black text on it. The palette's roles say what the
// theme wants: Base behind data (as in item views), Text for axes, labels and legend text.
void TelemetryPlot::applyPalette() {
  const QPalette colours = palette();
  const QColor base = colours.color(QPalette::Base);
  const QColor text = colours.color(QPalette::Text);
  // Grid lines a fifth of the way from the background towards the text: visible, never loud.
  const QColor grid((base.red() * 4 + text.red()) / 5, (base.green() * 4 + text.green()) / 5,
                    (base.blue() * 4 + text.blue()) / 5);
  setBackground(QBrush(base));
  for (QCPAxis* axis : axisRect()->axes()) {
    axis->setBasePen(QPen(text));
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    axis->grid()->setSubGridPen(QPen(grid, 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(QPen(grid));
  }
  legend->setBrush(QBrush(base));
  legend->setBorderPen(QPen(text));
  legend->setTextColor(text);
  replot(QCustomPlot::rpQueuedReplot);
}

void TelemetryPlot::changeEvent(QEvent* event) {
  QCustomPlot::changeEvent(event);
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) {
    applyPalette();
  }
}

int TelemetryPlot::addSeries(const QString& name, const QPen& pen) {
  // Marker shapes tell the series apart without colour: none, squares, triangles, crosses.
  static const std::array<QCPScatterStyle::ScatterShape, 4> shapes = {
      QCPScatterStyle::ssNone, QCPScatterStyle::ssSquare, QCPScatterStyle::ssTriangle, QCPScatterStyle::ssCross};
  QCPGraph* graph = addGraph();
  graph->setName(name);
  graph->setPen(pen);
  graph->setScatterStyle(QCPScatterStyle(shapes[static_cast<std::size_t>(graphCount() - 1) % shapes.size()], 6));
  graph->setAdaptiveSampling(true); // thousands of points per pixel column stay cheap to draw
  return graphCount() - 1;
}

void TelemetryPlot::setSeriesName(int series, const QString& name) {
  graph(series)->setName(name);
}

QString TelemetryPlot::seriesName(int series) const {
  return graph(series)->name();
}

void TelemetryPlot::setUnit(double divisor, const QString& unit) {
  divisor_ = divisor > 0 ? divisor : 1.0;
  unit_ = unit;
  yAxis->setLabel(title_.isEmpty() ? unit_ : title_ + QStringLiteral(" (") + unit_ + QLatin1Char(')'));
}

void TelemetryPlot::setTitle(const QString& title) {
  title_ = title;
  setUnit(divisor_, unit_);
}

void TelemetryPlot::appendPoints(int series, const QList<controller::telemetry::Point>& points) {
  QCPGraph* target = graph(series);
  const std::optional<std::int64_t> newest = newestTimeMs(series);
  for (const controller::telemetry::Point& point : points) {
    if (newest && point.timeMs <= *newest) {
      continue;
    }
    target->addData(seconds(point.timeMs), point.value / divisor_);
  }
}

void TelemetryPlot::replacePoints(int series, const QList<controller::telemetry::Point>& points) {
  QVector<QCPGraphData> graphData;
  graphData.reserve(points.size());
  for (const controller::telemetry::Point& point : points) {
    graphData.append(QCPGraphData(seconds(point.timeMs), point.value / divisor_));
  }
  graph(series)->data()->set(graphData, true);
}

std::optional<std::int64_t> TelemetryPlot::newestTimeMs(int series) const {
  const auto graphData = graph(series)->data();
  if (graphData->isEmpty()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround((graphData->constEnd() - 1)->key * 1000.0));
}

QList<QPair<double, double>> TelemetryPlot::seriesData(int series) const {
  QList<QPair<double, double>> result;
  const auto graphData = graph(series)->data();
  result.reserve(graphData->size());
  for (auto it = graphData->constBegin(); it != graphData->constEnd(); ++it) {
    result.append({it->key, it->value});
  }
  return result;
}

void TelemetryPlot::clearAll() {
  for (int i = 0; i < graphCount(); ++i) {
    graph(i)->data()->clear();
  }
}

void TelemetryPlot::setWindow(std::int64_t nowMs, std::int64_t windowMs) {
  const double end = seconds(nowMs);
  const double begin = seconds(nowMs - windowMs);
  for (int i = 0; i < graphCount(); ++i) {
    graph(i)->data()->removeBefore(begin);
  }
  xAxis->setRange(begin, end);
  for (int i = 0; i < graphCount(); ++i) {
    // About a dozen markers per line, wherever the data's density.
    graph(i)->setScatterSkip(std::max(0, graph(i)->data()->size() / kMarkersPerLine - 1));
  }
  rescaleValues();
}

void TelemetryPlot::setLogarithmic(bool logarithmic) {
  logarithmic_ = logarithmic;
  yAxis->setScaleType(logarithmic ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (logarithmic) {
    yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  } else {
    yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  }
  rescaleValues();
}

void TelemetryPlot::rescaleValues() {
  bool found = false;
  QCPRange range;
  for (int i = 0; i < graphCount(); ++i) {
    bool seriesFound = false;
    const QCPRange seriesRange =
        graph(i)->getValueRange(seriesFound, logarithmic_ ? QCP::sdPositive : QCP::sdBoth, xAxis->range());
    if (seriesFound) {
      range = found ? QCPRange(std::min(range.lower, seriesRange.lower), std::max(range.upper, seriesRange.upper))
                    : seriesRange;
      found = true;
    }
  }
  if (!found) {
    yAxis->setRange(logarithmic_ ? QCPRange(1, 10) : QCPRange(0, 1));
    return;
  }
  if (logarithmic_) {
    yAxis->setRange(range.lower / 2, range.upper * 2);
  } else {
    const double upper = range.upper > 0 ? range.upper * 1.1 : 1.0;
    yAxis->setRange(std::min(0.0, range.lower), upper);
  }
}

QString TelemetryPlot::readoutAt(double atSeconds) const {
  QStringList parts;
  double shownTime = atSeconds;
  for (int i = 0; i < graphCount(); ++i) {
    const auto graphData = graph(i)->data();
    if (graphData->isEmpty()) {
      continue;
    }
    auto it = graphData->findBegin(atSeconds, false);
    if (it == graphData->constEnd()) {
      --it;
    }
    // The nearer of the two neighbours.
    if (it != graphData->constBegin()) {
      const auto before = it - 1;
      if (std::abs(before->key - atSeconds) < std::abs(it->key - atSeconds)) {
        it = before;
      }
    }
    shownTime = it->key;
    parts.append(QStringLiteral("%1 %2 %3").arg(graph(i)->name(), QLocale().toString(it->value, 'g', 4), unit_));
  }
  if (parts.isEmpty()) {
    return {};
  }
  const QString time = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::llround(shownTime * 1000.0)))
                           .toString(QStringLiteral("HH:mm:ss"));
  return title_ + QStringLiteral(" @ ") + time + QStringLiteral(": ") + parts.join(QStringLiteral(", "));
}

void TelemetryPlot::onMouseMove(QMouseEvent* event) {
  const double key = xAxis->pixelToCoord(event->position().x());
  const QString text = readoutAt(key);
  cursor_->point1->setCoords(key, 0);
  cursor_->point2->setCoords(key, 1);
  cursor_->setVisible(!text.isEmpty());
  replot(QCustomPlot::rpQueuedReplot);
  emit readoutChanged(text);
}

} // namespace vgpu::console

// The status header's rendering: every shown word goes through tr(); a simulated device is named
// as simulated in the placement, the GPU item and an alert, and the header turns amber, because a
// simulated GPU must never pass for a real one. Degraded states turn it red, all well green.
#include "status_header.h"

#include "telemetry/process_summary.h"

#include <QColor>
#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QPalette>
#include <QProgressBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace vgpu::console {

using controller::status::AlertKind;
using controller::status::MachineStatus;
using controller::status::OllamaState;
using controller::status::Placement;
using controller::status::StatusAlert;
using controller::status::StatusPage;
using controller::status::Verdict;
using controller::status::WorkPlace;

namespace {

constexpr const char* kPageProperty = "statusPage";

} // namespace

StatusHeader::StatusHeader(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("statusHeader"));
  setFrameShape(QFrame::StyledPanel);
  auto* rows = new QVBoxLayout(this);
  rows->setContentsMargins(6, 4, 6, 4);
  rows->setSpacing(2);
  auto* first = new QHBoxLayout;
  rows->addLayout(first);
  ollama_ = addItem(first, QStringLiteral("statusOllama"));
  placement_ = addItem(first, QStringLiteral("statusPlacement"));
  first->addStretch(1);
  vram_ = addItem(first, QStringLiteral("statusVram"));
  vramBar_ = new QProgressBar(this);
  vramBar_->setObjectName(QStringLiteral("statusVramBar"));
  vramBar_->setRange(0, 1000); // per mille: byte counts overflow the bar's int
  vramBar_->setTextVisible(false);
  vramBar_->setMaximumWidth(160);
  first->addWidget(vramBar_);
  // The GPU on its own row: a long endpoint (tcp:host:port) must not push the VRAM bar off, nor
  // force the window wider (an explicit minimum width overrides the text's); the tooltip carries
  // the whole text when it is cut.
  auto* second = new QHBoxLayout;
  rows->addLayout(second);
  gpu_ = addItem(second, QStringLiteral("statusGpu"));
  gpu_->setMinimumWidth(120);
  second->addStretch(1);
  alertLayout_ = new QHBoxLayout;
  alertLayout_->setAlignment(Qt::AlignLeft);
  rows->addLayout(alertLayout_);
  render();
}

QToolButton* StatusHeader::addItem(QHBoxLayout* layout, const QString& objectName) {
  auto* item = new QToolButton(this);
  item->setObjectName(objectName);
  item->setAutoRaise(true); // reads as text, clicks as a link
  item->setCursor(Qt::PointingHandCursor);
  item->setToolButtonStyle(Qt::ToolButtonTextOnly);
  connect(item, &QToolButton::clicked, this,
          [this, item] { emit pageRequested(static_cast<StatusPage>(item->property(kPageProperty).toInt())); });
  layout->addWidget(item);
  return item;
}

void StatusHeader::setItemPage(QToolButton* item, StatusPage page) {
  item->setProperty(kPageProperty, static_cast<int>(page));
  item->setToolTip(tr("Open the %1 page").arg(pageTitle(page)));
}

QString StatusHeader::pageTitle(StatusPage page) {
  switch (page) {
  case StatusPage::Dashboard: return tr("Dashboard");
  case StatusPage::Processes: return tr("Processes");
  case StatusPage::Hosts: return tr("Hosts");
  case StatusPage::Service: return tr("Service");
  case StatusPage::Diagnostics: return tr("Diagnostics");
  case StatusPage::Configuration: return tr("Configuration");
  }
  return QString();
}

void StatusHeader::setStatus(const MachineStatus& status) {
  status_ = status;
  render();
  Q_EMIT statusChanged(status_);
}

QString StatusHeader::summary() const {
  QStringList parts;
  for (const QToolButton* item : {ollama_, placement_, gpu_, vram_}) {
    if (!item->text().isEmpty()) {
      parts.append(item->text().remove(QLatin1Char('&')));
    }
  }
  for (const QToolButton* alert : alerts_) {
    parts.append(alert->text().remove(QLatin1Char('&')));
  }
  return parts.join(u'\n');
}

namespace {

// The application's palette, as the desktop theme sets it: the header's own Window colour is its
// tint once render() has set one.
bool darkTheme() {
  return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

} // namespace

void StatusHeader::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) {
    render();
  } else if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) &&
             darkTheme() != darkStyle_) {
    // A desktop theme switched between light and dark (only then: render() sets the palette too).
    render();
  }
  QFrame::changeEvent(event);
}

namespace {

QString ollamaText(const MachineStatus& status) {
  QString state;
  switch (status.ollama) {
  case OllamaState::NotInstalled: state = StatusHeader::tr("Ollama: not installed"); break;
  case OllamaState::Inactive: state = StatusHeader::tr("Ollama: not running"); break;
  case OllamaState::Active: state = StatusHeader::tr("Ollama: running"); break;
  case OllamaState::Unknown: state = StatusHeader::tr("Ollama: state unknown"); break;
  }
  return status.ollamaVersion.isEmpty() ? state : StatusHeader::tr("%1 (%2)").arg(state, status.ollamaVersion);
}

QString placementText(const MachineStatus& status) {
  switch (status.placement) {
  case Placement::Gpu: return StatusHeader::tr("on the GPU (%n runner(s))", nullptr, status.runners);
  case Placement::Cpu:
    return StatusHeader::tr("on the CPU: %1 of %n runner(s) without the CUDA backend", nullptr, status.runners)
        .arg(status.runnersOnCpu);
  case Placement::Simulated: return StatusHeader::tr("on a SIMULATED device (%n runner(s))", nullptr, status.runners);
  case Placement::Idle: return StatusHeader::tr("idle: no model loaded");
  case Placement::None: return StatusHeader::tr("no Ollama process runs");
  case Placement::Unknown: return StatusHeader::tr("runners not examined");
  }
  return QString();
}

QString workPlaceText(const WorkPlace& where) {
  if (where.simulated) {
    return where.inProcess || where.endpoint.isEmpty()
               ? StatusHeader::tr("SIMULATED in the process, kernels are not run")
               : StatusHeader::tr("SIMULATED in vgpud at %1, kernels are not run").arg(where.endpoint);
  }
  return where.endpoint.isEmpty() ? StatusHeader::tr("executed: unknown")
                                  : StatusHeader::tr("vgpud at %1").arg(where.endpoint);
}

QString gpuText(const MachineStatus& status) {
  if (status.gpus.isEmpty()) {
    return StatusHeader::tr("No GPU presented now (configured: %1)").arg(workPlaceText(status.configured));
  }
  QStringList names;
  for (const controller::status::StatusGpu& gpu : status.gpus) {
    names.append(StatusHeader::tr("%1 — %2").arg(gpu.name, workPlaceText(gpu.where)));
  }
  return names.join(QStringLiteral("; "));
}

QString alertText(const StatusAlert& alert) {
  switch (alert.kind) {
  case AlertKind::NoOllama: return StatusHeader::tr("⚠ Ollama is not installed");
  case AlertKind::OllamaInactive: return StatusHeader::tr("⚠ ollama.service is not running");
  case AlertKind::CpuFallback: return StatusHeader::tr("⚠ CPU fallback: a runner has no CUDA backend");
  case AlertKind::VgpudUnreachable: return StatusHeader::tr("⚠ vgpud unreachable");
  case AlertKind::SimulatedDevice: return StatusHeader::tr("⚠ Simulated device: no GPU runs the kernels");
  case AlertKind::TelemetryUnreadable: return StatusHeader::tr("⚠ A shim process could not be read");
  }
  return QString();
}

// Green, amber or red as a light tint under a light palette and a dark one under a dark palette,
// so the palette's own text colour stays readable on it.
QColor headerTint(Verdict verdict, bool dark) {
  switch (verdict) {
  case Verdict::Gpu: return dark ? QColor(0x1f, 0x3d, 0x22) : QColor(0xe3, 0xf4, 0xe1);
  case Verdict::Simulated: return dark ? QColor(0x4a, 0x3a, 0x12) : QColor(0xff, 0xe7, 0xb3);
  case Verdict::Degraded:
  case Verdict::NoOllama: return dark ? QColor(0x4d, 0x23, 0x23) : QColor(0xfb, 0xdc, 0xdc);
  }
  return {};
}

} // namespace

void StatusHeader::render() {
  setAccessibleName(tr("Machine status"));
  // Only the background role is the header's own: the rest (text included) follows the
  // application's palette, whose changes then reach changeEvent().
  darkStyle_ = darkTheme();
  QPalette tint;
  tint.setColor(QPalette::Window, headerTint(status_.verdict(), darkStyle_));
  setPalette(tint);
  setAutoFillBackground(true);
  // Screen readers read the item's role, then its text (the text is the state, it changes).
  ollama_->setAccessibleName(tr("Ollama state"));
  placement_->setAccessibleName(tr("Where Ollama's runners work"));
  gpu_->setAccessibleName(tr("GPU and where its work runs"));
  vram_->setAccessibleName(tr("VRAM used"));
  ollama_->setText(ollamaText(status_));
  setItemPage(ollama_, MachineStatus::ollamaPage());
  placement_->setText(placementText(status_));
  setItemPage(placement_, status_.placementPage());
  gpu_->setText(gpuText(status_));
  // The GPU's name is explained by the Processes page; where a non-simulated device's work runs
  // by the Hosts page (vgpud); the item goes where the more important of the two is.
  setItemPage(gpu_, status_.workPlacePage());
  gpu_->setToolTip(tr("%1 — open the %2 page").arg(gpu_->text(), pageTitle(status_.workPlacePage())));
  if (status_.vramUsedBytes && status_.vramTotalBytes) {
    using controller::telemetry::humanBytes;
    vram_->setText(tr("VRAM %1 of %2").arg(humanBytes(*status_.vramUsedBytes), humanBytes(*status_.vramTotalBytes)));
    const double share = *status_.vramTotalBytes == 0 ? 0.0
                                                      : static_cast<double>(*status_.vramUsedBytes) /
                                                            static_cast<double>(*status_.vramTotalBytes);
    vramBar_->setValue(static_cast<int>(std::min(share, 1.0) * 1000.0));
    vramBar_->setEnabled(true);
  } else {
    vram_->setText(tr("VRAM unknown"));
    vramBar_->setValue(0);
    vramBar_->setEnabled(false);
  }
  vramBar_->setAccessibleName(vram_->text());
  setItemPage(vram_, MachineStatus::vramPage());
  renderAlerts();
}

void StatusHeader::renderAlerts() {
  qDeleteAll(alerts_);
  alerts_.clear();
  for (const StatusAlert& alert : status_.alerts) {
    QToolButton* item = addItem(alertLayout_, QStringLiteral("statusAlert%1").arg(alerts_.size()));
    item->setText(alertText(alert));
    item->setAccessibleName(tr("Alert"));
    setItemPage(item, alert.page);
    // The finding's own words (the doctor's, systemd's) stay untranslated, as in the report.
    item->setToolTip(tr("%1 — open the %2 page").arg(alert.detail, pageTitle(alert.page)));
    alerts_.append(item);
  }
  if (alerts_.isEmpty()) {
    QToolButton* item = addItem(alertLayout_, QStringLiteral("statusAlert0"));
    item->setText(tr("No alerts"));
    item->setAccessibleName(tr("Alerts"));
    setItemPage(item, StatusPage::Diagnostics);
    alerts_.append(item);
  }
}

} // namespace vgpu::console

// Processes page: the table of shim processes (see processes_page.h).
#include "processes_page.h"

#include "telemetry/process_summary.h"
#include "telemetry_model.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vgpu::console {

namespace telemetry = controller::telemetry;

namespace {

enum Column { Pid, User, Executable, Device, Backend, Vram, Launches, ColumnCount };

QTableWidgetItem* item(const QString& text, qint64 pid, bool number = false) {
  auto* cell = new QTableWidgetItem(text);
  cell->setData(Qt::UserRole, pid);
  cell->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  if (number) {
    cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  return cell;
}

} // namespace

ProcessesPage::ProcessesPage(TelemetryModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  setObjectName(QStringLiteral("processesPage"));
  auto* layout = new QVBoxLayout(this);
  intro_ = new QLabel(this);
  intro_->setObjectName(QStringLiteral("processesIntro"));
  intro_->setWordWrap(true);
  layout->addWidget(intro_);

  table_ = new QTableWidget(0, ColumnCount, this);
  table_->setObjectName(QStringLiteral("processTable"));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setSortingEnabled(false);
  layout->addWidget(table_, 1);

  showAll_ = new QPushButton(this);
  showAll_->setObjectName(QStringLiteral("processesShowAll"));
  layout->addWidget(showAll_, 0, Qt::AlignLeft);

  connect(table_, &QTableWidget::itemSelectionChanged, this, &ProcessesPage::onSelectionChanged);
  connect(showAll_, &QPushButton::clicked, this, [this] {
    table_->clearSelection();
    emit processSelected(0);
  });
  connect(model_, &TelemetryModel::processesChanged, this, &ProcessesPage::refresh);
  refreshTimer_.setInterval(1000);
  connect(&refreshTimer_, &QTimer::timeout, this, &ProcessesPage::refresh);
  refreshTimer_.start();
  retranslate();
  refresh();
}

void ProcessesPage::retranslate() {
  intro_->setText(tr("Processes that use the vgpu shim on this machine. Select one to show only its figures on the "
                     "dashboard."));
  table_->setAccessibleName(tr("Shim processes"));
  table_->setHorizontalHeaderLabels(
      {tr("PID"), tr("User"), tr("Executable"), tr("Device"), tr("Backend"), tr("VRAM"), tr("Launches/s")});
  showAll_->setText(tr("Show &all processes"));
  showAll_->setAccessibleName(tr("Show all processes on the dashboard"));
}

void ProcessesPage::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) {
    retranslate();
  }
  QWidget::changeEvent(event);
}

void ProcessesPage::refresh() {
  const QList<QTableWidgetItem*> selected = table_->selectedItems();
  const qint64 selectedPid = selected.isEmpty() ? 0 : selected.first()->data(Qt::UserRole).toLongLong();
  updating_ = true;
  const QList<qint64> pids = model_->processes();
  table_->setRowCount(static_cast<int>(pids.size()));
  int row = 0;
  const QLocale locale;
  for (const qint64 pid : pids) {
    const telemetry::ProcessSummary summary = model_->summary(pid);
    // A simulated device is never shown as a plain GPU: the backend cell says where it is simulated.
    const QString backend =
        summary.simulated
            ? (summary.backend == QLatin1String("simulated") ? tr("simulated, in this process")
                                                             : tr("simulated, in vgpud (%1)").arg(summary.endpoint))
        : summary.endpoint.isEmpty() ? summary.backend
                                     : summary.backend + QStringLiteral(" (") + summary.endpoint + QLatin1Char(')');
    table_->setItem(row, Pid, item(QString::number(pid), pid, true));
    table_->setItem(row, User, item(summary.user, pid));
    table_->setItem(row, Executable, item(summary.executable, pid));
    table_->setItem(row, Device, item(summary.devices.join(QStringLiteral(", ")), pid));
    table_->setItem(row, Backend, item(backend, pid));
    if (summary.simulated) {
      table_->item(row, Backend)
          ->setToolTip(tr("No GPU runs this process's kernels: they are validated and counted, never executed."));
    }
    table_->setItem(row, Vram, item(telemetry::humanBytes(summary.vramUsedBytes), pid, true));
    table_->setItem(row, Launches, item(locale.toString(summary.launchesPerSecond, 'f', 1), pid, true));
    if (pid == selectedPid) {
      table_->selectRow(row);
    }
    ++row;
  }
  table_->resizeColumnsToContents();
  updating_ = false;
}

void ProcessesPage::showSelection(qint64 pid) {
  updating_ = true;
  table_->clearSelection();
  for (int row = 0; row < table_->rowCount(); ++row) {
    if (table_->item(row, Pid)->data(Qt::UserRole).toLongLong() == pid) {
      table_->selectRow(row);
    }
  }
  updating_ = false;
}

void ProcessesPage::onSelectionChanged() {
  if (updating_) {
    return;
  }
  const QList<QTableWidgetItem*> selected = table_->selectedItems();
  if (!selected.isEmpty()) {
    emit processSelected(selected.first()->data(Qt::UserRole).toLongLong());
  }
}

} // namespace vgpu::console

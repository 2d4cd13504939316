// Processes page: the table of shim processes (see processes_page.h).
#include "processes_page.h"

#include "telemetry/process_summary.h"
#include "telemetry_model.h"

#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <unistd.h>

namespace vgpu::console {

namespace telemetry = controller::telemetry;

namespace {

enum Column { Pid, User, Executable, Device, Backend, Vram, Launches, ColumnCount };

// What a numeric column sorts by: the number behind the text ("2.0 GiB" before "10.0 GiB").
constexpr int kSortRole = Qt::UserRole + 1;

class SortableItem : public QTableWidgetItem {
public:
  using QTableWidgetItem::QTableWidgetItem;
  bool operator<(const QTableWidgetItem& other) const override {
    const QVariant mine = data(kSortRole);
    const QVariant theirs = other.data(kSortRole);
    if (mine.isValid() && theirs.isValid()) {
      return mine.toDouble() < theirs.toDouble();
    }
    return QTableWidgetItem::operator<(other);
  }
};

QTableWidgetItem* item(const QString& text, qint64 pid, std::optional<double> number = std::nullopt) {
  auto* cell = new SortableItem(text);
  cell->setData(Qt::UserRole, pid);
  cell->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  if (number) {
    cell->setData(kSortRole, *number);
    cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  return cell;
}

bool askToStop(QWidget* parent, const QString& question) {
  return QMessageBox::question(parent, ProcessesPage::tr("Stop process"), question,
                               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
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
  table_->setSortingEnabled(true);
  table_->sortByColumn(Pid, Qt::AscendingOrder);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  layout->addWidget(table_, 1);
  confirm_ = [this](const QString& question) { return askToStop(this, question); };

  showAll_ = new QPushButton(this);
  showAll_->setObjectName(QStringLiteral("processesShowAll"));
  layout->addWidget(showAll_, 0, Qt::AlignLeft);

  connect(table_, &QTableWidget::itemSelectionChanged, this, &ProcessesPage::onSelectionChanged);
  connect(showAll_, &QPushButton::clicked, this, [this] {
    table_->clearSelection();
    emit processSelected(0);
  });
  connect(table_, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    const QTableWidgetItem* cell = table_->itemAt(at);
    if (cell == nullptr) {
      return;
    }
    QMenu* menu = createContextMenu(cell->data(Qt::UserRole).toLongLong());
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(table_->viewport()->mapToGlobal(at));
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
  // Rows are written in the model's order, then sorted once by the header's choice.
  table_->setSortingEnabled(false);
  const QList<qint64> pids = model_->processes();
  table_->setRowCount(static_cast<int>(pids.size()));
  QHash<qint64, std::optional<ProcessIdentity>> identities;
  int row = 0;
  for (const qint64 pid : pids) {
    // First sight fixes the identity: a later stop goes to this process or to none.
    identities.insert(pid, identities_.contains(pid) ? identities_.value(pid) : readProcessIdentity(pid));
    fillRow(row, pid);
    if (pid == selectedPid) {
      table_->selectRow(row);
    }
    ++row;
  }
  identities_ = identities;
  table_->setSortingEnabled(true);
  table_->resizeColumnsToContents();
  updating_ = false;
}

void ProcessesPage::fillRow(int row, qint64 pid) {
  const telemetry::ProcessSummary summary = model_->summary(pid);
  // A simulated device is never shown as a plain GPU: the backend cell says where it is simulated.
  const QString backend =
      summary.simulated
          ? (summary.backend == QLatin1String("simulated") ? tr("simulated, in this process")
                                                           : tr("simulated, in vgpud (%1)").arg(summary.endpoint))
      : summary.endpoint.isEmpty() ? summary.backend
                                   : summary.backend + QStringLiteral(" (") + summary.endpoint + QLatin1Char(')');
  table_->setItem(row, Pid, item(QString::number(pid), pid, static_cast<double>(pid)));
  table_->setItem(row, User, item(summary.user, pid));
  table_->setItem(row, Executable, item(summary.executable, pid));
  table_->setItem(row, Device, item(summary.devices.join(QStringLiteral(", ")), pid));
  table_->setItem(row, Backend, item(backend, pid));
  if (summary.simulated) {
    table_->item(row, Backend)
        ->setToolTip(tr("No GPU runs this process's kernels: they are validated and counted, never executed."));
  }
  table_->setItem(row, Vram,
                  item(telemetry::humanBytes(summary.vramUsedBytes), pid, static_cast<double>(summary.vramUsedBytes)));
  table_->setItem(row, Launches,
                  item(QLocale().toString(summary.launchesPerSecond, 'f', 1), pid, summary.launchesPerSecond));
}

int ProcessesPage::rowOf(qint64 pid) const {
  for (int row = 0; row < table_->rowCount(); ++row) {
    if (table_->item(row, Pid) != nullptr && table_->item(row, Pid)->data(Qt::UserRole).toLongLong() == pid) {
      return row;
    }
  }
  return -1;
}

QString ProcessesPage::whyNotStoppable(qint64 pid) const {
  if (model_->summary(pid).uid != ::getuid()) {
    return tr("This process belongs to another user; stop it as that user or as root.");
  }
  if (!identities_.value(pid)) {
    return tr("This process was not found in /proc when it was listed, so it cannot be stopped from here.");
  }
  return {};
}

QMenu* ProcessesPage::createContextMenu(qint64 pid) {
  auto* menu = new QMenu(this);
  menu->setObjectName(QStringLiteral("processContextMenu"));
  menu->setAccessibleName(tr("Process actions"));
  menu->setToolTipsVisible(true); // the disabled Stop's tooltip says why
  QAction* copy = menu->addAction(tr("&Copy"), this, [this, pid] { copyRow(pid); });
  copy->setObjectName(QStringLiteral("processCopy"));
  QAction* show = menu->addAction(tr("Show in &dashboard"), this, [this, pid] { emit showInDashboard(pid); });
  show->setObjectName(QStringLiteral("processShowInDashboard"));
  menu->addSeparator();
  QAction* stop = menu->addAction(tr("&Stop process…"), this, [this, pid] { stopProcessOf(pid); });
  stop->setObjectName(QStringLiteral("processStop"));
  const QString why = whyNotStoppable(pid);
  stop->setEnabled(why.isEmpty());
  stop->setToolTip(why.isEmpty() ? tr("Send SIGTERM to process %1").arg(pid) : why);
  return menu;
}

void ProcessesPage::copyRow(qint64 pid) {
  const int row = rowOf(pid);
  if (row < 0) {
    return;
  }
  QStringList cells;
  for (int column = 0; column < ColumnCount; ++column) {
    cells.append(table_->item(row, column)->text());
  }
  QGuiApplication::clipboard()->setText(cells.join(u'\t'));
}

void ProcessesPage::stopProcessOf(qint64 pid) {
  const QString why = whyNotStoppable(pid);
  if (!why.isEmpty()) {
    emit statusMessage(why);
    return;
  }
  const telemetry::ProcessSummary summary = model_->summary(pid);
  if (!confirm_(tr("Stop process %1 (%2)? It receives SIGTERM and may lose unsaved work.")
                    .arg(pid)
                    .arg(summary.executable))) {
    return;
  }
  emit statusMessage(stopProcess(*identities_.value(pid), ::getuid()).message);
}

void ProcessesPage::showSelection(qint64 pid) {
  updating_ = true;
  table_->clearSelection();
  if (const int row = rowOf(pid); row >= 0) {
    table_->selectRow(row);
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

// Diagnostics page: the report tree, the run / apply / export buttons. Each status has one row
// in a table (icon, word); the doctor's texts (summaries, evidence, remedies) are shown as the
// doctor wrote them.
#include "diagnostics_page.h"

#include "background_task.h"
#include "change_applier.h"
#include "privilege_banner.h"

#include <QApplication>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStyle>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <array>

namespace vgpu::console {

namespace {

using controller::doctor::CheckStatus;

struct StatusLook {
  CheckStatus status;
  QStyle::StandardPixmap icon;
  const char* word; // translated in the DiagnosticsPage context
};

constexpr std::array kStatusLooks{
    StatusLook{CheckStatus::Pass, QStyle::SP_DialogApplyButton,
               QT_TRANSLATE_NOOP("vgpu::console::DiagnosticsPage", "Pass")},
    StatusLook{CheckStatus::Warn, QStyle::SP_MessageBoxWarning,
               QT_TRANSLATE_NOOP("vgpu::console::DiagnosticsPage", "Warning")},
    StatusLook{CheckStatus::Fail, QStyle::SP_MessageBoxCritical,
               QT_TRANSLATE_NOOP("vgpu::console::DiagnosticsPage", "Failed")},
    StatusLook{CheckStatus::Skip, QStyle::SP_MediaSkipForward,
               QT_TRANSLATE_NOOP("vgpu::console::DiagnosticsPage", "Skipped")},
};

const StatusLook& lookOf(CheckStatus status) {
  for (const StatusLook& look : kStatusLooks) {
    if (look.status == status) {
      return look;
    }
  }
  return kStatusLooks.back();
}

constexpr int kEntryIndexRole = Qt::UserRole;

QTreeWidgetItem* addChild(QTreeWidgetItem* parent, const QString& text) {
  auto* item = new QTreeWidgetItem(parent, QStringList{text});
  item->setToolTip(0, text);
  return item;
}

} // namespace

DiagnosticsPage::DiagnosticsPage(DoctorRun run, std::shared_ptr<ChangeApplier> applier, QWidget* parent)
    : QWidget(parent), run_(std::move(run)), applier_(std::move(applier)) {
  setObjectName(QStringLiteral("diagnosticsPage"));
  auto* layout = new QVBoxLayout(this);
  banner_ = new PrivilegeBanner(applier_, this);
  layout->addWidget(banner_);

  auto* buttons = new QHBoxLayout;
  runButton_ = new QPushButton(tr("R&un diagnostics"), this);
  runButton_->setObjectName(QStringLiteral("diagnosticsRun"));
  runButton_->setAccessibleName(tr("Run diagnostics"));
  applyButton_ = new QPushButton(tr("&Apply fix"), this);
  applyButton_->setObjectName(QStringLiteral("diagnosticsApplyFix"));
  applyButton_->setAccessibleName(tr("Apply the selected check's fix"));
  applyButton_->setEnabled(false);
  exportButton_ = new QPushButton(tr("&Export report…"), this);
  exportButton_->setObjectName(QStringLiteral("diagnosticsExport"));
  exportButton_->setAccessibleName(tr("Export the report as Markdown or JSON"));
  exportButton_->setEnabled(false);
  buttons->addWidget(runButton_);
  buttons->addWidget(applyButton_);
  buttons->addWidget(exportButton_);
  buttons->addStretch(1);
  layout->addLayout(buttons);

  summary_ = new QLabel(tr("Run the diagnostics to find out whether Ollama can use the virtual GPU."), this);
  summary_->setObjectName(QStringLiteral("diagnosticsSummary"));
  summary_->setAccessibleName(tr("Diagnostics summary"));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_);

  tree_ = new QTreeWidget(this);
  tree_->setObjectName(QStringLiteral("diagnosticsTree"));
  tree_->setAccessibleName(tr("Diagnostic results"));
  tree_->setHeaderLabels({tr("Check"), tr("Status")});
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  tree_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  details_ = new QTextBrowser(this);
  details_->setObjectName(QStringLiteral("diagnosticsDetails"));
  details_->setAccessibleName(tr("Details of the selected check"));
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->setObjectName(QStringLiteral("diagnosticsSplitter"));
  splitter->addWidget(tree_);
  splitter->addWidget(details_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 1);
  layout->addWidget(splitter, 1);

  connect(runButton_, &QPushButton::clicked, this, &DiagnosticsPage::runDiagnostics);
  connect(applyButton_, &QPushButton::clicked, this, &DiagnosticsPage::applyFix);
  connect(exportButton_, &QPushButton::clicked, this, &DiagnosticsPage::exportWithDialog);
  connect(tree_, &QTreeWidget::currentItemChanged, this, &DiagnosticsPage::updateApplyButton);
  connect(tree_, &QTreeWidget::currentItemChanged, this, &DiagnosticsPage::showDetails);
}

QString DiagnosticsPage::remedyText(const controller::doctor::Remedy& remedy) const {
  QString text = tr("Remedy: %1").arg(remedy.text);
  if (remedy.action) {
    const QString command = remedy.action->text();
    text += u' ' + tr("(\"Apply fix\" runs: vgpu-helper %1)").arg(command);
  }
  return text;
}

void DiagnosticsPage::runDiagnostics() {
  if (busy_) {
    return;
  }
  busy_ = true;
  runButton_->setEnabled(false);
  applyButton_->setEnabled(false);
  summary_->setText(tr("Running the diagnostics…"));
  runInBackground<controller::doctor::DoctorReport>(this, run_, [this](const controller::doctor::DoctorReport& report) {
    busy_ = false;
    runButton_->setEnabled(true);
    showReport(report);
    Q_EMIT finished();
  });
}

void DiagnosticsPage::showReport(const controller::doctor::DoctorReport& report) {
  report_ = report;
  haveReport_ = true;
  tree_->clear();
  for (qsizetype index = 0; index < report.entries.size(); ++index) {
    const controller::doctor::ReportEntry& entry = report.entries[index];
    const StatusLook& look = lookOf(entry.result.status);
    auto* item = new QTreeWidgetItem(tree_, QStringList{entry.title, tr(look.word)});
    item->setIcon(1, style()->standardIcon(look.icon));
    item->setData(0, kEntryIndexRole, QVariant::fromValue(index));
    item->setToolTip(0, entry.id);
    const controller::doctor::CheckResult& result = entry.result;
    if (!result.summary.isEmpty()) {
      addChild(item, tr("Result: %1").arg(result.summary));
    }
    if (!result.reason.isEmpty()) {
      addChild(item, tr("Skipped because: %1").arg(result.reason));
    }
    for (const controller::doctor::Evidence& evidence : result.evidence) {
      QTreeWidgetItem* evidenceItem = addChild(item, tr("Evidence: %1 (%2)").arg(evidence.what, evidence.where));
      if (!evidence.excerpt.isEmpty()) {
        addChild(evidenceItem, evidence.excerpt);
      }
    }
    if (result.remedy) {
      addChild(item, remedyText(*result.remedy));
    }
    if (result.status == CheckStatus::Fail || result.status == CheckStatus::Warn) {
      item->setExpanded(true);
    }
  }
  for (int row = 0; row < tree_->topLevelItemCount(); ++row) {
    QTreeWidgetItem* top = tree_->topLevelItem(row);
    for (int child = 0; child < top->childCount(); ++child) {
      top->child(child)->setFirstColumnSpanned(true);
    }
  }
  summary_->setText(tr("%1 passed, %2 warnings, %3 failed, %4 skipped.")
                        .arg(report.count(CheckStatus::Pass))
                        .arg(report.count(CheckStatus::Warn))
                        .arg(report.count(CheckStatus::Fail))
                        .arg(report.count(CheckStatus::Skip)));
  exportButton_->setEnabled(true);
  if (tree_->topLevelItemCount() > 0) {
    tree_->setCurrentItem(tree_->topLevelItem(0));
  }
  updateApplyButton();
}

const controller::doctor::ReportEntry* DiagnosticsPage::currentEntry() const {
  QTreeWidgetItem* item = tree_->currentItem();
  while (item != nullptr && item->parent() != nullptr) {
    item = item->parent();
  }
  if (item == nullptr) {
    return nullptr;
  }
  const qsizetype index = item->data(0, kEntryIndexRole).value<qsizetype>();
  return index >= 0 && index < report_.entries.size() ? &report_.entries[index] : nullptr;
}

void DiagnosticsPage::updateApplyButton() {
  const controller::doctor::ReportEntry* entry = currentEntry();
  const bool applicable = !busy_ && entry != nullptr && entry->result.remedy && entry->result.remedy->action;
  banner_->gate(applyButton_, applicable, banner_->helperUsable());
}

void DiagnosticsPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (!banner_->probed()) {
    banner_->probe();
    updateApplyButton();
  }
}

void DiagnosticsPage::applyFix() {
  const controller::doctor::ReportEntry* entry = currentEntry();
  if (busy_ || entry == nullptr || !entry->result.remedy || !entry->result.remedy->action) {
    return;
  }
  const controller::HelperCommand action = *entry->result.remedy->action;
  const QString title = entry->title;
  if (!consent_(action)) {
    summary_->setText(tr("Fix for \"%1\" not applied: nothing was changed.").arg(title));
    return;
  }
  busy_ = true;
  applyButton_->setEnabled(false);
  runButton_->setEnabled(false);
  summary_->setText(tr("Applying the fix for \"%1\"…").arg(title));
  std::shared_ptr<ChangeApplier> applier = applier_;
  runInBackground<controller::HelperReply>(
      this, [applier, action] { return applier->run(action); },
      [this, title](const controller::HelperReply& reply) {
        busy_ = false;
        runButton_->setEnabled(true);
        const QString text =
            reply.ok ? tr("Fix for \"%1\" applied: %2. Run the diagnostics again to confirm.").arg(title, reply.message)
                     : tr("Fix for \"%1\" failed: %2").arg(title, reply.message);
        summary_->setText(text);
        updateApplyButton();
        Q_EMIT fixApplied(text);
      });
}

void DiagnosticsPage::showDetails() {
  const controller::doctor::ReportEntry* entry = currentEntry();
  if (entry == nullptr) {
    details_->clear();
    return;
  }
  const controller::doctor::CheckResult& result = entry->result;
  QStringList lines{QStringLiteral("%1 — %2").arg(entry->title, tr(lookOf(result.status).word))};
  if (!result.summary.isEmpty()) {
    lines.append(tr("Result: %1").arg(result.summary));
  }
  if (!result.reason.isEmpty()) {
    lines.append(tr("Skipped because: %1").arg(result.reason));
  }
  for (const controller::doctor::Evidence& evidence : result.evidence) {
    lines.append(tr("Evidence: %1 (%2)").arg(evidence.what, evidence.where));
    if (!evidence.excerpt.isEmpty()) {
      lines.append(QStringLiteral("    ") + evidence.excerpt);
    }
  }
  if (result.remedy) {
    lines.append(remedyText(*result.remedy));
  }
  if (!result.explanation.isEmpty()) {
    lines.append(QString());
    lines.append(result.explanation);
  }
  details_->setPlainText(lines.join(u'\n'));
}

bool DiagnosticsPage::exportReport(const QString& path, QString* error) const {
  if (!haveReport_) {
    *error = tr("There is no report yet: run the diagnostics first.");
    return false;
  }
  const QByteArray bytes =
      path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)
          ? QJsonDocument(controller::doctor::reportToJson(report_)).toJson(QJsonDocument::Indented)
          : controller::doctor::reportToMarkdown(report_).toUtf8();
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    *error = tr("Cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

void DiagnosticsPage::exportWithDialog() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export diagnostics report"), QStringLiteral("vgpu-doctor.md"), tr("Markdown (*.md);;JSON (*.json)"));
  if (path.isEmpty()) {
    return;
  }
  QString error;
  summary_->setText(exportReport(path, &error) ? tr("Report written to %1.").arg(path) : error);
}

} // namespace vgpu::console

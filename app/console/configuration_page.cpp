// Configuration page: the installation read-out, the variable rows and the apply / restart / undo
// flow. Validation, planning and the diff are the controller's (variable table,
// planEnvironmentChanges); this file only shows them and turns a change into helper verbs.
#include "configuration_page.h"

#include "background_task.h"
#include "change_applier.h"
#include "environment/environment_overrides.h"
#include "environment/variable_table.h"
#include "privilege_banner.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <array>

namespace vgpu::console {

namespace {

using controller::VariantStatus;

constexpr const char* kLlmLibrary = "OLLAMA_LLM_LIBRARY";

// Each folder status as an icon and a word, so the status is never carried by colour alone.
struct VariantLook {
  VariantStatus status;
  QStyle::StandardPixmap icon;
  const char* word; // translated in the ConfigurationPage context
};

constexpr std::array kVariantLooks{
    VariantLook{VariantStatus::Visible, QStyle::SP_DialogApplyButton,
                QT_TRANSLATE_NOOP("vgpu::console::ConfigurationPage", "Used by Ollama")},
    VariantLook{VariantStatus::NoGgmlFile, QStyle::SP_MessageBoxWarning,
                QT_TRANSLATE_NOOP("vgpu::console::ConfigurationPage", "Ignored: no ggml library inside")},
    VariantLook{VariantStatus::BrokenSymlink, QStyle::SP_MessageBoxCritical,
                QT_TRANSLATE_NOOP("vgpu::console::ConfigurationPage", "Broken symlink")},
    VariantLook{VariantStatus::Unreadable, QStyle::SP_MessageBoxCritical,
                QT_TRANSLATE_NOOP("vgpu::console::ConfigurationPage", "Unreadable")},
};

const VariantLook& lookOf(VariantStatus status) {
  for (const VariantLook& look : kVariantLooks) {
    if (look.status == status) {
      return look;
    }
  }
  return kVariantLooks.back();
}

QLabel* valueLabel(QWidget* parent, const char* objectName, const QString& accessibleName) {
  auto* label = new QLabel(parent);
  label->setObjectName(QString::fromLatin1(objectName));
  label->setAccessibleName(accessibleName);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QPushButton* button(QWidget* parent, const QString& text, const char* objectName, const QString& accessibleName) {
  auto* result = new QPushButton(text, parent);
  result->setObjectName(QString::fromLatin1(objectName));
  result->setAccessibleName(accessibleName);
  return result;
}

} // namespace

ConfigurationPage::ConfigurationPage(QString root, std::shared_ptr<ChangeApplier> applier, QWidget* parent,
                                     QProcessEnvironment pathEnvironment)
    : QWidget(parent), root_(std::move(root)), pathEnvironment_(std::move(pathEnvironment)),
      applier_(std::move(applier)) {
  setObjectName(QStringLiteral("configurationPage"));
  auto* outer = new QVBoxLayout(this);
  banner_ = new PrivilegeBanner(applier_, this);
  outer->addWidget(banner_);

  auto* scroll = new QScrollArea(this);
  scroll->setObjectName(QStringLiteral("configScroll"));
  scroll->setAccessibleName(tr("Configuration"));
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* content = new QWidget(scroll);
  auto* layout = new QVBoxLayout(content);
  layout->addWidget(buildInstallationBox());
  layout->addWidget(buildEnvironmentBox());
  layout->addStretch(1);
  scroll->setWidget(content);
  outer->addWidget(scroll, 1);

  auto* buttons = new QHBoxLayout;
  refreshButton_ = button(this, tr("Re&fresh"), "configRefresh", tr("Detect the Ollama installation again"));
  reviewButton_ = button(this, tr("&Review…"), "configReview", tr("Review the exact change to the drop-in"));
  applyButton_ = button(this, tr("&Apply"), "configApply", tr("Apply the changes through vgpu-helper"));
  restartButton_ =
      button(this, tr("Re&start ollama.service"), "configRestart", tr("Restart ollama.service to use the changes"));
  undoButton_ = button(this, tr("&Undo last change"), "configUndo", tr("Roll back the last applied change"));
  for (QPushButton* each : {refreshButton_, reviewButton_, applyButton_, restartButton_, undoButton_}) {
    buttons->addWidget(each);
  }
  buttons->addStretch(1);
  outer->addLayout(buttons);
  status_ = valueLabel(this, "configStatus", tr("Configuration status"));
  outer->addWidget(status_);

  reviewButton_->setEnabled(false);
  applyButton_->setEnabled(false);
  restartButton_->setEnabled(false);
  undoButton_->setEnabled(false);
  connect(refreshButton_, &QPushButton::clicked, this, &ConfigurationPage::refresh);
  connect(reviewButton_, &QPushButton::clicked, this, &ConfigurationPage::showReview);
  connect(applyButton_, &QPushButton::clicked, this, &ConfigurationPage::applyChanges);
  connect(restartButton_, &QPushButton::clicked, this, &ConfigurationPage::restartService);
  connect(undoButton_, &QPushButton::clicked, this, &ConfigurationPage::undoLastChange);
}

QWidget* ConfigurationPage::buildInstallationBox() {
  auto* box = new QGroupBox(tr("Ollama installation"), this);
  box->setObjectName(QStringLiteral("configInstallationBox"));
  auto* layout = new QVBoxLayout(box);
  auto* form = new QFormLayout;
  binary_ = valueLabel(box, "configBinary", tr("Ollama binary"));
  version_ = valueLabel(box, "configVersion", tr("Ollama version and discovery era"));
  libraryRoot_ = valueLabel(box, "configLibraryRoot", tr("Ollama library root"));
  unitFile_ = valueLabel(box, "configUnitFile", tr("Unit file and drop-ins"));
  form->addRow(tr("Binary:"), binary_);
  form->addRow(tr("Version:"), version_);
  form->addRow(tr("Library root:"), libraryRoot_);
  form->addRow(tr("Unit files:"), unitFile_);
  layout->addLayout(form);

  variants_ = new QTreeWidget(box);
  variants_->setObjectName(QStringLiteral("configVariants"));
  variants_->setAccessibleName(tr("Variant folders in the library root"));
  variants_->setRootIsDecorated(false);
  variants_->setHeaderLabels({tr("Folder"), tr("Status"), tr("Kind"), tr("CUDA runtime"), tr("Details")});
  variants_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  variants_->header()->setStretchLastSection(true);
  variants_->setMinimumHeight(120);
  layout->addWidget(variants_);
  problems_ = valueLabel(box, "configProblems", tr("Problems found while detecting"));
  problems_->hide();
  layout->addWidget(problems_);
  return box;
}

QWidget* ConfigurationPage::buildEnvironmentBox() {
  auto* box = new QGroupBox(tr("Environment of ollama.service"), this);
  box->setObjectName(QStringLiteral("configEnvironmentBox"));
  auto* layout = new QVBoxLayout(box);
  dropInState_ = valueLabel(box, "configDropInState", tr("State of the managed drop-in"));
  layout->addWidget(dropInState_);

  auto* grid = new QGridLayout;
  grid->setColumnStretch(2, 1);
  int row = 0;
  for (const controller::VariableSpec& spec : controller::managedVariables()) {
    if (spec.installerOnly || spec.type == controller::VariableType::RemovalOnly ||
        spec.type == controller::VariableType::OllamaBool) {
      continue; // written by the installer (LD_LIBRARY_PATH), or by the doctor's remedies: not edited here
    }
    const QString name = QString::fromLatin1(spec.name);
    QWidget* editor = nullptr;
    if (name == QLatin1String(kLlmLibrary)) {
      library_ = new QComboBox(box);
      library_->setObjectName(QStringLiteral("configLlmLibrary"));
      library_->setAccessibleName(tr("OLLAMA_LLM_LIBRARY: the variant folder Ollama must use"));
      connect(library_, &QComboBox::currentIndexChanged, this, &ConfigurationPage::validate);
      editor = library_;
    } else {
      auto* line = new QLineEdit(box);
      line->setObjectName(QStringLiteral("configValue_") + name);
      line->setAccessibleName(name);
      line->setPlaceholderText(tr("not set"));
      line->setClearButtonEnabled(true);
      connect(line, &QLineEdit::textChanged, this, &ConfigurationPage::validate);
      editor = line;
    }
    addVariableRow(grid, row++, name, editor, QString::fromUtf8(spec.help));
  }
  layout->addLayout(grid);
  findings_ = valueLabel(box, "configFindings", tr("Findings about the service environment"));
  findings_->hide();
  layout->addWidget(findings_);
  return box;
}

void ConfigurationPage::addVariableRow(QGridLayout* grid, int row, const QString& name, QWidget* editor,
                                       const QString& help) {
  auto* label = new QLabel(name + u':', editor->parentWidget());
  label->setBuddy(editor);
  editor->setToolTip(help);
  editor->setMinimumWidth(220);
  VariableRow entry;
  entry.editor = qobject_cast<QLineEdit*>(editor);
  entry.message = valueLabel(editor->parentWidget(), "", tr("Validation of %1").arg(name));
  entry.message->setObjectName(QStringLiteral("configMessage_") + name);
  entry.overrides = valueLabel(editor->parentWidget(), "", tr("Where %1 is set").arg(name));
  entry.overrides->setObjectName(QStringLiteral("configOverrides_") + name);
  auto* notes = new QVBoxLayout;
  notes->setSpacing(0);
  notes->addWidget(entry.message);
  notes->addWidget(entry.overrides);
  grid->addWidget(label, row, 0);
  grid->addWidget(editor, row, 1, Qt::AlignTop);
  grid->addLayout(notes, row, 2);
  rows_.insert(name, entry);
}

void ConfigurationPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (!banner_->probed()) {
    banner_->probe();
    setBusy(busy_); // the buttons pass the banner's gate from now on
  }
  if (!detected_ && !busy_) {
    refresh();
  }
}

void ConfigurationPage::refresh() {
  if (busy_) {
    return;
  }
  setBusy(true);
  const QString root = root_;
  const QProcessEnvironment environment = pathEnvironment_;
  runInBackground<Detected>(
      this,
      [root, environment] {
        const controller::SystemRoot systemRoot(root);
        return Detected{controller::OllamaInstallation::detect(systemRoot, environment),
                        controller::loadServiceEnvironment(systemRoot)};
      },
      [this](const Detected& detected) {
        setBusy(false);
        showDetected(detected);
      });
}

void ConfigurationPage::showDetected(const Detected& detected) {
  installation_ = detected.installation;
  dropIn_ = detected.dropIn;
  detected_ = true;
  showInstallation();
  showEnvironment();
  if (!keptEdits_.isEmpty()) {
    restoreEdits(keptEdits_);
    keptEdits_.clear();
  }
  validate();
  Q_EMIT refreshed();
}

void ConfigurationPage::showInstallation() {
  const controller::OllamaInstallation& found = installation_;
  if (found.binary.path.isEmpty()) {
    binary_->setText(tr("not found"));
  } else {
    const QString path = found.binary.resolved.isEmpty() ? found.binary.path : found.binary.resolved;
    binary_->setText(tr("%1 (found via %2)").arg(path, controller::binarySourceName(found.binary.source)));
  }
  version_->setText(tr("%1, discovery era %2 (%3)")
                        .arg(found.version.text, controller::eraName(found.version.era), found.version.source));
  libraryRoot_->setText(found.libraryRoot.path.isEmpty()
                            ? tr("not found")
                            : tr("%1 (Ollama's rule: %2)").arg(found.libraryRoot.path, found.libraryRoot.rule));
  QStringList files;
  files.append(found.unit ? found.unit->path : tr("no ollama.service unit found"));
  for (const controller::UnitSource& dropIn : found.dropIns) {
    files.append(dropIn.error.isEmpty() ? dropIn.path : tr("%1 (unreadable: %2)").arg(dropIn.path, dropIn.error));
  }
  unitFile_->setText(files.join(u'\n'));

  variants_->clear();
  for (const controller::VariantFolder& folder : found.variants) {
    QString details;
    if (!folder.error.isEmpty()) {
      details = folder.error;
    } else if (!folder.serviceAccess.allowed) {
      details = tr("the service user cannot use it: %1").arg(folder.serviceAccess.reason);
    } else if (!folder.linkTarget.isEmpty()) {
      details = tr("symlink to %1").arg(folder.linkTarget);
    } else {
      details = folder.ggmlFiles.join(QStringLiteral(", "));
    }
    const VariantLook& look = lookOf(folder.status);
    auto* item = new QTreeWidgetItem(variants_, {folder.name, tr(look.word), controller::variantKindName(folder.kind),
                                                 folder.cudaRuntimes.join(QStringLiteral(", ")), details});
    item->setIcon(1, style()->standardIcon(look.icon));
    item->setToolTip(0, folder.path);
    item->setToolTip(4, details);
  }
  QStringList problems;
  for (const controller::InstallationProblem& problem : found.problems) {
    problems.append(tr("Problem: %1: %2").arg(problem.where, problem.message));
  }
  problems_->setText(problems.join(u'\n'));
  problems_->setVisible(!problems.isEmpty());
}

void ConfigurationPage::showEnvironment() {
  filling_ = true;
  const QString path = controller::managedDropInPath();
  switch (dropIn_.state) {
  case controller::DropInState::Absent:
    dropInState_->setText(tr("%1 does not exist yet: applying a variable creates it.").arg(path));
    break;
  case controller::DropInState::Managed: dropInState_->setText(tr("%1 is managed by vgpu.").arg(path)); break;
  case controller::DropInState::Foreign:
  case controller::DropInState::Unreadable:
    dropInState_->setText(tr("%1 cannot be changed: %2").arg(path, dropIn_.error));
    break;
  }

  library_->clear();
  library_->addItem(tr("Automatic (unset)"), QString());
  for (const controller::VariantFolder& folder : installation_.variants) {
    if (folder.visible()) {
      library_->addItem(folder.name, folder.name);
    }
  }
  const QString libraryName = QString::fromLatin1(kLlmLibrary);
  if (const std::optional<QString> current = dropIn_.environment.value(libraryName)) {
    int index = library_->findData(*current);
    if (index < 0) {
      library_->addItem(tr("%1 (not an installed variant)").arg(*current), *current);
      index = library_->count() - 1;
    }
    library_->setCurrentIndex(index);
  }

  const QList<controller::UnitFile> files = installation_.unitFiles();
  for (auto it = rows_.begin(); it != rows_.end(); ++it) {
    if (it->editor != nullptr) {
      it->editor->setText(dropIn_.environment.value(it.key()).value_or(QString()));
    }
    QStringList lines;
    if (const controller::EnvironmentValue* effective = installation_.environmentValue(it.key())) {
      lines.append(tr("In effect: %1 (from %2)").arg(effective->value, effective->origin));
    }
    for (const controller::VariableOverride& relation : controller::managedOverrides(files, path, it.key())) {
      lines.append(relation.describe());
    }
    it->overrides->setText(lines.join(u'\n'));
    it->overrides->setVisible(!lines.isEmpty());
  }

  QStringList findings;
  for (const controller::EnvironmentFinding& finding : controller::environmentFindings(installation_)) {
    findings.append(tr("Note: %1 (%2)").arg(finding.message, finding.origin));
  }
  findings_->setText(findings.join(u'\n'));
  findings_->setVisible(!findings.isEmpty());
  filling_ = false;
}

QString ConfigurationPage::currentValue(const QString& name) const {
  const VariableRow row = rows_.value(name);
  if (row.editor == nullptr) {
    return library_->currentData().toString();
  }
  return row.editor->text();
}

QMap<QString, QString> ConfigurationPage::editedValues() const {
  QMap<QString, QString> values;
  for (auto it = rows_.cbegin(); it != rows_.cend(); ++it) {
    values.insert(it.key(), currentValue(it.key()));
  }
  return values;
}

void ConfigurationPage::restoreEdits(const QMap<QString, QString>& values) {
  filling_ = true;
  for (auto it = values.cbegin(); it != values.cend(); ++it) {
    const VariableRow row = rows_.value(it.key());
    if (row.editor != nullptr) {
      row.editor->setText(it.value());
      continue;
    }
    int index = library_->findData(it.value());
    if (index < 0) {
      library_->addItem(tr("%1 (not an installed variant)").arg(it.value()), it.value());
      index = library_->count() - 1;
    }
    library_->setCurrentIndex(index);
  }
  filling_ = false;
}

QList<controller::VariableAssignment> ConfigurationPage::pendingChanges() const {
  QList<controller::VariableAssignment> changes;
  if (!detected_) {
    return changes;
  }
  for (auto it = rows_.cbegin(); it != rows_.cend(); ++it) {
    const QString value = currentValue(it.key());
    const std::optional<QString> current = dropIn_.environment.value(it.key());
    if (value.isEmpty()) {
      if (current) {
        changes.append({it.key(), std::nullopt});
      }
    } else if (!current || *current != value) {
      changes.append({it.key(), value});
    }
  }
  return changes;
}

controller::EnvironmentPlan ConfigurationPage::reviewPlan() const {
  return controller::planEnvironmentChanges(controller::SystemRoot(root_), installation_, pendingChanges());
}

void ConfigurationPage::validate() {
  if (filling_ || !detected_) {
    return;
  }
  bool refused = false;
  for (auto it = rows_.begin(); it != rows_.end(); ++it) {
    const QString value = currentValue(it.key());
    QString message;
    if (!value.isEmpty()) {
      const controller::VariableVerdict verdict = controller::validateVariable(it.key(), value, &installation_);
      if (!verdict.ok()) {
        message = tr("Refused: %1").arg(verdict.error);
        refused = true;
      } else if (!verdict.warnings.isEmpty()) {
        message = tr("Note: %1").arg(verdict.warnings.join(QStringLiteral("; ")));
      }
    }
    it->message->setText(message);
    it->message->setVisible(!message.isEmpty());
  }
  const QList<controller::VariableAssignment> changes = pendingChanges();
  QString planError;
  if (!refused && !changes.isEmpty()) {
    planError = reviewPlan().error;
  }
  const bool writable =
      dropIn_.state == controller::DropInState::Absent || dropIn_.state == controller::DropInState::Managed;
  reviewButton_->setEnabled(!busy_ && !refused && !changes.isEmpty());
  banner_->gate(applyButton_, !busy_ && writable && !refused && planError.isEmpty() && !changes.isEmpty(),
                banner_->helperUsable());
  if (!planError.isEmpty()) {
    status_->setText(tr("Cannot apply: %1").arg(planError));
  }
}

void ConfigurationPage::setBusy(bool busy) {
  busy_ = busy;
  refreshButton_->setEnabled(!busy);
  banner_->gate(restartButton_, !busy && restartOffered_, banner_->helperUsable());
  banner_->gate(undoButton_, !busy && !undoTransactions_.isEmpty(), banner_->helperUsable());
  if (busy) {
    reviewButton_->setEnabled(false);
    applyButton_->setEnabled(false);
  } else {
    validate();
  }
}

void ConfigurationPage::runVerbs(const QList<controller::HelperCommand>& verbs,
                                 std::function<void(const QList<controller::HelperReply>&)> done) {
  setBusy(true);
  std::shared_ptr<ChangeApplier> applier = applier_;
  runInBackground<QList<controller::HelperReply>>(
      this,
      [applier, verbs] {
        QList<controller::HelperReply> replies;
        for (const controller::HelperCommand& verb : verbs) {
          replies.append(applier->run(verb));
          if (!replies.constLast().ok) {
            break;
          }
        }
        return replies;
      },
      [this, done = std::move(done)](const QList<controller::HelperReply>& replies) {
        setBusy(false);
        done(replies);
      });
}

void ConfigurationPage::showReview() {
  const controller::EnvironmentPlan plan = reviewPlan();
  QStringList text;
  if (!plan.ok()) {
    text.append(tr("Refused: %1").arg(plan.error));
  } else {
    text.append(tr("Apply runs vgpu-helper with these verbs, in this order:"));
    for (const controller::VariableAssignment& change : pendingChanges()) {
      text.append(QStringLiteral("  ") + (change.value ? QStringLiteral("env-set %1 %2").arg(change.name, *change.value)
                                                       : QStringLiteral("env-unset %1").arg(change.name)));
    }
    text.append(QStringLiteral("  daemon-reload"));
    for (const QString& warning : plan.warnings) {
      text.append(tr("Warning: %1").arg(warning));
    }
    text.append(QString());
    text.append(plan.diff.isEmpty() ? tr("The drop-in does not change.") : plan.diff);
  }
  if (review_ == nullptr) {
    review_ = new QDialog(this);
    review_->setObjectName(QStringLiteral("configReviewDialog"));
    review_->setWindowTitle(tr("Review changes"));
    auto* layout = new QVBoxLayout(review_);
    auto* diff = new QPlainTextEdit(review_);
    diff->setObjectName(QStringLiteral("configReviewText"));
    diff->setAccessibleName(tr("The exact change to the managed drop-in"));
    diff->setReadOnly(true);
    diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(diff);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, review_);
    close->setObjectName(QStringLiteral("configReviewButtons"));
    connect(close, &QDialogButtonBox::rejected, review_, &QDialog::reject);
    layout->addWidget(close);
    review_->resize(760, 420);
  }
  review_->findChild<QPlainTextEdit*>(QStringLiteral("configReviewText"))->setPlainText(text.join(u'\n'));
  review_->open();
}

void ConfigurationPage::applyChanges() {
  const QList<controller::VariableAssignment> changes = pendingChanges();
  if (busy_ || changes.isEmpty()) {
    return;
  }
  QList<controller::HelperCommand> verbs;
  for (const controller::VariableAssignment& change : changes) {
    verbs.append(controller::HelperCommand::envChange(change.name, change.value));
  }
  verbs.append(controller::HelperCommand::daemonReload());
  status_->setText(tr("Applying the changes…"));
  runVerbs(verbs, [this, edits = editedValues()](const QList<controller::HelperReply>& replies) {
    QStringList transactions;
    QStringList messages;
    for (const controller::HelperReply& reply : replies) {
      if (!transactionOf(reply).isEmpty()) {
        transactions.append(transactionOf(reply));
      }
      messages.append(reply.message);
    }
    if (!transactions.isEmpty()) {
      undoTransactions_ = transactions;
      restartOffered_ = true;
    }
    const controller::HelperReply& last = replies.constLast();
    if (!last.ok) {
      // The refresh below re-reads the drop-in; what the admin typed goes back into the editors
      // so a corrected retry is one click, not a retyping.
      keptEdits_ = edits;
    }
    const QString text = last.ok ? tr("Applied: %1. Restart ollama.service to use the new environment.")
                                       .arg(messages.join(QStringLiteral("; ")))
                                 : tr("Failed: %1").arg(last.message);
    setBusy(false);
    status_->setText(text);
    Q_EMIT applied(text);
    refresh();
  });
}

void ConfigurationPage::restartService() {
  if (busy_) {
    return;
  }
  status_->setText(tr("Restarting ollama.service…"));
  runVerbs({controller::HelperCommand::restartOllama()}, [this](const QList<controller::HelperReply>& replies) {
    const controller::HelperReply& reply = replies.constLast();
    const QString result = jobResultOf(reply).isEmpty() ? tr("none") : jobResultOf(reply);
    const QString text = reply.ok ? tr("ollama.service restarted (job result: %1).").arg(result)
                                  : tr("Restart failed: %1 (job result: %2).").arg(reply.message, result);
    if (reply.ok) {
      restartOffered_ = false;
      setBusy(false);
    }
    status_->setText(text);
    Q_EMIT restarted(text);
  });
}

void ConfigurationPage::undoLastChange() {
  if (busy_ || undoTransactions_.isEmpty()) {
    return;
  }
  QList<controller::HelperCommand> verbs;
  for (auto it = undoTransactions_.crbegin(); it != undoTransactions_.crend(); ++it) {
    verbs.append(controller::HelperCommand::rollback(*it));
  }
  verbs.append(controller::HelperCommand::daemonReload());
  status_->setText(tr("Rolling back the last change…"));
  runVerbs(verbs, [this](const QList<controller::HelperReply>& replies) {
    const controller::HelperReply& last = replies.constLast();
    QString text;
    if (last.ok) {
      undoTransactions_.clear();
      restartOffered_ = true;
      text =
          tr("Undone: %1. Restart ollama.service to use the previous environment.").arg(replies.constFirst().message);
    } else {
      text = tr("Undo failed: %1").arg(last.message);
    }
    setBusy(false);
    status_->setText(text);
    Q_EMIT undone(text);
    refresh();
  });
}

} // namespace vgpu::console

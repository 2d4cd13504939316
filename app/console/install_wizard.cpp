// The install wizard itself: its pages, the shared choices and transactions, and rollback.
#include "install_wizard.h"

#include "change_applier.h"
#include "environment/service_environment.h"
#include "install_wizard_pages.h"
#include "journal/journal_reader.h"

#include <QAbstractButton>
#include <QComboBox>

namespace vgpu::console {

namespace {

// Qt's own button texts come from Qt's translations, which the console does not ship: every
// button's text is ours, so the wizard is translated as a whole.
struct ButtonName {
  QWizard::WizardButton button;
  const char* objectName;
  const char* text;           // translated in the InstallWizard context
  const char* accessibleName; // translated in the InstallWizard context
};

constexpr ButtonName kButtonNames[] = {
    {QWizard::BackButton, "wizardBack", QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "< &Back"),
     QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "Back")},
    {QWizard::NextButton, "wizardNext", QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "&Next >"),
     QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "Next")},
    {QWizard::CommitButton, "wizardCommit", QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "&Apply"),
     QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "Continue; the steps before cannot be revisited")},
    {QWizard::FinishButton, "wizardFinish", QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "&Finish"),
     QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "Finish")},
    {QWizard::CancelButton, "wizardCancel", QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "Cancel"),
     QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "Cancel")},
    {QWizard::CustomButton1, "wizardRollBack", QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "&Roll back"),
     QT_TRANSLATE_NOOP("vgpu::console::InstallWizard", "Roll back every change the wizard made")},
};

} // namespace

InstallWizardSetup machineInstallWizardSetup() {
  InstallWizardSetup setup;
  setup.doctorContext = [] {
    controller::doctor::DoctorContext context;
    controller::doctor::gatherSystemInputs(context, QProcessEnvironment::systemEnvironment());
    return context;
  };
  setup.applier = std::make_shared<HelperChangeApplier>();
  setup.openLog = [](QString* error) -> std::unique_ptr<controller::LogSource> {
    return controller::JournalReader::openSystem(error);
  };
  return setup;
}

InstallWizard::InstallWizard(InstallWizardSetup setup, QWidget* parent) : QWizard(parent), setup_(std::move(setup)) {
  setObjectName(QStringLiteral("installWizard"));
  setWindowTitle(tr("Set up this guest for vgpu"));
  setOption(QWizard::NoBackButtonOnStartPage);
  for (const ButtonName& name : kButtonNames) {
    setButtonText(name.button, tr(name.text));
    QAbstractButton* each = button(name.button);
    each->setObjectName(QString::fromLatin1(name.objectName));
    each->setAccessibleName(tr(name.accessibleName));
  }
  setPage(DetectPageId, new DetectPage(this));
  setPage(GuestPageId, new GuestPage(this));
  setPage(ChoosePageId, new ChoosePage(this));
  setPage(ReviewPageId, new ReviewPage(this));
  setPage(ApplyPageId, new ApplyPage(this));
  setPage(RestartPageId, new RestartPage(this));
  setPage(VerifyPageId, new VerifyPage(this));
  setPage(DonePageId, new DonePage(this));
  connect(this, &QWizard::customButtonClicked, this, [this](int which) {
    if (which == QWizard::CustomButton1) {
      rollBack();
    }
  });
  resize(820, 600);
}

controller::InstallScope InstallWizard::scope() const {
  const auto* combo = findChild<QComboBox*>(QStringLiteral("wizardScope"));
  const QString name = combo != nullptr ? combo->currentData().toString() : QString();
  return controller::installScopeFromName(name).value_or(controller::InstallScope::Service);
}

QString InstallWizard::variant() const {
  const auto* combo = findChild<QComboBox*>(QStringLiteral("wizardVariant"));
  return combo != nullptr ? combo->currentData().toString() : QString();
}

QList<controller::HelperCommand> InstallWizard::applyVerbs() const {
  QList<controller::HelperCommand> verbs;
  // shim.conf first: the shims read it when the restart starts Ollama's runners.
  const controller::ShimConfigPlan shimConfig =
      controller::planShimConfigChange(controller::SystemRoot(setup_.root), shimSettings_, false);
  if (!shimSettings_.backend.isEmpty() && (!shimConfig.diff.isEmpty() || shimConfig.refused)) {
    verbs.append(controller::HelperCommand::shimConfigSet(shimSettings_.backend, shimSettings_.endpoint,
                                                          shimSettings_.tokenFile));
  }
  verbs.append(controller::HelperCommand::install(controller::installScopeName(scope())));
  const QString name = QStringLiteral("OLLAMA_LLM_LIBRARY");
  const std::optional<QString> current =
      controller::loadServiceEnvironment(controller::SystemRoot(setup_.root)).environment.value(name);
  const QString chosen = variant();
  if (!chosen.isEmpty() && current != chosen) {
    verbs.append(controller::HelperCommand::envSet(name, chosen));
  } else if (chosen.isEmpty() && current) {
    verbs.append(controller::HelperCommand::envUnset(name));
  }
  // ollama.service must see the new drop-in before the restart.
  verbs.append(controller::HelperCommand::daemonReload());
  return verbs;
}

void InstallWizard::addTransaction(const QString& id) {
  if (!id.isEmpty() && !transactions_.contains(id)) {
    transactions_.append(id);
  }
}

void InstallWizard::offerRollBack() {
  setOption(QWizard::HaveCustomButton1, true);
  button(QWizard::CustomButton1)->setEnabled(!rollingBack_);
}

void InstallWizard::withdrawRollBack() {
  if (!rollingBack_) {
    setOption(QWizard::HaveCustomButton1, false);
  }
}

void InstallWizard::rollBack() {
  auto* page = qobject_cast<StepsPage*>(currentPage());
  if (rollingBack_ || page == nullptr) {
    return;
  }
  if (transactions_.isEmpty()) {
    const QString text = tr("Nothing to roll back: the wizard has not changed the system.");
    page->addStep(text);
    Q_EMIT rolledBack(true, text);
    return;
  }
  rollingBack_ = true;
  button(QWizard::CustomButton1)->setEnabled(false);
  QList<controller::HelperCommand> verbs;
  int firstRow = -1;
  for (auto it = transactions_.crbegin(); it != transactions_.crend(); ++it) {
    verbs.append(controller::HelperCommand::rollback(*it));
    const int row = page->addStep(tr("Roll back transaction %1").arg(*it));
    firstRow = firstRow < 0 ? row : firstRow;
  }
  verbs.append(controller::HelperCommand::daemonReload());
  page->addStep(tr("Reload systemd's unit files"));
  page->runSteps(verbs, firstRow, [this](bool ok) {
    rollingBack_ = false;
    QString text;
    if (ok) {
      text = tr("Rolled back: the system is as it was before the wizard.");
      transactions_.clear();
      setOption(QWizard::HaveCustomButton1, false);
    } else {
      text = tr("The rollback did not finish; see the failed step.");
      button(QWizard::CustomButton1)->setEnabled(true);
    }
    Q_EMIT rolledBack(ok, text);
  });
}

} // namespace vgpu::console

// The install wizard's pages before and after the changes: Detect (the doctor's hardware, Ollama
// and shim checks), Choose (scope and OLLAMA_LLM_LIBRARY), Review (the exact plan: shim.conf's
// diff, the installer's operations, the drop-in's diff) and Done. Guest has a file of its own.
#include "background_task.h"
#include "changes/installer_plan.h"
#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"
#include "environment/environment_change.h"
#include "install_wizard_pages.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <array>

namespace vgpu::console {

namespace {

using controller::doctor::CheckStatus;

// The doctor checks Detect runs: the stub PCI device, Ollama, and whether a shim is installed.
constexpr std::array kDetectChecks{"hardware.pci-stub", "ollama.binary", "ollama.library-root",
                                   "ollama.variant-folders", "shim.installed"};

struct StatusLook {
  CheckStatus status;
  QStyle::StandardPixmap icon;
  const char* word; // translated in the DetectPage context
};

constexpr std::array kStatusLooks{
    StatusLook{CheckStatus::Pass, QStyle::SP_DialogApplyButton,
               QT_TRANSLATE_NOOP("vgpu::console::DetectPage", "Found")},
    StatusLook{CheckStatus::Warn, QStyle::SP_MessageBoxWarning,
               QT_TRANSLATE_NOOP("vgpu::console::DetectPage", "Warning")},
    StatusLook{CheckStatus::Fail, QStyle::SP_MessageBoxCritical,
               QT_TRANSLATE_NOOP("vgpu::console::DetectPage", "Not found")},
    StatusLook{CheckStatus::Skip, QStyle::SP_MediaSkipForward,
               QT_TRANSLATE_NOOP("vgpu::console::DetectPage", "Skipped")},
};

const StatusLook& lookOf(CheckStatus status) {
  for (const StatusLook& look : kStatusLooks) {
    if (look.status == status) {
      return look;
    }
  }
  return kStatusLooks.back();
}

struct Detection {
  controller::doctor::DoctorContext context;
  controller::doctor::DoctorReport report;
};

QString verbLine(const controller::HelperCommand& verb) {
  return QStringLiteral("  vgpu-helper ") + verb.text();
}

} // namespace

DetectPage::DetectPage(InstallWizard* wizard) : QWizardPage(wizard), wizard_(wizard) {
  setObjectName(QStringLiteral("wizardDetectPage"));
  setTitle(tr("Detect"));
  setSubTitle(tr("What is on this machine: the virtual GPU's PCI stub, Ollama, and an existing shim."));
  auto* layout = new QVBoxLayout(this);
  results_ = new QTreeWidget(this);
  results_->setObjectName(QStringLiteral("detectResults"));
  results_->setAccessibleName(tr("Detection results"));
  results_->setRootIsDecorated(false);
  results_->setHeaderLabels({tr("Item"), tr("Status"), tr("What was found")});
  results_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  results_->header()->setStretchLastSection(true);
  layout->addWidget(results_, 1);
  summary_ = new QLabel(tr("Detecting…"), this);
  summary_->setObjectName(QStringLiteral("detectSummary"));
  summary_->setAccessibleName(tr("Detection summary"));
  summary_->setWordWrap(true);
  layout->addWidget(summary_);
}

void DetectPage::initializePage() {
  if (started_) {
    return;
  }
  started_ = true;
  const auto gather = wizard_->setup().doctorContext;
  runInBackground<Detection>(
      this,
      [gather] {
        Detection detection;
        detection.context = gather();
        QList<controller::doctor::Check> checks;
        for (const controller::doctor::Check& check : controller::doctor::doctorChecks()) {
          for (const char* id : kDetectChecks) {
            if (check.id == QLatin1String(id)) {
              checks.append(check);
            }
          }
        }
        detection.report = controller::doctor::runDoctor(checks, detection.context);
        return detection;
      },
      [this](const Detection& detection) { show(detection.context, detection.report); });
}

void DetectPage::show(const controller::doctor::DoctorContext& context,
                      const controller::doctor::DoctorReport& report) {
  wizard_->setContext(context);
  results_->clear();
  for (const controller::doctor::ReportEntry& entry : report.entries) {
    const StatusLook& look = lookOf(entry.result.status);
    // A skipped check's summary is only "skipped": its reason says what was missing.
    const QString found = entry.result.status == CheckStatus::Skip ? entry.result.reason : entry.result.summary;
    auto* item = new QTreeWidgetItem(results_, {entry.title, tr(look.word), found});
    if (entry.id == QLatin1String("hardware.pci-stub")) {
      wizard_->setStubSummary(found);
    }
    item->setIcon(1, style()->standardIcon(look.icon));
    item->setToolTip(0, entry.id);
    item->setToolTip(2, found);
  }
  const bool haveOllama = context.installation && !context.installation->binary.path.isEmpty();
  summary_->setText(
      haveOllama
          ? tr("Ollama found at %1. Continue to choose how to install the shim.").arg(context.installation->binary.path)
          : tr("No Ollama installation was found; the system scope still makes the virtual GPU "
               "visible to every program."));
  done_ = true;
  Q_EMIT completeChanged();
  Q_EMIT wizard_->detected();
}

ChoosePage::ChoosePage(InstallWizard* wizard) : QWizardPage(wizard), wizard_(wizard) {
  setObjectName(QStringLiteral("wizardChoosePage"));
  setTitle(tr("Choose"));
  setSubTitle(tr("Where the shim applies, and which of Ollama's variant folders it must use."));
  auto* form = new QFormLayout(this);
  scope_ = new QComboBox(this);
  scope_->setObjectName(QStringLiteral("wizardScope"));
  scope_->setAccessibleName(tr("Installation scope"));
  scope_->addItem(tr("ollama.service only (survives Ollama upgrades)"), QStringLiteral("service"));
  scope_->addItem(tr("Every program on this machine (ld.so.conf.d entry)"), QStringLiteral("system"));
  variant_ = new QComboBox(this);
  variant_->setObjectName(QStringLiteral("wizardVariant"));
  variant_->setAccessibleName(tr("OLLAMA_LLM_LIBRARY: the variant folder Ollama must use"));
  form->addRow(tr("&Scope:"), scope_);
  form->addRow(tr("&OLLAMA_LLM_LIBRARY:"), variant_);
  auto* hint =
      new QLabel(tr("\"Automatic\" leaves OLLAMA_LLM_LIBRARY unset: Ollama tries every variant folder."), this);
  hint->setObjectName(QStringLiteral("chooseHint"));
  hint->setWordWrap(true);
  form->addRow(hint);
}

void ChoosePage::initializePage() {
  variant_->clear();
  variant_->addItem(tr("Automatic (unset)"), QString());
  const auto& installation = wizard_->context().installation;
  if (installation) {
    for (const controller::VariantFolder& folder : installation->variants) {
      if (folder.visible()) {
        variant_->addItem(folder.name, folder.name);
      }
    }
  }
  // The CUDA 12 folder is the usual choice for the shim (it presents a CUDA 12/13 driver).
  const int cuda12 = variant_->findData(QStringLiteral("cuda_v12"));
  if (cuda12 >= 0) {
    variant_->setCurrentIndex(cuda12);
  }
}

ReviewPage::ReviewPage(InstallWizard* wizard) : QWizardPage(wizard), wizard_(wizard) {
  setObjectName(QStringLiteral("wizardReviewPage"));
  setTitle(tr("Review"));
  setSubTitle(tr("The exact changes. Nothing has been changed yet."));
  setCommitPage(true);
  auto* layout = new QVBoxLayout(this);
  plan_ = new QPlainTextEdit(this);
  plan_->setObjectName(QStringLiteral("reviewPlan"));
  plan_->setAccessibleName(tr("The installation plan"));
  plan_->setReadOnly(true);
  plan_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  layout->addWidget(plan_);
}

void ReviewPage::initializePage() {
  const controller::SystemRoot root(wizard_->setup().root);
  const auto& installation = wizard_->context().installation;
  const controller::OllamaInstallation empty;
  const controller::OllamaInstallation& ollama = installation ? *installation : empty;
  QStringList text;
  // shim.conf first, as Apply writes it first.
  const controller::ShimConfigPlan shimConfig = controller::planShimConfigChange(root, wizard_->shimSettings(), false);
  if (shimConfig.refused || !shimConfig.plan) {
    text.append(tr("The shim configuration cannot be planned: %1").arg(shimConfig.error));
  } else {
    text.append(shimConfig.diff.isEmpty()
                    ? tr("The shim configuration %1 does not change.").arg(QLatin1String(controller::kShimConfigPath))
                    : tr("The shim configuration:\n%1").arg(shimConfig.diff));
  }
  text.append(QString());
  QString error;
  const std::optional<controller::ChangePlan> plan =
      controller::planInstallerRun(root, ollama, wizard_->scope(), &error);
  planned_ = plan.has_value() && !shimConfig.refused && shimConfig.plan.has_value();
  if (!plan) {
    text.append(tr("The installation cannot be planned: %1").arg(error));
  } else {
    text.append(plan->describe());
    for (const QString& warning : plan->warnings) {
      text.append(tr("Warning: %1").arg(warning));
    }
  }
  // The drop-in after the install and the variant choice, as the helper will write it.
  QList<controller::VariableAssignment> assignments;
  if (wizard_->scope() == controller::InstallScope::Service) {
    assignments.append({QStringLiteral("LD_LIBRARY_PATH"), controller::ShimInstallRequest().targetDir});
  }
  for (const controller::HelperCommand& verb : wizard_->applyVerbs()) {
    if (verb.verb == controller::HelperVerb::EnvSet) {
      assignments.append({verb.arguments.at(0), verb.arguments.at(1)});
    } else if (verb.verb == controller::HelperVerb::EnvUnset) {
      assignments.append({verb.arguments.at(0), std::nullopt});
    }
  }
  const controller::EnvironmentPlan environment =
      controller::planEnvironmentChanges(root, ollama, assignments, controller::PlanCaller::Installer);
  text.append(QString());
  if (!environment.ok()) {
    planned_ = false;
    text.append(tr("The service environment cannot be planned: %1").arg(environment.error));
  } else {
    text.append(environment.diff.isEmpty() ? tr("The managed drop-in does not change.")
                                           : tr("The managed drop-in:\n%1").arg(environment.diff));
    for (const QString& warning : environment.warnings) {
      text.append(tr("Warning: %1").arg(warning));
    }
  }
  text.append(QString());
  text.append(tr("Apply runs, in this order:"));
  for (const controller::HelperCommand& verb : wizard_->applyVerbs()) {
    text.append(verbLine(verb));
  }
  text.append(verbLine(controller::HelperCommand::restartOllama()));
  plan_->setPlainText(text.join(u'\n'));
  Q_EMIT completeChanged();
}

DonePage::DonePage(InstallWizard* wizard) : QWizardPage(wizard), wizard_(wizard) {
  setObjectName(QStringLiteral("wizardDonePage"));
  setTitle(tr("Done"));
  auto* layout = new QVBoxLayout(this);
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("doneSummary"));
  summary_->setAccessibleName(tr("Installation summary"));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_);
  layout->addStretch(1);
}

void DonePage::initializePage() {
  QStringList text;
  text.append(wizard_->transactions().isEmpty()
                  ? tr("The shim was already installed; nothing was changed.")
                  : tr("Installed as transaction(s): %1.").arg(wizard_->transactions().join(QStringLiteral(", "))));
  text.append(tr("Verdict: %1").arg(wizard_->verdict()));
  text.append(tr("To undo the installation later: vgpuctl rollback, or the Configuration page's Undo."));
  summary_->setText(text.join(u'\n'));
}

} // namespace vgpu::console

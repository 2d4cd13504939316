// The install wizard's pages that change the system: Apply (shim-config-set, install, env-set,
// daemon-reload) and Restart (restart-ollama). StepsPage runs the helper verbs one after the other
// off the GUI thread and shows each step's state. Verify has a file of its own.
#include "background_task.h"
#include "change_applier.h"
#include "install_wizard_pages.h"

#include <QDateTime>
#include <QLabel>
#include <QListWidget>
#include <QStyle>
#include <QVBoxLayout>
#include <array>

namespace vgpu::console {

namespace {

struct StepLook {
  StepState state;
  QStyle::StandardPixmap icon;
  const char* word; // translated in the StepsPage context
};

constexpr std::array kStepLooks{
    StepLook{StepState::Pending, QStyle::SP_MediaPause, QT_TRANSLATE_NOOP("vgpu::console::StepsPage", "Pending")},
    StepLook{StepState::Running, QStyle::SP_BrowserReload, QT_TRANSLATE_NOOP("vgpu::console::StepsPage", "Running")},
    StepLook{StepState::Done, QStyle::SP_DialogApplyButton, QT_TRANSLATE_NOOP("vgpu::console::StepsPage", "Done")},
    StepLook{StepState::Failed, QStyle::SP_MessageBoxCritical, QT_TRANSLATE_NOOP("vgpu::console::StepsPage", "Failed")},
};

const StepLook& lookOf(StepState state) {
  for (const StepLook& look : kStepLooks) {
    if (look.state == state) {
      return look;
    }
  }
  return kStepLooks.back();
}

constexpr int kLabelRole = Qt::UserRole;

} // namespace

StepsPage::StepsPage(InstallWizard* wizard, const QString& stepsName) : QWizardPage(wizard), wizard_(wizard) {
  auto* layout = new QVBoxLayout(this);
  steps_ = new QListWidget(this);
  steps_->setObjectName(stepsName);
  steps_->setAccessibleName(tr("Steps and their state"));
  layout->addWidget(steps_, 1);
  error_ = new QLabel(this);
  error_->setObjectName(stepsName + QStringLiteral("Error"));
  error_->setAccessibleName(tr("Error of the failed step"));
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->hide();
  layout->addWidget(error_);
}

int StepsPage::addStep(const QString& text) {
  auto* item = new QListWidgetItem(steps_);
  item->setData(kLabelRole, text);
  setStep(steps_->count() - 1, StepState::Pending, text);
  return steps_->count() - 1;
}

QString StepsPage::label(int row) const {
  return steps_->item(row)->data(kLabelRole).toString();
}

void StepsPage::setStep(int row, StepState state, const QString& text) {
  QListWidgetItem* item = steps_->item(row);
  const StepLook& look = lookOf(state);
  item->setText(tr("%1: %2").arg(tr(look.word), text));
  item->setIcon(style()->standardIcon(look.icon));
  item->setToolTip(item->text());
}

void StepsPage::showError(const QString& error) {
  error_->setText(tr("Error: %1").arg(error));
  error_->show();
}

void StepsPage::runSteps(const QList<controller::HelperCommand>& verbs, int firstRow, std::function<void(bool)> done) {
  runStep(verbs, firstRow, std::move(done));
}

void StepsPage::runStep(QList<controller::HelperCommand> verbs, int row, std::function<void(bool)> done) {
  if (verbs.isEmpty()) {
    done(true);
    return;
  }
  const controller::HelperCommand verb = verbs.takeFirst();
  setStep(row, StepState::Running, label(row));
  std::shared_ptr<ChangeApplier> applier = wizard_->setup().applier;
  runInBackground<controller::HelperReply>(
      this, [applier, verb] { return applier->run(verb); },
      [this, verbs, row, verb, done](const controller::HelperReply& reply) {
        if (verb.verb != controller::HelperVerb::Rollback) {
          wizard_->addTransaction(transactionOf(reply));
        }
        QString text = tr("%1 — %2").arg(label(row), reply.message);
        if (const QString job = jobResultOf(reply); !job.isEmpty()) {
          text += u' ' + tr("(job result: %1)").arg(job);
        }
        setStep(row, reply.ok ? StepState::Done : StepState::Failed, text);
        if (!reply.ok) {
          showError(reply.diagnostics.isEmpty() ? reply.message : reply.message + u'\n' + reply.diagnostics.trimmed());
          done(false);
          return;
        }
        runStep(verbs, row + 1, done);
      });
}

ApplyPage::ApplyPage(InstallWizard* wizard) : StepsPage(wizard, QStringLiteral("applySteps")) {
  setObjectName(QStringLiteral("wizardApplyPage"));
  setTitle(tr("Apply"));
  setSubTitle(tr("vgpu-helper makes the changes; each one is journaled and can be rolled back."));
  setCommitPage(true);
  setButtonText(QWizard::CommitButton, tr("&Continue to restart"));
}

void ApplyPage::initializePage() {
  if (started_) {
    return;
  }
  started_ = true;
  const QList<controller::HelperCommand> verbs = wizard_->applyVerbs();
  int firstRow = -1;
  for (const controller::HelperCommand& verb : verbs) {
    QString text;
    switch (verb.verb) {
    case controller::HelperVerb::Install: text = tr("Install the shim (%1 scope)").arg(verb.arguments.at(1)); break;
    case controller::HelperVerb::EnvSet:
      text = tr("Set %1=%2 in the managed drop-in").arg(verb.arguments.at(0), verb.arguments.at(1));
      break;
    case controller::HelperVerb::EnvUnset:
      text = tr("Remove %1 from the managed drop-in").arg(verb.arguments.at(0));
      break;
    case controller::HelperVerb::ShimConfigSet:
      text = tr("Write backend=%1 to %2").arg(verb.arguments.at(0), QLatin1String(controller::kShimConfigPath));
      break;
    default: text = tr("Reload systemd's unit files"); break;
    }
    const int row = addStep(text);
    firstRow = firstRow < 0 ? row : firstRow;
  }
  runSteps(verbs, firstRow, [this](bool ok) {
    ok_ = ok;
    if (!ok) {
      wizard_->offerRollBack();
    }
    Q_EMIT completeChanged();
    Q_EMIT wizard_->applyFinished(ok);
  });
}

RestartPage::RestartPage(InstallWizard* wizard) : StepsPage(wizard, QStringLiteral("restartSteps")) {
  setObjectName(QStringLiteral("wizardRestartPage"));
  setTitle(tr("Restart"));
  setSubTitle(tr("ollama.service restarts with the new environment."));
  setCommitPage(true);
  setButtonText(QWizard::CommitButton, tr("&Verify"));
}

void RestartPage::initializePage() {
  if (started_) {
    return;
  }
  started_ = true;
  const int row = addStep(tr("Restart ollama.service"));
  wizard_->setRestartRealtimeUs(static_cast<quint64>(QDateTime::currentMSecsSinceEpoch()) * 1000U);
  runSteps({controller::HelperCommand::restartOllama()}, row, [this](bool ok) {
    ok_ = ok;
    if (!ok) {
      wizard_->offerRollBack();
    }
    Q_EMIT completeChanged();
    Q_EMIT wizard_->restartFinished(ok);
  });
}

} // namespace vgpu::console

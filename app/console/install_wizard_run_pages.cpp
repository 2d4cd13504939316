// The install wizard's pages that change the system and check the result: Apply (install,
// env-set, daemon-reload), Restart (restart-ollama) and Verify (the doctor's log checks over the
// log since the restart, until Ollama's discovery decided GPU or CPU, or the timeout). StepsPage
// runs the helper verbs one after the other off the GUI thread and shows each step's state.
#include "background_task.h"
#include "change_applier.h"
#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"
#include "install_wizard_pages.h"

#include <QDateTime>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QStyle>
#include <QTextBrowser>
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

VerifyPage::VerifyPage(InstallWizard* wizard) : StepsPage(wizard, QStringLiteral("verifySteps")) {
  setObjectName(QStringLiteral("wizardVerifyPage"));
  setTitle(tr("Verify"));
  setSubTitle(tr("Ollama's log after the restart: does it find the GPU?"));
  auto* layout = qobject_cast<QVBoxLayout*>(this->layout());
  progress_ = new QProgressBar(this);
  progress_->setObjectName(QStringLiteral("verifyProgress"));
  progress_->setAccessibleName(tr("Time waited for the discovery lines"));
  verdict_ = new QLabel(this);
  verdict_->setObjectName(QStringLiteral("verifyVerdict"));
  verdict_->setAccessibleName(tr("GPU or CPU verdict"));
  verdict_->setWordWrap(true);
  verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont bold = verdict_->font();
  bold.setBold(true);
  verdict_->setFont(bold);
  details_ = new QTextBrowser(this);
  details_->setObjectName(QStringLiteral("verifyDetails"));
  details_->setAccessibleName(tr("Evidence for the verdict"));
  layout->insertWidget(0, progress_);
  layout->insertWidget(1, verdict_);
  layout->addWidget(details_, 1);
  tick_.setInterval(200);
  connect(&tick_, &QTimer::timeout, this, &VerifyPage::onTick);
}

void VerifyPage::initializePage() {
  if (started_) {
    return;
  }
  started_ = true;
  const int timeoutMs = wizard_->setup().discoveryTimeoutMs;
  progress_->setRange(0, timeoutMs);
  progress_->setValue(0);
  progress_->setFormat(tr("Waiting for the discovery lines"));
  waitRow_ = addStep(tr("Waiting up to %1 s for Ollama's GPU discovery").arg(timeoutMs / 1000));
  setStep(waitRow_, StepState::Running, label(waitRow_));

  QString error;
  log_ = wizard_->setup().openLog ? wizard_->setup().openLog(&error) : nullptr;
  if (!log_) {
    fail(tr("cannot read ollama.service's log: %1").arg(error));
    return;
  }
  controller::JournalQuery query;
  query.unit = QStringLiteral("ollama.service");
  if (wizard_->setup().logSinceRestart) {
    query.sinceRealtimeUs = wizard_->restartRealtimeUs();
  }
  connect(log_.get(), &controller::LogSource::entriesAppended, this, &VerifyPage::onEntries);
  QList<controller::JournalEntry> entries;
  if (!log_->read(query, &entries, &error)) {
    fail(error);
    return;
  }
  waited_.start();
  onEntries(entries);
  if (finished_) {
    return;
  }
  if (!log_->follow(&error)) {
    fail(error);
    return;
  }
  tick_.start();
}

void VerifyPage::fail(const QString& error) {
  finished_ = true;
  tick_.stop();
  setStep(waitRow_, StepState::Failed, label(waitRow_));
  showError(error);
  verdict_->setText(tr("No verdict: %1").arg(error));
  wizard_->setVerdict(verdict_->text());
  wizard_->offerRollBack();
  Q_EMIT completeChanged();
  Q_EMIT wizard_->verdictShown(verdict_->text());
}

void VerifyPage::onEntries(const QList<controller::JournalEntry>& entries) {
  if (finished_) {
    return;
  }
  for (const controller::JournalEntry& entry : entries) {
    lines_.append(entry.message);
  }
  evaluate(false);
}

void VerifyPage::onTick() {
  const qint64 waited = waited_.elapsed();
  const int timeoutMs = wizard_->setup().discoveryTimeoutMs;
  progress_->setValue(static_cast<int>(std::min<qint64>(waited, timeoutMs)));
  progress_->setFormat(tr("Waited %1 of %2 s for the discovery lines").arg(waited / 1000).arg(timeoutMs / 1000));
  if (waited >= timeoutMs) {
    evaluate(true);
  }
}

void VerifyPage::evaluate(bool timedOut) {
  controller::doctor::DoctorContext context;
  context.ollamaLog = controller::doctor::DoctorContext::ollamaLogFromText(
      QStringLiteral("journal: ollama.service since the restart"), lines_.join(u'\n'));
  QList<controller::doctor::Check> checks;
  for (const controller::doctor::Check& check : controller::doctor::doctorChecks()) {
    if (check.id.startsWith(QLatin1String("logs."))) {
      checks.append(check);
    }
  }
  const controller::doctor::DoctorReport report = controller::doctor::runDoctor(checks, context);
  const controller::doctor::ReportEntry* verdictEntry = nullptr;
  for (const controller::doctor::ReportEntry& entry : report.entries) {
    if (entry.id == QLatin1String("logs.discovery-verdict")) {
      verdictEntry = &entry;
    }
  }
  const QString mode =
      verdictEntry != nullptr ? verdictEntry->result.details.value(QStringLiteral("mode")).toString() : QString();
  const bool gpu = mode == QLatin1String("gpu");
  if (!gpu && mode != QLatin1String("cpu") && !timedOut) {
    return; // discovery has not decided yet: keep following
  }
  finished_ = true;
  tick_.stop();
  log_->stopFollowing();
  progress_->setValue(progress_->maximum());
  const controller::doctor::CheckResult result =
      verdictEntry != nullptr ? verdictEntry->result : controller::doctor::CheckResult::skip(QString());
  const QString summary = result.summary.isEmpty() ? result.reason : result.summary;
  QString text;
  if (gpu) {
    text = tr("GPU: %1").arg(summary);
    progress_->setFormat(tr("Discovery finished"));
  } else if (mode == QLatin1String("cpu")) {
    text = tr("CPU: %1").arg(summary);
    progress_->setFormat(tr("Discovery finished"));
  } else {
    text = tr("Undecided after %1 s: %2").arg(wizard_->setup().discoveryTimeoutMs / 1000).arg(summary);
    progress_->setFormat(tr("Timed out"));
  }
  verdict_->setText(text);
  QStringList details;
  if (!result.explanation.isEmpty()) {
    details.append(result.explanation.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
  }
  for (const controller::doctor::Evidence& evidence : result.evidence) {
    details.append(
        tr("Evidence: %1 (%2)<br><code>%3</code>")
            .arg(evidence.what.toHtmlEscaped(), evidence.where.toHtmlEscaped(), evidence.excerpt.toHtmlEscaped()));
  }
  if (result.remedy) {
    details.append(tr("Next step: %1").arg(result.remedy->text.toHtmlEscaped()));
  }
  details_->setHtml(details.join(QStringLiteral("<p>")));
  setStep(waitRow_, gpu ? StepState::Done : StepState::Failed, text);
  wizard_->setVerdict(text);
  if (!gpu) {
    wizard_->offerRollBack();
  }
  Q_EMIT completeChanged();
  Q_EMIT wizard_->verdictShown(text);
}

} // namespace vgpu::console

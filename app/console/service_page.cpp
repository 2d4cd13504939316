// Service page layout and behaviour: a form with the unit's status, the job buttons with the
// last job's result, and the journal view below. Job outcomes and errors are the controller's
// (SystemdJob, describeDBusError); the page only words the verb and the "done" case.
#include "service_page.h"

#include "background_task.h"
#include "change_applier.h"
#include "changes/privileged_job.h"

#include "journal_view.h"
#include "privilege_banner.h"
#include "systemd/unit_watcher.h"

#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace vgpu::console {

namespace {

QString uptimeText(qint64 seconds) {
  return QStringLiteral("%1:%2:%3")
      .arg(seconds / 3600)
      .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
      .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

QLabel* valueLabel(QWidget* parent, const QString& objectName, const QString& accessibleName) {
  auto* label = new QLabel(parent);
  label->setObjectName(objectName);
  label->setAccessibleName(accessibleName);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

} // namespace

ServicePage::ServicePage(controller::SystemdManager* manager, std::shared_ptr<ChangeApplier> applier, QWidget* parent)
    : QWidget(parent), manager_(manager), applier_(std::move(applier)) {
  setObjectName(QStringLiteral("servicePage"));
  auto* layout = new QVBoxLayout(this);
  banner_ = new PrivilegeBanner(applier_, this);
  layout->addWidget(banner_);

  auto* statusBox = new QGroupBox(tr("Service %1").arg(kUnit), this);
  statusBox->setObjectName(QStringLiteral("serviceStatusBox"));
  auto* form = new QFormLayout(statusBox);
  state_ = valueLabel(statusBox, QStringLiteral("serviceState"), tr("Service state"));
  subState_ = valueLabel(statusBox, QStringLiteral("serviceSubState"), tr("Service sub-state"));
  mainPid_ = valueLabel(statusBox, QStringLiteral("serviceMainPid"), tr("Main process ID"));
  uptime_ = valueLabel(statusBox, QStringLiteral("serviceUptime"), tr("Service uptime"));
  form->addRow(tr("State:"), state_);
  form->addRow(tr("Sub-state:"), subState_);
  form->addRow(tr("Main PID:"), mainPid_);
  form->addRow(tr("Uptime:"), uptime_);
  state_->setText(tr("reading…"));
  layout->addWidget(statusBox);

  auto* buttons = new QHBoxLayout;
  startButton_ = new QPushButton(tr("&Start"), this);
  startButton_->setObjectName(QStringLiteral("serviceStart"));
  startButton_->setAccessibleName(tr("Start ollama.service"));
  stopButton_ = new QPushButton(tr("S&top"), this);
  stopButton_->setObjectName(QStringLiteral("serviceStop"));
  stopButton_->setAccessibleName(tr("Stop ollama.service"));
  restartButton_ = new QPushButton(tr("&Restart"), this);
  restartButton_->setObjectName(QStringLiteral("serviceRestart"));
  restartButton_->setAccessibleName(tr("Restart ollama.service"));
  buttons->addWidget(startButton_);
  buttons->addWidget(stopButton_);
  buttons->addWidget(restartButton_);
  result_ = valueLabel(this, QStringLiteral("serviceResult"), tr("Result of the last job"));
  result_->setWordWrap(true);
  buttons->addWidget(result_, 1);
  layout->addLayout(buttons);

  journal_ = new JournalView(this);
  layout->addWidget(journal_, 1);

  connect(startButton_, &QPushButton::clicked, this, [this] { runJob(controller::SystemdVerb::Start); });
  connect(stopButton_, &QPushButton::clicked, this, [this] { runJob(controller::SystemdVerb::Stop); });
  connect(restartButton_, &QPushButton::clicked, this, [this] { runJob(controller::SystemdVerb::Restart); });
  uptimeTimer_.setInterval(1000);
  connect(&uptimeTimer_, &QTimer::timeout, this, &ServicePage::updateUptime);
}

void ServicePage::start(controller::LogSource* logs, const QString& logError) {
  if (started_) {
    return;
  }
  started_ = true;
  banner_->probe();
  setJobRunning(false);
  watcher_ = new controller::UnitWatcher(manager_, kUnit, this);
  connect(watcher_, &controller::UnitWatcher::statusChanged, this, &ServicePage::showStatus);
  watcher_->start();
  uptimeTimer_.start();
  if (logs != nullptr) {
    controller::JournalQuery query;
    query.unit = kUnit;
    query.currentBootOnly = true;
    journal_->start(logs, query);
  } else {
    journal_->showError(logError);
  }
}

void ServicePage::runJob(controller::SystemdVerb verb) {
  controller::SystemdJob* job = nullptr;
  switch (verb) {
  case controller::SystemdVerb::Start: job = manager_->startUnit(kUnit); break;
  case controller::SystemdVerb::Stop: job = manager_->stopUnit(kUnit); break;
  case controller::SystemdVerb::Restart: job = manager_->restartUnit(kUnit); break;
  case controller::SystemdVerb::Reload: job = manager_->reload(); break;
  }
  setJobRunning(true);
  result_->setText(tr("Running %1 of %2…").arg(controller::systemdVerbName(verb), kUnit));
  connect(job, &controller::SystemdJob::finished, this, [this, job](const controller::JobOutcome& outcome) {
    onJobFinished(outcome);
    job->deleteLater();
  });
  // The manager has started the job already; finished() is never emitted before we return here.
}

void ServicePage::onJobFinished(const controller::JobOutcome& outcome) {
  if (const std::optional<controller::HelperCommand> retry = controller::helperRetryFor(outcome); retry && applier_) {
    retryThroughHelper(outcome, *retry);
    return;
  }
  setJobRunning(false);
  const QString verb = controller::systemdVerbName(outcome.verb);
  const QString text = outcome.succeeded() ? tr("%1 of %2 finished: %3").arg(verb, outcome.unit, outcome.result)
                                           : tr("%1 of %2 failed: %3").arg(verb, outcome.unit, outcome.error.message);
  result_->setText(text);
  Q_EMIT jobFinished(text);
}

void ServicePage::retryThroughHelper(const controller::JobOutcome& refused, const controller::HelperCommand& command) {
  const QString verb = controller::systemdVerbName(refused.verb);
  const QString unit = refused.unit;
  result_->setText(tr("systemd refused the %1 of %2 (%3); asking vgpu-helper, which may ask for a password…")
                       .arg(verb, unit, refused.error.message));
  std::shared_ptr<ChangeApplier> applier = applier_;
  runInBackground<controller::HelperReply>(
      this, [applier, command] { return applier->run(command); },
      [this, verb, unit](const controller::HelperReply& reply) {
        setJobRunning(false);
        const QString text = reply.ok
                                 ? tr("%1 of %2 finished through vgpu-helper: %3").arg(verb, unit, jobResultOf(reply))
                                 : tr("%1 of %2 failed through vgpu-helper: %3").arg(verb, unit, reply.message);
        result_->setText(text);
        Q_EMIT jobFinished(text);
      });
}

void ServicePage::showStatus(const controller::UnitStatusResult& result) {
  latest_ = result;
  haveStatus_ = true;
  if (result.error.isError()) {
    state_->setText(tr("unknown: %1").arg(result.error.message));
    subState_->clear();
    mainPid_->clear();
    uptime_->clear();
    return;
  }
  state_->setText(result.status.activeState);
  subState_->setText(result.status.subState);
  mainPid_->setText(result.status.mainPid == 0 ? tr("none") : QString::number(result.status.mainPid));
  updateUptime();
}

void ServicePage::updateUptime() {
  if (!haveStatus_ || latest_.error.isError()) {
    return;
  }
  const auto nowUs = static_cast<quint64>(QDateTime::currentMSecsSinceEpoch()) * 1000U;
  const qint64 seconds = controller::unitUptimeSeconds(latest_.status, nowUs);
  uptime_->setText(seconds < 0 ? tr("not active") : uptimeText(seconds));
}

void ServicePage::setJobRunning(bool running) {
  // systemd asks polkit whether a non-root caller may run the job: without polkit it refuses.
  for (QPushButton* button : {startButton_, stopButton_, restartButton_}) {
    banner_->gate(button, !running, banner_->polkitUsable());
  }
}

} // namespace vgpu::console

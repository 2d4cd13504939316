// The install wizard's Verify page: the doctor's log checks over ollama.service's log since the
// restart, until Ollama's discovery decided GPU or CPU. An undecided wait ends with its reason (no
// log lines, no runner started yet, the log unreadable) instead of a bare timeout, and Check again
// / Open journal, because the usual cause is simply that no model was loaded yet.
#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"
#include "install_wizard_pages.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>

namespace vgpu::console {

namespace {

QPushButton* hiddenButton(const QString& text, const QString& objectName, const QString& accessibleName,
                          QWidget* parent) {
  auto* button = new QPushButton(text, parent);
  button->setObjectName(objectName);
  button->setAccessibleName(accessibleName);
  button->hide();
  return button;
}

} // namespace

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
  checkAgain_ = hiddenButton(tr("Check &again"), QStringLiteral("verifyCheckAgain"),
                             tr("Wait for Ollama's discovery lines again"), this);
  openJournal_ = hiddenButton(tr("Open &journal"), QStringLiteral("verifyOpenJournal"),
                              tr("Show ollama.service's log since the restart"), this);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(checkAgain_);
  buttons->addWidget(openJournal_);
  buttons->addStretch(1);
  layout->insertWidget(0, progress_);
  layout->insertWidget(1, verdict_);
  layout->insertLayout(2, buttons);
  layout->addWidget(details_, 1);
  tick_.setInterval(200);
  connect(&tick_, &QTimer::timeout, this, &VerifyPage::onTick);
  connect(checkAgain_, &QPushButton::clicked, this, &VerifyPage::startWaiting);
  connect(openJournal_, &QPushButton::clicked, this, &VerifyPage::openJournal);
}

void VerifyPage::initializePage() {
  if (started_) {
    return;
  }
  started_ = true;
  startWaiting();
}

// (Re)opens the log and waits for the discovery lines, one step row per wait.
void VerifyPage::startWaiting() {
  finished_ = false;
  lines_.clear();
  readError_.clear();
  checkAgain_->hide();
  openJournal_->hide();
  verdict_->clear();
  details_->clear();
  Q_EMIT completeChanged();
  const int timeoutMs = wizard_->setup().discoveryTimeoutMs;
  progress_->setRange(0, timeoutMs);
  progress_->setValue(0);
  progress_->setFormat(tr("Waiting for the discovery lines"));
  waitRow_ = addStep(tr("Waiting up to %1 s for Ollama's GPU discovery").arg(timeoutMs / 1000));
  setStep(waitRow_, StepState::Running, label(waitRow_));

  QString error;
  log_ = wizard_->setup().openLog ? wizard_->setup().openLog(&error) : nullptr;
  controller::JournalQuery query;
  query.unit = QStringLiteral("ollama.service");
  if (wizard_->setup().logSinceRestart) {
    query.sinceRealtimeUs = wizard_->restartRealtimeUs();
  }
  QList<controller::JournalEntry> entries;
  if (!log_ || !log_->read(query, &entries, &error)) {
    readError_ = error;
    undecided(tr("ollama.service's log could not be read (%1). Check that this user may read the system "
                 "journal (the groups systemd-journal or adm), then Check again.")
                  .arg(error),
              QString());
    return;
  }
  connect(log_.get(), &controller::LogSource::entriesAppended, this, &VerifyPage::onEntries);
  waited_.start();
  onEntries(entries);
  if (finished_) {
    return;
  }
  if (!log_->follow(&error)) {
    readError_ = error;
    undecided(tr("ollama.service's log cannot be followed (%1).").arg(error), QString());
    return;
  }
  tick_.start();
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

// Ends a wait that could not decide: the reason as the verdict, Check again and Open journal.
void VerifyPage::undecided(const QString& reason, const QString& details) {
  finished_ = true;
  tick_.stop();
  if (log_) {
    log_->stopFollowing();
  }
  progress_->setValue(progress_->maximum());
  progress_->setFormat(tr("Timed out"));
  const QString text = tr("Undecided after %1 s: %2").arg(wizard_->setup().discoveryTimeoutMs / 1000).arg(reason);
  verdict_->setText(text);
  details_->setHtml(details);
  setStep(waitRow_, StepState::Failed, label(waitRow_));
  checkAgain_->show();
  openJournal_->show();
  wizard_->setVerdict(text);
  wizard_->offerRollBack();
  Q_EMIT completeChanged();
  Q_EMIT wizard_->verdictShown(text);
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
  const controller::doctor::CheckResult result =
      verdictEntry != nullptr ? verdictEntry->result : controller::doctor::CheckResult::skip(QString());
  const QString summary = result.summary.isEmpty() ? result.reason : result.summary;
  if (!gpu && mode != QLatin1String("cpu")) {
    // A skipped check's summary is only "skipped": its reason says what the log lacked.
    const QString why = result.status == controller::doctor::CheckStatus::Skip ? result.reason : summary;
    const QString doctorSays = why.isEmpty() ? QString() : tr("The doctor's log check: %1").arg(why.toHtmlEscaped());
    undecided(lines_.isEmpty()
                  ? tr("ollama.service wrote no log lines since the restart. Is it running (vgpuctl service "
                       "status)? Its log may also not reach the journal.")
                  : tr("Ollama has not looked for a GPU yet: it discovers GPUs when it first loads a model. Load "
                       "one on this machine (ollama run <model>), then Check again."),
              doctorSays);
    return;
  }
  finished_ = true;
  tick_.stop();
  log_->stopFollowing();
  progress_->setValue(progress_->maximum());
  progress_->setFormat(tr("Discovery finished"));
  const QString text = gpu ? tr("GPU: %1").arg(summary) : tr("CPU: %1").arg(summary);
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
  if (gpu) {
    wizard_->withdrawRollBack(); // a Check again that found the GPU after all
  } else {
    wizard_->offerRollBack();
  }
  Q_EMIT completeChanged();
  Q_EMIT wizard_->verdictShown(text);
}

// The entries this wait read, in a dialog of their own (the console's Service page is not
// reachable from the wizard, which also runs on its own).
void VerifyPage::openJournal() {
  auto* dialog = new QDialog(this);
  dialog->setObjectName(QStringLiteral("verifyJournalDialog"));
  dialog->setAccessibleName(tr("ollama.service's log since the restart"));
  dialog->setWindowTitle(tr("ollama.service's log since the restart"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  auto* layout = new QVBoxLayout(dialog);
  auto* text = new QPlainTextEdit(dialog);
  text->setObjectName(QStringLiteral("verifyJournalText"));
  text->setAccessibleName(tr("Log entries"));
  text->setReadOnly(true);
  text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  text->setPlainText(!readError_.isEmpty() ? tr("The log could not be read: %1").arg(readError_)
                     : lines_.isEmpty()    ? tr("No entries since the restart.")
                                           : lines_.join(u'\n'));
  auto* closeBox = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  closeBox->setObjectName(QStringLiteral("verifyJournalButtons"));
  closeBox->button(QDialogButtonBox::Close)->setText(tr("&Close"));
  closeBox->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("verifyJournalClose"));
  closeBox->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close the log"));
  connect(closeBox, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  layout->addWidget(text);
  layout->addWidget(closeBox);
  dialog->resize(720, 420);
  dialog->show();
}

} // namespace vgpu::console

// The install wizard's pages (private to install_wizard*.cpp). StepsPage is the base of the pages
// that run helper verbs: one row per step with its state as an icon and a word, the error of a
// failed step, and the rows of a rollback.
#pragma once

#include "doctor/engine/doctor_report.h"
#include "install_wizard.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWizardPage>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QTextBrowser;
class QTreeWidget;

namespace vgpu::console {

enum class StepState { Pending, Running, Done, Failed };

class StepsPage : public QWizardPage {
  Q_OBJECT
public:
  StepsPage(InstallWizard* wizard, const QString& stepsName);

  int addStep(const QString& text);
  void setStep(int row, StepState state, const QString& text);
  void showError(const QString& error);
  QListWidget* steps() const { return steps_; }

  // Runs `verbs` one per row from `firstRow` on (rows added before), stopping at the first
  // failure; `done` gets whether all succeeded. Transactions the helper names are recorded.
  void runSteps(const QList<controller::HelperCommand>& verbs, int firstRow, std::function<void(bool)> done);

protected:
  QString label(int row) const; // the step's text without its state
  InstallWizard* wizard_;

private:
  void runStep(QList<controller::HelperCommand> verbs, int row, std::function<void(bool)> done);

  QListWidget* steps_ = nullptr;
  QLabel* error_ = nullptr;
};

class DetectPage : public QWizardPage {
  Q_OBJECT
public:
  explicit DetectPage(InstallWizard* wizard);
  void initializePage() override;
  bool isComplete() const override { return done_; }

private:
  void show(const controller::doctor::DoctorContext& context, const controller::doctor::DoctorReport& report);

  InstallWizard* wizard_;
  bool started_ = false;
  bool done_ = false;
  QTreeWidget* results_ = nullptr;
  QLabel* summary_ = nullptr;
};

// Guest: where this guest's work goes. The stub GPU Detect found; the backend (vgpud on the GPU host
// or the simulated device); vgpud's endpoint and token file, pre-filled from shim.conf under the
// wizard's root; Test connection (off the GUI thread) says hello to vgpud as the shims would and
// shows the device it serves. Next needs a passed test of the current endpoint and token for vgpud,
// or "continue without testing".
class GuestPage : public QWizardPage {
  Q_OBJECT
public:
  explicit GuestPage(InstallWizard* wizard);
  void initializePage() override;
  bool isComplete() const override;
  bool validatePage() override;

private:
  controller::ShimConfigSettings settings() const;
  bool remote() const;
  void onEdited();
  void testConnection();
  void chooseTokenFile();

  InstallWizard* wizard_;
  controller::ShimConfigSettings fromFile_;              // what shim.conf holds now
  std::optional<controller::ShimConfigSettings> passed_; // the settings the last passed test used
  bool testing_ = false;
  bool initialized_ = false;
  QLabel* stub_ = nullptr;
  QComboBox* backend_ = nullptr;
  QLineEdit* endpoint_ = nullptr;
  QLineEdit* tokenFile_ = nullptr;
  QPushButton* browse_ = nullptr;
  QPushButton* test_ = nullptr;
  QLabel* result_ = nullptr;
  QCheckBox* skipTest_ = nullptr;
};

class ChoosePage : public QWizardPage {
  Q_OBJECT
public:
  explicit ChoosePage(InstallWizard* wizard);
  void initializePage() override;

private:
  InstallWizard* wizard_;
  QComboBox* scope_ = nullptr;
  QComboBox* variant_ = nullptr;
};

class ReviewPage : public QWizardPage {
  Q_OBJECT
public:
  explicit ReviewPage(InstallWizard* wizard);
  void initializePage() override;
  bool isComplete() const override { return planned_; }

private:
  InstallWizard* wizard_;
  bool planned_ = false;
  QPlainTextEdit* plan_ = nullptr;
};

class ApplyPage : public StepsPage {
  Q_OBJECT
public:
  explicit ApplyPage(InstallWizard* wizard);
  void initializePage() override;
  bool isComplete() const override { return ok_; }

private:
  bool started_ = false;
  bool ok_ = false;
};

class RestartPage : public StepsPage {
  Q_OBJECT
public:
  explicit RestartPage(InstallWizard* wizard);
  void initializePage() override;
  bool isComplete() const override { return ok_; }

private:
  bool started_ = false;
  bool ok_ = false;
};

// Verify: follows ollama.service's log from the restart until the doctor's discovery verdict says
// GPU or CPU. When it cannot decide (no log lines, no runner started yet, the log unreadable) it
// says why and what to do, with Check again (the wait once more) and Open journal (a dialog,
// "verifyJournalDialog", with the entries it read).
class VerifyPage : public StepsPage {
  Q_OBJECT
public:
  explicit VerifyPage(InstallWizard* wizard);
  void initializePage() override;
  bool isComplete() const override { return finished_; }

private:
  void startWaiting();
  void onEntries(const QList<controller::JournalEntry>& entries);
  void evaluate(bool timedOut);
  void onTick();
  void undecided(const QString& reason, const QString& details);
  void openJournal();

  std::unique_ptr<controller::LogSource> log_;
  QStringList lines_;
  QElapsedTimer waited_;
  QTimer tick_;
  bool started_ = false;
  bool finished_ = false;
  int waitRow_ = -1;
  QProgressBar* progress_ = nullptr;
  QLabel* verdict_ = nullptr;
  QTextBrowser* details_ = nullptr;
  QPushButton* checkAgain_ = nullptr;
  QPushButton* openJournal_ = nullptr;
  QString readError_; // why the log could not be read ("" when it could)
};

class DonePage : public QWizardPage {
  Q_OBJECT
public:
  explicit DonePage(InstallWizard* wizard);
  void initializePage() override;

private:
  InstallWizard* wizard_;
  QLabel* summary_ = nullptr;
};

} // namespace vgpu::console

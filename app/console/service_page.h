// The Service page: ollama.service as systemd reports it (state, sub-state, main PID, uptime),
// start / stop / restart buttons that run the job through the controller's SystemdManager and
// show its result, and the live journal of the unit. When systemd refuses the admin a job, the
// controller's policy (changes/privileged_job.h) retries it through vgpu-helper where the helper
// has a verb for it (restart), as `vgpuctl service` does. The manager, the applier and the log
// source are given to the page, so tests run it against fake-systemd1 on a private bus.
#pragma once

#include "changes/helper_command.h"
#include "journal/journal_entry.h"
#include "systemd/systemd_manager.h"

#include <QTimer>
#include <QWidget>
#include <memory>

class QLabel;
class QPushButton;

namespace vgpu::controller {
class UnitWatcher;
}

namespace vgpu::console {

class ChangeApplier;
class JournalView;
class PrivilegeBanner;

class ServicePage : public QWidget {
  Q_OBJECT
public:
  static inline const QString kUnit = QStringLiteral("ollama.service");

  // `applier`: how a refused job is retried through vgpu-helper (null: the refusal is shown).
  explicit ServicePage(controller::SystemdManager* manager, std::shared_ptr<ChangeApplier> applier = nullptr,
                       QWidget* parent = nullptr);

  // Starts watching the unit and following `logs` (not owned; may be null when no log could be
  // opened: `logError` then says why). Once only. The main window calls it when the page is first
  // shown, so a console that never opens the page never touches the bus or the journal.
  void start(controller::LogSource* logs, const QString& logError = {});
  bool isStarted() const { return started_; }

  JournalView* journal() const { return journal_; }

Q_SIGNALS:
  // After each start/stop/restart job, with the text the page shows.
  void jobFinished(const QString& resultText);

private:
  void runJob(controller::SystemdVerb verb);
  void onJobFinished(const controller::JobOutcome& outcome);
  void retryThroughHelper(const controller::JobOutcome& refused, const controller::HelperCommand& command);
  void showStatus(const controller::UnitStatusResult& result);
  void updateUptime();
  void setJobRunning(bool running);

  controller::SystemdManager* manager_;
  std::shared_ptr<ChangeApplier> applier_;
  controller::UnitWatcher* watcher_ = nullptr;
  PrivilegeBanner* banner_ = nullptr; // no polkit: why the job buttons are disabled
  bool started_ = false;
  controller::UnitStatusResult latest_;
  bool haveStatus_ = false;
  QTimer uptimeTimer_;

  QLabel* state_ = nullptr;
  QLabel* subState_ = nullptr;
  QLabel* mainPid_ = nullptr;
  QLabel* uptime_ = nullptr;
  QLabel* result_ = nullptr;
  QPushButton* startButton_ = nullptr;
  QPushButton* stopButton_ = nullptr;
  QPushButton* restartButton_ = nullptr;
  JournalView* journal_ = nullptr;
};

} // namespace vgpu::console

// InstallWizard: the guided guest setup. Detect (the stub PCI device, the Ollama installation, an
// existing shim — the doctor's own checks) → Guest (where the work goes: the simulated device or
// vgpud on the GPU host, its endpoint and token, with a Test connection that shows the device vgpud
// serves) → Choose (scope, OLLAMA_LLM_LIBRARY) → Review (shim.conf's diff, the installer's exact
// plan and the drop-in diff) → Apply (shim-config-set, install, env-set, daemon-reload, one row per
// step) → Restart (restart-ollama and its job result) → Verify (the doctor's log checks over
// ollama.service's log since the restart, waiting for the discovery lines; when they do not come,
// why, with Check again and Open journal) → Done. Every change goes through a ChangeApplier; when a
// step fails, "Roll back" undoes every transaction the helper named so far, newest first.
//
// Everything that touches the machine is in InstallWizardSetup, so tests run the wizard on the
// fake Ollama tree with fake-systemd1 and a log fixture.
#pragma once

#include "changes/helper_client.h"
#include "changes/shim_config_change.h"
#include "changes/shim_install_plan.h"
#include "doctor/engine/doctor_context.h"
#include "journal/journal_entry.h"

#include <QProcessEnvironment>
#include <QWizard>
#include <functional>
#include <memory>

namespace vgpu::console {

class ChangeApplier;

struct InstallWizardSetup {
  QString root = QStringLiteral("/");
  // The machine's doctor inputs (blocking; run off the GUI thread by the Detect page).
  std::function<controller::doctor::DoctorContext()> doctorContext;
  std::shared_ptr<ChangeApplier> applier;
  // ollama.service's log for the Verify page (production: the journal); null with `error` if none.
  std::function<std::unique_ptr<controller::LogSource>(QString* error)> openLog;
  bool logSinceRestart = true;     // only entries from the restart on (off for saved fixtures)
  int discoveryTimeoutMs = 120000; // how long Verify waits for Ollama's discovery lines
};

// The setup for this machine: "/", the doctor's system inputs, vgpu-helper through pkexec, the
// journal of ollama.service.
InstallWizardSetup machineInstallWizardSetup();

class InstallWizard : public QWizard {
  Q_OBJECT
public:
  enum PageId {
    DetectPageId,
    GuestPageId,
    ChoosePageId,
    ReviewPageId,
    ApplyPageId,
    RestartPageId,
    VerifyPageId,
    DonePageId
  };

  explicit InstallWizard(InstallWizardSetup setup, QWidget* parent = nullptr);

  const InstallWizardSetup& setup() const { return setup_; }

  // What Detect found (the Choose and Review pages read it).
  const controller::doctor::DoctorContext& context() const { return context_; }
  void setContext(const controller::doctor::DoctorContext& context) { context_ = context; }

  // The Guest page's choice for shim.conf (its backend, endpoint and token file).
  controller::ShimConfigSettings shimSettings() const { return shimSettings_; }
  void setShimSettings(const controller::ShimConfigSettings& settings) { shimSettings_ = settings; }
  // What Detect said about the stub PCI device (hardware.pci-stub), for the Guest page.
  const QString& stubSummary() const { return stubSummary_; }
  void setStubSummary(const QString& text) { stubSummary_ = text; }

  controller::InstallScope scope() const;
  QString variant() const; // "" = Automatic (OLLAMA_LLM_LIBRARY unset)

  // The helper verbs Apply runs, in order, for the current choices: shim-config-set first when
  // shim.conf changes.
  QList<controller::HelperCommand> applyVerbs() const;

  // Transactions the helper named so far (newest last); "Roll back" undoes them.
  const QStringList& transactions() const { return transactions_; }
  void addTransaction(const QString& id);
  // The restart's time (µs since the epoch): Verify reads the log from there.
  quint64 restartRealtimeUs() const { return restartRealtimeUs_; }
  void setRestartRealtimeUs(quint64 value) { restartRealtimeUs_ = value; }
  // The Verify page's verdict, for the Done page.
  const QString& verdict() const { return verdict_; }
  void setVerdict(const QString& text) { verdict_ = text; }

  // A step failed: show its error and offer "Roll back" (the custom button, objectName
  // "wizardRollBack").
  void offerRollBack();
  // A later check succeeded after all (Verify's Check again): Roll back is no longer offered.
  void withdrawRollBack();
  // Runs rollback for every transaction, newest first, then daemon-reload; rolledBack() follows.
  void rollBack();

Q_SIGNALS:
  void detected();
  void connectionTested(bool ok, const QString& resultText);
  void applyFinished(bool ok);
  void restartFinished(bool ok);
  void verdictShown(const QString& verdictText);
  void rolledBack(bool ok, const QString& resultText);

private:
  InstallWizardSetup setup_;
  controller::doctor::DoctorContext context_;
  QStringList transactions_;
  controller::ShimConfigSettings shimSettings_;
  QString stubSummary_;
  quint64 restartRealtimeUs_ = 0;
  QString verdict_;
  bool rollingBack_ = false;
};

} // namespace vgpu::console

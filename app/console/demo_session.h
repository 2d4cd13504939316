// The embedded default: on a machine where no process uses the shim and no
// vgpud runs, `scripts/dev console` (vgpu-console --demo) starts a local vgpud on the simulated
// device and a small demo CUDA workload under the shim that runs its work there, so a new user
// sees live data at once. The demo lives in a private temporary folder — a PCI tree with one stub
// H100, a shim configuration naming it and vgpud's socket — and is stopped when the console exits
// (on its window, or SIGTERM/SIGINT/SIGHUP); killed, its children die with it and the next console
// reclaims the folder.
// With vgpu-demo-machine and vgpu-helper (both in the build tree), the demo also has an Ollama
// machine of its own in that folder — an installation, ollama.service on a private bus served by
// fake-systemd1, a log — that the Service, Diagnostics and Configuration pages manage instead of
// this machine (machine()).
// It never touches the machine's configuration. Without a vgpud binary the workload runs on the
// shim's in-process simulated device instead (and says so).
#pragma once

#include "managed_machine.h"

#include <QObject>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>
#include <optional>

namespace vgpu::console {

struct DemoPrograms {
  QString shimLibraryDirectory; // holds libcuda.so.1 = libvgpu-cuda
  QString workload;             // vgpu-demo-workload
  QString vgpud;                // the executor; empty = the workload uses the in-process device
  QString machine;              // vgpu-demo-machine; empty = no demo Ollama (the dashboard only)
  QString helper;               // vgpu-helper, run in its test mode on the demo machine's folder
};

// The build tree's programs (the console runs from there in development), overridable with
// VGPU_DEMO_SHIM_DIR, VGPU_DEMO_WORKLOAD, VGPU_DEMO_VGPUD, VGPU_DEMO_MACHINE and VGPU_DEMO_HELPER.
// Empty members when not found.
DemoPrograms locateDemoPrograms();

// Whether the embedded default should start: nothing uses the shim in `runtimeDirectories` and no
// vgpud socket exists at `vgpudSocket`. `reason` says why not.
bool demoWanted(const QStringList& runtimeDirectories, const QString& vgpudSocket, QString* reason);

class DemoSession : public QObject {
  Q_OBJECT
public:
  explicit DemoSession(DemoPrograms programs, QObject* parent = nullptr);
  ~DemoSession() override;

  // Prepares the folder and starts the workload with its control socket in `runtimeDirectory`
  // ("" = a private folder inside the demo's, see runtimeDirectory()). False with `error` set when
  // something is missing or fails to start.
  bool start(const QString& runtimeDirectory, QString* error);
  // SIGTERM to the workload, then to vgpud, then to the demo machine; SIGKILL after 3 s each. (If the console itself is
  // killed, its children get SIGTERM from the kernel: PR_SET_PDEATHSIG.)
  void stop();
  // Removes the demo folders of this user that a console killed before it could remove them (the
  // folder names the console's pid, which no longer runs). Returns how many.
  static int reclaimStaleFolders();
  QString folder() const { return folder_ != nullptr ? folder_->path() : QString(); }
  bool running() const;
  QString runtimeDirectory() const { return runtimeDirectory_; }
  qint64 workloadPid() const;
  // "unix:<folder>/vgpud.sock" when the work runs in the demo's vgpud, "" when in-process.
  QString vgpudEndpoint() const { return vgpudEndpoint_; }
  // "unix:<folder>/admin.sock": the demo vgpud's management socket (the Hosts page's endpoint in
  // demo mode), "" when in-process.
  QString adminEndpoint() const { return adminEndpoint_; }
  // The demo's Ollama machine for the pages, once started; empty when it is not available (and
  // machineError() says why).
  std::optional<ManagedMachine> machine() const { return machine_; }
  QString machineError() const { return machineError_; }
  qint64 machinePid() const;

signals:
  void workloadFinished(int exitCode, const QString& output);

private:
  bool writeDeviceTree(QString* error);
  bool startVgpud(QString* error);
  bool startMachine(QString* error);

  DemoPrograms programs_;
  std::unique_ptr<QTemporaryDir> folder_;
  QString runtimeDirectory_;
  QString vgpudEndpoint_;
  QString adminEndpoint_;
  QProcess vgpud_;
  QProcess workload_;
  QProcess machineProcess_;
  std::optional<ManagedMachine> machine_;
  QString machineError_;
};

} // namespace vgpu::console

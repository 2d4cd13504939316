// The embedded default (issue 8, item 7): on a machine where no process uses the shim and no
// vgpud runs, `scripts/dev console` (vgpu-console --demo) starts a small demo CUDA workload under
// the shim on a simulated H100, so a new user sees live data at once. The demo lives in a private
// temporary folder — a PCI tree with one stub device, a shim configuration naming it — and is
// stopped when the console exits. It never touches the machine's configuration.
#pragma once

#include <QObject>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace vgpu::console {

struct DemoPrograms {
  QString shimLibraryDirectory; // holds libcuda.so.1 = libvgpu-cuda
  QString workload;             // vgpu-demo-workload
};

// The build tree's programs (the console runs from there in development), overridable with
// VGPU_DEMO_SHIM_DIR and VGPU_DEMO_WORKLOAD. Empty members when not found.
DemoPrograms locateDemoPrograms();

// Whether the embedded default should start: nothing uses the shim in `runtimeDirectory` and no
// vgpud socket exists at `vgpudSocket`. `reason` says why not.
bool demoWanted(const QString& runtimeDirectory, const QString& vgpudSocket, QString* reason);

class DemoSession : public QObject {
  Q_OBJECT
public:
  explicit DemoSession(DemoPrograms programs, QObject* parent = nullptr);
  ~DemoSession() override;

  // Prepares the folder and starts the workload with its control socket in `runtimeDirectory`
  // ("" = a private folder inside the demo's, see runtimeDirectory()). False with `error` set when
  // something is missing or fails to start.
  bool start(const QString& runtimeDirectory, QString* error);
  // SIGTERM, then SIGKILL after 3 s.
  void stop();
  bool running() const;
  QString runtimeDirectory() const { return runtimeDirectory_; }
  qint64 workloadPid() const;

signals:
  void workloadFinished(int exitCode, const QString& output);

private:
  bool writeDeviceTree(QString* error);

  DemoPrograms programs_;
  std::unique_ptr<QTemporaryDir> folder_;
  QString runtimeDirectory_;
  QProcess workload_;
};

} // namespace vgpu::console

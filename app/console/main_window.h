// The console's main window: navigation between pages, status bar. It owns what the pages talk
// to on the real machine (systemd's manager on the system bus, the journal, vgpu-helper); the
// Service page's bus and journal are only touched once that page is first shown.
#pragma once

#include "managed_machine.h"
#include "status/machine_status.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QSettings>
#include <memory>
#include <optional>

class QAction;
class QTabWidget;
class QTimer;

namespace vgpu::controller {
class LogSource;
class SystemdManager;
} // namespace vgpu::controller

namespace vgpu::controller::telemetry {
class TelemetryClient;
}

namespace vgpu::console {

// What the window watches: the shim processes' runtime directory ("" = the shim's own rule) and
// how often they are sampled. Tests turn the client off and feed the model themselves.
struct ConsoleOptions {
  QString runtimeDirectory;
  int sampleIntervalMs = 100;
  bool watchProcesses = true;
  // The Hosts page's vgpud admin endpoints: empty = the stored list (or the local socket); the
  // demo names its own vgpud's. watchHosts false: no connection (tests).
  QStringList hostEndpoints;
  bool watchHosts = true;
  // The status header: re-gathered every statusIntervalMs off the GUI thread (installation,
  // ollama.service, processes under the machine's root, vgpud), with the live processes of the telemetry
  // model. watchStatus false: the header shows what tests give it.
  bool watchStatus = true;
  int statusIntervalMs = 5000;
  // What the Service, Diagnostics and Configuration pages, the header and the wizard manage: this
  // machine, or the demo's (its root is also the header's).
  ManagedMachine machine;
  // The window's size and place, its toolbar layout and the page shown are kept between runs
  // when rememberLayout is set (the console's own start sets it; tests name a scratch file).
  bool rememberLayout = false;
  QString settingsFile; // "" = the console's QSettings (~/.config/vgpu/vgpu-console.conf)
  // Desktop notifications on the session bus (the console's own start sets it; tests do not).
  bool desktopNotifications = false;
};

class ConfigurationPage;
class ConsoleTray;
class DashboardPage;
class DesktopAlerts;
class DiagnosticsPage;
class HostsPage;
class ProcessesPage;
class ChangeApplier;
class TelemetryModel;
class ServicePage;
class StatusHeader;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  explicit MainWindow(const ConsoleOptions& options, QWidget* parent = nullptr);
  ~MainWindow() override;

  DashboardPage* dashboard() const { return dashboard_; }
  ProcessesPage* processesPage() const { return processes_; }
  HostsPage* hostsPage() const { return hosts_; }
  TelemetryModel* telemetryModel() const { return telemetryModel_; }
  controller::telemetry::TelemetryClient* telemetryClient() const { return telemetryClient_; }
  ServicePage* servicePage() const { return service_; }
  DiagnosticsPage* diagnosticsPage() const { return diagnostics_; }
  ConfigurationPage* configurationPage() const { return configuration_; }
  StatusHeader* statusHeader() const { return statusHeader_; }
  QTabWidget* pages() const { return pages_; }
  // Shows the page a status item names (the header's links).
  void showStatusPage(controller::status::StatusPage page);
  // Gathers the machine status now (in the background) and shows it when done.
  void refreshStatus();
  QAction* installAction() const { return installAction_; }
  ConsoleTray* tray() const { return tray_; }
  DesktopAlerts* desktopAlerts() const { return alerts_; }
  // Opens the install wizard on this machine (the installAction does this).
  void openInstallWizard();

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  // The menu bar (main_window_menus.cpp): File, View (a page per Ctrl+N), Help.
  void buildMenus();
  // Disables the install wizard when pkexec or polkit is missing (polkit_probe.h).
  void gateInstallAction();
  // The tray icon and desktop notifications (main_window_desktop.cpp).
  void setUpDesktop();
  void onPageShown(int index);
  std::unique_ptr<QSettings> layoutSettings() const;
  void restoreLayout();
  void saveLayout() const;
  void updateTelemetryStatus();

  std::shared_ptr<ChangeApplier> applier_; // the pages' and the wizard's vgpu-helper
  std::unique_ptr<controller::LogSource> journal_;
  controller::SystemdManager* systemd_ = nullptr;
  TelemetryModel* telemetryModel_ = nullptr;
  controller::telemetry::TelemetryClient* telemetryClient_ = nullptr;
  DashboardPage* dashboard_ = nullptr;
  ProcessesPage* processes_ = nullptr;
  HostsPage* hosts_ = nullptr;
  ServicePage* service_ = nullptr;
  DiagnosticsPage* diagnostics_ = nullptr;
  ConfigurationPage* configuration_ = nullptr;
  QAction* installAction_ = nullptr;
  QTabWidget* pages_ = nullptr;
  StatusHeader* statusHeader_ = nullptr;
  ManagedMachine machine_;
  ConsoleTray* tray_ = nullptr;
  DesktopAlerts* alerts_ = nullptr;
  bool rememberLayout_ = false;
  bool desktopNotifications_ = false;
  QString settingsFile_;
  bool statusGathering_ = false;
  // vgpud's last answer to the status header's Version request, and when it was asked: vgpud
  // starts a session (a worker process on the cuda backend) per connection, so the header asks
  // once a minute while it answers, and on every refresh while it does not.
  std::optional<controller::doctor::CheckResult> vgpudAnswer_;
  QElapsedTimer vgpudAsked_;
};

} // namespace vgpu::console

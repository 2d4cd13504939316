// The console's main window: navigation between pages, status bar. It owns what the pages talk
// to on the real machine (systemd's manager on the system bus, the journal, vgpu-helper); the
// Service page's bus and journal are only touched once that page is first shown.
#pragma once

#include <QMainWindow>
#include <memory>

namespace vgpu::controller {
class LogSource;
class SystemdManager;
} // namespace vgpu::controller

namespace vgpu::console {

class DashboardPage;
class DiagnosticsPage;
class RemedyApplier;
class ServicePage;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  DashboardPage* dashboard() const { return dashboard_; }
  ServicePage* servicePage() const { return service_; }
  DiagnosticsPage* diagnosticsPage() const { return diagnostics_; }

private:
  void onPageShown(int index);

  std::shared_ptr<RemedyApplier> remedyApplier_;
  std::unique_ptr<controller::LogSource> journal_;
  controller::SystemdManager* systemd_ = nullptr;
  DashboardPage* dashboard_ = nullptr;
  ServicePage* service_ = nullptr;
  DiagnosticsPage* diagnostics_ = nullptr;
};

} // namespace vgpu::console

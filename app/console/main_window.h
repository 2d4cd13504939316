// The console's main window: navigation between pages, status bar.
#pragma once

#include <QMainWindow>

namespace vgpu::console {

class DashboardPage;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);

  DashboardPage* dashboard() const { return dashboard_; }

private:
  DashboardPage* dashboard_ = nullptr;
};

} // namespace vgpu::console

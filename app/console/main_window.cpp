// Main window assembly.
#include "main_window.h"

#include "dashboard_page.h"

#include <QIcon>
#include <QStatusBar>
#include <QTabWidget>

namespace vgpu::console {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("vgpu console"));
  setWindowIcon(QIcon(QStringLiteral(":/vgpu/icons/vgpu.svg")));
  resize(1100, 720);

  auto* pages = new QTabWidget(this);
  pages->setObjectName(QStringLiteral("pages"));
  pages->setAccessibleName(tr("Console pages"));
  dashboard_ = new DashboardPage(pages);
  pages->addTab(dashboard_, tr("Dashboard"));
  setCentralWidget(pages);

  statusBar()->setObjectName(QStringLiteral("statusBar"));
  statusBar()->showMessage(tr("No telemetry sources connected"));
}

} // namespace vgpu::console

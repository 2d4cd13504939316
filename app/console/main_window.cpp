// Main window assembly.
#include "main_window.h"

#include "dashboard_page.h"
#include "diagnostics_page.h"
#include "journal/journal_reader.h"
#include "machine_doctor.h"
#include "remedy_applier.h"
#include "service_page.h"
#include "systemd/systemd_manager.h"

#include <QDBusConnection>
#include <QIcon>
#include <QStatusBar>
#include <QTabWidget>

namespace vgpu::console {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), remedyApplier_(std::make_shared<HelperRemedyApplier>()) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("vgpu console"));
  setWindowIcon(QIcon(QStringLiteral(":/vgpu/icons/vgpu.svg")));
  resize(1100, 720);

  auto* pages = new QTabWidget(this);
  pages->setObjectName(QStringLiteral("pages"));
  pages->setAccessibleName(tr("Console pages"));
  dashboard_ = new DashboardPage(pages);
  pages->addTab(dashboard_, tr("Dashboard"));
  systemd_ = new controller::SystemdManager(QDBusConnection::systemBus(), this);
  service_ = new ServicePage(systemd_, pages);
  pages->addTab(service_, tr("Service"));
  diagnostics_ = new DiagnosticsPage(&runDoctorOnThisMachine, remedyApplier_, pages);
  pages->addTab(diagnostics_, tr("Diagnostics"));
  setCentralWidget(pages);
  connect(pages, &QTabWidget::currentChanged, this, &MainWindow::onPageShown);

  statusBar()->setObjectName(QStringLiteral("statusBar"));
  statusBar()->showMessage(tr("No telemetry sources connected"));
}

// The Service page follows the journal, a member; QWidget's destructor (which deletes the pages)
// runs after the members are gone, so the pages go first.
MainWindow::~MainWindow() {
  delete takeCentralWidget();
}

void MainWindow::onPageShown(int index) {
  auto* pages = qobject_cast<QTabWidget*>(centralWidget());
  if (pages == nullptr || pages->widget(index) != service_ || service_->isStarted()) {
    return;
  }
  QString error;
  journal_ = controller::JournalReader::openSystem(&error);
  service_->start(journal_.get(), error);
}

} // namespace vgpu::console

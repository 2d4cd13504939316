// Main window assembly.
#include "main_window.h"

#include "change_applier.h"
#include "configuration_page.h"
#include "dashboard_page.h"
#include "diagnostics_page.h"
#include "hosts_page.h"
#include "install_wizard.h"
#include "journal/journal_reader.h"
#include "machine_doctor.h"
#include "processes_page.h"
#include "service_page.h"
#include "systemd/systemd_manager.h"
#include "telemetry/telemetry_client.h"
#include "telemetry_model.h"

#include <QDBusConnection>
#include <QIcon>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

namespace vgpu::console {

MainWindow::MainWindow(QWidget* parent) : MainWindow(ConsoleOptions{}, parent) {}

MainWindow::MainWindow(const ConsoleOptions& options, QWidget* parent)
    : QMainWindow(parent), applier_(std::make_shared<HelperChangeApplier>()) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("vgpu console"));
  setWindowIcon(QIcon(QStringLiteral(":/vgpu/icons/vgpu.svg")));
  resize(1100, 720);

  auto* pages = new QTabWidget(this);
  pages->setObjectName(QStringLiteral("pages"));
  pages->setAccessibleName(tr("Console pages"));
  telemetryModel_ = new TelemetryModel(std::chrono::milliseconds(options.sampleIntervalMs), this);
  dashboard_ = new DashboardPage(telemetryModel_, pages);
  pages->addTab(dashboard_, tr("Dashboard"));
  processes_ = new ProcessesPage(telemetryModel_, pages);
  pages->addTab(processes_, tr("Processes"));
  connect(processes_, &ProcessesPage::processSelected, dashboard_, &DashboardPage::selectProcess);
  connect(dashboard_, &DashboardPage::processSelected, processes_, &ProcessesPage::showSelection);
  HostsPage::Options hostsOptions;
  for (const QString& endpoint : options.hostEndpoints) {
    hostsOptions.endpoints.append({endpoint, QString()});
  }
  hostsOptions.connect = options.watchHosts;
  hosts_ = new HostsPage(hostsOptions, pages);
  pages->addTab(hosts_, tr("Hosts"));
  systemd_ = new controller::SystemdManager(QDBusConnection::systemBus(), this);
  service_ = new ServicePage(systemd_, applier_, pages);
  pages->addTab(service_, tr("Service"));
  diagnostics_ = new DiagnosticsPage(&runDoctorOnThisMachine, applier_, pages);
  pages->addTab(diagnostics_, tr("Diagnostics"));
  configuration_ = new ConfigurationPage(QStringLiteral("/"), applier_, pages);
  pages->addTab(configuration_, tr("Configuration"));
  setCentralWidget(pages);
  connect(pages, &QTabWidget::currentChanged, this, &MainWindow::onPageShown);

  auto* tools = addToolBar(tr("Tools"));
  tools->setObjectName(QStringLiteral("mainToolBar"));
  installAction_ = tools->addAction(QIcon(QStringLiteral(":/vgpu/icons/install.svg")), tr("&Install shim…"));
  installAction_->setObjectName(QStringLiteral("installAction"));
  installAction_->setToolTip(tr("Install the vgpu shim for Ollama with a guided wizard"));
  connect(installAction_, &QAction::triggered, this, &MainWindow::openInstallWizard);

  statusBar()->setObjectName(QStringLiteral("statusBar"));
  connect(hosts_, &HostsPage::statusMessage, this,
          [this](const QString& text) { statusBar()->showMessage(text, 15000); });
  connect(telemetryModel_, &TelemetryModel::processesChanged, this, &MainWindow::updateTelemetryStatus);
  updateTelemetryStatus();
  if (options.watchProcesses) {
    controller::telemetry::TelemetryClient::Options clientOptions;
    clientOptions.runtimeDirectory = options.runtimeDirectory;
    clientOptions.intervalMs = options.sampleIntervalMs;
    telemetryClient_ = new controller::telemetry::TelemetryClient(clientOptions, this);
    telemetryModel_->attach(telemetryClient_);
    telemetryClient_->start();
  }
}

void MainWindow::updateTelemetryStatus() {
  const auto count = telemetryModel_->processes().size();
  statusBar()->showMessage(count == 0 ? tr("No telemetry sources connected")
                                      : tr("Watching %n shim process(es)", nullptr, static_cast<int>(count)));
}

// The Service page follows the journal, a member; QWidget's destructor (which deletes the pages)
// runs after the members are gone, so the pages go first.
MainWindow::~MainWindow() {
  delete takeCentralWidget();
}

void MainWindow::openInstallWizard() {
  auto* wizard = new InstallWizard(machineInstallWizardSetup(), this);
  wizard->setAttribute(Qt::WA_DeleteOnClose);
  wizard->show();
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

// Main window assembly.
#include "main_window.h"

#include "background_task.h"
#include "change_applier.h"
#include "common/system_root.h"
#include "configuration_page.h"
#include "dashboard_page.h"
#include "diagnostics_page.h"
#include "hosts_page.h"
#include "install_wizard.h"
#include "journal/journal_entry.h"
#include "override_consent.h"
#include "processes_page.h"
#include "service_page.h"
#include "status_header.h"
#include "systemd/systemd_manager.h"
#include "telemetry/telemetry_client.h"
#include "telemetry_model.h"

#include <QDBusConnection>
#include <QIcon>
#include <QLabel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace vgpu::console {

namespace {

// Never a silent fake: the demo's machine is named as such above every page.
QLabel* demoBanner(const QString& root, QWidget* parent) {
  auto* banner = new QLabel(
      MainWindow::tr("Demo: the Service, Diagnostics and Configuration pages and the install wizard manage a "
                     "stand-in Ollama installation in %1 (its systemd is a test double on a private bus). Nothing "
                     "on this machine changes.")
          .arg(root),
      parent);
  banner->setObjectName(QStringLiteral("demoBanner"));
  banner->setWordWrap(true);
  banner->setContentsMargins(8, 4, 8, 4);
  banner->setStyleSheet(QStringLiteral("QLabel { background: #3b6ea5; color: white; }"));
  return banner;
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : MainWindow(ConsoleOptions{}, parent) {}

MainWindow::MainWindow(const ConsoleOptions& options, QWidget* parent)
    : QMainWindow(parent), applier_(std::make_shared<HelperChangeApplier>(options.machine.helperLaunch())),
      machine_(options.machine) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(machine_.demo ? tr("vgpu console — demo") : tr("vgpu console"));
  if (!machine_.helperPath.isEmpty() && !machine_.busAddress.isEmpty()) {
    // vgpu-helper in test mode reloads and restarts through the bus this names (the demo's own),
    // never the system bus.
    qputenv("VGPU_HELPER_TEST_BUS", machine_.busAddress.toLocal8Bit());
  }
  setWindowIcon(QIcon(QStringLiteral(":/vgpu/icons/vgpu.svg")));
  resize(1100, 720);

  auto* pages = new QTabWidget;
  pages_ = pages;
  pages->setObjectName(QStringLiteral("pages"));
  pages->setAccessibleName(tr("Console pages"));
  telemetryModel_ = new TelemetryModel(std::chrono::milliseconds(options.sampleIntervalMs), this);
  dashboard_ = new DashboardPage(telemetryModel_, pages);
  pages->addTab(dashboard_, tr("Dashboard"));
  processes_ = new ProcessesPage(telemetryModel_, pages);
  pages->addTab(processes_, tr("Processes"));
  connect(processes_, &ProcessesPage::processSelected, dashboard_, &DashboardPage::selectProcess);
  connect(dashboard_, &DashboardPage::processSelected, processes_, &ProcessesPage::showSelection);
  connect(processes_, &ProcessesPage::showInDashboard, this, [this](qint64 pid) {
    pages_->setCurrentWidget(dashboard_);
    dashboard_->selectProcess(pid);
  });
  HostsPage::Options hostsOptions;
  for (const QString& endpoint : options.hostEndpoints) {
    hostsOptions.endpoints.append({endpoint, QString()});
  }
  hostsOptions.connect = options.watchHosts;
  hosts_ = new HostsPage(hostsOptions, pages);
  pages->addTab(hosts_, tr("Hosts"));
  systemd_ = new controller::SystemdManager(machine_.bus(), this);
  service_ = new ServicePage(systemd_, applier_, pages);
  pages->addTab(service_, tr("Service"));
  diagnostics_ = new DiagnosticsPage([machine = machine_] { return machine.runDoctor(); }, applier_, pages);
  diagnostics_->setConsent(
      [this](const controller::HelperCommand& command) { return askConsent(this, machine_, command); });
  pages->addTab(diagnostics_, tr("Diagnostics"));
  configuration_ = new ConfigurationPage(machine_.root, applier_, pages);
  pages->addTab(configuration_, tr("Configuration"));
  // The header above every page: the answer an admin opens the console for.
  auto* central = new QWidget(this);
  auto* column = new QVBoxLayout(central);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(0);
  if (machine_.demo) {
    column->addWidget(demoBanner(machine_.root, central));
  }
  statusHeader_ = new StatusHeader(central);
  column->addWidget(statusHeader_);
  column->addWidget(pages, 1);
  setCentralWidget(central);
  connect(statusHeader_, &StatusHeader::pageRequested, this, &MainWindow::showStatusPage);
  connect(pages, &QTabWidget::currentChanged, this, &MainWindow::onPageShown);

  auto* tools = addToolBar(tr("Tools"));
  tools->setObjectName(QStringLiteral("mainToolBar"));
  installAction_ = tools->addAction(QIcon(QStringLiteral(":/vgpu/icons/install.svg")), tr("&Install shim…"));
  installAction_->setObjectName(QStringLiteral("installAction"));
  installAction_->setToolTip(tr("Install the vgpu shim for Ollama with a guided wizard"));
  connect(installAction_, &QAction::triggered, this, &MainWindow::openInstallWizard);
  desktopNotifications_ = options.desktopNotifications;
  buildMenus();
  setUpDesktop();

  statusBar()->setObjectName(QStringLiteral("statusBar"));
  const auto showMessage = [this](const QString& text) { statusBar()->showMessage(text, 15000); };
  connect(hosts_, &HostsPage::statusMessage, this, showMessage);
  connect(processes_, &ProcessesPage::statusMessage, this, showMessage);
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
  rememberLayout_ = options.rememberLayout;
  settingsFile_ = options.settingsFile;
  restoreLayout();
  if (options.watchStatus) {
    auto* timer = new QTimer(this);
    timer->setInterval(options.statusIntervalMs);
    connect(timer, &QTimer::timeout, this, &MainWindow::refreshStatus);
    timer->start();
    QTimer::singleShot(0, this, &MainWindow::refreshStatus);
  }
}

void MainWindow::showStatusPage(controller::status::StatusPage page) {
  using controller::status::StatusPage;
  QWidget* target = nullptr;
  switch (page) {
  case StatusPage::Dashboard: target = dashboard_; break;
  case StatusPage::Processes: target = processes_; break;
  case StatusPage::Hosts: target = hosts_; break;
  case StatusPage::Service: target = service_; break;
  case StatusPage::Diagnostics: target = diagnostics_; break;
  case StatusPage::Configuration: target = configuration_; break;
  }
  pages_->setCurrentWidget(target);
}

// The slow inputs (installation, systemd, proc, vgpud's answer) are read on a worker thread; the
// shim processes come from the telemetry model the Dashboard already follows, so the header and
// the pages show the same processes and no second reader connects to every socket.
void MainWindow::refreshStatus() {
  if (statusGathering_) {
    return; // the previous pass is still waiting on a socket or the bus
  }
  statusGathering_ = true;
  const ManagedMachine machine = machine_;
  constexpr qint64 kVgpudAskIntervalMs = 60000;
  const bool askVgpud = !vgpudAnswer_ || vgpudAnswer_->status == controller::doctor::CheckStatus::Fail ||
                        !vgpudAsked_.isValid() || vgpudAsked_.elapsed() >= kVgpudAskIntervalMs;
  runInBackground<controller::status::MachineStatusInputs>(
      this,
      [machine, askVgpud] {
        controller::status::MachineStatusSources sources;
        sources.root = machine.root;
        sources.readTelemetry = false;
        sources.askVgpud = askVgpud;
        // A test tree without a bus of its own has no systemd to ask.
        if (controller::SystemRoot(machine.root).isRealRoot() || !machine.busAddress.isEmpty()) {
          sources.bus = machine.bus();
        }
        return controller::status::gatherMachineStatusInputs(sources);
      },
      [this](const controller::status::MachineStatusInputs& gathered) {
        statusGathering_ = false;
        controller::status::MachineStatusInputs inputs = gathered;
        if (inputs.vgpudEndpoint) {
          vgpudAnswer_ = inputs.vgpudEndpoint;
          vgpudAsked_.start();
        } else {
          inputs.vgpudEndpoint = vgpudAnswer_;
        }
        for (const qint64 pid : telemetryModel_->processes()) {
          const auto* hello = telemetryModel_->hello(pid);
          const auto* sample = telemetryModel_->latestSample(pid);
          if (hello != nullptr) {
            inputs.shimProcesses.append({*hello, sample != nullptr ? *sample : controller::telemetry::Sample{}});
          }
        }
        statusHeader_->setStatus(controller::status::assembleMachineStatus(inputs));
      });
}

void MainWindow::updateTelemetryStatus() {
  const auto count = telemetryModel_->processes().size();
  statusBar()->showMessage(count == 0 ? tr("No telemetry sources connected")
                                      : tr("Watching %n shim process(es)", nullptr, static_cast<int>(count)));
}

std::unique_ptr<QSettings> MainWindow::layoutSettings() const {
  return settingsFile_.isEmpty() ? std::make_unique<QSettings>()
                                 : std::make_unique<QSettings>(settingsFile_, QSettings::IniFormat);
}

// A stored value that does not restore (another Qt, a hand-edited file) is ignored: the window
// keeps its defaults.
void MainWindow::restoreLayout() {
  if (!rememberLayout_) {
    return;
  }
  const std::unique_ptr<QSettings> settings = layoutSettings();
  restoreGeometry(settings->value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings->value(QStringLiteral("window/state")).toByteArray());
  const QString page = settings->value(QStringLiteral("window/page")).toString();
  for (int index = 0; index < pages_->count(); ++index) {
    if (!page.isEmpty() && pages_->widget(index)->objectName() == page) {
      pages_->setCurrentIndex(index);
    }
  }
}

void MainWindow::saveLayout() const {
  if (!rememberLayout_) {
    return;
  }
  const std::unique_ptr<QSettings> settings = layoutSettings();
  settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings->setValue(QStringLiteral("window/state"), saveState());
  settings->setValue(QStringLiteral("window/page"), pages_->currentWidget()->objectName());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveLayout();
  QMainWindow::closeEvent(event);
}

// The Service page follows the journal, a member; QWidget's destructor (which deletes the pages)
// runs after the members are gone, so the pages go first.
MainWindow::~MainWindow() {
  delete takeCentralWidget();
}

void MainWindow::openInstallWizard() {
  InstallWizardSetup setup = machineInstallWizardSetup();
  if (!machine_.isThisMachine()) {
    setup.root = machine_.root;
    setup.doctorContext = [machine = machine_] { return machine.doctorContext(); };
    setup.applier = applier_;
    setup.openLog = [machine = machine_](QString* error) { return machine.openLog(error); };
  }
  auto* wizard = new InstallWizard(std::move(setup), this);
  wizard->setAttribute(Qt::WA_DeleteOnClose);
  wizard->show();
}

void MainWindow::onPageShown(int index) {
  if (pages_->widget(index) != service_ || service_->isStarted()) {
    return;
  }
  QString error;
  journal_ = machine_.openLog(&error);
  service_->start(journal_.get(), error);
}

} // namespace vgpu::console

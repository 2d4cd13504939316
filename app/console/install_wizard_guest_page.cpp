// The install wizard's Guest page: the backend, vgpud's endpoint and token file for shim.conf, and
// Test connection through the controller's hello probe (the shims' own discovery and wire code).
#include "background_task.h"
#include "doctor/machine/vgpud_hello_probe.h"
#include "install_wizard_pages.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>

namespace vgpu::console {

namespace {

using controller::doctor::VgpudHelloResult;

// The shims' endpoint when shim.conf names none (vgpu/device/shim_config.h).
const QString kDefaultEndpoint = QStringLiteral("unix:/run/vgpud.sock");

QLabel* wrappedLabel(const QString& objectName, const QString& accessibleName, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(objectName);
  label->setAccessibleName(accessibleName);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

} // namespace

GuestPage::GuestPage(InstallWizard* wizard) : QWizardPage(wizard), wizard_(wizard) {
  setObjectName(QStringLiteral("wizardGuestPage"));
  setTitle(tr("Guest"));
  setSubTitle(tr("Where this guest's GPU work goes: vgpud on the GPU host, or the simulated device."));
  auto* form = new QFormLayout(this);
  stub_ = wrappedLabel(QStringLiteral("guestStub"), tr("The stub GPU this guest presents"), this);
  form->addRow(tr("Stub GPU:"), stub_);
  backend_ = new QComboBox(this);
  backend_->setObjectName(QStringLiteral("guestBackend"));
  backend_->setAccessibleName(tr("Backend: where the work is executed"));
  backend_->addItem(tr("vgpud on the GPU host (the work runs on its GPU)"), QStringLiteral("remote"));
  backend_->addItem(tr("Simulated device (no GPU: kernels are counted, never run)"), QStringLiteral("sim"));
  form->addRow(tr("&Backend:"), backend_);
  endpoint_ = new QLineEdit(this);
  endpoint_->setObjectName(QStringLiteral("guestEndpoint"));
  endpoint_->setAccessibleName(tr("vgpud's endpoint"));
  endpoint_->setPlaceholderText(tr("unix:/run/vgpud.sock, tcp:HOST:PORT or vsock:CID:PORT"));
  form->addRow(tr("&Endpoint:"), endpoint_);
  auto* tokenRow = new QHBoxLayout;
  tokenFile_ = new QLineEdit(this);
  tokenFile_->setObjectName(QStringLiteral("guestTokenFile"));
  tokenFile_->setAccessibleName(tr("vgpud's token file (tcp and vsock endpoints)"));
  tokenFile_->setPlaceholderText(tr("/etc/vgpu/token (needed for tcp: and vsock:)"));
  browse_ = new QPushButton(tr("Choose…"), this);
  browse_->setObjectName(QStringLiteral("guestTokenBrowse"));
  browse_->setAccessibleName(tr("Choose the token file"));
  tokenRow->addWidget(tokenFile_, 1);
  tokenRow->addWidget(browse_);
  auto* tokenLabel = new QLabel(tr("&Token file:"), this); // a row of two widgets: the buddy is named
  tokenLabel->setBuddy(tokenFile_);
  form->addRow(tokenLabel, tokenRow);
  test_ = new QPushButton(tr("&Test connection"), this);
  test_->setObjectName(QStringLiteral("guestTestConnection"));
  test_->setAccessibleName(tr("Test the connection to vgpud"));
  form->addRow(QString(), test_);
  result_ = wrappedLabel(QStringLiteral("guestTestResult"), tr("Result of the connection test"), this);
  form->addRow(result_);
  skipTest_ = new QCheckBox(tr("Continue without testing the connection"), this);
  skipTest_->setObjectName(QStringLiteral("guestSkipTest"));
  skipTest_->setAccessibleName(tr("Continue without testing the connection"));
  form->addRow(skipTest_);
  connect(backend_, &QComboBox::currentIndexChanged, this, &GuestPage::onEdited);
  connect(endpoint_, &QLineEdit::textChanged, this, &GuestPage::onEdited);
  connect(tokenFile_, &QLineEdit::textChanged, this, &GuestPage::onEdited);
  connect(skipTest_, &QCheckBox::toggled, this, &GuestPage::completeChanged);
  connect(test_, &QPushButton::clicked, this, &GuestPage::testConnection);
  connect(browse_, &QPushButton::clicked, this, &GuestPage::chooseTokenFile);
}

void GuestPage::initializePage() {
  if (initialized_) {
    return; // back and forth keeps what the admin entered
  }
  initialized_ = true;
  stub_->setText(wizard_->stubSummary().isEmpty() ? tr("No stub GPU was detected.") : wizard_->stubSummary());
  bool exists = false;
  QString error;
  fromFile_ = controller::parseShimConfigSettings(
      controller::readShimConfig(controller::SystemRoot(wizard_->setup().root), &exists, &error));
  backend_->setCurrentIndex(
      backend_->findData(fromFile_.backend == QLatin1String("sim") ? QStringLiteral("sim") : QStringLiteral("remote")));
  endpoint_->setText(fromFile_.endpoint.value_or(kDefaultEndpoint));
  tokenFile_->setText(fromFile_.tokenFile.value_or(QString()));
  onEdited();
  if (!error.isEmpty()) {
    result_->setText(tr("%1 cannot be read: %2").arg(QLatin1String(controller::kShimConfigPath), error));
  }
}

bool GuestPage::remote() const {
  return backend_->currentData().toString() == QLatin1String("remote");
}

controller::ShimConfigSettings GuestPage::settings() const {
  if (!remote()) {
    // The simulated device needs no endpoint: the file's own lines stay as they are, unless the
    // helper would refuse them (a token file that is gone): then they go.
    const controller::ShimConfigSettings kept{QStringLiteral("sim"), fromFile_.endpoint, fromFile_.tokenFile};
    const bool keep =
        !controller::planShimConfigChange(controller::SystemRoot(wizard_->setup().root), kept, false).refused;
    return keep ? kept : controller::ShimConfigSettings{QStringLiteral("sim"), std::nullopt, std::nullopt};
  }
  const QString token = tokenFile_->text().trimmed();
  return {QStringLiteral("remote"), endpoint_->text().trimmed(),
          token.isEmpty() ? std::nullopt : std::optional<QString>(token)};
}

void GuestPage::onEdited() {
  const bool isRemote = remote();
  for (QWidget* widget : {static_cast<QWidget*>(endpoint_), static_cast<QWidget*>(tokenFile_),
                          static_cast<QWidget*>(browse_), static_cast<QWidget*>(skipTest_)}) {
    widget->setEnabled(isRemote);
  }
  const QString problem = controller::checkShimConfigSettings(settings());
  test_->setEnabled(isRemote && problem.isEmpty() && !testing_);
  if (!problem.isEmpty()) {
    result_->setText(tr("Not a usable setting: %1").arg(problem));
  } else if (!passed_ || *passed_ != settings()) {
    result_->setText(isRemote ? tr("Not tested yet.") : tr("The simulated device needs no connection."));
  }
  Q_EMIT completeChanged();
}

bool GuestPage::isComplete() const {
  if (testing_ || !controller::checkShimConfigSettings(settings()).isEmpty()) {
    return false;
  }
  return !remote() || skipTest_->isChecked() || (passed_ && *passed_ == settings());
}

bool GuestPage::validatePage() {
  wizard_->setShimSettings(settings());
  return true;
}

void GuestPage::chooseTokenFile() {
  const QString chosen = QFileDialog::getOpenFileName(this, tr("vgpud's token file"), tokenFile_->text());
  if (!chosen.isEmpty()) {
    tokenFile_->setText(chosen);
  }
}

void GuestPage::testConnection() {
  const controller::ShimConfigSettings tested = settings();
  const controller::SystemRoot root(wizard_->setup().root);
  controller::doctor::VgpudHelloRequest request;
  request.endpoint = tested.endpoint.value_or(kDefaultEndpoint);
  request.tokenFile = tested.tokenFile ? root.hostPath(*tested.tokenFile) : QString();
  request.sysfsRoot = wizard_->context().sysfsRoot;
  request.machineIdFile = root.isRealRoot() ? QString() : root.hostPath(u"/etc/machine-id");
  testing_ = true;
  passed_.reset();
  test_->setEnabled(false);
  result_->setText(tr("Connecting to vgpud at %1…").arg(request.endpoint));
  Q_EMIT completeChanged();
  runInBackground<VgpudHelloResult>(
      this, [request] { return controller::doctor::probeVgpudHello(request); },
      [this, tested](const VgpudHelloResult& result) {
        testing_ = false;
        QStringList lines;
        if (result.ok) {
          passed_ = tested;
          lines.append(tr("Connected: vgpud %1 (%2 backend) serves").arg(result.daemonVersion, result.backend));
          for (const controller::doctor::VgpudDevice& device : result.devices) {
            lines.append(tr("• %1, %2 memory, %3")
                             .arg(device.name,
                                  QLocale().formattedDataSize(static_cast<qint64>(device.totalMemoryBytes)),
                                  device.uuid));
          }
        } else {
          lines.append(tr("Failed: %1").arg(result.error));
          lines.append(tr("What to do: %1").arg(result.remedy));
        }
        result_->setText(lines.join(u'\n'));
        test_->setEnabled(true);
        Q_EMIT completeChanged();
        Q_EMIT wizard_->connectionTested(result.ok, result_->text());
      });
}

} // namespace vgpu::console

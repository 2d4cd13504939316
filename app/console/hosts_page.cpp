// The Hosts page: endpoints, per-GPU plots, the sessions table and its actions (see hosts_page.h).
#include "hosts_page.h"

#include "dashboard_page.h"
#include "host/host_connection.h"
#include "host/host_endpoint.h"
#include "telemetry/process_summary.h"
#include "telemetry_plot.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <array>

namespace vgpu::console {

namespace host = controller::host;
using GpuMetric = HostHistory::GpuMetric;
using SessionMetric = HostHistory::SessionMetric;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr std::array<int, 3> kWindows = {300, 900, 3600};
const QString kSettingsArray = QStringLiteral("hosts/endpoints");
constexpr int kFullLegendSessions = 6; // more: the legend names session ids only

// Ten colours that stay apart on light and dark backgrounds; series beyond ten are told apart by
// the marker shapes TelemetryPlot adds and by name in the legend.
QColor seriesColour(int index) {
  static const std::array<QColor, 10> colours = {
      QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
      QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f),
      QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf)};
  return colours[static_cast<std::size_t>(index) % colours.size()];
}

std::unique_ptr<QSettings> openSettings(const QString& file) {
  return file.isEmpty() ? std::make_unique<QSettings>() : std::make_unique<QSettings>(file, QSettings::IniFormat);
}

QList<HostsPage::Endpoint> storedEndpoints(const QString& file) {
  const auto settings = openSettings(file);
  if (!settings->contains(kSettingsArray + QStringLiteral("/size"))) {
    return {{QString::fromLatin1(host::kDefaultAdminEndpoint), QString()}};
  }
  QList<HostsPage::Endpoint> result;
  const int count = settings->beginReadArray(kSettingsArray);
  for (int i = 0; i < count; ++i) {
    settings->setArrayIndex(i);
    result.append({settings->value(QStringLiteral("endpoint")).toString(),
                   settings->value(QStringLiteral("tokenFile")).toString()});
  }
  settings->endArray();
  return result;
}

// Default dialogs: message boxes and input dialogs.
bool confirmWithMessageBox(QWidget* parent, const QString& title, const QString& text) {
  return QMessageBox::question(parent, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) ==
         QMessageBox::Yes;
}

} // namespace

struct HostsPage::GpuPanel {
  int gpu = 0;
  QGroupBox* box = nullptr;
  QLabel* note = nullptr;
  TelemetryPlot* vram = nullptr;
  TelemetryPlot* gpuFigures = nullptr;
  TelemetryPlot* launches = nullptr;
  TelemetryPlot* copies = nullptr;
  QGridLayout* grid = nullptr;
  QList<std::uint64_t> sessions; // the series order of vram, launches and copies
};

struct HostsPage::Host {
  Endpoint entry;
  std::unique_ptr<host::HostClient> client;
  HostHistory history;
  HostState state = HostState::Connecting;
  QString detail;
  std::optional<host::HostHello> hello;
  std::optional<host::HostSample> latest;
  std::map<int, GpuPanel> panels;
  struct Pending {
    QString command;
    QString description;
  };
  QList<Pending> pending;
  bool tcp = false;

  QString name() const {
    if (latest && !latest->hostname.isEmpty()) {
      return latest->hostname;
    }
    return hello && !hello->hostname.isEmpty() ? hello->hostname : entry.endpoint;
  }
};

HostsPage::HostsPage(Options options, QWidget* parent) : QWidget(parent), options_(std::move(options)) {
  setObjectName(QStringLiteral("hostsPage"));
  dialogs_ = standardDialogs();
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buildHostsBar());
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->setObjectName(QStringLiteral("hostsSplitter"));
  QScrollArea* scroll = buildPlotsArea(splitter);
  splitter->addWidget(scroll);
  splitter->addWidget(buildSessionsArea(splitter));
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setSizes({600, 400}); // proportions: the plots get the larger part
  scroll->setMinimumHeight(260);
  table_->setMinimumHeight(120);
  layout->addWidget(splitter, 1);
  readout_ = new QLabel(this);
  readout_->setObjectName(QStringLiteral("hostsReadout"));
  readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  readout_->setWordWrap(true);
  layout->addWidget(readout_);

  refreshTimer_.setSingleShot(true);
  refreshTimer_.setInterval(kMinRefreshMs);
  connect(&refreshTimer_, &QTimer::timeout, this, &HostsPage::refreshNow);
  retranslate();
  windowCombo_->setCurrentIndex(1); // 15 minutes
  connectControls();

  const QList<Endpoint> endpoints =
      options_.endpoints.isEmpty() ? storedEndpoints(options_.settingsFile) : options_.endpoints;
  for (const Endpoint& endpoint : endpoints) {
    QString error;
    addEndpoint(endpoint, &error); // an unreadable one is listed with its error
  }
  updateActionButtons();
  removeButton_->setEnabled(false);
}

// The dialogs the actions ask with; tests replace them.
HostsPage::Dialogs HostsPage::standardDialogs() {
  Dialogs dialogs;
  dialogs.confirm = confirmWithMessageBox;
  dialogs.askQuota = [](QWidget* owner, const QString& session) -> std::optional<QString> {
    bool ok = false;
    const QString text = QInputDialog::getText(
        owner, tr("Set VRAM quota"), tr("VRAM quota per device of %1 (e.g. 8GiB, 512MiB; 0 = none):").arg(session),
        QLineEdit::Normal, QString(), &ok);
    return ok ? std::optional<QString>(text) : std::nullopt;
  };
  dialogs.askPriority = [](QWidget* owner, const QString& session, const QString& current) -> std::optional<QString> {
    const QStringList keys = {QStringLiteral("low"), QStringLiteral("normal"), QStringLiteral("high")};
    const QStringList names = {tr("low"), tr("normal"), tr("high")};
    bool ok = false;
    const QString chosen =
        QInputDialog::getItem(owner, tr("Set priority"), tr("Priority of %1:").arg(session), names,
                              static_cast<int>(std::max<qsizetype>(0, keys.indexOf(current))), false, &ok);
    return ok ? std::optional<QString>(keys.value(names.indexOf(chosen))) : std::nullopt;
  };
  return dialogs;
}

// The endpoint list with its buttons, the plot window and the VRAM axis choice.
QHBoxLayout* HostsPage::buildHostsBar() {
  auto* top = new QHBoxLayout;
  hostsLabel_ = new QLabel(this);
  hostList_ = new QListWidget(this);
  hostList_->setObjectName(QStringLiteral("hostsList"));
  hostList_->setMaximumHeight(72);
  hostsLabel_->setBuddy(hostList_);
  addButton_ = new QPushButton(this);
  addButton_->setObjectName(QStringLiteral("hostsAdd"));
  removeButton_ = new QPushButton(this);
  removeButton_->setObjectName(QStringLiteral("hostsRemove"));
  windowLabel_ = new QLabel(this);
  windowCombo_ = new QComboBox(this);
  windowCombo_->setObjectName(QStringLiteral("hostsWindow"));
  windowLabel_->setBuddy(windowCombo_);
  windowCombo_->view()->setObjectName(QStringLiteral("hostsWindowList"));
  auto* hostButtons = new QVBoxLayout;
  hostButtons->addWidget(addButton_);
  hostButtons->addWidget(removeButton_);
  hostButtons->addStretch(1);
  auto* windowBox = new QVBoxLayout;
  windowBox->addWidget(windowLabel_);
  windowBox->addWidget(windowCombo_);
  fitVram_ = new QCheckBox(this);
  fitVram_->setObjectName(QStringLiteral("hostsFitVram"));
  windowBox->addWidget(fitVram_);
  windowBox->addStretch(1);
  auto* listBox = new QVBoxLayout;
  listBox->addWidget(hostsLabel_);
  listBox->addWidget(hostList_);
  top->addLayout(listBox, 1);
  top->addLayout(hostButtons);
  top->addLayout(windowBox);
  return top;
}

// One panel of plots per GPU of every host, in a scroll area, with the empty state until one comes.
QScrollArea* HostsPage::buildPlotsArea(QWidget* parent) {
  auto* scroll = new QScrollArea(parent);
  panelsArea_ = scroll;
  scroll->setObjectName(QStringLiteral("hostsPlotsArea"));
  scroll->setWidgetResizable(true);
  panels_ = new QWidget(scroll);
  panels_->setObjectName(QStringLiteral("hostsPlots"));
  panelsLayout_ = new QVBoxLayout(panels_);
  panelsLayout_->setContentsMargins(0, 0, 0, 0);
  emptyState_ = new QLabel(panels_);
  emptyState_->setObjectName(QStringLiteral("hostsEmptyState"));
  emptyState_->setWordWrap(true);
  emptyState_->setAlignment(Qt::AlignCenter);
  panelsLayout_->addWidget(emptyState_);
  panelsLayout_->addStretch(1);
  scroll->setWidget(panels_);
  return scroll;
}

// Every session of every host, sortable, with the admin's actions and their replies.
QWidget* HostsPage::buildSessionsArea(QWidget* parent) {
  auto* sessionsBox = new QWidget(parent);
  auto* sessionsLayout = new QVBoxLayout(sessionsBox);
  sessionsLayout->setContentsMargins(0, 0, 0, 0);
  sessionsLabel_ = new QLabel(sessionsBox);
  sessionsLayout->addWidget(sessionsLabel_);
  sessions_ = new HostSessionsModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(sessions_);
  proxy_->setSortRole(HostSessionsModel::SortRole);
  proxy_->setDynamicSortFilter(true);
  table_ = new QTableView(sessionsBox);
  table_->setObjectName(QStringLiteral("hostsSessions"));
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(HostSessionsModel::Id, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  sessionsLabel_->setBuddy(table_);
  sessionsLayout->addWidget(table_, 1);
  auto* actions = new QHBoxLayout;
  quotaButton_ = new QPushButton(sessionsBox);
  quotaButton_->setObjectName(QStringLiteral("hostsSetQuota"));
  priorityButton_ = new QPushButton(sessionsBox);
  priorityButton_->setObjectName(QStringLiteral("hostsSetPriority"));
  drainButton_ = new QPushButton(sessionsBox);
  drainButton_->setObjectName(QStringLiteral("hostsDrain"));
  killButton_ = new QPushButton(sessionsBox);
  killButton_->setObjectName(QStringLiteral("hostsKill"));
  for (QPushButton* button : {quotaButton_, priorityButton_, drainButton_, killButton_}) {
    actions->addWidget(button);
  }
  message_ = new QLabel(sessionsBox);
  message_->setObjectName(QStringLiteral("hostsMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  actions->addWidget(message_, 1);
  sessionsLayout->addLayout(actions);
  return sessionsBox;
}

void HostsPage::connectControls() {
  connect(windowCombo_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0) {
      windowSeconds_ = kWindows[static_cast<std::size_t>(index)];
      refreshNow();
    }
  });
  connect(fitVram_, &QCheckBox::toggled, this, [this] { refreshNow(); });
  connect(addButton_, &QPushButton::clicked, this, &HostsPage::askAndAddEndpoint);
  connect(removeButton_, &QPushButton::clicked, this, [this] {
    if (QListWidgetItem* item = hostList_->currentItem()) {
      removeEndpoint(item->data(Qt::UserRole).toString());
    }
  });
  connect(hostList_, &QListWidget::currentRowChanged, this, [this](int row) { removeButton_->setEnabled(row >= 0); });
  connect(quotaButton_, &QPushButton::clicked, this, [this] { runAction(Action::SetQuota, currentRow()); });
  connect(priorityButton_, &QPushButton::clicked, this, [this] { runAction(Action::SetPriority, currentRow()); });
  connect(drainButton_, &QPushButton::clicked, this, [this] { runAction(Action::Drain, currentRow()); });
  connect(killButton_, &QPushButton::clicked, this, [this] { runAction(Action::Kill, currentRow()); });
  connect(table_, &QTableView::customContextMenuRequested, this, &HostsPage::showContextMenu);
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HostsPage::updateActionButtons);
  connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &HostsPage::updateActionButtons);
}

// The clients go first, and say nothing more to the page while they stop.
HostsPage::~HostsPage() {
  for (auto& host : hosts_) {
    if (host->client) {
      host->client->disconnect(this);
      host->client->stop();
    }
  }
  hosts_.clear();
}

void HostsPage::retranslate() {
  hostsLabel_->setText(tr("vgpud &hosts:"));
  hostList_->setAccessibleName(tr("Hosts watched and their connection state"));
  addButton_->setText(tr("&Add host…"));
  addButton_->setAccessibleName(tr("Add a vgpud admin endpoint"));
  removeButton_->setText(tr("&Remove host"));
  removeButton_->setAccessibleName(tr("Stop watching the selected host"));
  windowLabel_->setText(tr("&Window:"));
  windowCombo_->setAccessibleName(tr("Time window"));
  {
    const int window = windowCombo_->currentIndex();
    const QSignalBlocker blocker(windowCombo_);
    windowCombo_->clear();
    windowCombo_->addItem(tr("5 minutes"));
    windowCombo_->addItem(tr("15 minutes"));
    windowCombo_->addItem(tr("1 hour"));
    windowCombo_->setCurrentIndex(window);
  }
  fitVram_->setText(tr("&Fit the VRAM axis to the sessions' use"));
  fitVram_->setToolTip(tr("Off: the VRAM axis ends at the GPU's total memory"));
  fitVram_->setAccessibleName(tr("Fit the VRAM axis to the sessions' use instead of the GPU's total"));
  panelsArea_->setAccessibleName(tr("GPUs of every host"));
  windowCombo_->view()->setAccessibleName(tr("Time windows"));
  emptyState_->setText(tr("<b>No GPU to show yet.</b><br>A host's GPUs appear once vgpud answers on its admin "
                          "socket (on the simulated backend, once a session has used the GPU)."));
  sessionsLabel_->setText(tr("&Sessions (every host):"));
  table_->setAccessibleName(tr("Sessions of every host"));
  quotaButton_->setText(tr("Set &quota…"));
  quotaButton_->setAccessibleName(tr("Set the selected session's VRAM quota"));
  priorityButton_->setText(tr("Set &priority…"));
  priorityButton_->setAccessibleName(tr("Set the selected session's priority"));
  drainButton_->setText(tr("&Drain…"));
  drainButton_->setAccessibleName(tr("Drain the selected session"));
  killButton_->setText(tr("&Kill…"));
  killButton_->setAccessibleName(tr("Kill the selected session"));
  message_->setAccessibleName(tr("Result of the last action"));
  readout_->setAccessibleName(tr("Value under the mouse pointer"));
  if (readout_->text().isEmpty() || readoutIsHint_) {
    readout_->setText(tr("Hover over a plot to read its values."));
    readoutIsHint_ = true;
  }
  sessions_->retranslate();
  for (auto& host : hosts_) {
    for (auto& [gpu, panel] : host->panels) {
      panel.vram->setTitle(tr("VRAM by session"));
      panel.vram->setUnit(kGiB, tr("GiB"));
      panel.vram->setAccessibleName(tr("VRAM used by each session, stacked, against the GPU's total"));
      panel.gpuFigures->setTitle(tr("GPU"));
      panel.gpuFigures->setUnit(1.0, tr("%, °C, W"));
      panel.gpuFigures->setAccessibleName(tr("GPU utilization, temperature and power over time"));
      panel.gpuFigures->setSeriesName(0, tr("utilization %"));
      panel.gpuFigures->setSeriesName(1, tr("temperature °C"));
      panel.gpuFigures->setSeriesName(2, tr("power W"));
      panel.launches->setTitle(tr("Kernel launches"));
      panel.launches->setUnit(1.0, tr("per second"));
      panel.launches->setAccessibleName(tr("Kernel launches per second of each session"));
      panel.copies->setTitle(tr("Copy bandwidth"));
      panel.copies->setUnit(kMiB, tr("MiB/s"));
      panel.copies->setAccessibleName(tr("Copy bandwidth of each session"));
      panel.sessions.clear(); // series names follow at the next refresh
    }
  }
  updateHostList();
  refreshNow();
}

void HostsPage::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) {
    retranslate();
  }
  QWidget::changeEvent(event);
}

QStringList HostsPage::endpoints() const {
  QStringList result;
  for (const auto& host : hosts_) {
    result.append(host->entry.endpoint);
  }
  return result;
}

HostsPage::Host* HostsPage::hostOf(const QString& endpoint) const {
  for (const auto& host : hosts_) {
    if (host->entry.endpoint == endpoint) {
      return host.get();
    }
  }
  return nullptr;
}

bool HostsPage::addEndpoint(const Endpoint& endpoint, QString* error) {
  if (hostOf(endpoint.endpoint) != nullptr) {
    *error = tr("%1 is already in the list").arg(endpoint.endpoint);
    return false;
  }
  auto entry = std::make_unique<Host>();
  entry->entry = endpoint;
  Host& added = *entry;
  hosts_.push_back(std::move(entry));
  startHost(added);
  if (options_.endpoints.isEmpty()) {
    storeEndpoints();
  }
  updateHostList();
  if (added.state == HostState::Invalid) {
    *error = added.detail;
    return false;
  }
  return true;
}

void HostsPage::removeEndpoint(const QString& endpoint) {
  for (auto it = hosts_.begin(); it != hosts_.end(); ++it) {
    if ((*it)->entry.endpoint != endpoint) {
      continue;
    }
    Host& gone = **it;
    if (gone.client) {
      gone.client->disconnect(this);
      gone.client->stop();
    }
    for (auto& [gpu, panel] : gone.panels) {
      delete panel.box;
    }
    sessions_->removeHost(endpoint);
    hosts_.erase(it);
    if (options_.endpoints.isEmpty()) {
      storeEndpoints();
    }
    updateHostList();
    refreshNow();
    return;
  }
}

void HostsPage::storeEndpoints() const {
  const auto settings = openSettings(options_.settingsFile);
  settings->beginWriteArray(kSettingsArray, static_cast<int>(hosts_.size()));
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    settings->setArrayIndex(static_cast<int>(i));
    settings->setValue(QStringLiteral("endpoint"), hosts_[i]->entry.endpoint);
    settings->setValue(QStringLiteral("tokenFile"), hosts_[i]->entry.tokenFile);
  }
  settings->endArray();
  settings->sync();
}

void HostsPage::startHost(Host& host) {
  QString error;
  const std::optional<host::HostEndpoint> endpoint = host::parseHostEndpoint(host.entry.endpoint, &error);
  if (!endpoint) {
    host.state = HostState::Invalid;
    host.detail = error;
    return;
  }
  host.tcp = endpoint->kind == host::HostEndpoint::Kind::Tcp;
  host::HostClient::Options clientOptions;
  clientOptions.endpoint = *endpoint;
  clientOptions.intervalMs = options_.intervalMs;
  clientOptions.retryMs = options_.retryMs;
  if (!host.entry.tokenFile.isEmpty()) {
    const std::optional<QString> token = host::readAdminToken(host.entry.tokenFile, &error);
    if (!token) {
      host.state = HostState::Invalid;
      host.detail = error;
      return;
    }
    clientOptions.token = token;
  } else if (host.tcp) {
    host.state = HostState::Invalid;
    host.detail = tr("a TCP endpoint needs the admin token's file (vgpud's admin-token-file)");
    return;
  }
  if (!options_.connect) {
    return;
  }
  host.client = std::make_unique<host::HostClient>(clientOptions);
  Host* target = &host;
  connect(host.client.get(), &host::HostClient::connected, this, [this, target](const host::HostHello& hello) {
    target->state = HostState::Connected;
    target->hello = hello;
    target->detail.clear();
    updateHostList();
    emit statusMessage(tr("Connected to %1 (%2)").arg(target->name(), target->entry.endpoint));
  });
  connect(host.client.get(), &host::HostClient::sampleReceived, this,
          [this, target](const host::HostSample& sample) { onSample(*target, sample); });
  connect(host.client.get(), &host::HostClient::actionReplied, this,
          [this, target](const QString& command, const QJsonObject&) { onReply(*target, command, QString()); });
  connect(host.client.get(), &host::HostClient::actionFailed, this, [this, target](const host::HostServerError& e) {
    onReply(*target, e.command, e.message.isEmpty() ? e.code : e.code + QStringLiteral(": ") + e.message);
  });
  connect(host.client.get(), &host::HostClient::disconnected, this, [this, target](const QString& why, bool refused) {
    const bool wasConnected = target->state == HostState::Connected;
    target->state = refused ? HostState::Refused : HostState::Unreachable;
    target->detail = why;
    target->hello.reset();
    for (const Host::Pending& pending : target->pending) {
      showMessage(tr("%1: no reply, the connection ended").arg(pending.description), true);
    }
    target->pending.clear();
    sessions_->removeHost(target->entry.endpoint);
    updateHostList();
    if (wasConnected || refused) {
      emit statusMessage(hostStateText(target->entry.endpoint));
    }
  });
  host.client->start();
}

HostsPage::HostState HostsPage::hostState(const QString& endpoint) const {
  const Host* host = hostOf(endpoint);
  return host != nullptr ? host->state : HostState::Invalid;
}

QString HostsPage::hostStateText(const QString& endpoint) const {
  const Host* host = hostOf(endpoint);
  if (host == nullptr) {
    return {};
  }
  switch (host->state) {
  case HostState::Connecting: return tr("%1: connecting…").arg(endpoint);
  case HostState::Connected:
    return tr("%1: connected to %2 (vgpud %3, backend %4)")
        .arg(endpoint, host->name(), host->hello ? host->hello->daemonVersion : QString(),
             host->hello ? host->hello->backend : QString());
  case HostState::Refused:
    return host->tcp ? tr("%1: refused — the admin token is missing or wrong (vgpud's admin-token-file, not the "
                          "tenants' token); retrying every %2 s")
                           .arg(endpoint)
                           .arg(options_.retryMs / 1000.0)
                     : tr("%1: refused — be root or a member of the group %2 (vgpud's admin-group), then log in "
                          "again; retrying every %3 s")
                           .arg(endpoint, QString::fromLatin1(host::kDefaultAdminGroup))
                           .arg(options_.retryMs / 1000.0);
  case HostState::Unreachable:
    return tr("%1: unreachable, retrying every %2 s (%3)")
        .arg(endpoint)
        .arg(options_.retryMs / 1000.0)
        .arg(host->detail);
  case HostState::Invalid: return tr("%1: not watched: %2").arg(endpoint, host->detail);
  }
  return {};
}

void HostsPage::updateHostList() {
  const QString current =
      hostList_->currentItem() != nullptr ? hostList_->currentItem()->data(Qt::UserRole).toString() : QString();
  const QSignalBlocker blocker(hostList_);
  hostList_->clear();
  for (const auto& host : hosts_) {
    auto* item = new QListWidgetItem(hostStateText(host->entry.endpoint), hostList_);
    item->setData(Qt::UserRole, host->entry.endpoint);
    item->setToolTip(host->detail.isEmpty() ? item->text() : host->detail);
    if (host->entry.endpoint == current) {
      hostList_->setCurrentItem(item);
    }
  }
  removeButton_->setEnabled(hostList_->currentItem() != nullptr);
}

void HostsPage::feedSample(const QString& endpoint, const host::HostSample& sample) {
  if (Host* host = hostOf(endpoint)) {
    onSample(*host, sample);
  }
}

void HostsPage::onSample(Host& host, const host::HostSample& sample) {
  host.latest = sample;
  host.history.addSample(sample, options_.intervalMs);
  sessions_->setHostSessions(host.entry.endpoint, host.name(), sample.sessions);
  for (const host::HostGpu& gpu : sample.gpus) {
    panel(host, gpu.index);
  }
  scheduleRefresh();
}

HostsPage::GpuPanel& HostsPage::panel(Host& host, int gpu) {
  auto it = host.panels.find(gpu);
  if (it != host.panels.end()) {
    return it->second;
  }
  GpuPanel& added = host.panels[gpu];
  added.gpu = gpu;
  added.box = new QGroupBox(panels_);
  added.box->setObjectName(QStringLiteral("hostsGpuPanel"));
  auto* box = new QVBoxLayout(added.box);
  added.note = new QLabel(added.box);
  added.note->setWordWrap(true);
  box->addWidget(added.note);
  auto* grid = new QGridLayout;
  added.grid = grid;
  added.vram = new TelemetryPlot(QStringLiteral("hostsVramPlot"), added.box);
  added.gpuFigures = new TelemetryPlot(QStringLiteral("hostsGpuPlot"), added.box);
  added.launches = new TelemetryPlot(QStringLiteral("hostsLaunchesPlot"), added.box);
  added.copies = new TelemetryPlot(QStringLiteral("hostsCopyPlot"), added.box);
  for (TelemetryPlot* plot : {added.vram, added.gpuFigures, added.launches, added.copies}) {
    connect(plot, &TelemetryPlot::readoutChanged, this, [this](const QString& text) {
      readout_->setText(text);
      readoutIsHint_ = false;
    });
  }
  for (int i = 0; i < 3; ++i) {
    added.gpuFigures->addSeries(QString(), QPen(seriesColour(i), 1));
  }
  grid->addWidget(added.vram, 0, 0);
  grid->addWidget(added.gpuFigures, 0, 1);
  grid->addWidget(added.launches, 1, 0);
  grid->addWidget(added.copies, 1, 1);
  box->addLayout(grid);
  panelsLayout_->insertWidget(panelsLayout_->count() - 1, added.box);
  emptyState_->hide();
  retranslate(); // titles and units of the new plots
  return added;
}

void HostsPage::scheduleRefresh() {
  if (!refreshTimer_.isActive()) {
    refreshTimer_.start(); // coalesces every sample until it fires
  }
}

void HostsPage::updatePanel(Host& host, GpuPanel& panel) {
  const std::int64_t nowMs = host.history.newestTimeMs();
  const std::int64_t windowMs = std::int64_t{windowSeconds_} * 1000;
  const std::int64_t sinceMs = nowMs - windowMs;
  const host::HostGpu* gpu = host.latest ? host.latest->gpu(panel.gpu) : nullptr;
  const QString name = gpu != nullptr ? gpu->name : QString();
  const std::uint64_t total = gpu != nullptr ? gpu->memoryTotalBytes.value_or(0) : 0;
  panel.box->setTitle(tr("%1 — GPU %2: %3 (%4 total)")
                          .arg(host.name())
                          .arg(panel.gpu)
                          .arg(name, total > 0 ? controller::telemetry::humanBytes(total) : tr("unknown")));
  const bool simulated = gpu != nullptr && gpu->simulated;
  const bool gpuFigures = !host.history.gpuPoints(panel.gpu, GpuMetric::UtilizationPercent, sinceMs).isEmpty() ||
                          !host.history.gpuPoints(panel.gpu, GpuMetric::TemperatureC, sinceMs).isEmpty() ||
                          !host.history.gpuPoints(panel.gpu, GpuMetric::PowerWatts, sinceMs).isEmpty();
  panel.note->setText(simulated ? tr("Simulated GPU: VRAM and call figures are vgpud's accounting; vgpud sends no "
                                     "utilization, temperature or power for it.")
                                : QString());
  panel.note->setVisible(simulated);
  if (panel.gpuFigures->isVisibleTo(panel.box) != gpuFigures) {
    // Without GPU figures (a simulated GPU) the VRAM plot takes the whole first row.
    panel.grid->removeWidget(panel.vram);
    panel.grid->addWidget(panel.vram, 0, 0, 1, gpuFigures ? 1 : 2);
    panel.gpuFigures->setVisible(gpuFigures);
  }

  // Series: one per session on this GPU (stacked for VRAM), rebuilt when the sessions change.
  const QList<std::uint64_t> sessions = host.history.sessionsOn(panel.gpu, sinceMs);
  if (sessions != panel.sessions) {
    panel.sessions = sessions;
    // Beyond a few sessions the legend names only the ids, in columns, so it does not hide the
    // plot; the hover read-out and the table name the rest.
    const bool compact = sessions.size() > kFullLegendSessions;
    for (TelemetryPlot* plot : {panel.vram, panel.launches, panel.copies}) {
      plot->clearGraphs();
      for (int i = 0; i < sessions.size(); ++i) {
        const QString label = compact ? tr("#%1").arg(sessions[i])
                                      : tr("#%1 %2").arg(sessions[i]).arg(host.history.sessionLabel(sessions[i]));
        plot->addSeries(label, QPen(seriesColour(i), 1));
      }
      plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, false);
      plot->legend->setWrap(compact ? 6 : 1);
      plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
      plot->legend->setBrush(QColor(255, 255, 255, 200)); // the lines show through
    }
    for (int i = 0; i < sessions.size(); ++i) {
      QCPGraph* graph = panel.vram->graph(i);
      QColor fill = seriesColour(i);
      fill.setAlpha(110);
      graph->setBrush(fill);
      graph->setChannelFillGraph(i > 0 ? panel.vram->graph(i - 1) : nullptr);
    }
    panel.vram->addSeries(tr("total"), QPen(QColor(0x80, 0x80, 0x80), 1));
  }

  // VRAM stacked: each session's series is the running sum of the sessions before it and its own.
  QHash<std::int64_t, double> stacked;
  for (int i = 0; i < sessions.size(); ++i) {
    QList<HostPoint> points = host.history.sessionPoints(sessions[i], SessionMetric::VramUsedBytes, panel.gpu, sinceMs);
    for (HostPoint& point : points) {
      double& sum = stacked[point.timeMs];
      sum += point.value;
      point.value = sum;
    }
    panel.vram->replacePoints(i, points);
    panel.launches->replacePoints(
        i, host.history.sessionPoints(sessions[i], SessionMetric::LaunchesPerSecond, 0, sinceMs));
    panel.copies->replacePoints(i,
                                host.history.sessionPoints(sessions[i], SessionMetric::CopyBytesPerSecond, 0, sinceMs));
  }
  panel.vram->replacePoints(static_cast<int>(sessions.size()),
                            host.history.gpuPoints(panel.gpu, GpuMetric::MemoryTotalBytes, sinceMs));
  panel.gpuFigures->replacePoints(0, host.history.gpuPoints(panel.gpu, GpuMetric::UtilizationPercent, sinceMs));
  panel.gpuFigures->replacePoints(1, host.history.gpuPoints(panel.gpu, GpuMetric::TemperatureC, sinceMs));
  panel.gpuFigures->replacePoints(2, host.history.gpuPoints(panel.gpu, GpuMetric::PowerWatts, sinceMs));
  for (TelemetryPlot* plot : {panel.vram, panel.gpuFigures, panel.launches, panel.copies}) {
    plot->setWindow(nowMs, windowMs);
  }
  // The GPU's memory is the VRAM axis' limit.
  if (fitVram_->isChecked()) {
    // Fitted: up to the stacked sessions' highest point (the total's line is then off the axis).
    double highest = 0;
    for (auto it = stacked.cbegin(); it != stacked.cend(); ++it) {
      highest = std::max(highest, it.value());
    }
    panel.vram->yAxis->setRange(0, highest > 0 ? highest / kGiB * 1.1 : 1.0);
  } else if (total > 0) {
    panel.vram->yAxis->setRange(0, static_cast<double>(total) / kGiB * 1.02);
  }
  for (TelemetryPlot* plot : {panel.vram, panel.gpuFigures, panel.launches, panel.copies}) {
    plot->replot(QCustomPlot::rpQueuedReplot);
  }
}

void HostsPage::refreshNow() {
  refreshTimer_.stop();
  bool any = false;
  for (auto& host : hosts_) {
    for (auto& [gpu, panel] : host->panels) {
      updatePanel(*host, panel);
      any = true;
    }
  }
  emptyState_->setVisible(!any);
  ++refreshCount_;
}

void HostsPage::setWindowSeconds(int seconds) {
  for (std::size_t i = 0; i < kWindows.size(); ++i) {
    if (kWindows[i] == seconds) {
      windowCombo_->setCurrentIndex(static_cast<int>(i));
    }
  }
}

void HostsPage::setVramFitted(bool fitted) {
  fitVram_->setChecked(fitted);
}

QList<TelemetryPlot*> HostsPage::allPlots() const {
  QList<TelemetryPlot*> result;
  for (const auto& host : hosts_) {
    for (const auto& [gpu, panel] : host->panels) {
      result << panel.vram << panel.gpuFigures << panel.launches << panel.copies;
    }
  }
  return result;
}

const HostsPage::GpuPanel* HostsPage::panelOf(const QString& endpoint, int gpu) const {
  const Host* host = hostOf(endpoint);
  if (host == nullptr) {
    return nullptr;
  }
  const auto it = host->panels.find(gpu);
  return it != host->panels.end() ? &it->second : nullptr;
}

TelemetryPlot* HostsPage::vramPlot(const QString& endpoint, int gpu) const {
  const GpuPanel* found = panelOf(endpoint, gpu);
  return found != nullptr ? found->vram : nullptr;
}

TelemetryPlot* HostsPage::gpuPlot(const QString& endpoint, int gpu) const {
  const GpuPanel* found = panelOf(endpoint, gpu);
  return found != nullptr ? found->gpuFigures : nullptr;
}

TelemetryPlot* HostsPage::launchesPlot(const QString& endpoint, int gpu) const {
  const GpuPanel* found = panelOf(endpoint, gpu);
  return found != nullptr ? found->launches : nullptr;
}

TelemetryPlot* HostsPage::copyPlot(const QString& endpoint, int gpu) const {
  const GpuPanel* found = panelOf(endpoint, gpu);
  return found != nullptr ? found->copies : nullptr;
}

const HostHistory* HostsPage::history(const QString& endpoint) const {
  const Host* host = hostOf(endpoint);
  return host != nullptr ? &host->history : nullptr;
}

int HostsPage::currentRow() const {
  const QModelIndexList rows = table_->selectionModel()->selectedRows();
  return rows.isEmpty() ? -1 : rows.first().row();
}

void HostsPage::updateActionButtons() {
  const bool selected = currentRow() >= 0;
  for (QPushButton* button : {quotaButton_, priorityButton_, drainButton_, killButton_}) {
    button->setEnabled(selected);
  }
}

void HostsPage::showContextMenu(const QPoint& position) {
  const QModelIndex index = table_->indexAt(position);
  if (!index.isValid()) {
    return;
  }
  table_->selectRow(index.row());
  QMenu menu(this);
  menu.setObjectName(QStringLiteral("hostsSessionMenu"));
  const int row = index.row();
  menu.addAction(tr("Set &quota…"), this, [this, row] { runAction(Action::SetQuota, row); });
  menu.addAction(tr("Set &priority…"), this, [this, row] { runAction(Action::SetPriority, row); });
  menu.addSeparator();
  menu.addAction(tr("&Drain…"), this, [this, row] { runAction(Action::Drain, row); });
  menu.addAction(tr("&Kill…"), this, [this, row] { runAction(Action::Kill, row); });
  menu.exec(table_->viewport()->mapToGlobal(position));
}

bool HostsPage::runAction(Action action, int row) {
  const QModelIndex index = proxy_->mapToSource(proxy_->index(row, 0));
  const HostSessionsModel::Row* target = sessions_->row(index.row());
  if (!index.isValid() || target == nullptr) {
    return false;
  }
  // Copied: the model may change while a dialog is open.
  const HostSessionsModel::Row chosen = *target;
  const std::uint64_t id = chosen.session.id;
  const QString session = tr("session %1 (%2)").arg(id).arg(sessionDisplayName(chosen.session));
  const QString where = tr("%1 on %2").arg(session, chosen.hostName);
  QJsonObject request;
  QString question;
  QString title;
  QString description;
  switch (action) {
  case Action::SetQuota: {
    const std::optional<QString> text = dialogs_.askQuota(this, where);
    if (!text) {
      return false;
    }
    const std::optional<std::uint64_t> bytes = parseQuotaSize(*text);
    if (!bytes) {
      showMessage(tr("Cannot read the size '%1' (e.g. 8GiB, 512MiB; 0 = none)").arg(*text), true);
      return false;
    }
    request = host::setQuotaRequest(id, *bytes);
    title = tr("Set VRAM quota");
    question = *bytes == 0 ? tr("Remove the VRAM quota of %1?").arg(where)
                           : tr("Limit %1 to %2 of VRAM per device? It applies from the session's next allocation; "
                                "memory it already holds is not taken away.")
                                 .arg(where, controller::telemetry::humanBytes(*bytes));
    description = *bytes == 0 ? tr("No VRAM quota for %1").arg(where)
                              : tr("VRAM quota %1 for %2").arg(controller::telemetry::humanBytes(*bytes), where);
    break;
  }
  case Action::SetPriority: {
    const std::optional<QString> priority = dialogs_.askPriority(this, where, chosen.session.priority);
    if (!priority) {
      return false;
    }
    request = host::setPriorityRequest(id, *priority);
    const QString shown = *priority == u"low" ? tr("low") : *priority == u"high" ? tr("high") : tr("normal");
    title = tr("Set priority");
    question = tr("Set the priority of %1 to %2?").arg(where, shown);
    description = tr("Priority %1 for %2").arg(shown, where);
    break;
  }
  case Action::Drain:
    request = host::drainRequest(id);
    title = tr("Drain session");
    question = tr("Drain %1? Its new allocations, module loads and kernel launches fail from its next call; it can "
                  "still free, copy and synchronise, and leave.")
                   .arg(where);
    description = tr("Drain of %1").arg(where);
    break;
  case Action::Kill:
    request = host::killRequest(id);
    title = tr("Kill session");
    question = tr("Kill %1? Its connection is closed and everything it holds is freed; its client's next call "
                  "fails.")
                   .arg(where);
    description = tr("Kill of %1").arg(where);
    break;
  }
  if (!dialogs_.confirm(this, title, question)) {
    return false;
  }
  Host* host = hostOf(chosen.hostKey);
  if (host == nullptr || !host->client || !host->client->sendAction(request)) {
    showMessage(tr("%1: not sent, the host is not connected").arg(description), true);
    return false;
  }
  host->pending.append({request.value(QStringLiteral("cmd")).toString(), description});
  showMessage(tr("%1: sent…").arg(description), false);
  return true;
}

void HostsPage::onReply(Host& host, const QString& command, const QString& error) {
  int found = -1;
  for (int i = 0; i < host.pending.size(); ++i) {
    if (command.isEmpty() || host.pending[i].command == command) {
      found = i;
      break;
    }
  }
  const QString description = found >= 0 ? host.pending.takeAt(found).description : command;
  if (error.isEmpty()) {
    showMessage(tr("%1: done").arg(description), false);
  } else {
    showMessage(tr("%1 failed: %2").arg(description, error), true);
  }
}

void HostsPage::showMessage(const QString& text, bool error) {
  message_->setText(error ? tr("Error: %1").arg(text) : text);
  message_->setProperty("error", error);
  emit statusMessage(message_->text());
}

QString HostsPage::lastMessage() const {
  return message_->text();
}

void HostsPage::askAndAddEndpoint() {
  QDialog dialog(this);
  dialog.setObjectName(QStringLiteral("hostsAddDialog"));
  dialog.setWindowTitle(tr("Add a vgpud host"));
  auto* form = new QFormLayout(&dialog);
  auto* endpoint = new QLineEdit(&dialog);
  endpoint->setPlaceholderText(tr("unix:/run/vgpud-admin.sock or tcp:HOST:PORT"));
  auto* token = new QLineEdit(&dialog);
  token->setPlaceholderText(tr("TCP only: the file holding vgpud's admin token"));
  auto* browse = new QPushButton(tr("&Browse…"), &dialog);
  auto* tokenRow = new QHBoxLayout;
  tokenRow->addWidget(token, 1);
  tokenRow->addWidget(browse);
  form->addRow(tr("&Endpoint:"), endpoint);
  form->addRow(tr("&Token file:"), tokenRow);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  form->addRow(buttons);
  connect(browse, &QPushButton::clicked, &dialog, [&dialog, token] {
    const QString file = QFileDialog::getOpenFileName(&dialog, tr("Admin token file"));
    if (!file.isEmpty()) {
      token->setText(file);
    }
  });
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  if (dialog.exec() != QDialog::Accepted || endpoint->text().trimmed().isEmpty()) {
    return;
  }
  QString error;
  if (!addEndpoint({endpoint->text().trimmed(), token->text().trimmed()}, &error)) {
    showMessage(error, true);
  }
}

} // namespace vgpu::console

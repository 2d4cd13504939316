// The Hosts page: the GPU host's view through vgpud's management socket
// (docs/management-protocol.md). It watches one or more vgpud endpoints — the local
// unix:/run/vgpud-admin.sock by default, more added by the admin and kept with QSettings — each
// through its own reconnecting HostClient, and shows each host's connection state (connected,
// refused with what to do, unreachable and retrying). Per GPU of each host: VRAM stacked by
// session (legend: the session's client process and guest) against the GPU's total, the GPU's
// utilization, temperature and power when vgpud sends them, and each session's launches/s and copy
// bandwidth — TelemetryPlot, as on the dashboard, with the same coalesced refresh. Below, every
// session of every host in a sortable table with the admin actions (set quota, set priority,
// drain, kill), each confirmed in a dialog naming the session and host; the reply shows inline
// and in the status bar.
#pragma once

#include "host/host_client.h"
#include "hosts_model.h"

#include <QTimer>
#include <QWidget>
#include <functional>
#include <map>
#include <memory>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QListWidget;
class QMenu;
class QPushButton;
class QScrollArea;
class QSortFilterProxyModel;
class QTableView;
class QVBoxLayout;

namespace vgpu::console {

class TelemetryPlot;

class HostsPage : public QWidget {
  Q_OBJECT
public:
  struct Endpoint {
    QString endpoint;  // "unix:/run/vgpud-admin.sock", "tcp:HOST:PORT"
    QString tokenFile; // TCP: the admin token's file
  };
  struct Options {
    // Non-empty: watch these and do not store the list (the demo, tests). Empty: the stored list,
    // or the local socket when none is stored.
    QList<Endpoint> endpoints;
    QString settingsFile; // "" = the console's QSettings
    bool connect = true;  // false: no HostClient (tests feed samples with feedSample)
    int intervalMs = 1000;
    int retryMs = 2000;
  };
  enum class Action { SetQuota, SetPriority, Drain, Kill };
  enum class HostState { Connecting, Connected, Refused, Unreachable, Invalid };

  // The dialogs, replaceable by tests: a confirmation (title, text) → accepted; the quota asked
  // (session text) → text typed or nullopt; the priority chosen → "low"/"normal"/"high" or nullopt.
  struct Dialogs {
    std::function<bool(QWidget*, const QString&, const QString&)> confirm;
    std::function<std::optional<QString>(QWidget*, const QString&)> askQuota;
    std::function<std::optional<QString>(QWidget*, const QString&, const QString&)> askPriority;
  };

  static constexpr int kMinRefreshMs = 33; // as the dashboard: ≤ 30 refreshes per second

  explicit HostsPage(Options options, QWidget* parent = nullptr);
  ~HostsPage() override;

  // The endpoints watched, in list order.
  QStringList endpoints() const;
  bool addEndpoint(const Endpoint& endpoint, QString* error);
  void removeEndpoint(const QString& endpoint);
  HostState hostState(const QString& endpoint) const;
  QString hostStateText(const QString& endpoint) const;

  HostSessionsModel* sessionsModel() const { return sessions_; }
  QSortFilterProxyModel* sessionsProxy() const { return proxy_; }
  QTableView* sessionsTable() const { return table_; }
  // The plots of one GPU of one host (nullptr when not shown): VRAM stacked, GPU, launches, copies.
  TelemetryPlot* vramPlot(const QString& endpoint, int gpu) const;
  TelemetryPlot* gpuPlot(const QString& endpoint, int gpu) const;
  TelemetryPlot* launchesPlot(const QString& endpoint, int gpu) const;
  TelemetryPlot* copyPlot(const QString& endpoint, int gpu) const;
  QList<TelemetryPlot*> allPlots() const;
  const HostHistory* history(const QString& endpoint) const;

  void setDialogs(Dialogs dialogs) { dialogs_ = std::move(dialogs); }
  // Runs `action` on the session in the table's (proxy) row `row`: asks, confirms, sends. False
  // when nothing was sent (cancelled, not connected).
  bool runAction(Action action, int row);
  QString lastMessage() const;

  // A sample as a HostClient delivers it (tests and benchmarks feed the page with this).
  void feedSample(const QString& endpoint, const controller::host::HostSample& sample);
  void setWindowSeconds(int seconds);
  // VRAM axis: false = up to the GPU's total memory (the default), true = fitted to the sessions' use.
  void setVramFitted(bool fitted);
  int windowSeconds() const { return windowSeconds_; }
  void refreshNow();
  int refreshCount() const { return refreshCount_; }

signals:
  // A line for the main window's status bar.
  void statusMessage(const QString& text);

protected:
  void changeEvent(QEvent* event) override;

private:
  struct GpuPanel;
  struct Host;

  static Dialogs standardDialogs();
  QHBoxLayout* buildHostsBar();
  QScrollArea* buildPlotsArea(QWidget* parent);
  QWidget* buildSessionsArea(QWidget* parent);
  void connectControls();
  void retranslate();
  void startHost(Host& host);
  void storeEndpoints() const;
  void updateHostList();
  void onSample(Host& host, const controller::host::HostSample& sample);
  void onReply(Host& host, const QString& command, const QString& error);
  GpuPanel& panel(Host& host, int gpu);
  void updatePanel(Host& host, GpuPanel& panel);
  void scheduleRefresh();
  void showMessage(const QString& text, bool error);
  void showContextMenu(const QPoint& position);
  void updateActionButtons();
  int currentRow() const;
  void askAndAddEndpoint();
  Host* hostOf(const QString& endpoint) const;
  const GpuPanel* panelOf(const QString& endpoint, int gpu) const;

  Options options_;
  Dialogs dialogs_;
  std::vector<std::unique_ptr<Host>> hosts_;
  HostSessionsModel* sessions_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  int windowSeconds_ = 900;
  int refreshCount_ = 0;
  QTimer refreshTimer_;

  QLabel* hostsLabel_ = nullptr;
  QListWidget* hostList_ = nullptr;
  QPushButton* addButton_ = nullptr;
  QPushButton* removeButton_ = nullptr;
  QLabel* windowLabel_ = nullptr;
  QComboBox* windowCombo_ = nullptr;
  QCheckBox* fitVram_ = nullptr;
  QLabel* emptyState_ = nullptr;
  QWidget* panelsArea_ = nullptr;
  QWidget* panels_ = nullptr;
  QVBoxLayout* panelsLayout_ = nullptr;
  QLabel* sessionsLabel_ = nullptr;
  QTableView* table_ = nullptr;
  QPushButton* quotaButton_ = nullptr;
  QPushButton* priorityButton_ = nullptr;
  QPushButton* drainButton_ = nullptr;
  QPushButton* killButton_ = nullptr;
  QLabel* message_ = nullptr;
  QLabel* readout_ = nullptr;
  bool readoutIsHint_ = false; // the readout shows the hint, not a value (retranslated)
};

} // namespace vgpu::console

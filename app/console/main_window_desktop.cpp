// The main window's desktop integration: the tray icon and the transition-only notifications,
// fed by the status header's MachineStatus and the Hosts page's sessions (desktop_alerts.h,
// console_tray.h). Kept apart from main_window.cpp, which assembles the pages.
#include "main_window.h"

#include "console_tray.h"
#include "desktop_alerts.h"
#include "hosts_model.h"
#include "hosts_page.h"
#include "status_header.h"

namespace vgpu::console {

void MainWindow::setUpDesktop() {
  tray_ = new ConsoleTray(this, statusHeader_);
  // Only the console's own start reaches the desktop: a test's window must not notify the
  // developer's session.
  alerts_ =
      new DesktopAlerts(desktopNotifications_ ? std::optional(QDBusConnection::sessionBus()) : std::nullopt, this);
  connect(statusHeader_, &StatusHeader::statusChanged, this, [this](const controller::status::MachineStatus& status) {
    tray_->updateToolTip();
    alerts_->setStatus(status);
  });
  HostSessionsModel* sessions = hosts_->sessionsModel();
  const auto sessionsChanged = [this, sessions] { alerts_->setSessions(*sessions); };
  connect(sessions, &QAbstractItemModel::dataChanged, this, sessionsChanged);
  connect(sessions, &QAbstractItemModel::rowsInserted, this, sessionsChanged);
  connect(sessions, &QAbstractItemModel::rowsRemoved, this, sessionsChanged);
  connect(sessions, &QAbstractItemModel::modelReset, this, sessionsChanged);
}

} // namespace vgpu::console

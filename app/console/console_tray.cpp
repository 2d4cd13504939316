// The tray icon and its menu (console_tray.h).
#include "console_tray.h"

#include "status_header.h"

#include <QAction>
#include <QIcon>
#include <QMainWindow>
#include <QMenu>
#include <QSystemTrayIcon>

namespace vgpu::console {

ConsoleTray::ConsoleTray(QMainWindow* window, StatusHeader* header)
    : QObject(window), window_(window), header_(header) {
  setObjectName(QStringLiteral("consoleTray"));
  if (!QSystemTrayIcon::isSystemTrayAvailable()) {
    return; // no tray (offscreen, a bare window manager): the window is all there is
  }
  icon_ = new QSystemTrayIcon(QIcon(QStringLiteral(":/vgpu/icons/vgpu.svg")), this);
  icon_->setObjectName(QStringLiteral("trayIcon"));
  auto* menu = new QMenu(window);
  menu->setObjectName(QStringLiteral("trayMenu"));
  menu->setAccessibleName(tr("vgpu console tray menu"));
  QAction* show = menu->addAction(tr("&Show console"), this, &ConsoleTray::showWindow);
  show->setObjectName(QStringLiteral("trayShow"));
  QAction* quit = menu->addAction(tr("&Quit"), window, &QWidget::close);
  quit->setObjectName(QStringLiteral("trayQuit"));
  icon_->setContextMenu(menu);
  connect(icon_, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
    if (reason == QSystemTrayIcon::Trigger) {
      showWindow();
    }
  });
  updateToolTip();
  icon_->show();
}

QString ConsoleTray::toolTip() const {
  const QString summary = header_->summary();
  return summary.isEmpty() ? tr("vgpu console") : tr("vgpu console") + QLatin1Char('\n') + summary;
}

void ConsoleTray::updateToolTip() {
  if (icon_ != nullptr) {
    icon_->setToolTip(toolTip());
  }
}

void ConsoleTray::showWindow() {
  window_->showNormal();
  window_->raise();
  window_->activateWindow();
}

} // namespace vgpu::console

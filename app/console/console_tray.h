// The console's icon in the system tray, where the desktop has one (nothing is created where it
// has not): the vgpu icon, the status header's items as tooltip, and a menu to show the console
// or quit. Clicking the icon brings the window back.
#pragma once

#include <QObject>

class QMainWindow;
class QSystemTrayIcon;

namespace vgpu::console {

class StatusHeader;

class ConsoleTray : public QObject {
  Q_OBJECT
public:
  ConsoleTray(QMainWindow* window, StatusHeader* header);

  QSystemTrayIcon* icon() const { return icon_; } // nullptr without a system tray
  // The tooltip: "vgpu console" and the header's summary.
  QString toolTip() const;
  void updateToolTip();

private:
  void showWindow();

  QMainWindow* window_;
  StatusHeader* header_;
  QSystemTrayIcon* icon_ = nullptr;
};

} // namespace vgpu::console

// UnitWatcher: keeps one unit's status current for a live view (the console's Service page). It
// re-reads the status whenever systemd signals PropertiesChanged on the unit's object (systemd
// sends these to subscribed clients as the unit moves activating → active, gets a new MainPID,
// ...) and, as a fallback, on a slow timer; statusChanged() is emitted only when something the
// status shows has changed. Reads never overlap: a change seen during a read triggers one more.
#pragma once

#include "systemd/systemd_manager.h"

#include <QTimer>
#include <chrono>

namespace vgpu::controller {

class UnitWatcher : public QObject {
  Q_OBJECT
public:
  UnitWatcher(SystemdManager* manager, const QString& unit, QObject* parent = nullptr);
  ~UnitWatcher() override;

  void setPollInterval(std::chrono::milliseconds interval) { poll_.setInterval(interval); }
  // Subscribes, listens for PropertiesChanged and reads the status once; statusChanged() follows.
  void start();
  void stop();
  const UnitStatusResult& latest() const { return latest_; }

Q_SIGNALS:
  void statusChanged(const vgpu::controller::UnitStatusResult& result);

private:
  void refresh();
  void onRead(const UnitStatusResult& result);

  SystemdManager* manager_;
  QString unit_;
  QTimer poll_;
  UnitStatusResult latest_;
  bool reading_ = false;
  bool dirty_ = false;
  bool listening_ = false;
  bool haveResult_ = false;

  // QtDBus connects PropertiesChanged by this slot's signature (SLOT macro), so it must be a slot.
private Q_SLOTS: // NOLINT(readability-redundant-access-specifiers): Q_SLOTS is invisible to clang-tidy
  void onPropertiesChanged(const QString& interface, const QVariantMap& changed, const QStringList& invalidated);
};

} // namespace vgpu::controller

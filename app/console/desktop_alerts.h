// Desktop notifications for what changed for the worse while the admin looked elsewhere: vgpud
// became unreachable, Ollama fell back to the CPU, a vgpud session reached its VRAM quota. Only
// transitions are announced (a state that stays bad is said once, and again only after it
// recovered and broke anew), through the freedesktop Notifications service on the session bus
// (org.freedesktop.Notifications.Notify). Without that service nothing fails: it is logged once.
#pragma once

#include "host/host_types.h"
#include "status/machine_status.h"

#include <QDBusConnection>
#include <QMap>
#include <QObject>
#include <optional>

class QAbstractItemModel;

namespace vgpu::console {

class HostSessionsModel;

// The facts notifications are about, from the status header's MachineStatus and the Hosts
// page's sessions. The initial state is "all well", so a console started on a broken machine
// says so once.
struct DesktopAlertState {
  bool vgpudUnreachable = false;
  bool ollamaOnCpu = false;
  QMap<QString, QString> sessionsOverQuota; // "host/session id" → what the notification says
};

struct DesktopNotice {
  QString summary;
  QString body;
};

// The machine-status part of the state (the sessions are left as they are).
void updateFromStatus(DesktopAlertState& state, const controller::status::MachineStatus& status);
// The sessions part: every session whose VRAM is at or above a quota that is set.
void updateFromSessions(DesktopAlertState& state, const HostSessionsModel& sessions);
// What became true between `before` and `after`, as notifications (translated).
QList<DesktopNotice> noticesFor(const DesktopAlertState& before, const DesktopAlertState& after);

class DesktopAlerts : public QObject {
  Q_OBJECT
public:
  // `bus`: the session bus in the console, a private one in tests; nullopt: the state is followed
  // and noticeSent emitted, but nothing reaches the desktop (windows built by other tests).
  explicit DesktopAlerts(std::optional<QDBusConnection> bus, QObject* parent = nullptr);

  void setStatus(const controller::status::MachineStatus& status);
  void setSessions(const HostSessionsModel& sessions);
  const DesktopAlertState& state() const { return state_; }

Q_SIGNALS:
  void noticeSent(const vgpu::console::DesktopNotice& notice); // also when the service is absent

private:
  void moveTo(const DesktopAlertState& next);
  void send(const DesktopNotice& notice);

  std::optional<QDBusConnection> bus_;
  DesktopAlertState state_;
  bool absenceLogged_ = false;
};

} // namespace vgpu::console

// Transition-only desktop notifications over D-Bus (desktop_alerts.h).
#include "desktop_alerts.h"

#include "hosts_model.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QLocale>
#include <QLoggingCategory>

namespace vgpu::console {

namespace {

Q_LOGGING_CATEGORY(lcAlerts, "vgpu.console.notifications")

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");

QString sessionKey(const HostSessionsModel::Row& row) {
  return row.hostKey + QLatin1Char('/') + QString::number(row.session.id);
}

} // namespace

void updateFromStatus(DesktopAlertState& state, const controller::status::MachineStatus& status) {
  using controller::status::Placement;
  // Not asked (a simulated backend, shims not examined) is not "unreachable".
  state.vgpudUnreachable = status.vgpudReachable.has_value() && !*status.vgpudReachable;
  state.ollamaOnCpu = status.placement == Placement::Cpu;
}

void updateFromSessions(DesktopAlertState& state, const HostSessionsModel& sessions) {
  state.sessionsOverQuota.clear();
  for (int index = 0; index < sessions.rowCount(); ++index) {
    const HostSessionsModel::Row* row = sessions.row(index);
    const controller::host::HostSession& session = row->session;
    const std::uint64_t quota = session.vramQuotaBytes.value_or(0); // 0: no quota
    if (quota == 0 || !session.vramUsedBytes || *session.vramUsedBytes < quota) {
      continue;
    }
    const QLocale locale;
    state.sessionsOverQuota.insert(sessionKey(*row),
                                   DesktopAlerts::tr("%1 on %2 uses %3 of its %4 VRAM quota.")
                                       .arg(sessionDisplayName(session), row->hostName,
                                            locale.formattedDataSize(static_cast<qint64>(*session.vramUsedBytes)),
                                            locale.formattedDataSize(static_cast<qint64>(quota))));
  }
}

QList<DesktopNotice> noticesFor(const DesktopAlertState& before, const DesktopAlertState& after) {
  QList<DesktopNotice> notices;
  if (after.vgpudUnreachable && !before.vgpudUnreachable) {
    notices.append({DesktopAlerts::tr("vgpud is unreachable"),
                    DesktopAlerts::tr("Ollama's virtual GPU cannot reach vgpud. See the console's Hosts page.")});
  }
  if (after.ollamaOnCpu && !before.ollamaOnCpu) {
    notices.append({DesktopAlerts::tr("Ollama fell back to the CPU"),
                    DesktopAlerts::tr("A runner has no CUDA backend loaded. The console's Diagnostics page "
                                      "says why.")});
  }
  for (auto it = after.sessionsOverQuota.cbegin(); it != after.sessionsOverQuota.cend(); ++it) {
    if (!before.sessionsOverQuota.contains(it.key())) {
      notices.append({DesktopAlerts::tr("A session reached its VRAM quota"), it.value()});
    }
  }
  return notices;
}

DesktopAlerts::DesktopAlerts(std::optional<QDBusConnection> bus, QObject* parent)
    : QObject(parent), bus_(std::move(bus)) {}

void DesktopAlerts::setStatus(const controller::status::MachineStatus& status) {
  DesktopAlertState next = state_;
  updateFromStatus(next, status);
  moveTo(next);
}

void DesktopAlerts::setSessions(const HostSessionsModel& sessions) {
  DesktopAlertState next = state_;
  updateFromSessions(next, sessions);
  moveTo(next);
}

void DesktopAlerts::moveTo(const DesktopAlertState& next) {
  const QList<DesktopNotice> notices = noticesFor(state_, next);
  state_ = next;
  for (const DesktopNotice& notice : notices) {
    send(notice);
  }
}

void DesktopAlerts::send(const DesktopNotice& notice) {
  Q_EMIT noticeSent(notice);
  if (!bus_) {
    return;
  }
  QDBusMessage call = QDBusMessage::createMethodCall(kService, kPath, kService, QStringLiteral("Notify"));
  // app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout (-1: the server's)
  call.setArguments({QStringLiteral("vgpu-console"), 0U, QStringLiteral("vgpu"), notice.summary, notice.body,
                     QStringList(), QVariantMap(), -1});
  // Asynchronous: a slow notification daemon never stalls the window.
  auto* watcher = new QDBusPendingCallWatcher(bus_->asyncCall(call), this);
  connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher* finished) {
    finished->deleteLater();
    if (finished->isError() && !absenceLogged_) {
      absenceLogged_ = true; // a desktop without notifications is normal: once is enough
      qCInfo(lcAlerts, "desktop notifications unavailable: %s", qUtf8Printable(finished->error().message()));
    }
  });
}

} // namespace vgpu::console

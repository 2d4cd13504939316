// UnitWatcher: PropertiesChanged-driven re-reads of one unit's status (see unit_watcher.h).
#include "systemd/unit_watcher.h"

#include "systemd/systemd_dbus_names.h"

namespace vgpu::controller {
namespace {

bool sameResult(const UnitStatusResult& a, const UnitStatusResult& b) {
  return a.status == b.status && a.error.kind == b.error.kind && a.error.message == b.error.message;
}

} // namespace

UnitWatcher::UnitWatcher(SystemdManager* manager, const QString& unit, QObject* parent)
    : QObject(parent), manager_(manager), unit_(unit) {
  poll_.setInterval(std::chrono::seconds(5));
  connect(&poll_, &QTimer::timeout, this, &UnitWatcher::refresh);
}

UnitWatcher::~UnitWatcher() {
  stop();
}

void UnitWatcher::start() {
  if (!listening_ && manager_->bus().isConnected()) {
    manager_->subscribeOnce();
    QDBusConnection bus = manager_->bus();
    listening_ = bus.connect(dbus_names::kService, unitObjectPath(unit_), dbus_names::kPropertiesInterface,
                             QStringLiteral("PropertiesChanged"), this,
                             SLOT(onPropertiesChanged(QString, QVariantMap, QStringList)));
  }
  poll_.start();
  refresh();
}

void UnitWatcher::stop() {
  poll_.stop();
  if (listening_) {
    QDBusConnection bus = manager_->bus();
    bus.disconnect(dbus_names::kService, unitObjectPath(unit_), dbus_names::kPropertiesInterface,
                   QStringLiteral("PropertiesChanged"), this,
                   SLOT(onPropertiesChanged(QString, QVariantMap, QStringList)));
    listening_ = false;
  }
}

void UnitWatcher::onPropertiesChanged(const QString& /*interface*/, const QVariantMap& /*changed*/,
                                      const QStringList& /*invalidated*/) {
  // systemd sends some properties as values and others only as "invalidated": re-read them all.
  refresh();
}

void UnitWatcher::refresh() {
  if (reading_) {
    dirty_ = true;
    return;
  }
  reading_ = true;
  UnitStatusRequest* request = manager_->requestUnitStatus(unit_);
  connect(request, &UnitStatusRequest::finished, this, [this, request](const UnitStatusResult& result) {
    request->deleteLater();
    onRead(result);
  });
}

void UnitWatcher::onRead(const UnitStatusResult& result) {
  reading_ = false;
  const bool changed = !haveResult_ || !sameResult(result, latest_);
  latest_ = result;
  haveResult_ = true;
  if (changed) {
    Q_EMIT statusChanged(latest_);
  }
  if (dirty_) {
    dirty_ = false;
    refresh();
  }
}

} // namespace vgpu::controller

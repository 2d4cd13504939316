// The state of one systemd unit as the console's Service page and `vgpuctl service status` show
// it, read from the unit object's org.freedesktop.systemd1.Unit and .Service properties; plus
// systemd's escaping of unit names into object paths (ollama.service → .../unit/ollama_2eservice).
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace vgpu::controller {

struct UnitStatus {
  QString name;                  // "ollama.service"
  QString objectPath;            // "/org/freedesktop/systemd1/unit/ollama_2eservice"
  QString loadState;             // loaded, not-found, bad-setting, error, masked
  QString activeState;           // active, reloading, inactive, failed, activating, deactivating
  QString subState;              // running, dead, start, auto-restart, ... (unit-type specific)
  quint32 mainPid = 0;           // 0 when no main process (Service.MainPID)
  quint64 execMainStartUs = 0;   // CLOCK_REALTIME µs of the main process start, 0 if never
  quint64 activeEnterUs = 0;     // CLOCK_REALTIME µs the unit last entered "active", 0 if never
  QString fragmentPath;          // the unit file systemd loaded
  QStringList dropInPaths;       // drop-ins in the order systemd applies them
  bool needDaemonReload = false; // a unit file or drop-in changed since the last daemon-reload

  bool operator==(const UnitStatus&) const = default;
};

// Builds a status from GetAll results of the Unit and (for services) Service interfaces.
UnitStatus unitStatusFromProperties(const QString& name, const QString& objectPath, const QVariantMap& unitProperties,
                                    const QVariantMap& serviceProperties);

// Seconds the unit has been active at `nowUs` (CLOCK_REALTIME µs); -1 when not active.
qint64 unitUptimeSeconds(const UnitStatus& status, quint64 nowUs);

QJsonObject unitStatusToJson(const UnitStatus& status);

// systemd's bus_label_escape(): ASCII letters stay, digits stay except in first position, every
// other byte becomes "_xx" (lower-case hex); the empty string becomes "_".
QString escapeBusLabel(const QString& label);

// The object path systemd gives a unit: /org/freedesktop/systemd1/unit/<escaped name>.
QString unitObjectPath(const QString& unitName);

} // namespace vgpu::controller

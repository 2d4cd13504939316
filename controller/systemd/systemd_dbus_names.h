// The D-Bus names of systemd's manager API (org.freedesktop.systemd1(5)), in one place for the
// client (SystemdManager, SystemdJob) and the test double.
#pragma once

#include <QString>

namespace vgpu::controller::dbus_names {

inline const QString kService = QStringLiteral("org.freedesktop.systemd1");
inline const QString kManagerPath = QStringLiteral("/org/freedesktop/systemd1");
inline const QString kManagerInterface = QStringLiteral("org.freedesktop.systemd1.Manager");
inline const QString kUnitInterface = QStringLiteral("org.freedesktop.systemd1.Unit");
inline const QString kServiceInterface = QStringLiteral("org.freedesktop.systemd1.Service");
inline const QString kPropertiesInterface = QStringLiteral("org.freedesktop.DBus.Properties");

} // namespace vgpu::controller::dbus_names

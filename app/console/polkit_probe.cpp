// pkexec and polkit, looked for up front (polkit_probe.h).
#include "polkit_probe.h"

#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusReply>
#include <QStandardPaths>

namespace vgpu::console {

// The translation context of the messages below.
class PolkitProbe {
  Q_DECLARE_TR_FUNCTIONS(PolkitProbe)
};

namespace {

const QString kPolkitService = QStringLiteral("org.freedesktop.PolicyKit1");

bool polkitOnSystemBus() {
  QDBusConnection bus = QDBusConnection::systemBus();
  if (!bus.isConnected() || bus.interface() == nullptr) {
    return false;
  }
  // polkitd is D-Bus activated on Debian: not running yet is fine as long as the bus can start it.
  if (bus.interface()->isServiceRegistered(kPolkitService).value()) {
    return true;
  }
  const QDBusReply<QStringList> activatable = bus.interface()->activatableServiceNames();
  return activatable.isValid() && activatable.value().contains(kPolkitService);
}

} // namespace

PrivilegeProbe systemPrivilegeProbe() {
  return {[] { return QStandardPaths::findExecutable(QStringLiteral("pkexec")); }, &polkitOnSystemBus};
}

PrivilegeCheck checkPrivileges(const PrivilegeProbe& probe) {
  PrivilegeCheck check;
  check.pkexecFound = !probe.findPkexec().isEmpty();
  check.polkitFound = probe.polkitAvailable();
  return check;
}

QString PrivilegeCheck::problem() const {
  QStringList lines;
  if (!pkexecFound) {
    lines.append(PolkitProbe::tr("pkexec is not installed, so the console cannot run vgpu-helper: "
                                 "sudo apt install pkexec"));
  }
  if (!polkitFound) {
    lines.append(PolkitProbe::tr("No polkit service on the system bus (org.freedesktop.PolicyKit1), so changes "
                                 "cannot be authorized: sudo apt install polkitd, or make the change with "
                                 "`sudo vgpuctl …` in a terminal"));
  }
  return lines.join(u'\n');
}

} // namespace vgpu::console

// Whether this machine can run vgpu-helper the way the console does (pkexec, asking polkit): a
// missing pkexec or polkit is found before the admin presses Apply, and said with its remedy,
// instead of "execvp: No such file" afterwards. The probe is a pair of functions so tests can
// stand in for the machine.
#pragma once

#include <QString>
#include <functional>

namespace vgpu::console {

struct PrivilegeProbe {
  std::function<QString()> findPkexec;   // its path, "" when it is not installed
  std::function<bool()> polkitAvailable; // org.freedesktop.PolicyKit1 registered or activatable
};

// The probe of this machine: QStandardPaths::findExecutable and the system bus.
PrivilegeProbe systemPrivilegeProbe();

struct PrivilegeCheck {
  bool pkexecFound = true;
  bool polkitFound = true;
  bool ok() const { return pkexecFound && polkitFound; }
  // What is missing and the remedy, for the banner and the disabled buttons' tooltips ("" = ok).
  QString problem() const;
};

PrivilegeCheck checkPrivileges(const PrivilegeProbe& probe);

} // namespace vgpu::console

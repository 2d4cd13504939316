// SystemRoot: where "/" is for the controller. Every system path the controller and vgpu-helper
// read or write (/etc/systemd/system/..., /usr/lib/vgpu, /var/lib/vgpu/...) is written as the
// absolute path it has on a real system and mapped under a configurable root here, so the whole
// stack runs unchanged on a test tree.
#pragma once

#include <QString>
#include <QStringView>

namespace vgpu::controller {

class SystemRoot {
public:
  // `root` is a host directory ("/" on a real system). It is cleaned (no trailing slash).
  explicit SystemRoot(const QString& root = QStringLiteral("/"));

  const QString& root() const { return root_; }
  bool isRealRoot() const { return root_ == QLatin1String("/"); }

  // "/etc/ld.so.conf.d" -> "<root>/etc/ld.so.conf.d". `systemPath` must be absolute.
  QString hostPath(QStringView systemPath) const;
  // The inverse: a host path under the root -> its system path; empty if it is outside the root.
  QString systemPath(QStringView hostPath) const;

private:
  QString root_;
};

} // namespace vgpu::controller

// SystemRoot: mapping between system paths and host paths under a configurable root.
#include "common/system_root.h"

#include <QDir>

namespace vgpu::controller {

SystemRoot::SystemRoot(const QString& root) : root_(QDir::cleanPath(root.isEmpty() ? QStringLiteral("/") : root)) {}

QString SystemRoot::hostPath(QStringView systemPath) const {
  QString cleaned = QDir::cleanPath(systemPath.toString());
  if (isRealRoot()) {
    return cleaned;
  }
  return cleaned == QLatin1String("/") ? root_ : root_ + cleaned;
}

QString SystemRoot::systemPath(QStringView hostPath) const {
  QString cleaned = QDir::cleanPath(hostPath.toString());
  if (isRealRoot()) {
    return cleaned;
  }
  if (cleaned == root_) {
    return QStringLiteral("/");
  }
  if (cleaned.startsWith(root_ + u'/')) {
    return cleaned.mid(root_.size());
  }
  return {};
}

} // namespace vgpu::controller

// Symlink resolution under a SystemRoot, one path component at a time.
#include "ollama/root_paths.h"

#include <QFile>
#include <QStringList>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::controller {
namespace {

// Linux gives up after 40 links (ELOOP); so do we.
constexpr int kMaxLinks = 40;

} // namespace

QString cleanSystemPath(const QString& systemPath) {
  QStringList parts;
  for (const QString& part : systemPath.split(u'/', Qt::SkipEmptyParts)) {
    if (part == u".") {
      continue;
    }
    if (part == u"..") {
      if (!parts.isEmpty()) {
        parts.removeLast();
      }
      continue;
    }
    parts.append(part);
  }
  return u'/' + parts.join(u'/');
}

ResolvedPath resolveInRoot(const SystemRoot& root, const QString& systemPath) {
  if (!systemPath.startsWith(u'/')) {
    return {{}, QStringLiteral("%1 is not an absolute path").arg(systemPath)};
  }
  QStringList pending = systemPath.split(u'/', Qt::SkipEmptyParts);
  QStringList done;
  int links = 0;
  while (!pending.isEmpty()) {
    const QString part = pending.takeFirst();
    if (part == u".") {
      continue;
    }
    if (part == u"..") {
      if (!done.isEmpty()) {
        done.removeLast();
      }
      continue;
    }
    const QString current = u'/' + (done + QStringList{part}).join(u'/');
    const QByteArray host = QFile::encodeName(root.hostPath(current));
    struct stat info {};
    if (::lstat(host.constData(), &info) != 0) {
      const int error = errno;
      return {{}, QStringLiteral("%1: %2").arg(current, QString::fromLocal8Bit(std::strerror(error)))};
    }
    if (!S_ISLNK(info.st_mode)) {
      done.append(part);
      continue;
    }
    if (++links > kMaxLinks) {
      return {{}, QStringLiteral("%1: too many levels of symbolic links").arg(systemPath)};
    }
    QByteArray buffer(4096, '\0');
    const ssize_t length = ::readlink(host.constData(), buffer.data(), static_cast<size_t>(buffer.size()));
    if (length < 0) {
      const int error = errno;
      return {{}, QStringLiteral("%1: %2").arg(current, QString::fromLocal8Bit(std::strerror(error)))};
    }
    buffer.truncate(static_cast<qsizetype>(length));
    const QString linkText = QFile::decodeName(buffer);
    QStringList replacement = linkText.split(u'/', Qt::SkipEmptyParts);
    if (linkText.startsWith(u'/')) {
      done.clear();
    }
    pending = replacement + pending;
  }
  return {u'/' + done.join(u'/'), {}};
}

} // namespace vgpu::controller

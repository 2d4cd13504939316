// checkUnixEndpointOwner: lstat of the socket and of every directory above it.
#include "environment/endpoint_owner.h"

#include <QFileInfo>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::controller {
namespace {

bool trustedOwner(uid_t owner) {
  if (owner == 0 || owner == ::geteuid()) {
    return true;
  }
  const passwd* account = ::getpwnam("vgpud"); // NOLINT(concurrency-mt-unsafe): the helper is single-threaded
  return account != nullptr && account->pw_uid == owner;
}

QString ownerText(uid_t owner) {
  const passwd* account = ::getpwuid(owner); // NOLINT(concurrency-mt-unsafe)
  return account != nullptr ? QString::fromLocal8Bit(account->pw_name) : QString::number(owner);
}

} // namespace

QString checkUnixEndpointOwner(const SystemRoot& root, const QString& socketPath) {
  const QString remedy = QStringLiteral(
      "; use vgpud's own socket in a directory only root or vgpud can write (e.g. unix:/run/vgpud/vgpud.sock)");
  struct stat info {};
  const QByteArray socketHost = QFile::encodeName(root.hostPath(socketPath));
  if (::lstat(socketHost.constData(), &info) == 0) {
    if (!S_ISSOCK(info.st_mode)) {
      return QStringLiteral("%1 is not a socket").arg(socketPath) + remedy;
    }
    if (!trustedOwner(info.st_uid)) {
      return QStringLiteral("%1 belongs to %2, not to root or vgpud").arg(socketPath, ownerText(info.st_uid)) + remedy;
    }
  }
  // The directory that holds the name: nobody else may create or replace names in it.
  QString directory = QFileInfo(socketPath).path();
  bool parent = true;
  while (true) {
    const QByteArray host = QFile::encodeName(root.hostPath(directory));
    if (::lstat(host.constData(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      return QStringLiteral("%1 is not a directory").arg(directory) + remedy;
    }
    if (!trustedOwner(info.st_uid)) {
      return QStringLiteral("%1 belongs to %2, not to root or vgpud").arg(directory, ownerText(info.st_uid)) + remedy;
    }
    const bool othersWrite = (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    // Above the parent a sticky directory (like /tmp) is fine: nobody can rename what root owns in it.
    if (othersWrite && (parent || (info.st_mode & S_ISVTX) == 0)) {
      return QStringLiteral("%1 is writable by group or others").arg(directory) + remedy;
    }
    if (directory == QLatin1String("/")) {
      return {};
    }
    directory = QFileInfo(directory).path();
    parent = false;
  }
}

} // namespace vgpu::controller

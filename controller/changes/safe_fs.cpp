// Symlink-safe, atomic file operations relative to directory fds (see safe_fs.h).
#include "changes/safe_fs.h"

#include <QCryptographicHash>
#include <QFile>
#include <QList>
#include <QRandomGenerator>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::controller::fs {

namespace {

QString errnoText(const QString& what, const QString& name, int error) {
  return QStringLiteral("%1 %2: %3").arg(what, name, qt_error_string(error));
}

QByteArray encoded(const QString& name) {
  return QFile::encodeName(name);
}

bool writeAll(int fd, const QByteArray& bytes) {
  qsizetype offset = 0;
  while (offset < bytes.size()) {
    const ssize_t written = ::write(fd, bytes.constData() + offset, static_cast<size_t>(bytes.size() - offset));
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    offset += written;
  }
  return true;
}

// A name for a temporary entry next to `name`, unlikely to collide and recognisably ours.
QString temporaryName(const QString& name) {
  return QStringLiteral(".%1.vgpu-tmp-%2")
      .arg(name)
      .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
}

} // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

int Fd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

std::optional<SplitPath> splitSystemPath(const QString& systemPath, QString* error) {
  if (!systemPath.startsWith(u'/')) {
    *error = QStringLiteral("not an absolute path: %1").arg(systemPath);
    return std::nullopt;
  }
  if (systemPath.contains(QChar(0))) {
    *error = QStringLiteral("path contains a NUL character");
    return std::nullopt;
  }
  QStringList components = systemPath.mid(1).split(u'/');
  for (const QString& component : components) {
    if (component.isEmpty() || component == QLatin1String(".") || component == QLatin1String("..")) {
      *error = QStringLiteral("path has an empty, '.' or '..' component: %1").arg(systemPath);
      return std::nullopt;
    }
  }
  SplitPath split;
  split.name = components.takeLast();
  split.parent = components;
  return split;
}

const char* entryTypeName(EntryType type) {
  switch (type) {
  case EntryType::Missing: return "missing";
  case EntryType::File: return "file";
  case EntryType::Directory: return "directory";
  case EntryType::Symlink: return "symlink";
  case EntryType::Other: return "other";
  }
  return "other";
}

Fd openRoot(const QString& root, QString* error) {
  Fd fd(::open(encoded(root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) {
    *error = errnoText(QStringLiteral("cannot open root directory"), root, errno);
  }
  return fd;
}

Fd openDirectory(int rootFd, const QStringList& components, bool create, QString* error) {
  Fd current(::fcntl(rootFd, F_DUPFD_CLOEXEC, 0));
  if (!current.valid()) {
    *error = errnoText(QStringLiteral("cannot duplicate"), QStringLiteral("root fd"), errno);
    return current;
  }
  QString walked;
  for (const QString& component : components) {
    walked += u'/' + component;
    const QByteArray name = encoded(component);
    int fd = ::openat(current.get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(current.get(), name.constData(), 0755) != 0 && errno != EEXIST) {
        *error = errnoText(QStringLiteral("cannot create directory"), walked, errno);
        return Fd();
      }
      fd = ::openat(current.get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      // ELOOP/ENOTDIR: a symlink or a file where a directory is expected; never followed.
      const int saved = errno;
      *error = saved == ELOOP || saved == ENOTDIR
                   ? QStringLiteral("refusing %1: it is a symlink or not a directory").arg(walked)
                   : errnoText(QStringLiteral("cannot open directory"), walked, saved);
      return Fd();
    }
    current = Fd(fd);
  }
  return current;
}

std::optional<Entry> statAt(int dirFd, const QString& name, QString* error) {
  struct stat st {};
  Entry entry;
  if (::fstatat(dirFd, encoded(name).constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) {
      return entry;
    }
    *error = errnoText(QStringLiteral("cannot stat"), name, errno);
    return std::nullopt;
  }
  entry.mode = st.st_mode & 07777;
  entry.uid = st.st_uid;
  entry.gid = st.st_gid;
  if (S_ISREG(st.st_mode)) {
    entry.type = EntryType::File;
  } else if (S_ISDIR(st.st_mode)) {
    entry.type = EntryType::Directory;
  } else if (S_ISLNK(st.st_mode)) {
    entry.type = EntryType::Symlink;
    QByteArray target(4096, '\0');
    const ssize_t length =
        ::readlinkat(dirFd, encoded(name).constData(), target.data(), static_cast<size_t>(target.size()));
    if (length < 0) {
      *error = errnoText(QStringLiteral("cannot read symlink"), name, errno);
      return std::nullopt;
    }
    target.truncate(length);
    entry.symlinkTarget = QFile::decodeName(target);
  } else {
    entry.type = EntryType::Other;
  }
  return entry;
}

std::optional<QByteArray> readFileAt(int dirFd, const QString& name, QString* error) {
  Fd fd(::openat(dirFd, encoded(name).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    const int saved = errno;
    *error = saved == ELOOP ? QStringLiteral("refusing %1: it is a symlink").arg(name)
                            : errnoText(QStringLiteral("cannot open"), name, saved);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = QStringLiteral("refusing %1: not a regular file").arg(name);
    return std::nullopt;
  }
  QByteArray bytes;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      *error = errnoText(QStringLiteral("cannot read"), name, errno);
      return std::nullopt;
    }
    if (got == 0) {
      break;
    }
    bytes.append(buffer, static_cast<qsizetype>(got));
  }
  return bytes;
}

bool syncDirectory(int dirFd, QString* error) {
  if (::fsync(dirFd) != 0) {
    *error = errnoText(QStringLiteral("cannot fsync"), QStringLiteral("directory"), errno);
    return false;
  }
  return true;
}

bool writeFileAtomicAt(int dirFd, const QString& name, const QByteArray& bytes, mode_t mode, std::optional<uid_t> uid,
                       std::optional<gid_t> gid, QString* error) {
  const QString temporary = temporaryName(name);
  const QByteArray temporaryEncoded = encoded(temporary);
  Fd fd(::openat(dirFd, temporaryEncoded.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    *error = errnoText(QStringLiteral("cannot create"), temporary, errno);
    return false;
  }
  const auto fail = [&](const QString& what) {
    *error = errnoText(what, name, errno);
    ::unlinkat(dirFd, temporaryEncoded.constData(), 0);
    return false;
  };
  if (!writeAll(fd.get(), bytes)) {
    return fail(QStringLiteral("cannot write"));
  }
  if ((uid || gid) &&
      ::fchown(fd.get(), uid.value_or(static_cast<uid_t>(-1)), gid.value_or(static_cast<gid_t>(-1))) != 0) {
    return fail(QStringLiteral("cannot set the owner of"));
  }
  if (::fchmod(fd.get(), mode) != 0) {
    return fail(QStringLiteral("cannot set the mode of"));
  }
  if (::fsync(fd.get()) != 0) {
    return fail(QStringLiteral("cannot fsync"));
  }
  if (::renameat(dirFd, temporaryEncoded.constData(), dirFd, encoded(name).constData()) != 0) {
    return fail(QStringLiteral("cannot rename into place"));
  }
  return syncDirectory(dirFd, error);
}

bool symlinkAtomicAt(int dirFd, const QString& name, const QString& target, QString* error) {
  const QString temporary = temporaryName(name);
  const QByteArray temporaryEncoded = encoded(temporary);
  if (::symlinkat(encoded(target).constData(), dirFd, temporaryEncoded.constData()) != 0) {
    *error = errnoText(QStringLiteral("cannot create symlink"), temporary, errno);
    return false;
  }
  if (::renameat(dirFd, temporaryEncoded.constData(), dirFd, encoded(name).constData()) != 0) {
    *error = errnoText(QStringLiteral("cannot rename symlink into place"), name, errno);
    ::unlinkat(dirFd, temporaryEncoded.constData(), 0);
    return false;
  }
  return syncDirectory(dirFd, error);
}

bool makeDirectoryAt(int dirFd, const QString& name, mode_t mode, std::optional<uid_t> uid, std::optional<gid_t> gid,
                     QString* error) {
  const QByteArray nameEncoded = encoded(name);
  if (::mkdirat(dirFd, nameEncoded.constData(), 0700) != 0) {
    *error = errnoText(QStringLiteral("cannot create directory"), name, errno);
    return false;
  }
  Fd fd(::openat(dirFd, nameEncoded.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    *error = errnoText(QStringLiteral("cannot open new directory"), name, errno);
    return false;
  }
  if ((uid || gid) &&
      ::fchown(fd.get(), uid.value_or(static_cast<uid_t>(-1)), gid.value_or(static_cast<gid_t>(-1))) != 0) {
    *error = errnoText(QStringLiteral("cannot set the owner of"), name, errno);
    return false;
  }
  if (::fchmod(fd.get(), mode) != 0) {
    *error = errnoText(QStringLiteral("cannot set the mode of"), name, errno);
    return false;
  }
  return syncDirectory(dirFd, error);
}

bool removeAt(int dirFd, const QString& name, bool directory, QString* error) {
  if (::unlinkat(dirFd, encoded(name).constData(), directory ? AT_REMOVEDIR : 0) != 0) {
    if (errno == ENOENT) {
      return true;
    }
    *error = errnoText(QStringLiteral("cannot remove"), name, errno);
    return false;
  }
  return syncDirectory(dirFd, error);
}

void removeTemporaries(int dirFd, const QString& name) {
  const QString prefix = QStringLiteral(".%1.vgpu-tmp-").arg(name);
  const int fd = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
  DIR* dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (dir == nullptr) {
    if (fd >= 0) {
      ::close(fd);
    }
    return;
  }
  QList<QByteArray> stale;
  // NOLINTNEXTLINE(concurrency-mt-unsafe): the DIR stream is private to this call
  while (const dirent* entry = ::readdir(dir)) {
    if (QFile::decodeName(entry->d_name).startsWith(prefix)) {
      stale.append(QByteArray(entry->d_name));
    }
  }
  ::closedir(dir);
  for (const QByteArray& entry : stale) {
    ::unlinkat(dirFd, entry.constData(), 0);
  }
}

QString sha256Hex(const QByteArray& bytes) {
  return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QString modeString(mode_t mode) {
  return QStringLiteral("%1").arg(static_cast<uint>(mode), 4, 8, QLatin1Char('0'));
}

} // namespace vgpu::controller::fs

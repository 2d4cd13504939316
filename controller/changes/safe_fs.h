// Symlink-safe file operations for changes to the admin's system. Every path is a system path
// ("/usr/lib/vgpu/libcuda.so.1") resolved under a root directory fd by walking its components with
// openat(O_DIRECTORY | O_NOFOLLOW): a symlink anywhere below the root is refused, never followed.
// Files are written atomically (temporary file in the same directory, fsync, rename, fsync of the
// directory) so a crash leaves either the old or the new bytes, never a mix.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>
#include <sys/types.h>

namespace vgpu::controller::fs {

// An owned file descriptor (closed on destruction).
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();

private:
  int fd_ = -1;
};

// A system path split into the parent's components and the final name. Refuses relative paths,
// "." and ".." components, empty names and NUL characters (error says why).
struct SplitPath {
  QStringList parent; // e.g. {"usr", "lib", "vgpu"}
  QString name;       // e.g. "libcuda.so.1"
};
std::optional<SplitPath> splitSystemPath(const QString& systemPath, QString* error);

enum class EntryType { Missing, File, Directory, Symlink, Other };
struct Entry {
  EntryType type = EntryType::Missing;
  mode_t mode = 0; // permission bits only
  uid_t uid = 0;
  gid_t gid = 0;
  QString symlinkTarget; // for symlinks
};
const char* entryTypeName(EntryType type);

// Opens the host directory `root` (may itself be reached through symlinks: it is trusted).
Fd openRoot(const QString& root, QString* error);
// Opens `components` below `rootFd` without following symlinks. With `create`, missing
// directories are created with mode 0755 (used only for vgpu's own state directory).
Fd openDirectory(int rootFd, const QStringList& components, bool create, QString* error);

// lstat of `name` in `dirFd`.
std::optional<Entry> statAt(int dirFd, const QString& name, QString* error);
// Reads a regular file without following a symlink in its place.
std::optional<QByteArray> readFileAt(int dirFd, const QString& name, QString* error);
// Atomically creates or replaces `name` with `bytes`, `mode` and (when given) owner.
bool writeFileAtomicAt(int dirFd, const QString& name, const QByteArray& bytes, mode_t mode, std::optional<uid_t> uid,
                       std::optional<gid_t> gid, QString* error);
// Atomically creates or replaces `name` with a symlink to `target`.
bool symlinkAtomicAt(int dirFd, const QString& name, const QString& target, QString* error);
// Creates directory `name` with exactly `mode` (umask does not apply) and owner when given.
bool makeDirectoryAt(int dirFd, const QString& name, mode_t mode, std::optional<uid_t> uid, std::optional<gid_t> gid,
                     QString* error);
// Removes a file or symlink (or an empty directory with `directory`); a missing entry is success.
bool removeAt(int dirFd, const QString& name, bool directory, QString* error);
// Removes the temporary entries the atomic writes above create next to `name` (after a crash).
void removeTemporaries(int dirFd, const QString& name);
// fsync of a directory, so renames and unlinks in it are durable.
bool syncDirectory(int dirFd, QString* error);

// Lower-case hex SHA-256 of `bytes`.
QString sha256Hex(const QByteArray& bytes);
// "0644"
QString modeString(mode_t mode);

} // namespace vgpu::controller::fs

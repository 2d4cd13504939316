// Opening and reading files of a tree the controller does not own (the doctor's --root, an Ollama
// installation, unit files, logs): regular files only, opened with O_NONBLOCK so a FIFO never
// blocks, and small files read up to a bound so a link to /dev/zero or a huge file cannot grow
// the process (docs/security.md). Everything the controller reads from such a tree goes through here.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

namespace vgpu::controller {

struct BoundedFile {
  bool ok = false;
  bool missing = false; // no such file
  QByteArray bytes;     // the whole file when ok
  QString error;        // why not: "not a regular file", "larger than N bytes", the system's reason
};

// The bounds of the files the controller reads whole.
inline constexpr qint64 kMaxConfigBytes = qint64{1} << 20;    // unit files, drop-ins, ld.so.conf, /etc/passwd
inline constexpr qint64 kMaxLogBytes = qint64{256} << 20;     // an Ollama log handed to the doctor
inline constexpr qint64 kMaxLibraryBytes = qint64{512} << 20; // a shim library to install

BoundedFile readBoundedFile(const QString& path, qint64 maxBytes);

// Opens `path` read-only into `file` when it is a regular file (never blocking); false with
// `error` otherwise. For callers that stream or map a file (binaries, logs read from an offset).
bool openRegularFile(const QString& path, QFile& file, QString* error);

} // namespace vgpu::controller

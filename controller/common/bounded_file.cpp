// openRegularFile (::open with O_NONBLOCK, fstat, then Qt takes the descriptor) and readBoundedFile
// over the shims' reader.
#include "common/bounded_file.h"

#include "vgpu/bounded_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::controller {

bool openRegularFile(const QString& path, QFile& file, QString* error) {
  const QByteArray encoded = QFile::encodeName(path);
  const int fd = ::open(encoded.constData(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    *error = QString::fromLocal8Bit(std::strerror(errno)); // NOLINT(concurrency-mt-unsafe): errno text only
    return false;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    *error = QStringLiteral("not a regular file");
    return false;
  }
  if (!file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
    ::close(fd);
    *error = file.errorString();
    return false;
  }
  return true;
}

BoundedFile readBoundedFile(const QString& path, qint64 maxBytes) {
  // The shims' reader (vgpu/bounded_file.h): one implementation of the rule for every part.
  const vgpu::BoundedRead read =
      vgpu::readBoundedFile(QFile::encodeName(path).toStdString(), static_cast<std::size_t>(maxBytes));
  BoundedFile result;
  result.ok = read.ok;
  result.missing = read.missing;
  result.bytes = QByteArray(read.text.data(), static_cast<qsizetype>(read.text.size()));
  result.error = QString::fromStdString(read.error);
  return result;
}

} // namespace vgpu::controller

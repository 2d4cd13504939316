// Loader directory order and library lookup under a SystemRoot (see library_shadowing.h).
#include "changes/library_shadowing.h"
#include "common/bounded_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <unistd.h>

namespace vgpu::controller {

namespace {

// glibc's trusted directories on Debian x86_64, scanned after the configured ones.
const char* const kTrustedDirectories[] = {
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"};

void readConf(const SystemRoot& root, const QString& confPath, int depth, const QString& extraConf,
              const QStringList& extraDirectories, QList<LoaderDirectory>* out) {
  if (depth > 8) {
    return; // include loops
  }
  const BoundedFile file = readBoundedFile(root.hostPath(confPath), kMaxConfigBytes);
  if (!file.ok) {
    return;
  }
  const QStringList lines = QString::fromUtf8(file.bytes).split(u'\n');
  for (QString line : lines) {
    line = line.section(u'#', 0, 0).trimmed();
    if (line.isEmpty()) {
      continue;
    }
    if (line.startsWith(QLatin1String("include")) && line.size() > 7 && line.at(7).isSpace()) {
      const QString pattern = line.mid(8).trimmed();
      const QFileInfo patternInfo(pattern.startsWith(u'/') ? pattern : QStringLiteral("/etc/") + pattern);
      QDir directory(root.hostPath(patternInfo.path()));
      QStringList names = directory.entryList({patternInfo.fileName()}, QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
      const QString extraName = QFileInfo(extraConf).fileName();
      const bool extraMatches = !extraConf.isEmpty() && QFileInfo(extraConf).path() == patternInfo.path() &&
                                QDir::match(patternInfo.fileName(), extraName);
      if (extraMatches && !names.contains(extraName)) {
        names.append(extraName);
        names.sort();
      }
      for (const QString& name : names) {
        const QString included = patternInfo.path() + u'/' + name;
        if (extraMatches && name == extraName) {
          for (const QString& extra : extraDirectories) {
            out->append({extra, extraConf});
          }
          continue;
        }
        readConf(root, included, depth + 1, extraConf, extraDirectories, out);
      }
      continue;
    }
    if (line.startsWith(QLatin1String("hwcap"))) {
      continue;
    }
    out->append({QDir::cleanPath(line), confPath});
  }
}

// Follows symlinks inside the root (absolute targets are taken relative to it); at most 16 hops.
QString resolveInsideRoot(const SystemRoot& root, QString systemPath) {
  for (int hop = 0; hop < 16; ++hop) {
    const QFileInfo info(root.hostPath(systemPath));
    if (!info.isSymLink()) {
      return systemPath;
    }
    // QFileInfo would resolve absolute links against the host; read the raw link text instead.
    QByteArray raw(4096, '\0');
    const ssize_t length = ::readlink(QFile::encodeName(info.filePath()).constData(), raw.data(), 4095);
    if (length < 0) {
      return systemPath;
    }
    raw.truncate(length);
    const QString rawTarget = QFile::decodeName(raw);
    systemPath = rawTarget.startsWith(u'/') ? QDir::cleanPath(rawTarget)
                                            : QDir::cleanPath(QFileInfo(systemPath).path() + u'/' + rawTarget);
  }
  return systemPath;
}

} // namespace

QList<LoaderDirectory> loaderDirectories(const SystemRoot& root, const QString& extraConf,
                                         const QStringList& extraConfDirectories) {
  QList<LoaderDirectory> directories;
  readConf(root, QStringLiteral("/etc/ld.so.conf"), 0, extraConf, extraConfDirectories, &directories);
  for (const char* trusted : kTrustedDirectories) {
    directories.append({QString::fromLatin1(trusted), QStringLiteral("trusted directory")});
  }
  // A directory scanned twice counts where it first appears.
  QList<LoaderDirectory> unique;
  QStringList seen;
  for (const LoaderDirectory& directory : directories) {
    if (!seen.contains(directory.path)) {
      seen.append(directory.path);
      unique.append(directory);
    }
  }
  return unique;
}

QList<FoundLibrary> findLibrary(const SystemRoot& root, const QList<LoaderDirectory>& directories,
                                const QString& soname) {
  QList<FoundLibrary> found;
  for (const LoaderDirectory& directory : directories) {
    const QString path = directory.path + u'/' + soname;
    const QFileInfo info(root.hostPath(path));
    if (!info.exists() && !info.isSymLink()) {
      continue;
    }
    FoundLibrary library;
    library.soname = soname;
    library.path = path;
    library.directory = directory;
    const QString resolved = resolveInsideRoot(root, path);
    library.realName = QFileInfo(resolved).fileName();
    library.isShim = library.realName.startsWith(QLatin1String("libvgpu-"));
    found.append(library);
  }
  return found;
}

} // namespace vgpu::controller

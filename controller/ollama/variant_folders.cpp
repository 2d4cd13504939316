// Scanning the library root as Ollama's discovery does, plus what each folder ships.
#include "ollama/variant_folders.h"

#include "ollama/root_paths.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <array>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>

namespace vgpu::controller {
namespace {

struct KindRule {
  const char* nameContains; // matched against the folder name
  const char* ggmlFile;     // or a backend file directly inside
  VariantKind kind;
};
// First match wins: jetpack folders are CUDA folders too, so they come first.
constexpr std::array kKindRules{
    KindRule{"cuda_jetpack", nullptr, VariantKind::CudaJetpack},
    KindRule{"cuda", "libggml-cuda.so", VariantKind::Cuda},
    KindRule{"rocm", "libggml-hip.so", VariantKind::Rocm},
    KindRule{"vulkan", "libggml-vulkan.so", VariantKind::Vulkan},
};

VariantKind kindOf(const QString& name, const QStringList& ggmlFiles) {
  for (const KindRule& rule : kKindRules) {
    if (name.contains(QLatin1String(rule.nameContains)) ||
        (rule.ggmlFile != nullptr && ggmlFiles.contains(QLatin1String(rule.ggmlFile)))) {
      return rule.kind;
    }
  }
  return VariantKind::Other;
}

// Lists a directory with opendir(3), so an unreadable folder fails here as it does for Ollama's
// Glob (QDir would just return an empty list).
bool listDirectory(const QString& hostPath, QStringList& names, QString& error) {
  DIR* dir = ::opendir(QFile::encodeName(hostPath).constData());
  if (dir == nullptr) {
    error = QString::fromLocal8Bit(std::strerror(errno));
    return false;
  }
  while (const dirent* entry = ::readdir(dir)) {
    const QString name = QFile::decodeName(entry->d_name);
    if (name != u"." && name != u"..") {
      names.append(name);
    }
  }
  ::closedir(dir);
  names.sort();
  return true;
}

} // namespace

QString variantStatusName(VariantStatus status) {
  switch (status) {
  case VariantStatus::Visible: return QStringLiteral("visible");
  case VariantStatus::NoGgmlFile: return QStringLiteral("no-ggml-file");
  case VariantStatus::BrokenSymlink: return QStringLiteral("broken-symlink");
  case VariantStatus::Unreadable: return QStringLiteral("unreadable");
  }
  return {};
}

QString variantKindName(VariantKind kind) {
  switch (kind) {
  case VariantKind::Cuda: return QStringLiteral("cuda");
  case VariantKind::CudaJetpack: return QStringLiteral("jetpack");
  case VariantKind::Rocm: return QStringLiteral("rocm");
  case VariantKind::Vulkan: return QStringLiteral("vulkan");
  case VariantKind::Other: break;
  }
  return QStringLiteral("other");
}

QList<VariantFolder> scanVariantFolders(const SystemRoot& root, const QString& libraryRoot) {
  static const QRegularExpression cudart(QStringLiteral("^libcudart\\.so\\.(\\d+\\.\\d+(?:\\.\\d+)?)$"));
  QList<VariantFolder> folders;
  QStringList entries;
  QString error;
  if (!listDirectory(root.hostPath(libraryRoot), entries, error)) {
    return folders;
  }
  for (const QString& name : entries) {
    VariantFolder folder;
    folder.name = name;
    folder.path = cleanSystemPath(libraryRoot + u'/' + name);
    const QByteArray host = QFile::encodeName(root.hostPath(folder.path));
    struct stat info {};
    if (::lstat(host.constData(), &info) != 0) {
      continue; // vanished while we looked
    }
    QString resolved = folder.path;
    if (S_ISLNK(info.st_mode)) {
      const ResolvedPath target = resolveInRoot(root, folder.path);
      struct stat targetInfo {};
      if (!target.ok() || ::stat(QFile::encodeName(root.hostPath(target.path)).constData(), &targetInfo) != 0) {
        folder.status = VariantStatus::BrokenSymlink;
        folder.error = target.ok() ? QStringLiteral("target missing") : target.error;
        folder.kind = kindOf(name, {});
        folders.append(folder);
        continue;
      }
      if (!S_ISDIR(targetInfo.st_mode)) {
        continue; // a link to a file is not a folder
      }
      folder.linkTarget = target.path;
      resolved = target.path;
      info = targetInfo;
    } else if (!S_ISDIR(info.st_mode)) {
      continue;
    }
    folder.ownership = {info.st_uid, info.st_gid, info.st_mode & 07777U};
    QStringList inside;
    if (!listDirectory(root.hostPath(resolved), inside, folder.error)) {
      folder.status = VariantStatus::Unreadable;
      folder.kind = kindOf(name, {});
      folders.append(folder);
      continue;
    }
    for (const QString& file : inside) {
      if (file.contains(QLatin1String("ggml-"))) {
        folder.ggmlFiles.append(file);
      }
      if (const auto match = cudart.match(file); match.hasMatch()) {
        folder.cudaRuntimes.append(match.captured(1));
      }
    }
    folder.hasGgmlCuda = inside.contains(QStringLiteral("libggml-cuda.so"));
    folder.status = folder.ggmlFiles.isEmpty() ? VariantStatus::NoGgmlFile : VariantStatus::Visible;
    folder.kind = kindOf(name, folder.ggmlFiles);
    folders.append(folder);
  }
  return folders;
}

} // namespace vgpu::controller

// Ollama's variant folders (cuda_v12, cuda_v13, vulkan, ...) found exactly as Ollama finds them:
// the parents of filepath.Glob(<library root>/*/*ggml-*). Glob silently drops folders it cannot
// read and symlinks that lead nowhere; we keep them, with the reason, because those are the
// cases an admin cannot see from Ollama's log.
#pragma once

#include "common/system_root.h"
#include "ollama/service_account.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace vgpu::controller {

enum class VariantStatus {
  Visible,       // Ollama uses it: a *ggml-* entry directly inside
  NoGgmlFile,    // a folder Ollama does not see: nothing matches *ggml-* directly inside
  BrokenSymlink, // a symlink whose target does not resolve (Glob ignores it)
  Unreadable,    // opendir fails for this process (Glob ignores it)
};

enum class VariantKind { Cuda, CudaJetpack, Rocm, Vulkan, Other };

QString variantStatusName(VariantStatus status);
QString variantKindName(VariantKind kind);

struct FileOwnership {
  uint uid = 0;
  uint gid = 0;
  uint mode = 0; // permission bits (07777)
};

struct VariantFolder {
  QString name;       // as Ollama names it: the entry's name (a symlink's own name, not its target's)
  QString path;       // system path of the entry: <library root>/<name>
  QString linkTarget; // for a symlink: the system path it resolves to ("" when not a link or broken)
  VariantStatus status = VariantStatus::Visible;
  QString error; // for BrokenSymlink/Unreadable: the error; "" otherwise
  VariantKind kind = VariantKind::Other;
  QStringList ggmlFiles;    // entries matching *ggml-* directly inside, sorted
  QStringList cudaRuntimes; // versions from libcudart.so.X.Y[.Z] names, e.g. "12.8.90", sorted
  bool hasGgmlCuda = false; // libggml-cuda.so directly inside
  FileOwnership ownership;  // of the (resolved) folder, for the service user's access check
  // Whether the service user may read and enter the folder (and read libggml-cuda.so); filled by
  // OllamaInstallation::detect, which knows the user.
  AccessVerdict serviceAccess{true, {}};

  bool visible() const { return status == VariantStatus::Visible; }
};

// Every direct entry of `libraryRoot` (a system path) that is a folder or a symlink, in name order;
// status says which of them Ollama would use. Plain files are not listed.
QList<VariantFolder> scanVariantFolders(const SystemRoot& root, const QString& libraryRoot);

} // namespace vgpu::controller

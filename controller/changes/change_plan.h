// ChangePlan: an ordered list of file operations on the admin's system (create directory, write,
// replace, remove, symlink, ldconfig) plus markers for what systemd must do afterwards. A plan is
// data: it is described for --dry-run, applied and verified by ChangeEngine, and recorded in the
// transaction journal. Paths are system paths, resolved under the engine's SystemRoot.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>
#include <sys/types.h>

namespace vgpu::controller {

enum class OperationKind {
  CreateDirectory, // path must not exist
  WriteFile,       // path must not exist
  ReplaceFile,     // path must be a regular file; it is backed up
  RemoveFile,      // path must be a regular file or symlink; it is backed up
  CreateSymlink,   // path must be missing or a symlink (the old target is recorded)
  RunLdconfig,     // rebuilds the loader cache (no path)
};

// The journal/JSON name of a kind ("write-file") and back.
QString operationKindName(OperationKind kind);
std::optional<OperationKind> operationKindFromName(const QString& name);

struct Operation {
  OperationKind kind = OperationKind::WriteFile;
  QString path;       // absolute system path; empty for RunLdconfig
  QByteArray content; // WriteFile / ReplaceFile: the exact bytes
  mode_t mode = 0644; // WriteFile / ReplaceFile / CreateDirectory
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  QString linkTarget; // CreateSymlink

  // One line for --dry-run, e.g. "write   /usr/lib/vgpu/libvgpu-cuda.so (1234 bytes, mode 0644, sha256 ...)".
  QString describe() const;
  // The expected result, as recorded in the journal (no content, its hash instead).
  QJsonObject toJson() const;
};

struct ChangePlan {
  QString title; // e.g. "install the vgpu shim (service scope)"
  QList<Operation> operations;
  bool needsDaemonReload = false; // systemd must re-read unit files afterwards
  bool needsRestart = false;      // ollama.service must be restarted afterwards
  QStringList warnings;           // shown to the admin before applying (e.g. library shadowing)
  QStringList notes;              // what the plan left unchanged and why

  // The exact operations, one per line, then the markers; used by --dry-run.
  QString describe() const;
  QJsonObject toJson() const;
};

} // namespace vgpu::controller

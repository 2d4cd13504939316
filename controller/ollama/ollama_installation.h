// The Ollama installation as the controller sees it: ollama.service with its drop-ins in systemd's
// order and the environment they produce, the service account, the binary and its version, the
// library root by Ollama's own rule and the variant folders in it. Built read-only by detect();
// everything that could not be read is kept in `problems` with where and why.
#pragma once

#include "common/system_root.h"
#include "ollama/ollama_version.h"
#include "ollama/service_account.h"
#include "ollama/variant_folders.h"
#include "systemd/unit_file.h"

#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <optional>

namespace vgpu::controller {

struct InstallationProblem {
  QString where; // a system path, "path:line", or a topic ("binary", "library root")
  QString message;
};

struct UnitSource {
  QString path;                 // system path
  std::optional<UnitFile> unit; // parsed (origin = the system path); nullopt when unreadable
  QString error;                // why it could not be read
};

struct EnvironmentValue {
  QString name;
  QString value;
  QString origin; // "path:line" of the assignment that won
};

enum class BinarySource { ExecStart, Path, Fallback, None };
QString binarySourceName(BinarySource source);

struct OllamaBinary {
  BinarySource source = BinarySource::None;
  QString path;     // as found (ExecStart's program, PATH entry, fallback), system path
  QString resolved; // symlinks resolved inside the root; "" when it cannot be resolved
};

struct LibraryRoot {
  QString path; // system path; "" when there is no binary to derive it from
  QString rule; // which of Ollama's candidates matched: "<exe dir>/../lib/ollama", ...
};

struct OllamaInstallation {
  // The unit file systemd loads (first of /etc, /run, /lib, /usr/lib systemd/system) and every
  // drop-in in the order systemd applies them.
  std::optional<UnitSource> unit;
  QList<UnitSource> dropIns;
  QList<EnvironmentValue> environment; // effective Environment=, sorted by name
  QString user;                        // User= (last assignment wins); "" = root
  QString group;                       // Group=
  ServiceAccount account;
  OllamaBinary binary;
  OllamaVersion version;
  LibraryRoot libraryRoot;
  QList<VariantFolder> variants; // every folder and symlink in the library root (see status)
  QList<InstallationProblem> problems;

  // The parsed unit followed by the parsed drop-ins, in systemd's order (for mergeEnvironment).
  QList<UnitFile> unitFiles() const;
  const EnvironmentValue* environmentValue(const QString& name) const;
  const VariantFolder* variant(const QString& name) const;
  QStringList visibleVariantNames() const;

  // `pathEnvironment` supplies PATH for finding the binary when ExecStart does not name it.
  static OllamaInstallation detect(const SystemRoot& root, const QProcessEnvironment& pathEnvironment);
};

// Where systemd looks for ollama.service and its drop-ins, in priority order.
QStringList unitSearchDirectories();
QStringList dropInSearchDirectories();

} // namespace vgpu::controller

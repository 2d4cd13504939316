// Resolving a drop-in that beats the managed drop-in: a later file of ollama.service
// (override.conf as `systemctl edit` writes it, 60-x.conf) assigns a variable that 50-vgpu.conf
// also assigns, so systemd applies the other value and ours is silently lost. Two resolutions,
// both planned here (new bytes and a diff) and written by vgpu-helper's override-resolve verb:
//   remove: the beating assignment is taken out of the other file (the managed value wins);
//   merge:  the other value moves into the managed drop-in — for a list of directories
//           (LD_LIBRARY_PATH) the managed entries first, then the other file's — and is taken
//           out of the other file.
// The other file is named by its file name in /etc/systemd/system/ollama.service.d/ and a line
// number, and the line by the SHA-256 of its bytes as the admin was shown it: a file that
// changed since is refused, never edited blind. Only regular files (no symlink anywhere on the
// path), at most kMaxOverrideFileBytes, and never the managed drop-in itself.
#pragma once

#include "common/system_root.h"
#include "environment/environment_overrides.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace vgpu::controller {

struct OllamaInstallation;

enum class OverrideResolution { Remove, Merge };
QString overrideResolutionName(OverrideResolution resolution); // "remove", "merge"
std::optional<OverrideResolution> overrideResolutionFromName(const QString& name);

inline constexpr qint64 kMaxOverrideFileBytes = 64 * 1024;

// The folder whose drop-ins may be edited: /etc/systemd/system/ollama.service.d.
QString editableDropInDirectory();
// Whether `fileName` may name a drop-in there: "<name>.conf" of [A-Za-z0-9_.@+-], not the managed one.
QString checkDropInFileName(const QString& fileName); // "" when acceptable, else the reason

// The fingerprint of one line as shown: lower-case hex SHA-256 of its bytes (without the newline).
QString lineFingerprint(const QByteArray& line);

// Line `line` (1-based) of the drop-in `fileName`, read with the rules above; nullopt with `error`.
std::optional<QByteArray> readDropInLine(const SystemRoot& root, const QString& fileName, int line, QString* error);

struct OverrideRequest {
  OverrideResolution resolution = OverrideResolution::Remove;
  QString variable;
  QString fileName;    // in editableDropInDirectory()
  int line = 0;        // 1-based
  QString fingerprint; // lineFingerprint() of the line as shown
};

struct OverridePlan {
  QString error; // non-empty: refused, with the reason
  OverrideRequest request;
  QString otherPath; // system path of the other file
  QByteArray otherOldBytes;
  QByteArray otherNewBytes;
  QString managedPath; // system path of the managed drop-in
  QByteArray managedOldBytes;
  QByteArray managedNewBytes; // == managedOldBytes for remove
  QString effectiveBefore;    // the value systemd applies now
  QString effectiveAfter;     // the value it applies once the plan is in place
  QString diff;               // unified diffs of both files

  bool ok() const { return error.isEmpty(); }
  bool changesManaged() const { return managedOldBytes != managedNewBytes; }
};

// Plans `request` against the files under `root` and `installation` (detected from the same root):
// refuses unless line `line` of the file is an Environment= line of [Service] that assigns
// `variable` (or resets the environment) after the managed drop-in's own assignment of it.
OverridePlan planOverrideResolution(const SystemRoot& root, const OllamaInstallation& installation,
                                    const OverrideRequest& request);

// The resolution offered unless the admin chooses: merge for a list of directories
// (LD_LIBRARY_PATH keeps both, the managed entries first), remove for any other variable (the
// value set through vgpu wins) and for a reset of the environment.
OverrideResolution defaultOverrideResolution(const VariableOverride& relation);

// One assignment of a later file that beats the managed drop-in (OverriddenBy or ClearedBy).
struct BeatingAssignment {
  VariableOverride relation;
  QString managedOrigin; // file:line of the managed assignment
  QString managedValue;
  QString effectiveValue;  // what systemd applies ("" when cleared)
  QString effectiveOrigin; // its file:line ("" when not set)
  QString fileName;        // the other file's name when vgpu-helper may edit it ("" otherwise)
  int line = 0;
  QString lineText;                 // the other line verbatim ("" when unreadable)
  std::optional<OverridePlan> plan; // the resolution planned, when it can be
  QString planError;                // why it cannot be, otherwise
};

// Every assignment that beats the managed drop-in (of `onlyVariable` when given), in systemd's
// order, each planned with `resolution` (default: defaultOverrideResolution()).
QList<BeatingAssignment> findBeatingAssignments(const SystemRoot& root, const OllamaInstallation& installation,
                                                const QString& onlyVariable = {},
                                                std::optional<OverrideResolution> resolution = std::nullopt);

} // namespace vgpu::controller

// Changing /etc/vgpu/shim.conf, the guest shims' configuration: the three settings that say where
// the work goes (backend, endpoint, token_file), edited in place so the file's other keys, comments
// and blank lines stay as the admin wrote them. vgpu-helper's shim-config-set, vgpuctl shim-config
// and the install wizard's Guest page all plan through here; the file is parsed with the one
// key=value reader (vgpu/key_value_lines.h) and every value is validated by the shims' own parser,
// so nothing is written that the shims would read differently or ignore.
#pragma once

#include "changes/change_plan.h"
#include "common/system_root.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller {

inline constexpr const char* kShimConfigPath = "/etc/vgpu/shim.conf";
// On the helper's command line: the key's line is removed (the shims' default applies).
inline constexpr const char* kShimConfigUnset = "-";

struct ShimConfigSettings {
  QString backend;                  // "sim" or "remote"
  std::optional<QString> endpoint;  // unix:/PATH, tcp:HOST:PORT, vsock:CID:PORT; nullopt: no line
  std::optional<QString> tokenFile; // absolute path of vgpud's token; nullopt: no line

  // The helper's arguments: BACKEND ENDPOINT TOKEN_FILE, "-" for an unset one.
  QStringList toArguments() const;
  static ShimConfigSettings fromArguments(const QStringList& arguments);
  friend bool operator==(const ShimConfigSettings&, const ShimConfigSettings&) = default;
};

// Validation that needs no file system: the backend's name, the endpoint as the shims parse it, the
// token file's path shape, and no newline, control character or '=' in any value (a value must
// stay one "key = value" line). Empty when acceptable, else the reason.
QString checkShimConfigSettings(const ShimConfigSettings& settings);

// `current` with the lines of backend, endpoint and token_file set to `settings`: the first line of
// each key is replaced in place, later duplicates and unset keys are dropped, missing keys are
// appended; every other line is kept byte for byte.
QByteArray editShimConfig(const QByteArray& current, const ShimConfigSettings& settings);

// The settings the file holds now (absent keys: nullopt; backend "" when not set).
ShimConfigSettings parseShimConfigSettings(const QByteArray& text);

struct ShimConfigPlan {
  std::optional<ChangePlan> plan; // empty operations when the file already holds these settings
  bool refused = false;           // the request is not acceptable (error says why), not a failure
  QString error;
  QString diff; // unified diff of the file ("" when unchanged)
  QByteArray oldBytes;
  QByteArray newBytes;
  bool fileExists = false;
};

// Reads shim.conf under `root` (symlink-safe: a symlink in its place is refused) and plans the
// edit. Refuses what checkShimConfigSettings refuses and a token file that is not a regular file
// under the root. With `checkSocketOwner`, a unix: endpoint must be root's or vgpud's
// (checkUnixEndpointOwner, the helper's value policy).
ShimConfigPlan planShimConfigChange(const SystemRoot& root, const ShimConfigSettings& settings, bool checkSocketOwner);

// The file's bytes under `root` ("" when missing or unreadable, with `error` then set unless missing).
QByteArray readShimConfig(const SystemRoot& root, bool* exists, QString* error);

} // namespace vgpu::controller

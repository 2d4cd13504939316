// Where vgpud's admin socket is (`unix:PATH` or `tcp:HOST:PORT`, docs/management-protocol.md) and
// the admin token for TCP, read from a regular file with a size bound like every file the
// controller is handed (common/bounded_file.h).
#pragma once

#include <QString>
#include <optional>

namespace vgpu::controller::host {

// The package's admin socket (vgpud.conf's admin-listen).
inline constexpr const char* kDefaultAdminEndpoint = "unix:/run/vgpud-admin.sock";
// The group vgpud admits on its admin socket by default (admin-group).
inline constexpr const char* kDefaultAdminGroup = "vgpud-admin";
// A token file larger than this is refused (the wire protocol's token bound).
inline constexpr qint64 kMaxAdminTokenBytes = 4096;

struct HostEndpoint {
  enum class Kind { Unix, Tcp };
  Kind kind = Kind::Unix;
  QString path; // Unix
  QString host; // Tcp ("::1" without brackets)
  quint16 port = 0;

  // "unix:/run/vgpud-admin.sock", "tcp:[::1]:7000".
  QString text() const;
};

// "unix:PATH" (absolute or relative path), "tcp:HOST:PORT", "tcp:[V6]:PORT"; nullopt with `error`.
std::optional<HostEndpoint> parseHostEndpoint(const QString& text, QString* error);

// The token in `path` (surrounding whitespace removed); nullopt with `error` when the file is not a
// regular file, is larger than kMaxAdminTokenBytes, cannot be read or holds no token.
std::optional<QString> readAdminToken(const QString& path, QString* error);

} // namespace vgpu::controller::host

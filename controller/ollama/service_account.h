// The account ollama.service runs as (User=/Group= of the unit), looked up in the root's own
// /etc/passwd and /etc/group, and whether that account may read or enter a path. The check works
// on mode bits and ownership, as the kernel decides for that uid; it never asks the calling
// process, which may be root (CI) or another user (the console) and so would answer for the wrong
// account.
#pragma once

#include "common/system_root.h"

#include <QList>
#include <QString>
#include <optional>

namespace vgpu::controller {

struct ServiceAccount {
  QString user;  // User= ("" = root, systemd's default for system services)
  QString group; // Group= ("" = the user's primary group)
  std::optional<uint> uid;
  std::optional<uint> gid;
  QList<uint> groups; // every gid the process gets: primary, Group=, supplementary from /etc/group
  QString error;      // why the account could not be resolved (unknown user, unreadable passwd)

  bool resolved() const { return uid.has_value(); }
};

// Looks `user` and `group` up in <root>/etc/passwd and <root>/etc/group. Numeric names are taken
// as ids, as systemd does.
ServiceAccount lookupServiceAccount(const SystemRoot& root, const QString& user, const QString& group);

enum class AccessNeed { Read = 4, Enter = 1, ReadAndEnter = 5 };

struct AccessVerdict {
  bool allowed = false;
  QString reason; // when refused or unknown: which path lacks which permission for whom
};

// Whether `account` may open `systemPath` for `need`, and search every directory above it.
// The path's symlinks must already be resolved (see resolveInRoot).
AccessVerdict checkAccess(const SystemRoot& root, const ServiceAccount& account, const QString& systemPath,
                          AccessNeed need);

} // namespace vgpu::controller

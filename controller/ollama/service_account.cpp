// passwd/group lookup under a SystemRoot and the kernel's permission rule for one uid.
#include "ollama/service_account.h"
#include "common/bounded_file.h"

#include <QFile>
#include <QStringList>
#include <sys/stat.h>

namespace vgpu::controller {
namespace {

// Reads a colon-separated database (passwd, group) into its lines' fields.
QList<QStringList> readDatabase(const SystemRoot& root, const QString& systemPath, QString* error) {
  const BoundedFile file = readBoundedFile(root.hostPath(systemPath), kMaxConfigBytes);
  if (!file.ok) {
    *error = QStringLiteral("cannot read %1: %2").arg(systemPath, file.error);
    return {};
  }
  QList<QStringList> rows;
  for (const QByteArray& line : file.bytes.split('\n')) {
    const QString text = QString::fromUtf8(line).trimmed();
    if (text.isEmpty() || text.startsWith(u'#')) {
      continue;
    }
    rows.append(text.split(u':'));
  }
  return rows;
}

std::optional<uint> parseId(const QString& text) {
  bool ok = false;
  const uint value = text.toUInt(&ok);
  return ok ? std::optional<uint>(value) : std::nullopt;
}

} // namespace

ServiceAccount lookupServiceAccount(const SystemRoot& root, const QString& user, const QString& group) {
  ServiceAccount account;
  account.user = user;
  account.group = group;
  const QString userName = user.isEmpty() ? QStringLiteral("root") : user;

  QString error;
  const QList<QStringList> passwd = readDatabase(root, QStringLiteral("/etc/passwd"), &error);
  for (const QStringList& fields : passwd) {
    if (fields.size() >= 4 && (fields[0] == userName || (parseId(userName) && fields[2] == userName))) {
      account.uid = parseId(fields[2]);
      account.gid = parseId(fields[3]);
      break;
    }
  }
  if (!account.uid && parseId(userName)) {
    account.uid = parseId(userName); // a numeric User= need not exist in passwd
  }
  if (!account.uid) {
    account.error = error.isEmpty() ? QStringLiteral("user %1 not found in /etc/passwd").arg(userName) : error;
    return account;
  }

  QString groupError;
  const QList<QStringList> groups = readDatabase(root, QStringLiteral("/etc/group"), &groupError);
  if (!group.isEmpty()) {
    std::optional<uint> gid = parseId(group);
    for (const QStringList& fields : groups) {
      if (fields.size() >= 3 && fields[0] == group) {
        gid = parseId(fields[2]);
      }
    }
    if (!gid) {
      account.error = groupError.isEmpty() ? QStringLiteral("group %1 not found in /etc/group").arg(group) : groupError;
      account.uid.reset();
      return account;
    }
    account.gid = gid;
  }
  if (account.gid) {
    account.groups.append(*account.gid);
  }
  for (const QStringList& fields : groups) {
    if (fields.size() >= 4 && fields[3].split(u',', Qt::SkipEmptyParts).contains(userName)) {
      if (const auto gid = parseId(fields[2]); gid && !account.groups.contains(*gid)) {
        account.groups.append(*gid);
      }
    }
  }
  return account;
}

AccessVerdict checkAccess(const SystemRoot& root, const ServiceAccount& account, const QString& systemPath,
                          AccessNeed need) {
  if (!account.resolved()) {
    return {false, QStringLiteral("cannot check access for %1: %2").arg(systemPath, account.error)};
  }
  if (*account.uid == 0) {
    return {true, {}}; // root passes the permission checks that matter here
  }
  const QString who = account.user.isEmpty() ? QStringLiteral("root") : account.user;
  // Every directory above the path needs search (x) permission; the path itself needs `need`.
  QStringList parts = systemPath.split(u'/', Qt::SkipEmptyParts);
  QString current;
  for (qsizetype index = -1; index < parts.size(); ++index) {
    current =
        index < 0 ? QStringLiteral("/") : current + (current == u"/" ? QString() : QStringLiteral("/")) + parts[index];
    const bool last = index == parts.size() - 1;
    const uint wanted = last ? static_cast<uint>(need) : static_cast<uint>(AccessNeed::Enter);
    struct stat info {};
    if (::stat(QFile::encodeName(root.hostPath(current)).constData(), &info) != 0) {
      return {false, QStringLiteral("%1 does not exist").arg(current)};
    }
    uint granted = 0;
    if (info.st_uid == *account.uid) {
      granted = (info.st_mode >> 6) & 7U;
    } else if (account.groups.contains(info.st_gid)) {
      granted = (info.st_mode >> 3) & 7U;
    } else {
      granted = info.st_mode & 7U;
    }
    if ((granted & wanted) != wanted) {
      const QString missing = (wanted & ~granted & 4U) != 0 && (wanted & ~granted & 1U) != 0
                                  ? QStringLiteral("read and enter")
                              : (wanted & ~granted & 4U) != 0 ? QStringLiteral("read")
                                                              : QStringLiteral("enter");
      return {false, QStringLiteral("user %1 (uid %2) cannot %3 %4 (mode %5, owner %6:%7)")
                         .arg(who)
                         .arg(*account.uid)
                         .arg(missing, current)
                         .arg(QString::number(info.st_mode & 07777U, 8).rightJustified(4, u'0'))
                         .arg(info.st_uid)
                         .arg(info.st_gid)};
    }
  }
  return {true, {}};
}

} // namespace vgpu::controller

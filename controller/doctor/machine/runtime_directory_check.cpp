// shim.runtime-directory: lstat of /run/vgpu under the doctor's root, judged against the packaged
// owner and mode.
#include "doctor/machine/runtime_directory_check.h"

#include "common/system_root.h"

#include "vgpu/telemetry/runtime_directory.h"

#include <QFile>
#include <grp.h>
#include <sys/stat.h>

namespace vgpu::controller::doctor {
namespace {

const QString kDirectory = QString::fromLatin1(vgpu::telemetry::kSystemRuntimeDirectory); // the shim's rule

QString modeText(mode_t mode) {
  return QStringLiteral("%1").arg(mode & 07777, 4, 8, QLatin1Char('0'));
}

CheckResult unsafe(const QString& summary, const QString& where) {
  CheckResult result = CheckResult::fail(summary);
  result.explanation =
      QStringLiteral(
          "Every CUDA process with vgpu's shim creates its control socket in %1. Where other users can create or "
          "replace names there, they can hijack or remove another process's socket.")
          .arg(kDirectory);
  result.evidence.append({QStringLiteral("runtime directory"), where, summary});
  result.remedy = Remedy{QStringLiteral("Recreate it as the package does: rm -rf %1 && systemd-tmpfiles --create "
                                        "/usr/lib/tmpfiles.d/vgpu.conf (or: install -d -m 1770 -o root -g vgpu %1).")
                             .arg(kDirectory),
                         std::nullopt};
  return result;
}

} // namespace

CheckResult checkRuntimeDirectory(const DoctorContext& context) {
  const QString host = SystemRoot(context.root).hostPath(kDirectory);
  const QByteArray encoded = QFile::encodeName(host);
  struct stat info {};
  if (::lstat(encoded.constData(), &info) != 0) {
    return CheckResult::skip(QStringLiteral("%1 does not exist (the shim then serves its control socket from "
                                            "$XDG_RUNTIME_DIR/vgpu; the guest package creates %1)")
                                 .arg(kDirectory));
  }
  const QString where = QStringLiteral("%1 (mode %2, uid %3, gid %4)")
                            .arg(kDirectory, modeText(info.st_mode))
                            .arg(info.st_uid)
                            .arg(info.st_gid);
  if (S_ISLNK(info.st_mode) || !S_ISDIR(info.st_mode)) {
    return unsafe(QStringLiteral("%1 is not a plain directory (a symlink or another file)").arg(kDirectory), where);
  }
  if (info.st_uid != 0) {
    return unsafe(QStringLiteral("%1 is owned by uid %2, not root").arg(kDirectory).arg(info.st_uid), where);
  }
  if ((info.st_mode & S_IWOTH) != 0) {
    return unsafe(QStringLiteral("%1 is writable by every user (mode %2)").arg(kDirectory, modeText(info.st_mode)),
                  where);
  }
  if ((info.st_mode & S_IWGRP) != 0 && (info.st_mode & S_ISVTX) == 0) {
    return unsafe(QStringLiteral("%1 is writable by its group without the sticky bit (mode %2): members can replace "
                                 "each other's sockets")
                      .arg(kDirectory, modeText(info.st_mode)),
                  where);
  }
  const group* vgpu = ::getgrnam("vgpu"); // NOLINT(concurrency-mt-unsafe): the doctor's checks run one at a time
  CheckResult result =
      CheckResult::pass(QStringLiteral("%1 is owned by root, mode %2").arg(kDirectory, modeText(info.st_mode)));
  if (vgpu != nullptr && info.st_gid != vgpu->gr_gid) {
    result = CheckResult::warn(
        QStringLiteral("%1 is not in group vgpu: members of vgpu cannot create their processes' sockets there")
            .arg(kDirectory));
    result.remedy = Remedy{QStringLiteral("chgrp vgpu %1 && chmod 1770 %1").arg(kDirectory), std::nullopt};
  }
  result.evidence.append({QStringLiteral("runtime directory"), where, result.summary});
  return result;
}

} // namespace vgpu::controller::doctor

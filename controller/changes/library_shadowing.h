// Which libcuda.so.1 / libnvidia-ml.so.1 a program would load: the loader's directory order read
// from <root>/etc/ld.so.conf (with its include globs, sorted as glob(3) sorts) followed by the
// trusted directories, and the copies found there. Used to warn before installing the shim when an
// NVIDIA driver's library would shadow it, or when it would shadow NVIDIA's.
#pragma once

#include "common/system_root.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace vgpu::controller {

struct LoaderDirectory {
  QString path;     // system path
  QString listedBy; // "/etc/ld.so.conf.d/x86_64-linux-gnu.conf", or "trusted directory"
};

// The directories ldconfig scans, in order. `extraConf` (optional) is a conf file that would be
// added to /etc/ld.so.conf.d (e.g. vgpu.conf) with the directories it lists.
QList<LoaderDirectory> loaderDirectories(const SystemRoot& root, const QString& extraConf = {},
                                         const QStringList& extraConfDirectories = {});

struct FoundLibrary {
  QString soname;   // "libcuda.so.1"
  QString path;     // system path of the name found
  QString realName; // the file it resolves to (symlinks followed inside the root), e.g. "libcuda.so.550.54.15"
  bool isShim = false;
  LoaderDirectory directory;
};

// Every copy of `soname` in the loader directories, in loader order.
QList<FoundLibrary> findLibrary(const SystemRoot& root, const QList<LoaderDirectory>& directories,
                                const QString& soname);

} // namespace vgpu::controller

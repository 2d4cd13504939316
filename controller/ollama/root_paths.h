// Symlink resolution inside a SystemRoot. A test tree's symlinks are written as they are on a real
// system (/usr/local/bin/ollama -> /opt/ollama/bin/ollama), so an absolute link target must be
// read under the root, and ".." never climbs above it. Resolution here is done component by
// component as the kernel does, so that what the model reports is what Ollama would see.
#pragma once

#include "common/system_root.h"

#include <QString>

namespace vgpu::controller {

struct ResolvedPath {
  QString path;  // system path with every symlink resolved (valid when error is empty)
  QString error; // why the path cannot be resolved: a missing component, a link loop, ...
  bool ok() const { return error.isEmpty(); }
};

// Resolves every symlink of `systemPath` (absolute) under `root`, like realpath(3) in a chroot.
ResolvedPath resolveInRoot(const SystemRoot& root, const QString& systemPath);

// Lexical cleanup of a system path ("/usr/local/bin/../lib/ollama" -> "/usr/local/lib/ollama"),
// as Go's filepath.Join/Clean does; never climbs above "/".
QString cleanSystemPath(const QString& systemPath);

} // namespace vgpu::controller

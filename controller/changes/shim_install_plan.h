// The plan that installs the vgpu shim libraries, in one of two scopes:
//  - service: the managed drop-in (bytes rendered by the caller) that puts vgpu's library
//    directory first on LD_LIBRARY_PATH of ollama.service only. Nothing goes into Ollama's
//    lib/ollama, which Ollama's installer deletes on every upgrade.
//  - system: /etc/ld.so.conf.d/vgpu.conf naming that directory and an ldconfig run, so every
//    program on the machine loads the shim.
// vgpu's library directory is by default the shims' installed location (installedShimDir(): the
// vgpu-guest package or `cmake --install` put libvgpu-cuda.so / libvgpu-nvml.so and their
// libcuda.so.1 / libnvidia-ml.so.1 links there), so nothing is copied: the files stay dpkg's and a
// package upgrade updates the shim in place. Only a request whose source differs from the target
// (a staging tree) copies the libraries and creates the SONAME links.
// The plan is computed against the current state under the root: what is already in place is left
// unchanged (and noted), and shadowing by or of an NVIDIA driver's libraries is warned about.
#pragma once

#include "changes/change_plan.h"
#include "common/install_paths.h"
#include "common/system_root.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace vgpu::controller {

enum class InstallScope { Service, System };
QString installScopeName(InstallScope scope);
std::optional<InstallScope> installScopeFromName(const QString& name);

struct ShimInstallRequest {
  InstallScope scope = InstallScope::Service;
  // Where the shim libraries are (system path under the root): libvgpu-cuda.so and libvgpu-nvml.so.
  QString shimSourceDir = installedShimDir();
  // vgpu's library directory the service or the loader is pointed at, outside Ollama's tree. The
  // same as shimSourceDir unless the libraries are to be copied.
  QString targetDir = installedShimDir();
  // Service scope: the managed drop-in's complete bytes; it must put targetDir first on LD_LIBRARY_PATH.
  QByteArray dropIn;
  QString dropInPath = QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf");
};

inline constexpr const char* kLdSoConfPath = "/etc/ld.so.conf.d/vgpu.conf";

// The plan, or nullopt with `error` (missing shim libraries, a symlink or directory where a file
// belongs, a drop-in that does not set LD_LIBRARY_PATH).
std::optional<ChangePlan> planShimInstall(const SystemRoot& root, const ShimInstallRequest& request, QString* error);

// A plan that puts `bytes` at `path` (mode 0644), creating missing parent directories; empty when
// the file already holds exactly these bytes. Used for the managed drop-in by `env-set`.
std::optional<ChangePlan> planConfigFile(const SystemRoot& root, const QString& title, const QString& path,
                                         const QByteArray& bytes, QString* error);

// The content of /etc/ld.so.conf.d/vgpu.conf for `targetDir`.
QByteArray ldSoConfContent(const QString& targetDir);

} // namespace vgpu::controller

// Shared by the change-engine, installer and helper tests: a fixture root (a small system tree
// with shim libraries to install), a minimal managed drop-in, and a full listing of a tree (type,
// mode, owner, SHA-256, symlink target) to prove "byte-identical to the start".
#pragma once

#include "changes/command_runner.h"
#include "changes/shim_install_plan.h"
#include "common/install_paths.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QString>
#include <QStringList>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace vgpu::test {

// Every entry under `root` except the paths starting with one of `excluded` (relative, e.g.
// "var/lib/vgpu"): "path type mode uid:gid sha256|target".
inline std::map<std::string, std::string> treeListing(const std::filesystem::path& root,
                                                      const std::vector<std::string>& excluded = {"var/lib/vgpu"}) {
  std::map<std::string, std::string> listing;
  for (auto it = std::filesystem::recursive_directory_iterator(root);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    const std::string relative = std::filesystem::relative(it->path(), root).string();
    bool skip = false;
    for (const std::string& prefix : excluded) {
      skip = skip || relative.rfind(prefix, 0) == 0;
    }
    if (skip) {
      if (it->is_directory() && !it->is_symlink()) {
        it.disable_recursion_pending();
      }
      continue;
    }
    struct stat st {};
    ::lstat(it->path().c_str(), &st);
    std::string line = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
    if (S_ISLNK(st.st_mode)) {
      line += " -> " + std::filesystem::read_symlink(it->path()).string();
    } else if (S_ISREG(st.st_mode)) {
      QFile file(QString::fromStdString(it->path().string()));
      file.open(QIODevice::ReadOnly);
      line += " " + QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex().toStdString();
    }
    listing[relative] = line;
  }
  return listing;
}

// "" when the listings are equal, else one line per differing path (for failure messages).
inline std::string listingDifference(const std::map<std::string, std::string>& actual,
                                     const std::map<std::string, std::string>& expected) {
  std::string difference;
  for (const auto& [path, line] : actual) {
    const auto it = expected.find(path);
    if (it == expected.end()) {
      difference.append("unexpected ").append(path).append(": ").append(line).append("\n");
    } else if (it->second != line) {
      difference.append("changed ")
          .append(path)
          .append(": ")
          .append(line)
          .append(" (expected ")
          .append(it->second)
          .append(")\n");
    }
  }
  for (const auto& [path, line] : expected) {
    if (actual.find(path) == actual.end()) {
      difference.append("missing ").append(path).append(": ").append(line).append("\n");
    }
  }
  return difference;
}

inline void writeFile(const std::filesystem::path& path, const QByteArray& bytes,
                      std::filesystem::perms mode = std::filesystem::perms(0644)) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.constData(), bytes.size());
  std::filesystem::permissions(path, mode);
}

inline QByteArray readFile(const std::filesystem::path& path) {
  QFile file(QString::fromStdString(path.string()));
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Stand-ins for the shim libraries the package ships (the installer copies bytes; it does not load them).
inline QByteArray fakeCudaShim() {
  return QByteArray("\x7f"
                    "ELF fake libvgpu-cuda.so for the installer tests\n");
}
inline QByteArray fakeNvmlShim() {
  return QByteArray("\x7f"
                    "ELF fake libvgpu-nvml.so for the installer tests\n");
}

// A small system: ollama.service with a foreign drop-in, the packaged shims in their installed
// location, a staging copy in /usr/libexec/vgpu/shim and an older shim in /usr/lib/vgpu (so a
// staging install replaces and backs up a file and a symlink).
// The shims as the vgpu-guest package installs them: the libraries in installedShimDir() and
// their SONAME links beside them (what vgpu-helper's install points the service at).
inline void writePackagedShims(const std::filesystem::path& root) {
  const std::filesystem::path directory = root / controller::installedShimDir().mid(1).toStdString();
  writeFile(directory / "libvgpu-cuda.so", fakeCudaShim());
  writeFile(directory / "libvgpu-nvml.so", fakeNvmlShim());
  std::filesystem::create_symlink("libvgpu-cuda.so", directory / "libcuda.so.1");
  std::filesystem::create_symlink("libvgpu-nvml.so", directory / "libnvidia-ml.so.1");
}

inline void makeSystemTree(const std::filesystem::path& root) {
  std::filesystem::create_directories(root / "var/lib"); // every system has it; vgpu's state goes below
  writeFile(root / "etc/systemd/system/ollama.service",
            "[Unit]\nDescription=Ollama Service\n[Service]\nExecStart=/usr/local/bin/ollama serve\nUser=ollama\n");
  writeFile(root / "etc/systemd/system/ollama.service.d/override.conf", "[Service]\nEnvironment=\"OLLAMA_DEBUG=1\"\n");
  writeFile(root / "usr/libexec/vgpu/shim/libvgpu-cuda.so", fakeCudaShim());
  writeFile(root / "usr/libexec/vgpu/shim/libvgpu-nvml.so", fakeNvmlShim());
  writePackagedShims(root);
  writeFile(root / "usr/lib/vgpu/libvgpu-cuda.so", "old shim bytes\n", std::filesystem::perms(0600));
  std::filesystem::create_symlink("libvgpu-cuda.so.old", root / "usr/lib/vgpu/libcuda.so.1");
  writeFile(root / "etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
  writeFile(root / "etc/ld.so.conf.d/x86_64-linux-gnu.conf",
            "/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n");
}

// A request that copies the shims from a staging tree (/usr/libexec/vgpu/shim) into /usr/lib/vgpu:
// the engine tests use it because it replaces and backs up files and symlinks.
inline controller::ShimInstallRequest stagingShimRequest() {
  controller::ShimInstallRequest request;
  request.shimSourceDir = QStringLiteral("/usr/libexec/vgpu/shim");
  request.targetDir = QStringLiteral("/usr/lib/vgpu");
  return request;
}

// A minimal managed drop-in as controller/environment renders it (the installer takes it as input).
inline QByteArray minimalDropIn(const QString& libraryDir = QStringLiteral("/usr/lib/vgpu")) {
  return QStringLiteral("# Managed by vgpu (test)\n[Service]\nEnvironment=\"LD_LIBRARY_PATH=%1\"\n")
      .arg(libraryDir)
      .toUtf8();
}

// Records the commands a plan runs instead of running them.
class RecordingRunner final : public controller::CommandRunner {
public:
  controller::CommandResult run(const QString& program, const QStringList& arguments) override {
    commands.append(QStringList{program} + arguments);
    const bool fail = failingCalls > 0;
    failingCalls -= fail ? 1 : 0;
    return {true, fail ? 1 : 0, fail ? QStringLiteral("simulated failure") : QString()};
  }
  QList<QStringList> commands;
  int failingCalls = 0; // the next N calls exit 1
};

} // namespace vgpu::test

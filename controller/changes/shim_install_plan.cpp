// Shim installation plans for the service and system scopes (see shim_install_plan.h).
#include "changes/shim_install_plan.h"
#include "common/bounded_file.h"

#include "changes/library_shadowing.h"
#include "changes/safe_fs.h"
#include "systemd/unit_file.h"

#include <QFile>
#include <QFileInfo>
#include <array>

namespace vgpu::controller {

namespace {

// The shim libraries as the build produces them, and the names CUDA software loads them by.
struct ShimLibrary {
  const char* file;   // copied bytes
  const char* soname; // symlink to `file`
};
constexpr std::array<ShimLibrary, 2> kShimLibraries{{
    {"libvgpu-cuda.so", "libcuda.so.1"},
    {"libvgpu-nvml.so", "libnvidia-ml.so.1"},
}};

constexpr mode_t kLibraryMode = 0644;
constexpr mode_t kConfigMode = 0644;
constexpr mode_t kDirectoryMode = 0755;

// Reads the current state of system paths under the root, refusing symlinked parents.
class Snapshot {
public:
  explicit Snapshot(const SystemRoot& root) : root_(root) { rootFd_ = fs::openRoot(root.root(), &error_); }
  bool valid() const { return rootFd_.valid(); }
  const QString& error() const { return error_; }

  // nullopt when the parent cannot be opened safely; Missing when the parent does not exist.
  std::optional<fs::Entry> stat(const QString& path, QString* error) const {
    const auto split = fs::splitSystemPath(path, error);
    if (!split) {
      return std::nullopt;
    }
    QString openError;
    const fs::Fd parent = fs::openDirectory(rootFd_.get(), split->parent, false, &openError);
    if (!parent.valid()) {
      if (openError.contains(QStringLiteral("No such file"))) {
        return fs::Entry{};
      }
      *error = openError;
      return std::nullopt;
    }
    return fs::statAt(parent.get(), split->name, error);
  }

  std::optional<QByteArray> read(const QString& path, QString* error) const {
    const auto split = fs::splitSystemPath(path, error);
    if (!split) {
      return std::nullopt;
    }
    const fs::Fd parent = fs::openDirectory(rootFd_.get(), split->parent, false, error);
    return parent.valid() ? fs::readFileAt(parent.get(), split->name, error) : std::nullopt;
  }

private:
  const SystemRoot& root_;
  fs::Fd rootFd_;
  QString error_;
};

// Adds CreateDirectory operations for `directory` and its missing ancestors.
bool planDirectory(const Snapshot& snapshot, const QString& directory, ChangePlan* plan, QString* error) {
  const auto split = fs::splitSystemPath(directory, error);
  if (!split) {
    return false;
  }
  QString path;
  for (const QString& component : split->parent + QStringList{split->name}) {
    path += u'/' + component;
    const auto entry = snapshot.stat(path, error);
    if (!entry) {
      return false;
    }
    if (entry->type == fs::EntryType::Missing) {
      plan->operations.append({OperationKind::CreateDirectory, path, {}, kDirectoryMode, {}, {}, {}});
    } else if (entry->type != fs::EntryType::Directory) {
      *error = QStringLiteral("%1 is a %2, not a directory; refusing to install there")
                   .arg(path, QLatin1String(fs::entryTypeName(entry->type)));
      return false;
    }
  }
  return true;
}

// Write, replace or leave alone one file; returns false with `error` if something else is in the way.
bool planFile(const Snapshot& snapshot, const QString& path, const QByteArray& content, mode_t mode, ChangePlan* plan,
              QString* error) {
  const auto entry = snapshot.stat(path, error);
  if (!entry) {
    return false;
  }
  switch (entry->type) {
  case fs::EntryType::Missing:
    plan->operations.append({OperationKind::WriteFile, path, content, mode, {}, {}, {}});
    return true;
  case fs::EntryType::File: {
    const auto current = snapshot.read(path, error);
    if (!current) {
      return false;
    }
    if (*current == content && entry->mode == mode) {
      plan->notes.append(QStringLiteral("%1 is already in place").arg(path));
    } else {
      plan->operations.append({OperationKind::ReplaceFile, path, content, mode, {}, {}, {}});
    }
    return true;
  }
  default:
    *error = QStringLiteral("%1 is a %2; refusing to replace it with a file")
                 .arg(path, QLatin1String(fs::entryTypeName(entry->type)));
    return false;
  }
}

bool planSymlink(const Snapshot& snapshot, const QString& path, const QString& target, ChangePlan* plan,
                 QString* error) {
  const auto entry = snapshot.stat(path, error);
  if (!entry) {
    return false;
  }
  if (entry->type == fs::EntryType::Symlink && entry->symlinkTarget == target) {
    plan->notes.append(QStringLiteral("%1 -> %2 is already in place").arg(path, target));
    return true;
  }
  if (entry->type == fs::EntryType::File) {
    plan->operations.append({OperationKind::RemoveFile, path, {}, 0, {}, {}, {}});
  } else if (entry->type != fs::EntryType::Missing && entry->type != fs::EntryType::Symlink) {
    *error = QStringLiteral("%1 is a %2; refusing to replace it with a symlink")
                 .arg(path, QLatin1String(fs::entryTypeName(entry->type)));
    return false;
  }
  plan->operations.append({OperationKind::CreateSymlink, path, {}, 0, {}, {}, target});
  return true;
}

// The libraries in their installed location: each SONAME link and the file it names must be there
// (the package's files; the plan never writes them).
bool checkInstalledLibraries(const Snapshot& snapshot, const QString& directory, ChangePlan* plan, QString* error) {
  for (const ShimLibrary& library : kShimLibraries) {
    for (const char* name : {library.soname, library.file}) {
      const QString path = directory + u'/' + QLatin1String(name);
      const auto entry = snapshot.stat(path, error);
      if (!entry) {
        return false;
      }
      const bool present = name == library.file
                               ? entry->type == fs::EntryType::File
                               : entry->type == fs::EntryType::Symlink || entry->type == fs::EntryType::File;
      if (!present) {
        *error = QStringLiteral("the shim library %1 is %2; install the vgpu-guest package (or `cmake --install` a "
                                "vgpu build) first")
                     .arg(path, entry->type == fs::EntryType::Missing
                                    ? QStringLiteral("missing")
                                    : QStringLiteral("a %1").arg(QLatin1String(fs::entryTypeName(entry->type))));
        return false;
      }
    }
  }
  plan->notes.append(QStringLiteral("the shim libraries are installed in %1").arg(directory));
  return true;
}

// The drop-in must put targetDir first on LD_LIBRARY_PATH, or the service would not load the shim.
QString checkDropIn(const ShimInstallRequest& request) {
  const UnitFile file = UnitFile::parse(request.dropIn, request.dropInPath);
  const MergedEnvironment environment = mergeEnvironment({file});
  const QString value = environment.variables.value(QStringLiteral("LD_LIBRARY_PATH"));
  if (value.split(u':').value(0) != request.targetDir) {
    return QStringLiteral("the managed drop-in must set LD_LIBRARY_PATH with %1 first (it has '%2')")
        .arg(request.targetDir, value);
  }
  return {};
}

void addShadowingWarnings(const SystemRoot& root, const ShimInstallRequest& request, ChangePlan* plan) {
  const bool system = request.scope == InstallScope::System;
  const QList<LoaderDirectory> directories =
      system ? loaderDirectories(root, QString::fromLatin1(kLdSoConfPath), {request.targetDir})
             : loaderDirectories(root);
  for (const ShimLibrary& library : kShimLibraries) {
    const QString soname = QString::fromLatin1(library.soname);
    const QList<FoundLibrary> found = findLibrary(root, directories, soname);
    for (qsizetype index = 0; index < found.size(); ++index) {
      const FoundLibrary& copy = found.at(index);
      if (copy.isShim || copy.directory.path == request.targetDir) {
        continue;
      }
      const QString where =
          QStringLiteral("%1 (%2, listed by %3)").arg(copy.path, copy.realName, copy.directory.listedBy);
      if (!system) {
        plan->warnings.append(QStringLiteral("an NVIDIA driver's %1 is installed at %2: ollama.service will load the "
                                             "shim instead (LD_LIBRARY_PATH is searched first); other programs keep "
                                             "NVIDIA's")
                                  .arg(soname, where));
        continue;
      }
      const auto shimPosition = std::find_if(found.begin(), found.end(), [&](const FoundLibrary& candidate) {
        return candidate.directory.path == request.targetDir;
      });
      const bool nvidiaFirst = shimPosition == found.end() || index < shimPosition - found.begin();
      plan->warnings.append(nvidiaFirst ? QStringLiteral("an NVIDIA driver's %1 at %2 comes before %3 in the loader "
                                                         "order and would shadow the shim")
                                              .arg(soname, where, request.targetDir)
                                        : QStringLiteral("the shim would shadow the NVIDIA driver's %1 at %2 for "
                                                         "every program on this machine")
                                              .arg(soname, where));
    }
  }
}

} // namespace

QString installScopeName(InstallScope scope) {
  return scope == InstallScope::Service ? QStringLiteral("service") : QStringLiteral("system");
}

std::optional<InstallScope> installScopeFromName(const QString& name) {
  if (name == QLatin1String("service")) {
    return InstallScope::Service;
  }
  if (name == QLatin1String("system")) {
    return InstallScope::System;
  }
  return std::nullopt;
}

std::optional<ChangePlan> planConfigFile(const SystemRoot& root, const QString& title, const QString& path,
                                         const QByteArray& bytes, QString* error) {
  const Snapshot snapshot(root);
  if (!snapshot.valid()) {
    *error = snapshot.error();
    return std::nullopt;
  }
  ChangePlan plan;
  plan.title = title;
  if (!planDirectory(snapshot, QFileInfo(path).path(), &plan, error) ||
      !planFile(snapshot, path, bytes, kConfigMode, &plan, error)) {
    return std::nullopt;
  }
  return plan;
}

QByteArray ldSoConfContent(const QString& targetDir) {
  return QStringLiteral("# Managed by vgpu: the vgpu shim libraries for every program (vgpuctl install --scope "
                        "system).\n%1\n")
      .arg(targetDir)
      .toUtf8();
}

std::optional<ChangePlan> planShimInstall(const SystemRoot& root, const ShimInstallRequest& request, QString* error) {
  const Snapshot snapshot(root);
  if (!snapshot.valid()) {
    *error = snapshot.error();
    return std::nullopt;
  }
  ChangePlan plan;
  plan.title = QStringLiteral("install the vgpu shim (%1 scope)").arg(installScopeName(request.scope));
  if (request.scope == InstallScope::Service) {
    if (const QString problem = checkDropIn(request); !problem.isEmpty()) {
      *error = problem;
      return std::nullopt;
    }
  }
  // Installed in place (the default): the package's files are used as they are, nothing is copied.
  const bool inPlace = request.shimSourceDir == request.targetDir;
  if (inPlace ? !checkInstalledLibraries(snapshot, request.targetDir, &plan, error)
              : !planDirectory(snapshot, request.targetDir, &plan, error)) {
    return std::nullopt;
  }
  const qsizetype operationsBefore = plan.operations.size();
  if (!inPlace) {
    for (const ShimLibrary& library : kShimLibraries) {
      const QString file = QString::fromLatin1(library.file);
      const BoundedFile source = readBoundedFile(root.hostPath(request.shimSourceDir + u'/' + file), kMaxLibraryBytes);
      if (!source.ok) {
        *error = QStringLiteral("the shim library %1/%2 is missing (%3); is vgpu installed completely?")
                     .arg(request.shimSourceDir, file, source.error);
        return std::nullopt;
      }
      if (!planFile(snapshot, request.targetDir + u'/' + file, source.bytes, kLibraryMode, &plan, error) ||
          !planSymlink(snapshot, request.targetDir + u'/' + QString::fromLatin1(library.soname), file, &plan, error)) {
        return std::nullopt;
      }
    }
  }
  const bool librariesChanged = plan.operations.size() != operationsBefore;
  if (request.scope == InstallScope::Service) {
    const qsizetype before = plan.operations.size();
    if (!planDirectory(snapshot, QFileInfo(request.dropInPath).path(), &plan, error) ||
        !planFile(snapshot, request.dropInPath, request.dropIn, kConfigMode, &plan, error)) {
      return std::nullopt;
    }
    plan.needsDaemonReload = plan.operations.size() != before;
    plan.needsRestart = plan.needsDaemonReload || librariesChanged;
  } else {
    const qsizetype before = plan.operations.size();
    if (!planDirectory(snapshot, QFileInfo(QString::fromLatin1(kLdSoConfPath)).path(), &plan, error) ||
        !planFile(snapshot, QString::fromLatin1(kLdSoConfPath), ldSoConfContent(request.targetDir), kConfigMode, &plan,
                  error)) {
      return std::nullopt;
    }
    if (plan.operations.size() != before || librariesChanged) {
      plan.operations.append({OperationKind::RunLdconfig, {}, {}, 0, {}, {}, {}});
      plan.needsRestart = true;
    }
  }
  addShadowingWarnings(root, request, &plan);
  return plan;
}

} // namespace vgpu::controller

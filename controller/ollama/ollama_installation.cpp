// OllamaInstallation::detect: reads the unit, drop-ins, binary and library root under a root.
#include "ollama/ollama_installation.h"
#include "common/bounded_file.h"
#include "common/elf_machine.h"

#include "ollama/root_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>

namespace vgpu::controller {
namespace {

const QString kUnitName = QStringLiteral("ollama.service");

// systemd's fixed search path for a bare ExecStart= program name (systemd ≥ 239).
const QStringList kExecSearchPath{QStringLiteral("/usr/local/sbin"), QStringLiteral("/usr/local/bin"),
                                  QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")};
const QStringList kFallbackBinaries{QStringLiteral("/usr/local/bin/ollama"), QStringLiteral("/usr/bin/ollama")};

bool isExecutableFile(const SystemRoot& root, const QString& systemPath) {
  const ResolvedPath resolved = resolveInRoot(root, systemPath);
  if (!resolved.ok()) {
    return false;
  }
  const QFileInfo info(root.hostPath(resolved.path));
  return info.isFile() && (info.permissions() & (QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther)) != 0;
}

std::optional<QString> searchDirectories(const SystemRoot& root, const QStringList& directories, const QString& name) {
  for (const QString& directory : directories) {
    if (!directory.startsWith(u'/')) {
      continue; // a relative PATH entry means nothing to a service
    }
    const QString candidate = cleanSystemPath(directory + u'/' + name);
    if (isExecutableFile(root, candidate)) {
      return candidate;
    }
  }
  return std::nullopt;
}

UnitSource readUnitSource(const SystemRoot& root, const QString& systemPath) {
  UnitSource source;
  source.path = systemPath;
  const BoundedFile file = readBoundedFile(root.hostPath(systemPath), kMaxConfigBytes);
  if (!file.ok) {
    source.error = file.error;
    return source;
  }
  source.unit = UnitFile::parse(file.bytes, systemPath);
  return source;
}

// A drop-in symlinked to /dev/null masks the same-named ones and contributes nothing.
bool isDevNullLink(const SystemRoot& root, const QString& systemPath) {
  const QFileInfo info(root.hostPath(systemPath));
  return info.isSymLink() && info.symLinkTarget() == QLatin1String("/dev/null");
}

void findUnit(const SystemRoot& root, OllamaInstallation& installation) {
  for (const QString& directory : unitSearchDirectories()) {
    const QString path = directory + u'/' + kUnitName;
    if (QFileInfo::exists(root.hostPath(path)) || QFileInfo(root.hostPath(path)).isSymLink()) {
      if (isDevNullLink(root, path)) {
        installation.problems.append(
            {path, QStringLiteral("ollama.service is masked (linked to /dev/null): systemd will "
                                  "not start it")});
        return;
      }
      installation.unit = readUnitSource(root, path);
      if (!installation.unit->unit) {
        installation.problems.append({path, QStringLiteral("unit file unreadable: %1").arg(installation.unit->error)});
        return;
      }
      for (const UnitFileProblem& problem : installation.unit->unit->problems()) {
        installation.problems.append({QStringLiteral("%1:%2").arg(path).arg(problem.line), problem.message});
      }
      return;
    }
  }
  installation.problems.append(
      {kUnitName,
       QStringLiteral("ollama.service not found in %1").arg(unitSearchDirectories().join(QStringLiteral(", ")))});
}

void findDropIns(const SystemRoot& root, OllamaInstallation& installation) {
  // File name -> the path that wins (the first directory in priority order), then sorted by name.
  QMap<QString, QString> byName;
  for (const QString& directory : dropInSearchDirectories()) {
    const QDir dir(root.hostPath(directory));
    const QStringList names = dir.entryList({QStringLiteral("*.conf")}, QDir::Files | QDir::System | QDir::Hidden);
    for (const QString& name : names) {
      if (!byName.contains(name)) {
        byName.insert(name, directory + u'/' + name);
      }
    }
  }
  for (auto it = byName.cbegin(); it != byName.cend(); ++it) {
    if (isDevNullLink(root, it.value())) {
      continue;
    }
    UnitSource source = readUnitSource(root, it.value());
    if (!source.unit) {
      installation.problems.append({it.value(), QStringLiteral("drop-in unreadable: %1").arg(source.error)});
    } else {
      for (const UnitFileProblem& problem : source.unit->problems()) {
        installation.problems.append({QStringLiteral("%1:%2").arg(it.value()).arg(problem.line), problem.message});
      }
    }
    installation.dropIns.append(source);
  }
}

void mergeService(OllamaInstallation& installation) {
  const QList<UnitFile> files = installation.unitFiles();
  const MergedEnvironment merged = mergeEnvironment(files);
  for (auto it = merged.variables.cbegin(); it != merged.variables.cend(); ++it) {
    installation.environment.append({it.key(), it.value(), merged.origins.value(it.key())});
  }
  for (const QString& problem : merged.problems) {
    installation.problems.append({QStringLiteral("Environment="), problem});
  }
  for (const UnitFile& file : files) {
    if (const auto user = file.lastValue(QStringLiteral("Service"), QStringLiteral("User"))) {
      installation.user = *user;
    }
    if (const auto group = file.lastValue(QStringLiteral("Service"), QStringLiteral("Group"))) {
      installation.group = *group;
    }
  }
}

// ExecStart= of the last file that sets it (an empty ExecStart= in a drop-in resets the list).
std::optional<QString> execStart(const QList<UnitFile>& files) {
  std::optional<QString> value;
  for (const UnitFile& file : files) {
    for (const QString& assigned : file.values(QStringLiteral("Service"), QStringLiteral("ExecStart"))) {
      value = assigned.isEmpty() ? std::nullopt : std::optional<QString>(assigned);
    }
  }
  return value;
}

void findBinary(const SystemRoot& root, const QProcessEnvironment& pathEnvironment, OllamaInstallation& installation) {
  OllamaBinary& binary = installation.binary;
  if (const auto exec = execStart(installation.unitFiles())) {
    if (const auto program = execStartProgram(*exec)) {
      const std::optional<QString> found = program->startsWith(u'/')
                                               ? (isExecutableFile(root, *program) ? program : std::nullopt)
                                               : searchDirectories(root, kExecSearchPath, *program);
      if (found) {
        binary = {BinarySource::ExecStart, *found, {}};
      } else {
        installation.problems.append(
            {QStringLiteral("binary"),
             QStringLiteral("ExecStart= names %1, which is not an executable file").arg(*program)});
      }
    }
  }
  if (binary.source == BinarySource::None) {
    const QStringList path = pathEnvironment.value(QStringLiteral("PATH")).split(u':', Qt::SkipEmptyParts);
    if (const auto found = searchDirectories(root, path, QStringLiteral("ollama"))) {
      binary = {BinarySource::Path, *found, {}};
    }
  }
  if (binary.source == BinarySource::None) {
    for (const QString& candidate : kFallbackBinaries) {
      if (isExecutableFile(root, candidate)) {
        binary = {BinarySource::Fallback, candidate, {}};
        break;
      }
    }
  }
  if (binary.source == BinarySource::None) {
    installation.problems.append(
        {QStringLiteral("binary"), QStringLiteral("no ollama binary found (ExecStart=, PATH, %1)")
                                       .arg(kFallbackBinaries.join(QStringLiteral(", ")))});
    return;
  }
  const ResolvedPath resolved = resolveInRoot(root, binary.path);
  if (!resolved.ok()) {
    installation.problems.append({binary.path, resolved.error});
    return;
  }
  binary.resolved = resolved.path;
  installation.version = readOllamaVersion(root.hostPath(resolved.path));
}

// Go's GOARCH of the binary (ELF e_machine), for the dist/linux-<arch> candidates; "" when unknown.
QString goArchOf(const QString& hostPath) {
  const std::optional<quint16> machine = elfMachine(hostPath);
  if (!machine) {
    return QString();
  }
  return *machine == kElfMachineX86_64    ? QStringLiteral("amd64")
         : *machine == kElfMachineAarch64 ? QStringLiteral("arm64")
                                          : QString();
}

// Ollama's LibOllamaPath on Linux (ml/path.go). Before v0.30.0: the first existing of
// <exe dir>/../lib/ollama, <exe dir>/build/lib/ollama, <cwd>/build/lib/ollama. From v0.30.0: the
// first that is a directory of <exe dir>/../lib/ollama, <exe dir>/lib/ollama, then for <exe dir>
// and <cwd> each build/lib/ollama, dist/linux-<arch>/lib/ollama, dist/linux_<arch>/lib/ollama.
// Else the exe's own folder.
void findLibraryRoot(const SystemRoot& root, OllamaInstallation& installation) {
  if (installation.binary.resolved.isEmpty()) {
    return;
  }
  const QString exeDir = cleanSystemPath(installation.binary.resolved + QStringLiteral("/.."));
  QString workingDirectory = QStringLiteral("/");
  for (const UnitFile& file : installation.unitFiles()) {
    if (const auto value = file.lastValue(QStringLiteral("Service"), QStringLiteral("WorkingDirectory"))) {
      QString directory = *value;
      if (directory.startsWith(u'-')) {
        directory.remove(0, 1);
      }
      if (directory.startsWith(u'/')) {
        workingDirectory = directory;
      }
    }
  }
  struct Candidate {
    QString path;
    QString rule;
  };
  QList<Candidate> candidates{{exeDir + QStringLiteral("/../lib/ollama"), QStringLiteral("<exe dir>/../lib/ollama")}};
  const bool eraB = installation.version.era == OllamaEra::B;
  if (eraB) {
    candidates.append({exeDir + QStringLiteral("/lib/ollama"), QStringLiteral("<exe dir>/lib/ollama")});
  }
  const QString arch = goArchOf(root.hostPath(installation.binary.resolved));
  for (const auto& [base, name] : {std::pair{exeDir, QStringLiteral("<exe dir>")},
                                   std::pair{workingDirectory, QStringLiteral("<working directory>")}}) {
    candidates.append({base + QStringLiteral("/build/lib/ollama"), name + QStringLiteral("/build/lib/ollama")});
    if (eraB && !arch.isEmpty()) {
      for (const QChar separator : {u'-', u'_'}) {
        const QString dist = QStringLiteral("/dist/linux") + separator + arch + QStringLiteral("/lib/ollama");
        candidates.append({base + dist, name + dist});
      }
    }
  }
  for (const Candidate& candidate : std::as_const(candidates)) {
    const QString path = cleanSystemPath(candidate.path);
    const ResolvedPath resolved = resolveInRoot(root, path);
    // From v0.30.0 a candidate counts only when it is a directory; before, when it exists.
    if (resolved.ok() && (!eraB || QFileInfo(root.hostPath(resolved.path)).isDir())) {
      installation.libraryRoot = {path, candidate.rule};
      return;
    }
  }
  installation.libraryRoot = {exeDir, QStringLiteral("<exe dir> (no lib/ollama found)")};
  installation.problems.append(
      {QStringLiteral("library root"),
       QStringLiteral("%1/../lib/ollama does not exist; Ollama falls back to %1 itself").arg(exeDir)});
}

void findVariants(const SystemRoot& root, OllamaInstallation& installation) {
  if (installation.libraryRoot.path.isEmpty()) {
    return;
  }
  installation.variants = scanVariantFolders(root, installation.libraryRoot.path);
  for (VariantFolder& folder : installation.variants) {
    if (folder.status == VariantStatus::BrokenSymlink || folder.status == VariantStatus::Unreadable) {
      installation.problems.append(
          {folder.path,
           QStringLiteral("%1 (Ollama ignores it silently): %2").arg(variantStatusName(folder.status), folder.error)});
      continue;
    }
    const QString resolved = folder.linkTarget.isEmpty() ? folder.path : folder.linkTarget;
    folder.serviceAccess = checkAccess(root, installation.account, resolved, AccessNeed::ReadAndEnter);
    if (folder.serviceAccess.allowed && folder.hasGgmlCuda) {
      folder.serviceAccess =
          checkAccess(root, installation.account, resolved + QStringLiteral("/libggml-cuda.so"), AccessNeed::Read);
    }
  }
}

} // namespace

QString binarySourceName(BinarySource source) {
  switch (source) {
  case BinarySource::ExecStart: return QStringLiteral("ExecStart");
  case BinarySource::Path: return QStringLiteral("PATH");
  case BinarySource::Fallback: return QStringLiteral("fallback");
  case BinarySource::None: break;
  }
  return QStringLiteral("none");
}

QStringList unitSearchDirectories() {
  // systemd's system unit path (systemd.unit(5)); /lib comes last, after /usr/lib, on systems
  // that have not merged /usr.
  return {QStringLiteral("/etc/systemd/system"), QStringLiteral("/run/systemd/system"),
          QStringLiteral("/usr/local/lib/systemd/system"), QStringLiteral("/usr/lib/systemd/system"),
          QStringLiteral("/lib/systemd/system")};
}

QStringList dropInSearchDirectories() {
  QStringList directories;
  for (const QString& directory : {QStringLiteral("/etc/systemd/system"), QStringLiteral("/run/systemd/system"),
                                   QStringLiteral("/usr/local/lib/systemd/system"),
                                   QStringLiteral("/usr/lib/systemd/system"), QStringLiteral("/lib/systemd/system")}) {
    directories.append(directory + u'/' + kUnitName + QStringLiteral(".d"));
  }
  return directories;
}

QList<UnitFile> OllamaInstallation::unitFiles() const {
  QList<UnitFile> files;
  if (unit && unit->unit) {
    files.append(*unit->unit);
  }
  for (const UnitSource& dropIn : dropIns) {
    if (dropIn.unit) {
      files.append(*dropIn.unit);
    }
  }
  return files;
}

const EnvironmentValue* OllamaInstallation::environmentValue(const QString& name) const {
  for (const EnvironmentValue& value : environment) {
    if (value.name == name) {
      return &value;
    }
  }
  return nullptr;
}

const VariantFolder* OllamaInstallation::variant(const QString& name) const {
  for (const VariantFolder& folder : variants) {
    if (folder.name == name) {
      return &folder;
    }
  }
  return nullptr;
}

QStringList OllamaInstallation::visibleVariantNames() const {
  QStringList names;
  for (const VariantFolder& folder : variants) {
    if (folder.visible()) {
      names.append(folder.name);
    }
  }
  return names;
}

OllamaInstallation OllamaInstallation::detect(const SystemRoot& root, const QProcessEnvironment& pathEnvironment) {
  OllamaInstallation installation;
  findUnit(root, installation);
  findDropIns(root, installation);
  mergeService(installation);
  installation.account = lookupServiceAccount(root, installation.user, installation.group);
  if (!installation.account.resolved()) {
    installation.problems.append({QStringLiteral("service account"), installation.account.error});
  }
  findBinary(root, pathEnvironment, installation);
  findLibraryRoot(root, installation);
  findVariants(root, installation);
  return installation;
}

} // namespace vgpu::controller

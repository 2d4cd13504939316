// loader.libggml-cuda: one probe run per CUDA variant folder Ollama would visit (the requested one
// when OLLAMA_LLM_LIBRARY is set), classified by where the driver libraries came from.
#include "doctor/machine/loader_checks.h"

#include "doctor/engine/remedy_actions.h"
#include "doctor/machine/override_check.h"

#include "changes/library_shadowing.h"
#include "doctor/engine/child_probe.h"
#include "doctor/machine/ollama_checks.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace vgpu::controller::doctor {

namespace {

enum class Origin { Ours, Other, None };

struct DriverLibrary {
  QString path; // host path the loader used or would use; "" when none
  Origin origin = Origin::None;
};

struct FolderOutcome {
  CheckStatus status = CheckStatus::Pass;
  QString summary;
  QString missingSymbol;
  DriverLibrary cuda;
  DriverLibrary nvml;
  Evidence evidence;
};

QString originText(const DriverLibrary& library) {
  switch (library.origin) {
  case Origin::Ours: return QStringLiteral("vgpu's shim (%1)").arg(library.path);
  case Origin::Other: return QStringLiteral("another library, e.g. NVIDIA's driver (%1)").arg(library.path);
  case Origin::None: break;
  }
  return QStringLiteral("none");
}

// Where `soname` came from, per the probe's "loaded" (preferred) and "resolved" lines.
DriverLibrary driverLibrary(const DoctorContext& context, const QString& output, const QString& soname) {
  DriverLibrary library;
  for (const QString& key : {QStringLiteral("loaded"), QStringLiteral("resolved")}) {
    for (const QString& value : childValues(output, key)) {
      if (value.section(u' ', 0, 0) == soname && library.path.isEmpty()) {
        const QString path = value.section(u' ', 1);
        library.path = path == QLatin1String("none") ? QString() : path;
      }
    }
  }
  if (library.path.isEmpty()) {
    return library;
  }
  const QString ours =
      QFileInfo(SystemRoot(context.root).hostPath(context.shimDir) + u'/' + soname).canonicalFilePath();
  const QString found = QFileInfo(library.path).canonicalFilePath();
  library.origin = !ours.isEmpty() && found == ours ? Origin::Ours : Origin::Other;
  return library;
}

FolderOutcome probeFolder(const DoctorContext& context, const VariantFolder& folder) {
  const SystemRoot root(context.root);
  const OllamaInstallation& installation = *context.installation;
  QProcessEnvironment environment = serviceProcessEnvironment(context);
  const QString inherited = environment.value(QStringLiteral("LD_LIBRARY_PATH"));
  const QString searchPath = root.hostPath(installation.libraryRoot.path) + u':' + root.hostPath(folder.path);
  environment.insert(QStringLiteral("LD_LIBRARY_PATH"),
                     inherited.isEmpty() ? searchPath : searchPath + u':' + inherited);
  environment.insert(QStringLiteral("OLLAMA_LIBRARY_PATH"), searchPath);
  const QString library = root.hostPath(folder.path) + QStringLiteral("/libggml-cuda.so");
  const ChildRun run = runChild(context.probePath, {QStringLiteral("load"), library}, environment);

  FolderOutcome outcome;
  outcome.evidence = {QStringLiteral("dlopen(RTLD_NOW) of %1/libggml-cuda.so with LD_LIBRARY_PATH=%2")
                          .arg(folder.path, environment.value(QStringLiteral("LD_LIBRARY_PATH"))),
                      run.command, run.ran ? run.output.trimmed() : run.error};
  if (!run.ran) {
    outcome.status = CheckStatus::Fail;
    outcome.summary = QStringLiteral("%1: the probe did not run: %2").arg(folder.name, run.error);
    return outcome;
  }
  outcome.cuda = driverLibrary(context, run.output, QStringLiteral("libcuda.so.1"));
  outcome.nvml = driverLibrary(context, run.output, QStringLiteral("libnvidia-ml.so.1"));
  const QStringList errors = childValues(run.output, QStringLiteral("dlopen-error"));
  if (!errors.isEmpty()) {
    static const QRegularExpression kUndefined(QStringLiteral(R"(undefined symbol: ([^\s,]+))"));
    const QRegularExpressionMatch match = kUndefined.match(errors.constFirst());
    outcome.status = CheckStatus::Fail;
    if (match.hasMatch()) {
      outcome.missingSymbol = match.captured(1);
      outcome.summary = QStringLiteral("%1/libggml-cuda.so does not load: it needs %2, which the libcuda.so.1 it "
                                       "gets (%3) does not export")
                            .arg(folder.name, outcome.missingSymbol, originText(outcome.cuda));
    } else {
      outcome.summary = QStringLiteral("%1/libggml-cuda.so does not load: %2").arg(folder.name, errors.constFirst());
    }
    return outcome;
  }
  switch (outcome.cuda.origin) {
  case Origin::Ours:
    outcome.summary = QStringLiteral("%1/libggml-cuda.so loads with %2").arg(folder.name, originText(outcome.cuda));
    if (outcome.nvml.origin != Origin::Ours) {
      outcome.status = CheckStatus::Warn;
      outcome.summary += QStringLiteral(", but libnvidia-ml.so.1 is %1").arg(originText(outcome.nvml));
    }
    break;
  case Origin::Other:
    outcome.status = CheckStatus::Fail;
    outcome.summary = QStringLiteral("%1/libggml-cuda.so loads %2: it is found before vgpu's shim")
                          .arg(folder.name, originText(outcome.cuda));
    break;
  case Origin::None:
    outcome.status = CheckStatus::Fail;
    outcome.summary = QStringLiteral("%1: no libcuda.so.1 in this environment").arg(folder.name);
    break;
  }
  return outcome;
}

// The folders Ollama would visit for CUDA: the requested one, or every visible CUDA folder.
QList<const VariantFolder*> foldersToProbe(const OllamaInstallation& installation, QString* skipReason) {
  QList<const VariantFolder*> folders;
  const QString requested = requestedLibrary(installation);
  for (const VariantFolder& folder : installation.variants) {
    // The probe runs as the caller, not as the service's uid: a folder the service user may not
    // read is left to ollama.requested-library rather than reported as loading.
    if (folder.visible() && folder.hasGgmlCuda && folder.serviceAccess.allowed &&
        (requested.isEmpty() || folder.name == requested)) {
      folders.append(&folder);
    }
  }
  if (folders.isEmpty()) {
    *skipReason = requested.isEmpty()
                      ? QStringLiteral("no visible variant folder the service user may read has libggml-cuda.so")
                      : QStringLiteral("the requested folder %1 is not a usable variant folder with libggml-cuda.so "
                                       "(see ollama.requested-library)")
                            .arg(requested);
  }
  return folders;
}

} // namespace

CheckResult checkLibggmlCuda(const DoctorContext& context) {
  if (context.probePath.isEmpty() || !QFileInfo(context.probePath).isExecutable()) {
    return CheckResult::skip(QStringLiteral("vgpu-doctor-probe not found at '%1'").arg(context.probePath));
  }
  QString skipReason;
  const QList<const VariantFolder*> folders = foldersToProbe(*context.installation, &skipReason);
  if (folders.isEmpty()) {
    return CheckResult::skip(skipReason);
  }
  QList<FolderOutcome> outcomes;
  for (const VariantFolder* folder : folders) {
    outcomes.append(probeFolder(context, *folder));
  }
  // The worst outcome decides; its folder is the one the summary and remedy speak of.
  const FolderOutcome* worst = &outcomes.constFirst();
  for (const FolderOutcome& outcome : outcomes) {
    if (static_cast<int>(outcome.status) > static_cast<int>(worst->status)) {
      worst = &outcome;
    }
  }
  CheckResult result = CheckResult::pass(worst->summary);
  result.status = worst->status;
  for (const FolderOutcome& outcome : outcomes) {
    result.evidence.append(outcome.evidence);
  }
  // Past LD_LIBRARY_PATH the loader uses ld.so.cache; on a test root the probe cannot see the
  // root's ld.so.conf, so its copies are listed from the shadowing model as evidence.
  const SystemRoot root(context.root);
  for (const FoundLibrary& found : findLibrary(root, loaderDirectories(root), QStringLiteral("libcuda.so.1"))) {
    result.evidence.append({QStringLiteral("libcuda.so.1 in the loader's directories (after LD_LIBRARY_PATH)"),
                            found.directory.listedBy,
                            QStringLiteral("%1 -> %2 (%3)")
                                .arg(found.path, found.realName,
                                     found.isShim ? QStringLiteral("vgpu's shim") : QStringLiteral("not vgpu's"))});
  }
  const QString shimDir = context.shimDir;
  if (!worst->missingSymbol.isEmpty()) {
    result.explanation = QStringLiteral("Ollama's runner dlopens libggml-cuda.so with RTLD_NOW and says nothing on "
                                        "Linux when that fails: the CUDA folder is visited, initial_count=0, and "
                                        "Ollama runs on the CPU. The loader names the symbol: %1.")
                             .arg(worst->missingSymbol);
    result.remedy = Remedy{worst->cuda.origin == Origin::Ours
                               ? QStringLiteral("vgpu's shim does not export %1: update the shim to a version that "
                                                "does (and report the symbol), then reinstall it.")
                                     .arg(worst->missingSymbol)
                               : QStringLiteral("The libcuda.so.1 found (%1) does not export %2: put vgpu's shim "
                                                "first (vgpuctl install --scope service).")
                                     .arg(originText(worst->cuda), worst->missingSymbol),
                           std::nullopt};
  } else if (worst->status == CheckStatus::Fail && worst->cuda.origin == Origin::Other) {
    result.explanation = QStringLiteral("The loader searches LD_LIBRARY_PATH (library root, variant folder, then "
                                        "the service's own value) before ld.so.cache; the first libcuda.so.1 wins.");
    result.remedy = Remedy{
        QStringLiteral("Put %1 first on ollama.service's LD_LIBRARY_PATH (vgpuctl install --scope service writes "
                       "that drop-in), or remove the other libcuda.so.1 (%2) from the search path.")
            .arg(shimDir, worst->cuda.path),
        remedyCommandOf(RemedyActionId::InstallShim)};
  } else if (worst->status == CheckStatus::Fail) {
    result.remedy = Remedy{QStringLiteral("Install vgpu's shim for the service (vgpuctl install --scope service)."),
                           remedyCommandOf(RemedyActionId::InstallShim)};
  }
  // When a later drop-in beats the managed LD_LIBRARY_PATH, installing again changes nothing.
  preferOverrideRemedy(context, result);
  return result;
}

} // namespace vgpu::controller::doctor

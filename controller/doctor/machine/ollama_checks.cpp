// The Ollama checks: thin readings of OllamaInstallation, each citing the file (unit, drop-in,
// folder) the fact came from. The folder faults are the ones Ollama's log never shows (Glob drops
// them silently), which is why they are checked on the tree itself.
#include "doctor/machine/ollama_checks.h"

#include "doctor/engine/remedy_actions.h"

#include "ollama/root_paths.h"

#include <QFileInfo>

namespace vgpu::controller::doctor {

namespace {

const char* const kNoInstallation = "the Ollama installation was not examined";

QString unitWhere(const OllamaInstallation& installation) {
  return installation.unit ? installation.unit->path : QStringLiteral("ollama.service (not found)");
}

// A visible CUDA variant the service user may use, newest name first ("" when none).
QString usableCudaVariant(const OllamaInstallation& installation) {
  QString best;
  for (const VariantFolder& folder : installation.variants) {
    if (folder.visible() && folder.kind == VariantKind::Cuda && folder.serviceAccess.allowed && folder.name > best) {
      best = folder.name;
    }
  }
  return best;
}

Evidence folderEvidence(const VariantFolder& folder) {
  QString excerpt = QStringLiteral("%1: %2").arg(variantStatusName(folder.status), folder.ggmlFiles.join(u' '));
  if (!folder.linkTarget.isEmpty()) {
    excerpt += QStringLiteral(" (symlink to %1)").arg(folder.linkTarget);
  }
  if (!folder.error.isEmpty()) {
    excerpt += QStringLiteral(" — %1").arg(folder.error);
  }
  if (!folder.serviceAccess.allowed) {
    excerpt += QStringLiteral(" — service user: %1").arg(folder.serviceAccess.reason);
  }
  return {QStringLiteral("variant folder %1").arg(folder.name), folder.path, excerpt.trimmed()};
}

} // namespace

QString requestedLibrary(const OllamaInstallation& installation) {
  const EnvironmentValue* value = installation.environmentValue(QStringLiteral("OLLAMA_LLM_LIBRARY"));
  if (value == nullptr) {
    return QString();
  }
  QString text = value->value.trimmed();
  while (!text.isEmpty() && (text.front() == u'"' || text.front() == u'\'')) {
    text.remove(0, 1);
  }
  while (!text.isEmpty() && (text.back() == u'"' || text.back() == u'\'')) {
    text.chop(1);
  }
  return text.trimmed();
}

CheckResult checkOllamaBinary(const DoctorContext& context) {
  if (!context.installation) {
    return CheckResult::skip(QString::fromLatin1(kNoInstallation));
  }
  const OllamaInstallation& installation = *context.installation;
  if (installation.binary.source == BinarySource::None || installation.binary.resolved.isEmpty()) {
    CheckResult result = CheckResult::fail(
        installation.binary.path.isEmpty()
            ? QStringLiteral("no Ollama binary found (ExecStart, PATH, /usr/local/bin/ollama)")
            : QStringLiteral("the Ollama binary %1 does not resolve to a file").arg(installation.binary.path));
    result.evidence.append({QStringLiteral("ollama.service"), unitWhere(installation), QString()});
    result.remedy =
        Remedy{QStringLiteral("Install Ollama (its install.sh), or fix ExecStart= of ollama.service."), std::nullopt};
    return result;
  }
  const QString era = vgpu::controller::eraName(installation.version.era);
  CheckResult result = CheckResult::pass(QStringLiteral("Ollama %1 at %2 (discovery era %3)")
                                             .arg(installation.version.text, installation.binary.resolved, era));
  result.evidence.append({QStringLiteral("binary (%1)").arg(binarySourceName(installation.binary.source)),
                          installation.binary.path,
                          QStringLiteral("resolves to %1").arg(installation.binary.resolved)});
  result.evidence.append({QStringLiteral("version"), installation.binary.resolved,
                          QStringLiteral("%1 (%2)").arg(installation.version.text, installation.version.source)});
  if (installation.version.era == OllamaEra::Unknown || installation.version.era == OllamaEra::BeforeEras) {
    result.status = CheckStatus::Warn;
    result.summary += QStringLiteral(": the version is outside the eras the doctor knows");
    result.remedy = Remedy{QStringLiteral("Run `ollama --version` and upgrade to v0.12.4 or later."), std::nullopt};
  }
  return result;
}

CheckResult checkLibraryRoot(const DoctorContext& context) {
  const OllamaInstallation& installation = *context.installation; // ollama.binary passed
  const LibraryRoot& libraryRoot = installation.libraryRoot;
  const SystemRoot root(context.root);
  // Ollama's last fallback is the binary's own folder: then no lib/ollama exists at all.
  const bool fallback = libraryRoot.path == cleanSystemPath(installation.binary.resolved + QStringLiteral("/.."));
  if (libraryRoot.path.isEmpty() || fallback || !QFileInfo(root.hostPath(libraryRoot.path)).isDir()) {
    CheckResult result = CheckResult::fail(
        fallback ? QStringLiteral("no lib/ollama next to the binary: Ollama falls back to %1 itself, which holds no "
                                  "variant folder")
                       .arg(libraryRoot.path)
                 : QStringLiteral("Ollama's library root %1 does not exist")
                       .arg(libraryRoot.path.isEmpty() ? QStringLiteral("(none)") : libraryRoot.path));
    result.evidence.append({QStringLiteral("library root rule"), installation.binary.resolved, libraryRoot.rule});
    result.remedy = Remedy{QStringLiteral("Reinstall Ollama: its installer lays out <prefix>/lib/ollama next to "
                                          "<prefix>/bin/ollama."),
                           std::nullopt};
    return result;
  }
  CheckResult result = CheckResult::pass(QStringLiteral("library root %1").arg(libraryRoot.path));
  result.evidence.append({QStringLiteral("library root rule"), installation.binary.resolved, libraryRoot.rule});
  return result;
}

CheckResult checkVariantFolders(const DoctorContext& context) {
  const OllamaInstallation& installation = *context.installation;
  QStringList visibleCuda;
  QStringList visible;
  QList<Evidence> evidence;
  for (const VariantFolder& folder : installation.variants) {
    evidence.append(folderEvidence(folder));
    if (folder.visible()) {
      visible.append(folder.name);
      if (folder.kind == VariantKind::Cuda) {
        visibleCuda.append(folder.name);
      }
    }
  }
  CheckResult result =
      visibleCuda.isEmpty()
          ? CheckResult::fail(QStringLiteral("Ollama sees no CUDA variant folder in %1 (visible: %2)")
                                  .arg(installation.libraryRoot.path,
                                       visible.isEmpty() ? QStringLiteral("none") : visible.join(QStringLiteral(", "))))
          : CheckResult::pass(QStringLiteral("Ollama sees %1").arg(visible.join(QStringLiteral(", "))));
  result.evidence = evidence;
  if (visibleCuda.isEmpty()) {
    result.remedy =
        Remedy{QStringLiteral("Reinstall Ollama's Linux bundle (it ships cuda_v12 and cuda_v13)."), std::nullopt};
  }
  return result;
}

CheckResult checkRequestedLibrary(const DoctorContext& context) {
  const OllamaInstallation& installation = *context.installation;
  const QString requested = requestedLibrary(installation);
  if (requested.isEmpty()) {
    return CheckResult::pass(QStringLiteral("OLLAMA_LLM_LIBRARY is not set: Ollama tries every variant folder"));
  }
  const EnvironmentValue* setting = installation.environmentValue(QStringLiteral("OLLAMA_LLM_LIBRARY"));
  const Evidence settingEvidence{QStringLiteral("OLLAMA_LLM_LIBRARY"), setting->origin,
                                 QStringLiteral("OLLAMA_LLM_LIBRARY=%1").arg(setting->value)};
  const QString folderPath = installation.libraryRoot.path + u'/' + requested;
  const QString alternative = usableCudaVariant(installation);
  const std::optional<HelperCommand> pickAnother =
      alternative.isEmpty() || alternative == requested
          ? std::optional<HelperCommand>(remedyCommandOf(RemedyActionId::UnsetLlmLibrary))
          : std::optional<HelperCommand>(remedyCommandOf(RemedyActionId::SetLlmLibrary, alternative));
  const QString pickText = alternative.isEmpty() || alternative == requested
                               ? QStringLiteral("or remove OLLAMA_LLM_LIBRARY")
                               : QStringLiteral("or set OLLAMA_LLM_LIBRARY=%1").arg(alternative);
  const QString skipsOthers = QStringLiteral("Ollama skips every other folder \"at user's request\", and finds "
                                             "nothing in this one: it runs on the CPU, and its log says nothing "
                                             "about %1 at Info level.")
                                  .arg(requested);
  const VariantFolder* folder = installation.variant(requested);
  CheckResult result;
  if (folder == nullptr) {
    result =
        CheckResult::fail(QStringLiteral("OLLAMA_LLM_LIBRARY=%1, but %2 does not exist").arg(requested, folderPath));
    result.explanation = skipsOthers;
    result.remedy =
        Remedy{QStringLiteral("Reinstall Ollama to restore %1 (its bundle ships it), %2.").arg(folderPath, pickText),
               pickAnother};
  } else if (folder->status == VariantStatus::BrokenSymlink) {
    result = CheckResult::fail(QStringLiteral("%1 is a broken symlink: %2").arg(folderPath, folder->error));
    result.explanation = skipsOthers + QStringLiteral(" Go's Glob drops a symlink that leads nowhere without a word.");
    result.remedy =
        Remedy{QStringLiteral("Point the symlink %1 at an existing folder (or remove it and reinstall Ollama), "
                              "%2.")
                   .arg(folderPath, pickText),
               pickAnother};
  } else if (folder->status == VariantStatus::Unreadable) {
    result = CheckResult::fail(QStringLiteral("%1 cannot be read: %2").arg(folderPath, folder->error));
    result.explanation = skipsOthers;
    result.remedy = Remedy{QStringLiteral("Make %1 readable (chmod 755), %2.").arg(folderPath, pickText), pickAnother};
  } else if (folder->status == VariantStatus::NoGgmlFile) {
    result = CheckResult::fail(QStringLiteral("%1 has no *ggml-* file directly inside: Ollama does not see it as a "
                                              "variant folder")
                                   .arg(folderPath));
    result.explanation = skipsOthers;
    result.remedy = Remedy{
        QStringLiteral("Restore libggml-cuda.so in %1 (reinstall Ollama), %2.").arg(folderPath, pickText), pickAnother};
  } else if (!folder->serviceAccess.allowed) {
    const QString user = installation.user.isEmpty() ? QStringLiteral("root") : installation.user;
    result = CheckResult::fail(QStringLiteral("the service user %1 may not read and enter %2: %3")
                                   .arg(user, folderPath, folder->serviceAccess.reason));
    result.explanation = skipsOthers + QStringLiteral(" The folder is checked as the service's uid, not as the "
                                                      "caller: root can read it, Ollama cannot.");
    result.remedy = Remedy{QStringLiteral("Let %1 read and enter %2 (e.g. chmod 755 %2, or chgrp %1 and chmod 750), "
                                          "%3.")
                               .arg(user, folderPath, pickText),
                           pickAnother};
  } else {
    result = CheckResult::pass(QStringLiteral("OLLAMA_LLM_LIBRARY=%1: the folder is a variant folder the service "
                                              "user can use")
                                   .arg(requested));
  }
  result.evidence.append(settingEvidence);
  if (folder != nullptr) {
    result.evidence.append(folderEvidence(*folder));
  }
  return result;
}

} // namespace vgpu::controller::doctor

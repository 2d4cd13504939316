// ollama.jetpack-vulkan: Ollama's per-folder skip rules 2–4 (discover/runner.go, GPUDevices()),
// applied to every visible variant folder. The rule for the folder OLLAMA_LLM_LIBRARY names is
// the one that matters: when it is skipped, discovery silently ends in CPU mode. Without a
// request the check warns only when JetPack hides every CUDA folder.
#include "doctor/jetpack_vulkan_checks.h"

#include "doctor/ollama_checks.h"
#include "ollama/root_paths.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace vgpu::controller::doctor {

namespace {

const char* const kTegraRelease = "/etc/nv_tegra_release";

struct Conditions {
  QString jetpackEvidence; // what detected JetPack ("" = not detected)
  bool vulkanOn = false;
  QString vulkanRule;                        // the rule and the value that decided it
  bool requestedVisitedUnderJetpack = false; // v0.32.0 and later
};

QString environmentText(const OllamaInstallation& installation, const QString& name) {
  const EnvironmentValue* value = installation.environmentValue(name);
  return value == nullptr ? QString() : value->value.trimmed();
}

Conditions conditionsOf(const DoctorContext& context, const OllamaInstallation& installation) {
  Conditions conditions;
  const SystemRoot root(context.root);
  const EnvironmentValue* jetpack = installation.environmentValue(QStringLiteral("JETSON_JETPACK"));
  if (QFileInfo::exists(root.hostPath(QString::fromLatin1(kTegraRelease)))) {
    conditions.jetpackEvidence = QStringLiteral("%1 exists").arg(QString::fromLatin1(kTegraRelease));
  } else if (jetpack != nullptr && !jetpack->value.trimmed().isEmpty()) {
    conditions.jetpackEvidence = QStringLiteral("JETSON_JETPACK=%1 (%2)").arg(jetpack->value, jetpack->origin);
  }
  const QString vulkan = environmentText(installation, QStringLiteral("OLLAMA_VULKAN"));
  const QString shown = vulkan.isEmpty() ? QStringLiteral("unset") : QStringLiteral("OLLAMA_VULKAN=%1").arg(vulkan);
  if (installation.version.era == OllamaEra::B) {
    conditions.vulkanOn = vulkan != QLatin1String("0");
    conditions.vulkanRule = QStringLiteral("era B: Vulkan on unless OLLAMA_VULKAN=0 (%1)").arg(shown);
  } else {
    conditions.vulkanOn = vulkan == QLatin1String("1");
    conditions.vulkanRule = QStringLiteral("before v0.30.0: Vulkan needs OLLAMA_VULKAN=1 (%1)").arg(shown);
  }
  conditions.requestedVisitedUnderJetpack = ollamaVersionAtLeast(installation.version.text, 0, 32, 0);
  return conditions;
}

// Why Ollama skips `folder` under these conditions for JetPack or Vulkan; "" when it does not.
QString skipReason(const VariantFolder& folder, const Conditions& conditions, const QString& requested) {
  const bool isJetpackFolder = folder.kind == VariantKind::CudaJetpack;
  if (!conditions.jetpackEvidence.isEmpty() && !isJetpackFolder) {
    if (folder.name == requested && conditions.requestedVisitedUnderJetpack) {
      return QString();
    }
    return QStringLiteral("JetPack detected (%1): Ollama uses only cuda_jetpackN folders%2")
        .arg(conditions.jetpackEvidence, folder.name == requested
                                             ? QStringLiteral(" and, before v0.32.0, skips the requested one too")
                                             : QString());
  }
  if (conditions.jetpackEvidence.isEmpty() && isJetpackFolder) {
    return QStringLiteral("JetPack not detected: Ollama skips cuda_jetpack folders");
  }
  if (folder.kind == VariantKind::Vulkan && !conditions.vulkanOn) {
    return QStringLiteral("Vulkan is off (%1)").arg(conditions.vulkanRule);
  }
  return QString();
}

Remedy remedyFor(const VariantFolder& folder, const Conditions& conditions, const OllamaInstallation& installation) {
  if (folder.kind == VariantKind::Vulkan) {
    return installation.version.era == OllamaEra::B
               ? Remedy{QStringLiteral("Remove OLLAMA_VULKAN=0 from ollama.service's environment."),
                        RemedyAction{QStringLiteral("env-unset"), {QStringLiteral("OLLAMA_VULKAN")}, false}}
               : Remedy{QStringLiteral("Set OLLAMA_VULKAN=1 in ollama.service's environment (experimental "
                                       "before v0.30.0)."),
                        RemedyAction{
                            QStringLiteral("env-set"), {QStringLiteral("OLLAMA_VULKAN"), QStringLiteral("1")}, false}};
  }
  if (conditions.jetpackEvidence.startsWith(QLatin1String("JETSON_JETPACK"))) {
    return Remedy{QStringLiteral("This is not a Jetson: remove JETSON_JETPACK from ollama.service's environment."),
                  RemedyAction{QStringLiteral("env-unset"), {QStringLiteral("JETSON_JETPACK")}, false}};
  }
  return Remedy{QStringLiteral("%1 makes Ollama treat this machine as a Jetson. If it is not one, remove that file; "
                               "otherwise request a cuda_jetpackN folder, or upgrade Ollama to v0.32.0 or later, "
                               "which visits the requested folder anyway.")
                    .arg(QString::fromLatin1(kTegraRelease)),
                std::nullopt};
}

} // namespace

bool ollamaVersionAtLeast(const QString& version, int major, int minor, int patch) {
  static const QRegularExpression pattern(QStringLiteral(R"(^v?(\d+)\.(\d+)\.(\d+))"));
  const QRegularExpressionMatch match = pattern.match(version);
  if (!match.hasMatch()) {
    return false;
  }
  const int parts[3] = {match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3).toInt()};
  const int wanted[3] = {major, minor, patch};
  for (std::size_t index = 0; index < 3; ++index) {
    if (parts[index] != wanted[index]) {
      return parts[index] > wanted[index];
    }
  }
  return true;
}

CheckResult checkJetpackVulkan(const DoctorContext& context) {
  const OllamaInstallation& installation = *context.installation; // ollama.library-root passed
  const Conditions conditions = conditionsOf(context, installation);
  const QString requested = requestedLibrary(installation);
  QList<Evidence> evidence;
  evidence.append({QStringLiteral("JetPack detection"),
                   QString::fromLatin1(kTegraRelease) + QStringLiteral(", JETSON_JETPACK"),
                   conditions.jetpackEvidence.isEmpty() ? QStringLiteral("not detected") : conditions.jetpackEvidence});
  evidence.append({QStringLiteral("Vulkan"), QStringLiteral("OLLAMA_VULKAN, Ollama %1").arg(installation.version.text),
                   conditions.vulkanRule});
  const VariantFolder* requestedSkipped = nullptr;
  QString requestedReason;
  int visibleCuda = 0;
  int skippedCuda = 0;
  const VariantFolder* firstSkippedCuda = nullptr;
  for (const VariantFolder& folder : installation.variants) {
    if (!folder.visible()) {
      continue;
    }
    const QString reason = skipReason(folder, conditions, requested);
    if (folder.kind == VariantKind::Cuda) {
      ++visibleCuda;
    }
    if (reason.isEmpty()) {
      continue;
    }
    evidence.append({QStringLiteral("skipped folder %1").arg(folder.name), folder.path, reason});
    if (folder.name == requested) {
      requestedSkipped = &folder;
      requestedReason = reason;
    }
    if (folder.kind == VariantKind::Cuda) {
      ++skippedCuda;
      firstSkippedCuda = firstSkippedCuda == nullptr ? &folder : firstSkippedCuda;
    }
  }
  if (requestedSkipped != nullptr) {
    CheckResult result = CheckResult::warn(
        QStringLiteral("Ollama skips the requested %1: %2").arg(requestedSkipped->name, requestedReason));
    result.evidence = evidence;
    result.remedy = remedyFor(*requestedSkipped, conditions, installation);
    return result;
  }
  if (requested.isEmpty() && visibleCuda > 0 && skippedCuda == visibleCuda) {
    CheckResult result = CheckResult::warn(
        QStringLiteral("Ollama skips every CUDA folder: %1").arg(skipReason(*firstSkippedCuda, conditions, requested)));
    result.evidence = evidence;
    result.remedy = remedyFor(*firstSkippedCuda, conditions, installation);
    return result;
  }
  CheckResult result = CheckResult::pass(
      requested.isEmpty() ? QStringLiteral("neither JetPack nor Vulkan rules hide every CUDA folder")
                          : QStringLiteral("neither JetPack nor Vulkan rules skip the requested %1").arg(requested));
  result.evidence = evidence;
  return result;
}

} // namespace vgpu::controller::doctor

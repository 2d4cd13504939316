// ollama.jetpack-vulkan: Ollama's per-folder skip rules 2–4 (discover/runner.go, GPUDevices()),
// applied to every visible variant folder. The rule for the folder OLLAMA_LLM_LIBRARY names is
// the one that matters: when it is skipped, discovery silently ends in CPU mode. Without a
// request the check warns only when JetPack hides every CUDA folder.
#include "doctor/machine/jetpack_vulkan_checks.h"
#include "common/bounded_file.h"
#include "common/elf_machine.h"

#include "doctor/engine/remedy_actions.h"
#include "doctor/machine/ollama_checks.h"
#include "ollama/root_paths.h"

#include <QFile>
#include <QRegularExpression>
#include <QSysInfo>

namespace vgpu::controller::doctor {

namespace {

const char* const kTegraRelease = "/etc/nv_tegra_release";

struct Conditions {
  QString jetpack;         // "jetpack6" when Ollama detects JetPack, else ""
  QString jetpackEvidence; // what detected it, or why it is not detected
  bool jetpackFromVariable = false;
  bool vulkanOn = false;
  QString vulkanRule; // the rule and the value that decided it
};

QString environmentText(const OllamaInstallation& installation, const QString& name) {
  const EnvironmentValue* value = installation.environmentValue(name);
  return value == nullptr ? QString() : value->value;
}

// The architecture Ollama's binary was built for (ELF e_machine), "" when unknown.
QString binaryArchitecture(const DoctorContext& context, const OllamaInstallation& installation) {
  const QString path = installation.binary.resolved.isEmpty() ? installation.binary.path : installation.binary.resolved;
  if (!path.isEmpty()) {
    if (const std::optional<quint16> machine = elfMachine(SystemRoot(context.root).hostPath(path))) {
      return *machine == kElfMachineAarch64  ? QStringLiteral("arm64")
             : *machine == kElfMachineX86_64 ? QStringLiteral("x86_64")
                                             : QStringLiteral("ELF machine %1").arg(*machine);
    }
  }
  return context.root == QLatin1String("/") ? QSysInfo::currentCpuArchitecture() : QString();
}

// discover/gpu.go cudaJetpack(): JETSON_JETPACK first, else the first " R<n> " of the file.
void detectJetpack(const DoctorContext& context, const OllamaInstallation& installation, Conditions* conditions) {
  const QString architecture = binaryArchitecture(context, installation);
  const QString variable = environmentText(installation, QStringLiteral("JETSON_JETPACK"));
  QString found;
  if (!variable.isEmpty()) {
    found = QStringLiteral("jetpack") + variable.split(u'.').constFirst();
    conditions->jetpackFromVariable = true;
    conditions->jetpackEvidence = QStringLiteral("JETSON_JETPACK=%1").arg(variable);
  } else {
    const BoundedFile release =
        readBoundedFile(SystemRoot(context.root).hostPath(QString::fromLatin1(kTegraRelease)), 64 * 1024);
    if (!release.ok) {
      conditions->jetpackEvidence = QStringLiteral("neither JETSON_JETPACK nor %1").arg(QLatin1String(kTegraRelease));
      return;
    }
    static const QRegularExpression kL4t(QStringLiteral(" R(\\d+) "));
    const auto match = kL4t.match(QString::fromLatin1(release.bytes));
    const QString l4t = match.hasMatch() ? match.captured(1) : QString();
    found = l4t == QLatin1String("35")   ? QStringLiteral("jetpack5")
            : l4t == QLatin1String("36") ? QStringLiteral("jetpack6")
                                         : QString();
    if (found.isEmpty()) {
      conditions->jetpackEvidence =
          l4t.isEmpty() ? QStringLiteral("%1 has no \" R<n> \" release: Ollama does not detect JetPack from it")
                              .arg(QLatin1String(kTegraRelease))
                        : QStringLiteral("%1 names R%2: Ollama maps only R35 and R36 to JetPack")
                              .arg(QLatin1String(kTegraRelease), l4t);
      return;
    }
    conditions->jetpackEvidence = QStringLiteral("%1 names R%2").arg(QLatin1String(kTegraRelease), l4t);
  }
  if (!architecture.isEmpty() && architecture != QLatin1String("arm64")) {
    conditions->jetpackEvidence += QStringLiteral(", ignored: Ollama detects JetPack only on linux/arm64 and its "
                                                  "binary is %1")
                                       .arg(architecture);
    conditions->jetpackFromVariable = false;
    return;
  }
  const QString folder = QStringLiteral("cuda_") + found;
  const VariantFolder* installed = installation.variant(folder);
  if ((installed == nullptr || !installed->visible()) && ollamaVersionAtLeast(installation.version.text, 0, 31, 2)) {
    conditions->jetpackEvidence +=
        QStringLiteral(", cleared: %1 is not installed and Ollama v0.31.2 and later then use the other CUDA folders")
            .arg(folder);
    conditions->jetpackFromVariable = false;
    return;
  }
  conditions->jetpack = found;
  if (architecture.isEmpty()) {
    conditions->jetpackEvidence += QStringLiteral(" (if Ollama's binary is arm64; its architecture is unknown)");
  }
}

Conditions conditionsOf(const DoctorContext& context, const OllamaInstallation& installation) {
  Conditions conditions;
  detectJetpack(context, installation, &conditions);
  const QString vulkan = environmentText(installation, QStringLiteral("OLLAMA_VULKAN"));
  const QString shown = vulkan.isEmpty() ? QStringLiteral("unset") : QStringLiteral("OLLAMA_VULKAN=%1").arg(vulkan);
  if (installation.version.era == OllamaEra::B) {
    conditions.vulkanOn = ollamaBoolValue(vulkan, true);
    conditions.vulkanRule =
        QStringLiteral("from v0.30.0: Vulkan on unless OLLAMA_VULKAN is 0, f, F, false, FALSE or False (%1)")
            .arg(shown);
  } else {
    conditions.vulkanOn = ollamaBoolValue(vulkan, false);
    conditions.vulkanRule = QStringLiteral("before v0.30.0: Vulkan off unless OLLAMA_VULKAN is set to a value other "
                                           "than 0, f, F, false, FALSE or False (%1)")
                                .arg(shown);
  }
  return conditions;
}

// Why Ollama skips `folder` under these conditions for JetPack or Vulkan; "" when it does not.
QString skipReason(const VariantFolder& folder, const Conditions& conditions, const QString& requested) {
  if (!conditions.jetpack.isEmpty() && folder.name != QStringLiteral("cuda_") + conditions.jetpack) {
    return QStringLiteral("JetPack detected (%1): Ollama uses only cuda_%2%3")
        .arg(conditions.jetpackEvidence, conditions.jetpack,
             folder.name == requested ? QStringLiteral(" and skips the requested folder too, in every version")
                                      : QString());
  }
  if (conditions.jetpack.isEmpty() && folder.name.contains(QLatin1String("cuda_jetpack"))) {
    return QStringLiteral("JetPack not detected: Ollama skips cuda_jetpack folders");
  }
  if (folder.name.contains(QLatin1String("vulkan")) && !conditions.vulkanOn) {
    return QStringLiteral("Vulkan is off (%1)").arg(conditions.vulkanRule);
  }
  return QString();
}

Remedy remedyFor(const VariantFolder& folder, const Conditions& conditions, const OllamaInstallation& installation) {
  if (folder.name.contains(QLatin1String("vulkan")) && !conditions.vulkanOn) {
    return installation.version.era == OllamaEra::B
               ? Remedy{QStringLiteral("Remove OLLAMA_VULKAN from ollama.service's environment (unset, Vulkan is on "
                                       "from v0.30.0)."),
                        remedyCommandOf(RemedyActionId::UnsetVulkan)}
               : Remedy{QStringLiteral("Set OLLAMA_VULKAN=1 in ollama.service's environment (experimental "
                                       "before v0.30.0)."),
                        remedyCommandOf(RemedyActionId::EnableVulkan)};
  }
  if (conditions.jetpackFromVariable) {
    return Remedy{QStringLiteral("This is not a Jetson: remove JETSON_JETPACK from ollama.service's environment."),
                  remedyCommandOf(RemedyActionId::UnsetJetsonJetpack)};
  }
  return Remedy{QStringLiteral("%1 makes Ollama treat this machine as a Jetson. If it is not one, remove that file; "
                               "otherwise request cuda_%2 or install it. Ollama v0.31.2 and later ignore the "
                               "detection when cuda_%2 is not installed.")
                    .arg(QString::fromLatin1(kTegraRelease), conditions.jetpack),
                std::nullopt};
}

} // namespace

bool ollamaBoolValue(const QString& value, bool defaultValue) {
  QString text = value.trimmed();
  while (!text.isEmpty() && (text.front() == u'"' || text.front() == u'\'')) {
    text.remove(0, 1);
  }
  while (!text.isEmpty() && (text.back() == u'"' || text.back() == u'\'')) {
    text.chop(1);
  }
  if (text.isEmpty()) {
    return defaultValue;
  }
  static const QStringList kFalse{QStringLiteral("0"),     QStringLiteral("f"),     QStringLiteral("F"),
                                  QStringLiteral("false"), QStringLiteral("FALSE"), QStringLiteral("False")};
  return !kFalse.contains(text); // ParseBool's true words, and any value it cannot parse, count as true
}

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
  evidence.append(
      {QStringLiteral("JetPack detection"), QString::fromLatin1(kTegraRelease) + QStringLiteral(", JETSON_JETPACK"),
       conditions.jetpack.isEmpty() ? QStringLiteral("not detected: %1").arg(conditions.jetpackEvidence)
                                    : QStringLiteral("%1: %2").arg(conditions.jetpack, conditions.jetpackEvidence)});
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

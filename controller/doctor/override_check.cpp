// service.managed-overrides: later drop-ins that beat the managed drop-in, and their resolution.
#include "doctor/override_check.h"

#include "doctor/remedy_actions.h"

#include "environment/environment_overrides.h"
#include "environment/override_resolution.h"
#include "environment/service_environment.h"
#include "environment/variable_table.h"

#include <algorithm>

namespace vgpu::controller::doctor {

namespace {

const QString kLibraryPath = QStringLiteral("LD_LIBRARY_PATH");

struct Beaten {
  VariableOverride relation;
  QString managedOrigin; // file:line of the managed assignment
  QString managedValue;
  QString effectiveValue; // what systemd applies ("" when cleared)
  QString effectiveOrigin;
  QString fileName; // of the other file when vgpu-helper may edit it; "" otherwise
  int line = 0;
  QString lineText;                 // the other line, verbatim ("" when unreadable)
  std::optional<OverridePlan> plan; // the default resolution, when one can be planned
};

// Merge keeps both for a list of directories; for any other variable the managed value (set
// through vgpu) wins.
OverrideResolution defaultResolution(const Beaten& beaten) {
  const VariableSpec* spec = findManagedVariable(beaten.relation.variable);
  return beaten.relation.kind == OverrideKind::OverriddenBy && spec != nullptr &&
                 spec->type == VariableType::DirectoryList
             ? OverrideResolution::Merge
             : OverrideResolution::Remove;
}

QList<Beaten> findBeaten(const DoctorContext& context, const QString& onlyVariable = {}) {
  QList<Beaten> out;
  const OllamaInstallation& installation = *context.installation;
  const QList<UnitFile> files = installation.unitFiles();
  const QString managedPath = managedDropInPath();
  const UnitFile* managed = nullptr;
  for (const UnitFile& file : files) {
    if (file.origin() == managedPath) {
      managed = &file;
    }
  }
  if (managed == nullptr) {
    return out;
  }
  const MergedEnvironment ours = mergeEnvironment({*managed});
  const SystemRoot root(context.root);
  for (const VariableOverride& relation : managedOverrides(files, managedPath, onlyVariable)) {
    if (relation.kind == OverrideKind::Overrides) {
      continue;
    }
    Beaten beaten;
    beaten.relation = relation;
    beaten.managedOrigin = ours.origins.value(relation.variable);
    beaten.managedValue = ours.variables.value(relation.variable);
    if (const EnvironmentValue* effective = installation.environmentValue(relation.variable)) {
      beaten.effectiveValue = effective->value;
      beaten.effectiveOrigin = effective->origin;
    }
    const qsizetype colon = relation.origin.lastIndexOf(u':');
    const QString path = relation.origin.left(colon);
    beaten.line = relation.origin.mid(colon + 1).toInt();
    const QString fileName = path.section(u'/', -1);
    if (path == editableDropInDirectory() + u'/' + fileName && checkDropInFileName(fileName).isEmpty()) {
      beaten.fileName = fileName;
      QString error;
      if (const auto text = readDropInLine(root, fileName, beaten.line, &error)) {
        beaten.lineText = QString::fromUtf8(*text);
        OverrideRequest request{defaultResolution(beaten), relation.variable, fileName, beaten.line,
                                lineFingerprint(*text)};
        const OverridePlan plan = planOverrideResolution(root, installation, request);
        if (plan.ok()) {
          beaten.plan = plan;
        }
      }
    }
    out.append(beaten);
  }
  return out;
}

QString consequence(const Beaten& beaten) {
  if (beaten.relation.variable == kLibraryPath) {
    const QStringList ours = beaten.managedValue.split(u':', Qt::SkipEmptyParts);
    const QStringList effective = beaten.effectiveValue.split(u':', Qt::SkipEmptyParts);
    const bool present = std::all_of(ours.cbegin(), ours.cend(),
                                     [&effective](const QString& entry) { return effective.contains(entry); });
    return (present ? QStringLiteral("the shim's folder is no longer first on Ollama's library path, so Ollama's "
                                     "runners load the first libcuda.so.1 of the folders before it, not vgpu's")
                    : QStringLiteral("the shim's folder is not on Ollama's library path, so the shim is not loaded "
                                     "by Ollama's runners")) +
           QStringLiteral(" (reinstalling the shim rewrites 50-vgpu.conf and cannot help)");
  }
  return QStringLiteral("vgpu's setting of %1 does not take effect").arg(beaten.relation.variable);
}

QString findingText(const Beaten& beaten) {
  const QString effective =
      beaten.relation.kind == OverrideKind::ClearedBy && beaten.effectiveValue.isEmpty()
          ? QStringLiteral("%1 is not set at all").arg(beaten.relation.variable)
          : QStringLiteral("ollama.service gets %1=%2").arg(beaten.relation.variable, beaten.effectiveValue);
  return QStringLiteral("%1 of %2 is %3: %4; %5")
      .arg(beaten.relation.variable, beaten.managedOrigin, beaten.relation.describe(), effective, consequence(beaten));
}

Remedy remedyFor(const Beaten& beaten) {
  if (!beaten.plan) {
    return Remedy{QStringLiteral("Remove the assignment of %1 at %2 by hand (vgpu-helper only edits drop-ins in %3 "
                                 "whose line it can read), then run systemctl daemon-reload and restart Ollama.")
                      .arg(beaten.relation.variable, beaten.relation.origin, editableDropInDirectory()),
                  std::nullopt};
  }
  const OverridePlan& plan = *beaten.plan;
  const bool merge = plan.request.resolution == OverrideResolution::Merge;
  const QString what =
      merge ? QStringLiteral("Move %1 from %2 into the managed drop-in (vgpu's entries first, then %3's) and remove "
                             "it there")
                  .arg(beaten.relation.variable, beaten.relation.origin, beaten.fileName)
            : QStringLiteral("Remove the assignment at %1 (with your consent: vgpu's %2=%3 then takes effect; to keep "
                             "the other value instead, set it with vgpuctl env set first)")
                  .arg(beaten.relation.origin, beaten.relation.variable, beaten.managedValue);
  QMap<QString, QString> values{{QStringLiteral("<resolution>"), overrideResolutionName(plan.request.resolution)},
                                {QStringLiteral("<variable>"), plan.request.variable},
                                {QStringLiteral("<file>"), plan.request.fileName},
                                {QStringLiteral("<line>"), QString::number(plan.request.line)},
                                {QStringLiteral("<sha256>"), plan.request.fingerprint}};
  return Remedy{QStringLiteral("%1; vgpu-helper journals it (vgpuctl rollback undoes it), then run systemctl "
                               "daemon-reload and restart Ollama. Effective value afterwards: %2=%3.\n%4")
                    .arg(what, beaten.relation.variable, plan.effectiveAfter, plan.diff),
                checkRemedyActionOf(RemedyActionId::ResolveOverride, values)};
}

} // namespace

CheckResult checkManagedOverrides(const DoctorContext& context) {
  if (!context.installation) {
    return CheckResult::skip(QStringLiteral("the Ollama installation was not examined"));
  }
  if (!context.installation->unit) {
    return CheckResult::skip(QStringLiteral("no ollama.service unit file under the root"));
  }
  const QList<Beaten> beaten = findBeaten(context);
  CheckResult result;
  if (beaten.isEmpty()) {
    result = CheckResult::pass(
        QStringLiteral("no later drop-in overrides what the managed drop-in (%1) sets").arg(managedDropInPath()));
  } else {
    const bool libraryPath = std::any_of(beaten.cbegin(), beaten.cend(),
                                         [](const Beaten& item) { return item.relation.variable == kLibraryPath; });
    // The one the summary and remedy speak of: LD_LIBRARY_PATH first, else the first found.
    const Beaten* first = &beaten.constFirst();
    for (const Beaten& item : beaten) {
      if (item.relation.variable == kLibraryPath) {
        first = &item;
        break;
      }
    }
    result = libraryPath ? CheckResult::fail(findingText(*first)) : CheckResult::warn(findingText(*first));
    QStringList lines;
    for (const Beaten& item : beaten) {
      lines.append(findingText(item));
      result.evidence.append({QStringLiteral("%1 in the managed drop-in").arg(item.relation.variable),
                              item.managedOrigin,
                              QStringLiteral("%1=%2").arg(item.relation.variable, item.managedValue)});
      result.evidence.append({QStringLiteral("%1 of %2 (systemd applies drop-ins by file name; the later one wins)")
                                  .arg(item.relation.describe(), item.relation.variable),
                              item.relation.origin,
                              item.lineText.isEmpty()
                                  ? QStringLiteral("%1=%2").arg(item.relation.variable, item.relation.value)
                                  : item.lineText});
      result.evidence.append({QStringLiteral("%1 as systemd applies it to ollama.service").arg(item.relation.variable),
                              item.effectiveOrigin.isEmpty() ? item.relation.origin : item.effectiveOrigin,
                              item.effectiveOrigin.isEmpty()
                                  ? QStringLiteral("%1 not set").arg(item.relation.variable)
                                  : QStringLiteral("%1=%2").arg(item.relation.variable, item.effectiveValue)});
    }
    result.explanation = lines.join(u'\n');
    result.remedy = remedyFor(*first);
  }
  return result;
}

std::optional<Remedy> overriddenLibraryPathRemedy(const DoctorContext& context) {
  if (!context.installation || !context.installation->unit) {
    return std::nullopt;
  }
  const QList<Beaten> beaten = findBeaten(context, kLibraryPath);
  if (beaten.isEmpty()) {
    return std::nullopt;
  }
  Remedy remedy = remedyFor(beaten.constFirst());
  remedy.text = QStringLiteral("The cause is not a missing shim: %1 (check service.managed-overrides). %2")
                    .arg(findingText(beaten.constFirst()), remedy.text);
  return remedy;
}

void preferOverrideRemedy(const DoctorContext& context, CheckResult& result) {
  if (!result.remedy || !result.remedy->action ||
      result.remedy->action->verb != checkRemedyActionOf(RemedyActionId::InstallShim).verb) {
    return;
  }
  if (auto remedy = overriddenLibraryPathRemedy(context)) {
    result.remedy = remedy;
  }
}

} // namespace vgpu::controller::doctor

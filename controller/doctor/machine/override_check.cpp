// service.managed-overrides: later drop-ins that beat the managed drop-in, and their resolution.
#include "doctor/machine/override_check.h"

#include "doctor/engine/remedy_actions.h"

#include "environment/environment_overrides.h"
#include "environment/override_resolution.h"
#include "environment/service_environment.h"
#include "environment/variable_table.h"

#include <algorithm>

namespace vgpu::controller::doctor {

namespace {

const QString kLibraryPath = QStringLiteral("LD_LIBRARY_PATH");

using Beaten = BeatingAssignment;

QList<Beaten> findBeaten(const DoctorContext& context, const QString& onlyVariable = {}) {
  return findBeatingAssignments(SystemRoot(context.root), *context.installation, onlyVariable);
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
    return Remedy{QStringLiteral("Remove the assignment of %1 at %2 by hand (%3), then run systemctl daemon-reload "
                                 "and restart Ollama.")
                      .arg(beaten.relation.variable, beaten.relation.origin, beaten.planError),
                  std::nullopt};
  }
  const OverridePlan& plan = *beaten.plan;
  const bool merge = plan.request.resolution == OverrideResolution::Merge;
  const QString what =
      merge ? QStringLiteral("Move %1 from %2 into the managed drop-in (vgpu's entries first, then %3's) and remove "
                             "it there")
                  .arg(beaten.relation.variable, beaten.relation.origin, beaten.fileName)
            : QStringLiteral("Remove the assignment at %1 (with your consent: vgpu's %2=%3 then takes effect; to keep "
                             "the other value instead, move it into the managed drop-in: vgpuctl env resolve %2 "
                             "--merge)")
                  .arg(beaten.relation.origin, beaten.relation.variable, beaten.managedValue);
  QMap<QString, QString> values{{QStringLiteral("<resolution>"), overrideResolutionName(plan.request.resolution)},
                                {QStringLiteral("<variable>"), plan.request.variable},
                                {QStringLiteral("<file>"), plan.request.fileName},
                                {QStringLiteral("<line>"), QString::number(plan.request.line)},
                                {QStringLiteral("<sha256>"), plan.request.fingerprint}};
  return Remedy{QStringLiteral("%1: vgpuctl env resolve %2 --%3 --restart (or the helper action below, then "
                               "systemctl daemon-reload and a restart of Ollama); journaled, vgpuctl rollback undoes "
                               "it. Effective value afterwards: %2=%4.\n%5")
                    .arg(what, beaten.relation.variable, overrideResolutionName(plan.request.resolution),
                         plan.effectiveAfter, plan.diff),
                remedyCommandOf(RemedyActionId::ResolveOverride, values)};
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
  if (!result.remedy || !result.remedy->action || result.remedy->action->verb != HelperVerb::Install) {
    return;
  }
  if (auto remedy = overriddenLibraryPathRemedy(context)) {
    result.remedy = remedy;
  }
}

} // namespace vgpu::controller::doctor

// planEnvironmentChange: validation, the new bytes, the diff and override warnings.
#include "environment/environment_change.h"

#include "environment/environment_overrides.h"
#include "environment/service_environment.h"
#include "environment/text_diff.h"
#include "environment/variable_table.h"
#include "ollama/ollama_installation.h"

namespace vgpu::controller {

namespace {

// One change planned against `current` (the file on disk, or the result of the changes before it).
EnvironmentPlan planAgainst(const ManagedDropIn& current, const OllamaInstallation& installation, const QString& name,
                            const std::optional<QString>& value, PlanCaller caller) {
  EnvironmentPlan plan;
  plan.path = managedDropInPath();
  plan.change.variable = name;
  plan.change.newValue = value;

  if (current.state == DropInState::Foreign || current.state == DropInState::Unreadable) {
    plan.error = current.error;
    return plan;
  }
  plan.fileExists = current.state == DropInState::Managed;
  plan.oldBytes = current.bytes;
  plan.change.oldValue = current.environment.value(name);
  for (const QString& problem : current.problems) {
    plan.warnings.append(QStringLiteral("%1 (dropped when the file is rewritten)").arg(problem));
  }

  const VariableSpec* spec = findManagedVariable(name);
  if (spec != nullptr && spec->installerOnly && caller != PlanCaller::Installer) {
    plan.error =
        QStringLiteral("%1 is managed by the shim installer (vgpuctl install), not by env set/unset").arg(name);
    return plan;
  }
  if (value) {
    const VariableVerdict verdict = validateVariable(name, *value, &installation);
    if (!verdict.ok()) {
      plan.error = verdict.error;
      return plan;
    }
    plan.warnings.append(verdict.warnings);
    if (verdict.removes) {
      plan.change.newValue.reset();
    }
  } else if (!current.environment.value(name)) {
    // Removing what the managed drop-in does not set: say where it is set instead, since vgpu
    // never edits other drop-ins.
    if (const EnvironmentValue* elsewhere = installation.environmentValue(name)) {
      plan.error = QStringLiteral("%1 is not set in %2 but in %3, which vgpu never edits; remove it there")
                       .arg(name, plan.path, elsewhere->origin);
      return plan;
    }
    if (spec == nullptr) {
      plan.error = validateVariable(name, QString(), &installation).error;
      return plan;
    }
  }

  ServiceEnvironment next = current.environment;
  if (plan.change.newValue) {
    next.set(name, *plan.change.newValue);
  } else {
    next.remove(name);
  }
  QString renderError;
  const auto bytes = next.render(&renderError);
  if (!bytes) {
    plan.error = renderError;
    return plan;
  }
  plan.newBytes = *bytes;
  plan.diff = unifiedDiff(QString::fromUtf8(plan.oldBytes), QString::fromUtf8(plan.newBytes),
                          plan.fileExists ? QStringLiteral("a") + plan.path : QStringLiteral("/dev/null"),
                          QStringLiteral("b") + plan.path);

  // What the other drop-ins will do to the variable once the file is in place.
  if (plan.change.newValue) {
    QList<UnitFile> files;
    const UnitFile planned = UnitFile::parse(plan.newBytes, plan.path);
    bool placed = false;
    const auto insertPlanned = [&] {
      if (!placed) {
        files.append(planned);
        placed = true;
      }
    };
    for (const UnitFile& file : installation.unitFiles()) {
      if (file.origin() == plan.path) {
        insertPlanned();
        continue;
      }
      // Drop-ins sort by file name; the unit itself always comes first.
      const QString fileName = file.origin().section(u'/', -1);
      if (file.origin().contains(QLatin1String(".service.d/")) && fileName > plan.path.section(u'/', -1)) {
        insertPlanned();
      }
      files.append(file);
    }
    insertPlanned();
    for (const VariableOverride& relation : managedOverrides(files, plan.path, name)) {
      if (relation.kind != OverrideKind::Overrides) {
        plan.warnings.append(QStringLiteral("%1 will not take effect: %2").arg(name, relation.describe()));
      }
    }
  }
  return plan;
}

} // namespace

EnvironmentPlan planEnvironmentChange(const SystemRoot& root, const OllamaInstallation& installation,
                                      const QString& name, const std::optional<QString>& value, PlanCaller caller) {
  return planAgainst(loadServiceEnvironment(root), installation, name, value, caller);
}

EnvironmentPlan planEnvironmentChanges(const SystemRoot& root, const OllamaInstallation& installation,
                                       const QList<VariableAssignment>& assignments, PlanCaller caller) {
  const ManagedDropIn original = loadServiceEnvironment(root);
  ManagedDropIn current = original;
  EnvironmentPlan combined;
  combined.path = managedDropInPath();
  combined.fileExists = original.state == DropInState::Managed;
  combined.oldBytes = original.bytes;
  combined.newBytes = original.bytes;
  for (const VariableAssignment& assignment : assignments) {
    const EnvironmentPlan step = planAgainst(current, installation, assignment.name, assignment.value, caller);
    if (!step.ok()) {
      combined.error = QStringLiteral("%1: %2").arg(assignment.name, step.error);
      return combined;
    }
    for (const QString& warning : step.warnings) {
      if (!combined.warnings.contains(warning)) {
        combined.warnings.append(warning);
      }
    }
    combined.change = step.change;
    combined.newBytes = step.newBytes;
    current = parseServiceEnvironmentFile(step.newBytes, combined.path);
  }
  combined.diff = unifiedDiff(QString::fromUtf8(combined.oldBytes), QString::fromUtf8(combined.newBytes),
                              combined.fileExists ? QStringLiteral("a") + combined.path : QStringLiteral("/dev/null"),
                              QStringLiteral("b") + combined.path);
  return combined;
}

} // namespace vgpu::controller

// planEnvironmentChange: validation, the new bytes, the diff and override warnings.
#include "environment/environment_change.h"

#include "environment/environment_overrides.h"
#include "environment/service_environment.h"
#include "environment/text_diff.h"
#include "environment/variable_table.h"
#include "ollama/ollama_installation.h"

namespace vgpu::controller {

EnvironmentPlan planEnvironmentChange(const SystemRoot& root, const OllamaInstallation& installation,
                                      const QString& name, const std::optional<QString>& value, PlanCaller caller) {
  EnvironmentPlan plan;
  plan.path = managedDropInPath();
  plan.change.variable = name;
  plan.change.newValue = value;

  const ManagedDropIn current = loadServiceEnvironment(root);
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

} // namespace vgpu::controller

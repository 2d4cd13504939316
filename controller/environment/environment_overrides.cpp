// Override relations between the managed drop-in and the other unit files.
#include "environment/environment_overrides.h"

#include "environment/variable_table.h"
#include "ollama/ollama_installation.h"
#include "systemd/systemd_words.h"

#include <QSet>

namespace vgpu::controller {
namespace {

struct Assignment {
  QString variable; // "" for a reset (empty Environment=)
  QString value;
  QString origin;
  bool managed = false;
};

// Every Environment= assignment in order, one entry per variable word.
QList<Assignment> allAssignments(const QList<UnitFile>& files, const QString& managedOrigin) {
  QList<Assignment> out;
  for (const UnitFile& file : files) {
    for (const UnitAssignment& assignment : file.assignments()) {
      if (assignment.section != u"Service" || assignment.key != u"Environment") {
        continue;
      }
      const QString origin = QStringLiteral("%1:%2").arg(file.origin()).arg(assignment.line);
      const bool managed = file.origin() == managedOrigin;
      if (assignment.value.isEmpty()) {
        out.append({{}, {}, origin, managed});
        continue;
      }
      const WordSplit split = splitSystemdWords(assignment.value);
      for (const QString& raw : split.words) {
        const QString word = resolveSpecifiers(raw);
        const qsizetype equals = word.indexOf(u'=');
        if (equals > 0) {
          out.append({word.left(equals), word.mid(equals + 1), origin, managed});
        }
      }
    }
  }
  return out;
}

} // namespace

QString VariableOverride::describe() const {
  switch (kind) {
  case OverrideKind::OverriddenBy: return QStringLiteral("overridden by %1").arg(origin);
  case OverrideKind::Overrides: return QStringLiteral("overrides %1").arg(origin);
  case OverrideKind::ClearedBy: return QStringLiteral("cleared by %1").arg(origin);
  }
  return {};
}

QList<VariableOverride> managedOverrides(const QList<UnitFile>& files, const QString& managedOrigin,
                                         const QString& onlyVariable) {
  const QList<Assignment> assignments = allAssignments(files, managedOrigin);
  QSet<QString> managedNames;
  for (const Assignment& assignment : assignments) {
    if (assignment.managed && !assignment.variable.isEmpty()) {
      managedNames.insert(assignment.variable);
    }
  }
  QList<VariableOverride> out;
  QStringList names(managedNames.cbegin(), managedNames.cend());
  names.sort();
  for (const QString& name : names) {
    if (!onlyVariable.isEmpty() && name != onlyVariable) {
      continue;
    }
    // Position of the managed file's last assignment of `name`: what comes before is overridden
    // by it, what comes after overrides it.
    qsizetype ours = -1;
    for (qsizetype i = 0; i < assignments.size(); ++i) {
      if (assignments[i].managed && assignments[i].variable == name) {
        ours = i;
      }
    }
    for (qsizetype i = 0; i < assignments.size(); ++i) {
      const Assignment& other = assignments[i];
      if (other.managed) {
        continue;
      }
      if (other.variable.isEmpty() && i > ours) {
        out.append({name, OverrideKind::ClearedBy, other.origin, {}});
      } else if (other.variable == name) {
        out.append({name, i < ours ? OverrideKind::Overrides : OverrideKind::OverriddenBy, other.origin, other.value});
      }
    }
  }
  return out;
}

QList<EnvironmentFinding> environmentFindings(const OllamaInstallation& installation) {
  QList<EnvironmentFinding> findings;
  if (const EnvironmentValue* numGpu = installation.environmentValue(QStringLiteral("OLLAMA_NUM_GPU"))) {
    findings.append({QStringLiteral("ollama-num-gpu"), numGpuFinding(), numGpu->origin});
  }
  if (const EnvironmentValue* path = installation.environmentValue(QStringLiteral("OLLAMA_LIBRARY_PATH"))) {
    findings.append({QStringLiteral("ollama-library-path"),
                     QStringLiteral("OLLAMA_LIBRARY_PATH is not a user setting: before v0.30.0 Ollama overwrites it "
                                    "for every runner it starts, from v0.30.0 it is not read; it does not choose the "
                                    "variant folder (OLLAMA_LLM_LIBRARY does); remove it"),
                     path->origin});
  }
  return findings;
}

} // namespace vgpu::controller

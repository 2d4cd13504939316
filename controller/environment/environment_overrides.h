// How the managed drop-in's variables relate to the other files of ollama.service: a later drop-in
// (60-x.conf, override.conf) that sets the same variable wins over ours ("overridden by"), and ours
// wins over the unit and earlier drop-ins ("overrides"). Also the findings about variables set
// anywhere that Ollama does not read (OLLAMA_NUM_GPU).
#pragma once

#include "systemd/unit_file.h"

#include <QList>
#include <QString>

namespace vgpu::controller {

struct OllamaInstallation;

enum class OverrideKind { OverriddenBy, Overrides, ClearedBy };

struct VariableOverride {
  QString variable;
  OverrideKind kind;
  QString origin; // "file:line" of the other assignment
  QString value;  // the other assignment's value ("" for ClearedBy)

  // "overridden by <file>:<line>", "overrides <file>:<line>", "cleared by <file>:<line>".
  QString describe() const;
};

// For every variable the file `managedOrigin` assigns, the other assignments before and after it in
// `files` (unit first, then drop-ins in systemd's order). `onlyVariable` limits it to one name.
QList<VariableOverride> managedOverrides(const QList<UnitFile>& files, const QString& managedOrigin,
                                         const QString& onlyVariable = {});

struct EnvironmentFinding {
  QString id;      // stable: "ollama-num-gpu"
  QString message; // what to tell the admin
  QString origin;  // "file:line"
};

// Findings about the effective environment of ollama.service.
QList<EnvironmentFinding> environmentFindings(const OllamaInstallation& installation);

} // namespace vgpu::controller

// Planning one change to the managed drop-in: {variable, old value, new value or removal} → the
// validated new file bytes, a diff, and what other drop-ins do to the variable. Planning only: the
// file is written by vgpu-helper (privileged), never here.
#pragma once

#include "common/system_root.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller {

struct OllamaInstallation;

struct EnvironmentChange {
  QString variable;
  std::optional<QString> oldValue; // in the managed drop-in; nullopt = not set there
  std::optional<QString> newValue; // nullopt = remove the variable
};

struct EnvironmentPlan {
  QString error;        // non-empty: refused (validation, foreign drop-in, unrepresentable value)
  QStringList warnings; // accepted with caveats (overridden by a later drop-in, folder unreadable, ...)
  EnvironmentChange change;
  QString path; // system path of the managed drop-in
  bool fileExists = false;
  QByteArray oldBytes; // the file now ("" when absent)
  QByteArray newBytes; // the file after the change
  QString diff;        // unified diff old → new ("" when nothing changes)

  bool ok() const { return error.isEmpty(); }
  bool changes() const { return ok() && oldBytes != newBytes; }
};

enum class PlanCaller { User, Installer }; // only the installer may set installer-only variables

// Plans setting `name` to `value` (nullopt: removing it) in the managed drop-in under `root`.
EnvironmentPlan planEnvironmentChange(const SystemRoot& root, const OllamaInstallation& installation,
                                      const QString& name, const std::optional<QString>& value,
                                      PlanCaller caller = PlanCaller::User);

struct VariableAssignment {
  QString name;
  std::optional<QString> value; // nullopt = remove the variable
};

// Several changes as one review: each is planned against the file the changes before it produce
// (as vgpu-helper applies them, one env-set/env-unset after the other), so oldBytes is the file
// now, newBytes the file after the last change and diff the whole difference. `change` is the
// last change; `error` names the first variable that was refused; warnings are collected.
EnvironmentPlan planEnvironmentChanges(const SystemRoot& root, const OllamaInstallation& installation,
                                       const QList<VariableAssignment>& assignments,
                                       PlanCaller caller = PlanCaller::User);

} // namespace vgpu::controller

// The shape of a doctor check: an id, a title, the ids it depends on and a run function over the
// read-only DoctorContext; and what a run yields: status (pass, warn, fail, skip with reason),
// evidence (what was read, where, an excerpt) and a remedy (text, optionally a helper command the
// admin can apply). Checks are listed once in the table in check_table.cpp.
#pragma once

#include "changes/helper_command.h"
#include "doctor/engine/doctor_context.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller::doctor {

enum class CheckStatus { Pass, Warn, Fail, Skip };

struct Evidence {
  QString what;    // what was read, e.g. "Ollama server log"
  QString where;   // "file:line", a command, or a journal cursor
  QString excerpt; // the words that matter, verbatim
};

struct Remedy {
  QString text;
  std::optional<HelperCommand> action; // a change the admin can apply through vgpu-helper
};

struct CheckResult {
  CheckStatus status = CheckStatus::Skip;
  QString summary;     // one line
  QString reason;      // why it was skipped (Skip only)
  QString explanation; // longer text for the report (may be empty)
  QList<Evidence> evidence;
  std::optional<Remedy> remedy;
  QJsonObject details; // check-specific structured data (documented per check in docs/doctor-json.md)

  static CheckResult pass(QString summary);
  static CheckResult warn(QString summary);
  static CheckResult fail(QString summary);
  static CheckResult skip(QString reason);
};

struct Check {
  QString id; // stable: "logs.discovery-verdict"
  QString title;
  QStringList dependsOn; // ids that must pass (or warn) first; a fail or skip there skips this one
  CheckResult (*run)(const DoctorContext& context) = nullptr;
};

// "pass", "warn", "fail", "skip".
QString checkStatusName(CheckStatus status);

} // namespace vgpu::controller::doctor

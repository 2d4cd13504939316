// A doctor run's report: one entry per check in run order, the exit code vgpuctl returns
// (0 all pass, 1 warnings only or every check skipped, 2 failures; otherwise skips do not count),
// and its two exports: Markdown
// for people and JSON for scripts and the console (schema: docs/doctor-json.md, with a version).
#pragma once

#include "doctor/engine/check.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace vgpu::controller::doctor {

// Bumped when a field changes meaning or disappears; adding fields keeps the version.
inline constexpr int kDoctorJsonVersion = 1;

struct ReportEntry {
  QString id;
  QString title;
  QStringList dependsOn;
  CheckResult result;
};

struct DoctorReport {
  QList<ReportEntry> entries;
  QDateTime generated = QDateTime::currentDateTimeUtc();

  int count(CheckStatus status) const;
  // 0: every check passed or was skipped (at least one ran); 1: warnings but no failure, or every
  // check skipped; 2: at least one failure.
  int exitCode() const;
};

QString reportToMarkdown(const DoctorReport& report);
QJsonObject reportToJson(const DoctorReport& report);

} // namespace vgpu::controller::doctor

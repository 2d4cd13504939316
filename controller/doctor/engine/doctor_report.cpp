// The doctor report's exit code and its Markdown and JSON exports. Field names here are the
// schema in docs/doctor-json.md; change both together.
#include "doctor/engine/doctor_report.h"

#include <QJsonArray>

namespace vgpu::controller::doctor {

namespace {

QString markdownStatus(CheckStatus status) {
  return QStringLiteral("[%1]").arg(checkStatusName(status).toUpper());
}

// Evidence excerpts are log lines: fence them so Markdown does not reinterpret them.
void appendIndentedCode(QString* out, const QString& text) {
  *out += QStringLiteral("    ```\n");
  for (const QString& line : text.split(u'\n')) {
    *out += QStringLiteral("    ") + line + u'\n';
  }
  *out += QStringLiteral("    ```\n");
}

QString actionText(const HelperCommand& action) {
  return QStringLiteral("`%1 %2`%3")
      .arg(action.verbName(), action.arguments.join(u' '),
           action.temporary ? QStringLiteral(" (temporary: undo it after the diagnosis)") : QString());
}

QJsonArray stringArray(const QStringList& list) {
  QJsonArray array;
  for (const QString& item : list) {
    array.append(item);
  }
  return array;
}

} // namespace

int DoctorReport::count(CheckStatus status) const {
  int n = 0;
  for (const ReportEntry& entry : entries) {
    n += entry.result.status == status ? 1 : 0;
  }
  return n;
}

int DoctorReport::exitCode() const {
  if (count(CheckStatus::Fail) > 0) {
    return 2;
  }
  // Nothing examined is not "all pass": a script must not read it as a clean bill of health.
  const bool nothingRan = !entries.isEmpty() && count(CheckStatus::Skip) == entries.size();
  return count(CheckStatus::Warn) > 0 || nothingRan ? 1 : 0;
}

QString reportToMarkdown(const DoctorReport& report) {
  QString out = QStringLiteral("# vgpu doctor report\n\n");
  out += QStringLiteral("Generated %1. %2 checks: %3 pass, %4 warn, %5 fail, %6 skip.\n")
             .arg(report.generated.toString(Qt::ISODate))
             .arg(report.entries.size())
             .arg(report.count(CheckStatus::Pass))
             .arg(report.count(CheckStatus::Warn))
             .arg(report.count(CheckStatus::Fail))
             .arg(report.count(CheckStatus::Skip));
  for (const ReportEntry& entry : report.entries) {
    const CheckResult& result = entry.result;
    out += QStringLiteral("\n## %1 %2 (`%3`)\n\n").arg(markdownStatus(result.status), entry.title, entry.id);
    if (result.status == CheckStatus::Skip) {
      out += QStringLiteral("Skipped: %1\n").arg(result.reason);
      continue;
    }
    out += result.summary + u'\n';
    if (!result.explanation.isEmpty()) {
      out += u'\n' + result.explanation + u'\n';
    }
    if (!result.evidence.isEmpty()) {
      out += QStringLiteral("\n**Evidence**\n\n");
      for (const Evidence& item : result.evidence) {
        out += QStringLiteral("- %1 (%2)\n").arg(item.what, item.where);
        if (!item.excerpt.isEmpty()) {
          appendIndentedCode(&out, item.excerpt);
        }
      }
    }
    if (result.remedy) {
      out += QStringLiteral("\n**Remedy:** %1\n").arg(result.remedy->text);
      if (result.remedy->action) {
        out += QStringLiteral("Apply with vgpu-helper: %1\n").arg(actionText(*result.remedy->action));
      }
    }
  }
  return out;
}

QJsonObject reportToJson(const DoctorReport& report) {
  QJsonArray checks;
  for (const ReportEntry& entry : report.entries) {
    const CheckResult& result = entry.result;
    QJsonArray evidence;
    for (const Evidence& item : result.evidence) {
      evidence.append(QJsonObject{{QStringLiteral("what"), item.what},
                                  {QStringLiteral("where"), item.where},
                                  {QStringLiteral("excerpt"), item.excerpt}});
    }
    QJsonValue remedy = QJsonValue::Null;
    if (result.remedy) {
      QJsonValue action = QJsonValue::Null;
      if (result.remedy->action) {
        action = QJsonObject{{QStringLiteral("verb"), result.remedy->action->verbName()},
                             {QStringLiteral("arguments"), stringArray(result.remedy->action->arguments)},
                             {QStringLiteral("temporary"), result.remedy->action->temporary}};
      }
      remedy = QJsonObject{{QStringLiteral("text"), result.remedy->text}, {QStringLiteral("action"), action}};
    }
    checks.append(QJsonObject{{QStringLiteral("id"), entry.id},
                              {QStringLiteral("title"), entry.title},
                              {QStringLiteral("dependsOn"), stringArray(entry.dependsOn)},
                              {QStringLiteral("status"), checkStatusName(result.status)},
                              {QStringLiteral("summary"), result.summary},
                              {QStringLiteral("reason"), result.reason},
                              {QStringLiteral("explanation"), result.explanation},
                              {QStringLiteral("evidence"), evidence},
                              {QStringLiteral("remedy"), remedy},
                              {QStringLiteral("details"), result.details}});
  }
  return QJsonObject{{QStringLiteral("schema"), QStringLiteral("vgpu-doctor-report")},
                     {QStringLiteral("version"), kDoctorJsonVersion},
                     {QStringLiteral("generated"), report.generated.toString(Qt::ISODate)},
                     {QStringLiteral("summary"), QJsonObject{{QStringLiteral("pass"), report.count(CheckStatus::Pass)},
                                                             {QStringLiteral("warn"), report.count(CheckStatus::Warn)},
                                                             {QStringLiteral("fail"), report.count(CheckStatus::Fail)},
                                                             {QStringLiteral("skip"), report.count(CheckStatus::Skip)},
                                                             {QStringLiteral("exitCode"), report.exitCode()}}},
                     {QStringLiteral("checks"), checks}};
}

} // namespace vgpu::controller::doctor

// Topological ordering (Kahn's algorithm, always taking the earliest ready check so the report
// follows the table) and the run loop with skip propagation.
#include "doctor/engine/doctor_engine.h"

#include <QHash>

namespace vgpu::controller::doctor {

CheckOrder orderChecks(std::span<const Check> checks) {
  CheckOrder result;
  QHash<QString, qsizetype> indexOf;
  for (qsizetype i = 0; i < static_cast<qsizetype>(checks.size()); ++i) {
    const Check& check = checks[static_cast<size_t>(i)];
    if (indexOf.contains(check.id)) {
      result.error = QStringLiteral("duplicate check id '%1'").arg(check.id);
      return result;
    }
    indexOf.insert(check.id, i);
  }
  QList<int> waitingOn(static_cast<qsizetype>(checks.size()), 0);
  QList<QList<qsizetype>> dependants(static_cast<qsizetype>(checks.size()));
  for (qsizetype i = 0; i < static_cast<qsizetype>(checks.size()); ++i) {
    for (const QString& dependency : checks[static_cast<size_t>(i)].dependsOn) {
      const auto found = indexOf.constFind(dependency);
      if (found == indexOf.constEnd()) {
        result.error = QStringLiteral("check '%1' depends on unknown check '%2'")
                           .arg(checks[static_cast<size_t>(i)].id, dependency);
        return result;
      }
      ++waitingOn[i];
      dependants[*found].append(i);
    }
  }
  QList<bool> done(static_cast<qsizetype>(checks.size()), false);
  while (result.order.size() < static_cast<qsizetype>(checks.size())) {
    qsizetype next = -1;
    for (qsizetype i = 0; i < waitingOn.size(); ++i) {
      if (!done[i] && waitingOn[i] == 0) {
        next = i;
        break;
      }
    }
    if (next < 0) {
      QStringList cycle;
      for (qsizetype i = 0; i < waitingOn.size(); ++i) {
        if (!done[i]) {
          cycle.append(checks[static_cast<size_t>(i)].id);
        }
      }
      result.error = QStringLiteral("dependency cycle among checks: %1").arg(cycle.join(QStringLiteral(", ")));
      result.order.clear();
      return result;
    }
    done[next] = true;
    result.order.append(next);
    for (const qsizetype dependant : std::as_const(dependants[next])) {
      --waitingOn[dependant];
    }
  }
  return result;
}

DoctorReport runDoctor(std::span<const Check> checks, const DoctorContext& context) {
  DoctorReport report;
  const CheckOrder order = orderChecks(checks);
  if (!order.error.isEmpty()) {
    CheckResult failure = CheckResult::fail(QStringLiteral("the check table is invalid: %1").arg(order.error));
    report.entries.append({QStringLiteral("doctor.engine"), QStringLiteral("Doctor check table"), {}, failure});
    return report;
  }
  QHash<QString, qsizetype> byId; // id -> index in report.entries
  for (const qsizetype index : order.order) {
    const Check& check = checks[static_cast<size_t>(index)];
    CheckResult result;
    QString blocked;
    for (const QString& dependency : check.dependsOn) {
      const CheckResult& prerequisite = report.entries.at(byId.value(dependency)).result;
      if (prerequisite.status == CheckStatus::Fail) {
        blocked = QStringLiteral("prerequisite %1 failed: %2").arg(dependency, prerequisite.summary);
        break;
      }
      if (prerequisite.status == CheckStatus::Skip) {
        blocked = QStringLiteral("prerequisite %1 was skipped: %2").arg(dependency, prerequisite.reason);
        break;
      }
    }
    if (!blocked.isEmpty()) {
      result = CheckResult::skip(blocked);
    } else if (check.run == nullptr) {
      result = CheckResult::fail(QStringLiteral("check has no run function"));
    } else {
      result = check.run(context);
    }
    report.entries.append({check.id, check.title, check.dependsOn, result});
    byId.insert(check.id, report.entries.size() - 1);
  }
  return report;
}

} // namespace vgpu::controller::doctor

// The service checks. Variables are read from the installation model's merged Environment= (the
// file:line that won is the evidence); NeedDaemonReload from SystemdManager::unitStatus.
#include "doctor/machine/service_checks.h"

#include "doctor/engine/remedy_actions.h"

#include "environment/variable_table.h"

namespace vgpu::controller::doctor {

namespace {

Evidence variableEvidence(const EnvironmentValue& value) {
  return {QStringLiteral("Environment= of ollama.service"), value.origin,
          QStringLiteral("%1=%2").arg(value.name, value.value)};
}

// OLLAMA_DEBUG as Ollama's envconfig reads it: an integer level, or a boolean (true = 1).
int debugLevel(const QString& text) {
  const QString value = text.trimmed().toLower();
  bool isNumber = false;
  const int level = value.toInt(&isNumber);
  if (isNumber) {
    return level;
  }
  return value == QLatin1String("true") || value == QLatin1String("t") ? 1 : 0;
}

// The unit's environment is only worth judging when there is an ollama.service.
bool serviceFound(const DoctorContext& context, QString* why) {
  if (!context.installation) {
    *why = QStringLiteral("the Ollama installation was not examined");
    return false;
  }
  if (!context.installation->unit) {
    *why = QStringLiteral("no ollama.service unit file under the root");
    return false;
  }
  return true;
}

} // namespace

CheckResult checkDaemonReload(const DoctorContext& context) {
  if (!context.unitStatus) {
    return CheckResult::skip(
        QStringLiteral("systemd was not asked (no D-Bus connection; vgpuctl doctor --bus ADDRESS)"));
  }
  if (!context.unitStatus->error.isEmpty() || !context.unitStatus->status) {
    return CheckResult::skip(
        QStringLiteral("cannot ask systemd about ollama.service: %1").arg(context.unitStatus->error));
  }
  const UnitStatus& status = *context.unitStatus->status;
  const Evidence evidence{QStringLiteral("NeedDaemonReload of %1").arg(status.name),
                          QStringLiteral("D-Bus %1 (org.freedesktop.systemd1.Unit)").arg(status.objectPath),
                          QStringLiteral("NeedDaemonReload=%1; drop-ins: %2")
                              .arg(status.needDaemonReload ? QStringLiteral("true") : QStringLiteral("false"),
                                   status.dropInPaths.join(QStringLiteral(", ")))};
  CheckResult result;
  if (status.needDaemonReload) {
    result = CheckResult::fail(QStringLiteral("%1 or one of its drop-ins changed since the last daemon-reload: the "
                                              "running service does not have the change")
                                   .arg(status.name));
    result.remedy = Remedy{QStringLiteral("Run systemctl daemon-reload, then restart Ollama (systemctl restart ollama) "
                                          "so the drop-in's environment reaches it."),
                           remedyCommandOf(RemedyActionId::DaemonReload)};
  } else {
    result = CheckResult::pass(QStringLiteral("systemd has loaded the current unit files of %1").arg(status.name));
  }
  result.evidence.append(evidence);
  return result;
}

CheckResult checkNumGpu(const DoctorContext& context) {
  QString why;
  if (!serviceFound(context, &why)) {
    return CheckResult::skip(why);
  }
  const EnvironmentValue* value = context.installation->environmentValue(QStringLiteral("OLLAMA_NUM_GPU"));
  if (value == nullptr) {
    return CheckResult::pass(QStringLiteral("OLLAMA_NUM_GPU is not set"));
  }
  CheckResult result =
      CheckResult::warn(QStringLiteral("OLLAMA_NUM_GPU=%1 is set, but Ollama never reads it").arg(value->value));
  result.explanation = numGpuFinding();
  result.evidence.append(variableEvidence(*value));
  result.remedy = Remedy{
      QStringLiteral("Remove OLLAMA_NUM_GPU (set in %1); it does not decide GPU use. num_gpu is a per-request or "
                     "Modelfile option.")
          .arg(value->origin),
      remedyCommandOf(RemedyActionId::UnsetNumGpu)};
  return result;
}

CheckResult checkServiceDebugLevel(const DoctorContext& context) {
  QString why;
  if (!serviceFound(context, &why)) {
    return CheckResult::skip(why);
  }
  const EnvironmentValue* value = context.installation->environmentValue(QStringLiteral("OLLAMA_DEBUG"));
  const int level = value == nullptr ? 0 : debugLevel(value->value);
  CheckResult result;
  if (level >= 1) {
    result =
        CheckResult::pass(QStringLiteral("OLLAMA_DEBUG=%1: the log shows discovery's Debug lines").arg(value->value));
  } else {
    result = CheckResult::warn(
        QStringLiteral("OLLAMA_DEBUG is %1: the log will not show the Debug lines that decide why Ollama chose the CPU")
            .arg(value == nullptr ? QStringLiteral("not set") : QStringLiteral("'%1'").arg(value->value)));
    result.explanation = QStringLiteral("At Info level the skip lines, the \"bootstrap discovery took … "
                                        "OLLAMA_LIBRARY_PATH=[…]\" lines and initial_count are not logged; no "
                                        "line about the requested library is expected then.");
    result.remedy =
        Remedy{QStringLiteral("Set OLLAMA_DEBUG=1 temporarily, restart Ollama, run the doctor on the new log, then "
                              "remove the setting."),
               remedyCommandOf(RemedyActionId::RaiseDebug)};
  }
  if (value != nullptr) {
    result.evidence.append(variableEvidence(*value));
  }
  return result;
}

} // namespace vgpu::controller::doctor

// `vgpuctl service status|start|stop|restart|reload`: ollama.service (or --unit) through systemd's
// D-Bus API with the controller's SystemdManager; jobs are followed to their result. On the system
// bus, starting and stopping units needs privileges: unprivileged users get a message that these
// go through vgpu-helper. --bus ADDRESS talks to another bus (tests' private bus with
// fake-systemd1). Exit codes: 0 done, 1 systemd refused or the job failed, 2 usage error.
#include "vgpuctl_command.h"

#include "systemd/systemd_manager.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonDocument>
#include <array>
#include <optional>

namespace vgpu::cli {
namespace {

using namespace vgpu::controller;

struct ActionRow {
  const char* word;
  std::optional<SystemdVerb> verb; // nullopt: status
};

constexpr std::array kActions{
    ActionRow{"status", std::nullopt},        ActionRow{"start", SystemdVerb::Start},
    ActionRow{"stop", SystemdVerb::Stop},     ActionRow{"restart", SystemdVerb::Restart},
    ActionRow{"reload", SystemdVerb::Reload}, // systemd daemon-reload: re-read unit files and drop-ins
};

constexpr char kUsage[] = "usage: vgpuctl service status|start|stop|restart|reload [--unit NAME] [--json]\n"
                          "                       [--mode MODE] [--timeout SECONDS] [--bus ADDRESS]\n";

QString formatTime(quint64 us) {
  if (us == 0) {
    return QStringLiteral("never");
  }
  return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(us / 1000U), Qt::UTC).toString(Qt::ISODateWithMs);
}

QString formatDuration(qint64 seconds) {
  return QStringLiteral("%1h %2m %3s").arg(seconds / 3600).arg(seconds / 60 % 60).arg(seconds % 60);
}

quint64 nowUs() {
  return static_cast<quint64>(QDateTime::currentMSecsSinceEpoch()) * 1000U;
}

void printStatus(QTextStream& out, const UnitStatus& status) {
  out << status.name << ": " << status.activeState << " (" << status.subState << ")\n";
  out << "  loaded:    " << status.loadState;
  if (!status.fragmentPath.isEmpty()) {
    out << " (" << status.fragmentPath << ')';
  }
  out << '\n';
  out << "  drop-ins:  "
      << (status.dropInPaths.isEmpty() ? QStringLiteral("(none)")
                                       : status.dropInPaths.join(QStringLiteral("\n             ")))
      << '\n';
  out << "  main PID:  " << (status.mainPid == 0 ? QStringLiteral("(none)") : QString::number(status.mainPid)) << '\n';
  out << "  started:   " << formatTime(status.execMainStartUs) << '\n';
  const qint64 uptime = unitUptimeSeconds(status, nowUs());
  out << "  active:    "
      << (uptime < 0 ? QStringLiteral("(not active)")
                     : formatTime(status.activeEnterUs) + QStringLiteral(", up ") + formatDuration(uptime))
      << '\n';
  if (status.needDaemonReload) {
    out << "  warning:   a unit file or drop-in changed since the last daemon-reload (vgpuctl service reload)\n";
  }
}

QJsonObject statusJson(const UnitStatus& status) {
  QJsonObject json = unitStatusToJson(status);
  json.insert(QStringLiteral("uptime_s"), unitUptimeSeconds(status, nowUs()));
  return json;
}

void printError(QTextStream& err, const SystemdError& error) {
  err << "vgpuctl service: " << error.message << '\n';
  if (!error.detail.isEmpty()) {
    err << "  (" << error.detail << ")\n";
  }
}

int runStatus(QTextStream& out, QTextStream& err, SystemdManager& manager, const QString& unit, bool json) {
  const UnitStatusResult result = manager.unitStatus(unit);
  if (result.error.isError()) {
    if (json) {
      out << QJsonDocument(QJsonObject{{QStringLiteral("unit"), unit},
                                       {QStringLiteral("error"), systemdErrorKindName(result.error.kind)},
                                       {QStringLiteral("message"), result.error.message}})
                 .toJson(QJsonDocument::Indented);
    }
    printError(err, result.error);
    return 1;
  }
  if (json) {
    out << QJsonDocument(statusJson(result.status)).toJson(QJsonDocument::Indented);
  } else {
    printStatus(out, result.status);
  }
  return 0;
}

int runJob(QTextStream& out, QTextStream& err, SystemdManager& manager, SystemdVerb verb, const QString& unit,
           const QString& mode, bool json) {
  const JobOutcome outcome =
      verb == SystemdVerb::Reload ? manager.reloadAndWait() : manager.runAndWait(verb, unit, mode);
  // After a job, show where the unit ended up (also after a failure: the state says more).
  std::optional<UnitStatusResult> after;
  if (verb != SystemdVerb::Reload && outcome.error.kind != SystemdErrorKind::Unreachable &&
      outcome.error.kind != SystemdErrorKind::NoSuchUnit) {
    after = manager.unitStatus(unit);
  }
  if (json) {
    QJsonObject object = jobOutcomeToJson(outcome);
    if (after && !after->error.isError()) {
      object.insert(QStringLiteral("status"), statusJson(after->status));
    }
    out << QJsonDocument(object).toJson(QJsonDocument::Indented);
  } else if (outcome.succeeded()) {
    out << systemdVerbName(verb) << ' ' << (verb == SystemdVerb::Reload ? QStringLiteral("(daemon)") : unit) << ": "
        << outcome.result;
    if (!outcome.jobPath.isEmpty()) {
      out << " (job " << outcome.jobPath << ')';
    }
    out << '\n';
  }
  if (!outcome.succeeded()) {
    printError(err, outcome.error);
  }
  if (!json && after && !after->error.isError()) {
    printStatus(out, after->status);
  }
  return outcome.succeeded() ? 0 : 1;
}

} // namespace

int runService(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption unitOption(QStringLiteral("unit"), QStringLiteral("Unit."), QStringLiteral("NAME"),
                                      QStringLiteral("ollama.service"));
  const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("JSON output."));
  const QCommandLineOption modeOption(QStringLiteral("mode"), QStringLiteral("Job mode."), QStringLiteral("MODE"),
                                      QStringLiteral("replace"));
  const QCommandLineOption timeoutOption(QStringLiteral("timeout"), QStringLiteral("Job timeout."),
                                         QStringLiteral("SECONDS"), QStringLiteral("120"));
  const QCommandLineOption busOption(QStringLiteral("bus"), QStringLiteral("D-Bus address (default: system bus)."),
                                     QStringLiteral("ADDRESS"));
  parser.addOptions({unitOption, jsonOption, modeOption, timeoutOption, busOption});
  if (!parser.parse(QStringList{QStringLiteral("service")} + context.arguments)) {
    context.err << "vgpuctl service: " << parser.errorText() << '\n' << kUsage;
    return 2;
  }
  const QStringList positional = parser.positionalArguments();
  const ActionRow* action = nullptr;
  for (const ActionRow& row : kActions) {
    if (positional.size() == 1 && positional.first() == QLatin1String(row.word)) {
      action = &row;
    }
  }
  bool timeoutOk = false;
  const double timeoutSeconds = parser.value(timeoutOption).toDouble(&timeoutOk);
  if (action == nullptr || !timeoutOk || timeoutSeconds <= 0) {
    context.err << kUsage;
    return 2;
  }

  const QString connectionName = QStringLiteral("vgpuctl-service");
  QDBusConnection bus = parser.isSet(busOption) ? QDBusConnection::connectToBus(parser.value(busOption), connectionName)
                                                : QDBusConnection::systemBus();
  int code = 0;
  {
    SystemdManager manager(bus);
    manager.setJobTimeout(std::chrono::milliseconds(static_cast<qint64>(timeoutSeconds * 1000.0)));
    const QString unit = parser.value(unitOption);
    const bool json = parser.isSet(jsonOption);
    code = action->verb ? runJob(context.out, context.err, manager, *action->verb, unit, parser.value(modeOption), json)
                        : runStatus(context.out, context.err, manager, unit, json);
  }
  if (parser.isSet(busOption)) {
    QDBusConnection::disconnectFromBus(connectionName);
  }
  return code;
}

} // namespace vgpu::cli

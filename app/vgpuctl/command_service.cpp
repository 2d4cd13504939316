// `vgpuctl service status|start|stop|restart|reload`: ollama.service (or --unit) through systemd's
// D-Bus API with the controller's SystemdManager; jobs are followed to their result. On the system
// bus, jobs need privileges: when systemd refuses the caller, restarting ollama.service and
// reloading systemd are handed to vgpu-helper (restart-ollama, daemon-reload; polkit asks), and
// --via-helper goes there directly. Other units and start/stop are not helper verbs: the refusal
// is reported. --bus ADDRESS talks to another bus (tests' private bus with fake-systemd1; the
// helper only follows it on a test tree, --root). Exit codes: 0 done, 1 systemd or the helper
// refused or the job failed, 2 usage error.
#include "helper_launch.h"
#include "vgpuctl_command.h"

#include "changes/privileged_job.h"
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
                          "                       [--mode MODE] [--timeout SECONDS] [--bus ADDRESS] [--via-helper]\n";

// How one job is run: which bus, and whether vgpu-helper is the way (or the way out of a refusal).
struct JobRequest {
  SystemdVerb verb = SystemdVerb::Restart;
  QString unit;
  QString mode;
  QString busAddress; // empty: the system bus
  bool viaHelper = false;
  bool json = false;
};

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

void printJobStatus(QTextStream& out, SystemdManager& manager, const JobRequest& request, QJsonObject* object) {
  if (request.verb == SystemdVerb::Reload) {
    return;
  }
  const UnitStatusResult after = manager.unitStatus(request.unit);
  if (after.error.isError()) {
    return;
  }
  if (request.json) {
    object->insert(QStringLiteral("status"), statusJson(after.status));
  } else {
    printStatus(out, after.status);
  }
}

QString jobSubject(const JobRequest& request) {
  return request.verb == SystemdVerb::Reload ? QStringLiteral("(daemon)") : request.unit;
}

// The job through vgpu-helper's verb; `direct` is systemd's refusal when this is the fallback.
int runJobViaHelper(CommandContext& context, SystemdManager& manager, const JobRequest& request,
                    const HelperCommand& helperCommand, const std::optional<JobOutcome>& direct) {
  passBusToHelper(context, request.busAddress);
  const HelperReply reply = runHelper(helperInvocation(helperLaunch(context), helperCommand));
  QJsonObject object = reply.data.value(QStringLiteral("job")).toObject();
  if (object.isEmpty()) { // the helper did not get as far as systemd (not authorized, refused, not started)
    object = QJsonObject{{QStringLiteral("verb"), systemdVerbName(request.verb)},
                         {QStringLiteral("succeeded"), false},
                         {QStringLiteral("error"), QStringLiteral("helper")},
                         {QStringLiteral("message"), reply.message}};
    if (request.verb != SystemdVerb::Reload) {
      object.insert(QStringLiteral("unit"), request.unit);
      object.insert(QStringLiteral("mode"), QStringLiteral("replace"));
    }
  }
  object.insert(QStringLiteral("via"), QStringLiteral("vgpu-helper"));
  object.insert(QStringLiteral("helperExitCode"), reply.exitCode);
  if (direct) {
    object.insert(QStringLiteral("directAttempt"), jobOutcomeToJson(*direct));
  }
  if (!request.json && reply.ok) {
    context.out << systemdVerbName(request.verb) << ' ' << jobSubject(request) << ": "
                << object.value(QStringLiteral("result")).toString();
    if (object.contains(QStringLiteral("job"))) {
      context.out << " (job " << object.value(QStringLiteral("job")).toString() << ')';
    }
    context.out << " via vgpu-helper\n";
  }
  if (!reply.ok) {
    context.err << "vgpuctl service: vgpu-helper " << helperCommand.text() << ": " << reply.message << '\n';
  }
  printJobStatus(context.out, manager, request, &object);
  if (request.json) {
    context.out << QJsonDocument(object).toJson(QJsonDocument::Indented);
  }
  return reply.ok ? 0 : 1;
}

int runJob(CommandContext& context, SystemdManager& manager, const JobRequest& request) {
  const std::optional<HelperCommand> helperCommand = helperCommandForJob(request.verb, request.unit);
  if (request.viaHelper) {
    return runJobViaHelper(context, manager, request, *helperCommand, std::nullopt);
  }
  const JobOutcome outcome = request.verb == SystemdVerb::Reload
                                 ? manager.reloadAndWait()
                                 : manager.runAndWait(request.verb, request.unit, request.mode);
  if (const std::optional<HelperCommand> retry = helperRetryFor(outcome);
      retry && helperReachesBus(context, request.busAddress)) {
    // systemd refuses unprivileged users; vgpu-helper (authorized by polkit) may do this one.
    printError(context.err, outcome.error);
    context.err << "vgpuctl service: asking vgpu-helper to " << systemdVerbName(request.verb) << ' '
                << jobSubject(request) << " instead\n";
    return runJobViaHelper(context, manager, request, *retry, outcome);
  }
  // After a job, show where the unit ended up (also after a failure: the state says more).
  QJsonObject object = jobOutcomeToJson(outcome);
  if (!request.json && outcome.succeeded()) {
    context.out << systemdVerbName(request.verb) << ' ' << jobSubject(request) << ": " << outcome.result;
    if (!outcome.jobPath.isEmpty()) {
      context.out << " (job " << outcome.jobPath << ')';
    }
    context.out << '\n';
  }
  if (!outcome.succeeded()) {
    printError(context.err, outcome.error);
  }
  if (outcome.error.kind != SystemdErrorKind::Unreachable && outcome.error.kind != SystemdErrorKind::NoSuchUnit) {
    printJobStatus(context.out, manager, request, &object);
  }
  if (request.json) {
    context.out << QJsonDocument(object).toJson(QJsonDocument::Indented);
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
  const QCommandLineOption viaHelperOption(
      QStringLiteral("via-helper"), QStringLiteral("Restart ollama.service or reload systemd through vgpu-helper."));
  parser.addOptions({unitOption, jsonOption, modeOption, timeoutOption, busOption, viaHelperOption});
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
  const bool viaHelper = parser.isSet(viaHelperOption);
  if (viaHelper && (!action->verb || !helperCommandForJob(*action->verb, parser.value(unitOption)))) {
    context.err << "vgpuctl service: --via-helper: vgpu-helper only restarts ollama.service and reloads systemd\n"
                << kUsage;
    return 2;
  }
  if (viaHelper && !helperReachesBus(context, parser.value(busOption))) {
    context.err << "vgpuctl service: --via-helper with --bus needs --root (a test tree): the installed vgpu-helper "
                   "only talks to the system bus\n";
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
    if (action->verb) {
      const JobRequest request{*action->verb, unit, parser.value(modeOption), parser.value(busOption), viaHelper, json};
      code = runJob(context, manager, request);
    } else {
      code = runStatus(context.out, context.err, manager, unit, json);
    }
  }
  if (parser.isSet(busOption)) {
    QDBusConnection::disconnectFromBus(connectionName);
  }
  return code;
}

} // namespace vgpu::cli

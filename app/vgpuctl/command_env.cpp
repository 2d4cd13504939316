// `vgpuctl env get [NAME] [--json]`, `vgpuctl env set NAME=VALUE [...]`,
// `vgpuctl env unset NAME [...]`: ollama.service's environment as vgpu manages it in
// /etc/systemd/system/ollama.service.d/50-vgpu.conf. set/unset plan the change here as the user
// (validated new file, diff, override warnings) and print it; without --dry-run vgpu-helper
// writes it (env-set/env-unset: it validates the request again and its verdict is final), then
// reloads systemd through the helper (daemon-reload) unless --no-reload, and restarts
// ollama.service through it with --restart; otherwise it says that a restart is needed.
// `vgpuctl env resolve NAME [--merge | --remove]` resolves a later drop-in (override.conf, ...) that
// beats the managed drop-in's NAME, as the doctor's service.managed-overrides offers it: the plan
// (diff of both files) is printed, vgpu-helper's override-resolve applies it, then the same
// reload/restart as set/unset.
// Exit codes: 0 success (dry run planned, change applied, or get printed), 1 refused, not
// authorized or failed (also when the change was written but the reload or restart failed), 2 usage.
#include "helper_launch.h"
#include "vgpuctl_command.h"

#include "environment/environment_change.h"
#include "environment/environment_overrides.h"
#include "environment/override_resolution.h"
#include "environment/service_environment.h"
#include "environment/variable_table.h"
#include "ollama/ollama_installation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace vgpu::cli {
namespace {

using namespace vgpu::controller;

const char* const kUsage = "usage: vgpuctl env get [NAME] [--json]\n"
                           "       vgpuctl env set NAME=VALUE [--dry-run | --no-reload | --restart] [--bus ADDRESS]\n"
                           "       vgpuctl env unset NAME [--dry-run | --no-reload | --restart] [--bus ADDRESS]\n"
                           "       vgpuctl env resolve NAME [--merge | --remove] [--dry-run | --no-reload | --restart]"
                           " [--bus ADDRESS]\n";

struct ChangeOptions {
  bool dryRun = false;
  bool noReload = false;
  bool restart = false;
  QString busAddress; // systemd's bus for the helper's reload/restart (test trees only)
};

// After vgpu-helper wrote the drop-in: systemd re-reads it (daemon-reload), and ollama.service is
// restarted when asked; both through the helper, which systemd does not refuse.
int reloadAndRestart(CommandContext& context, const ChangeOptions& options) {
  const char* const next = "next: vgpuctl service reload && vgpuctl service restart\n";
  if (options.noReload) {
    context.out << next;
    return 0;
  }
  passBusToHelper(context, options.busAddress);
  const HelperReply reload = runHelper(helperInvocation(helperLaunch(context), HelperCommand::daemonReload()));
  if (!reload.ok) {
    context.err << "vgpuctl env: the change is written, but systemd was not reloaded: " << reload.message << '\n'
                << next;
    return 1;
  }
  context.out << reload.message << '\n';
  if (!options.restart) {
    context.out << "ollama.service needs a restart to use the new environment: vgpuctl service restart\n";
    return 0;
  }
  const HelperReply restart = runHelper(helperInvocation(helperLaunch(context), HelperCommand::restartOllama()));
  (restart.ok ? context.out : context.err) << restart.message << '\n';
  return restart.ok ? 0 : 1;
}

bool validName(const QString& name) {
  static const QRegularExpression pattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
  return pattern.match(name).hasMatch();
}

QString overrideKindName(OverrideKind kind) {
  switch (kind) {
  case OverrideKind::OverriddenBy: return QStringLiteral("overridden-by");
  case OverrideKind::Overrides: return QStringLiteral("overrides");
  case OverrideKind::ClearedBy: return QStringLiteral("cleared-by");
  }
  return {};
}

// The names `env get` shows: the table's, then any other name the managed drop-in sets.
QStringList namesToShow(const ManagedDropIn& dropIn, const QString& only) {
  if (!only.isEmpty()) {
    return {only};
  }
  QStringList names;
  for (const VariableSpec& spec : managedVariables()) {
    if (spec.type != VariableType::RemovalOnly) { // only ever removed: shown when the drop-in sets it
      names.append(QLatin1String(spec.name));
    }
  }
  for (auto it = dropIn.environment.variables().cbegin(); it != dropIn.environment.variables().cend(); ++it) {
    if (!names.contains(it.key())) {
      names.append(it.key());
    }
  }
  return names;
}

int runGet(CommandContext& context, const QStringList& arguments) {
  bool json = false;
  QString only;
  for (const QString& argument : arguments) {
    if (argument == u"--json") {
      json = true;
    } else if (only.isEmpty() && validName(argument)) {
      only = argument;
    } else {
      context.err << "vgpuctl env get: unexpected argument '" << argument << "'\n" << kUsage;
      return 2;
    }
  }
  const SystemRoot root(context.root);
  const OllamaInstallation installation = OllamaInstallation::detect(root, QProcessEnvironment::systemEnvironment());
  const ManagedDropIn dropIn = loadServiceEnvironment(root);
  const QList<VariableOverride> relations = managedOverrides(installation.unitFiles(), managedDropInPath());

  QJsonArray variables;
  for (const QString& name : namesToShow(dropIn, only)) {
    const VariableSpec* spec = findManagedVariable(name);
    const std::optional<QString> managed = dropIn.environment.value(name);
    const EnvironmentValue* effective = installation.environmentValue(name);
    QJsonArray related;
    for (const VariableOverride& relation : relations) {
      if (relation.variable == name) {
        related.append(QJsonObject{{QStringLiteral("kind"), overrideKindName(relation.kind)},
                                   {QStringLiteral("origin"), relation.origin},
                                   {QStringLiteral("value"), relation.value},
                                   {QStringLiteral("text"), relation.describe()}});
      }
    }
    variables.append(QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("managed"), spec != nullptr},
        {QStringLiteral("type"), spec != nullptr ? QJsonValue(variableTypeName(spec->type)) : QJsonValue()},
        {QStringLiteral("help"), spec != nullptr ? QJsonValue(QString::fromUtf8(spec->help)) : QJsonValue()},
        {QStringLiteral("value"), managed ? QJsonValue(*managed) : QJsonValue()},
        {QStringLiteral("effective"), effective != nullptr
                                          ? QJsonValue(QJsonObject{{QStringLiteral("value"), effective->value},
                                                                   {QStringLiteral("origin"), effective->origin}})
                                          : QJsonValue()},
        {QStringLiteral("relations"), related},
    });
  }
  QJsonArray findings;
  for (const EnvironmentFinding& finding : environmentFindings(installation)) {
    findings.append(QJsonObject{{QStringLiteral("id"), finding.id},
                                {QStringLiteral("message"), finding.message},
                                {QStringLiteral("origin"), finding.origin}});
  }
  const QJsonObject document{
      {QStringLiteral("dropIn"),
       QJsonObject{{QStringLiteral("path"), managedDropInPath()},
                   {QStringLiteral("state"), dropInStateName(dropIn.state)},
                   {QStringLiteral("error"), dropIn.error.isEmpty() ? QJsonValue() : QJsonValue(dropIn.error)},
                   {QStringLiteral("problems"), QJsonArray::fromStringList(dropIn.problems)}}},
      {QStringLiteral("variables"), variables},
      {QStringLiteral("findings"), findings},
  };
  if (json) {
    context.out << QJsonDocument(document).toJson(QJsonDocument::Indented);
    return 0;
  }
  context.out << "managed drop-in: " << managedDropInPath() << " (" << dropInStateName(dropIn.state) << ")\n";
  if (!dropIn.error.isEmpty()) {
    context.out << "  " << dropIn.error << '\n';
  }
  for (const auto& entry : variables) {
    const QJsonObject variable = entry.toObject();
    const QString name = variable[QStringLiteral("name")].toString();
    context.out << name << '\n';
    context.out << "  in 50-vgpu.conf: "
                << (variable[QStringLiteral("value")].isNull() ? QStringLiteral("(not set)")
                                                               : variable[QStringLiteral("value")].toString())
                << '\n';
    const QJsonValue effective = variable[QStringLiteral("effective")];
    context.out << "  effective:       "
                << (effective.isNull() ? QStringLiteral("(not set)")
                                       : QStringLiteral("%1 (%2)").arg(effective[QStringLiteral("value")].toString(),
                                                                       effective[QStringLiteral("origin")].toString()))
                << '\n';
    for (const auto& relation : variable[QStringLiteral("relations")].toArray()) {
      context.out << "  " << relation[QStringLiteral("text")].toString() << '\n';
    }
    if (!variable[QStringLiteral("managed")].toBool()) {
      context.out << "  (not a variable vgpu manages)\n";
    }
  }
  for (const EnvironmentFinding& finding : environmentFindings(installation)) {
    context.out << "finding: " << finding.origin << ": " << finding.message << '\n';
  }
  return 0;
}

// env resolve: the first assignment that beats the managed drop-in's NAME, planned and applied.
int runResolve(CommandContext& context, const ChangeOptions& options, const SystemRoot& root,
               const OllamaInstallation& installation, const QString& name,
               std::optional<OverrideResolution> resolution) {
  const QList<BeatingAssignment> beating = findBeatingAssignments(root, installation, name, resolution);
  if (beating.isEmpty()) {
    context.out << "no change: no later drop-in overrides " << name << " of " << managedDropInPath() << '\n';
    return 0;
  }
  const BeatingAssignment& first = beating.constFirst();
  context.out << name << " of " << first.managedOrigin << " is " << first.relation.describe() << '\n';
  if (!first.plan) {
    context.err << "vgpuctl env resolve: refused: " << first.planError << '\n';
    return 1;
  }
  const OverridePlan& plan = *first.plan;
  context.out << "diff:\n" << plan.diff;
  context.out << "effective afterwards: " << name << '=' << plan.effectiveAfter << '\n';
  if (beating.size() > 1) {
    context.out << beating.size() - 1 << " more assignment(s) override " << name << "; run again for each\n";
  }
  if (options.dryRun) {
    context.out << "(dry run: nothing written)\n";
    return 0;
  }
  const HelperReply reply = runHelper(helperInvocation(
      helperLaunch(context),
      HelperCommand::overrideResolve(overrideResolutionName(plan.request.resolution), name, plan.request.fileName,
                                     plan.request.line, plan.request.fingerprint)));
  (reply.ok ? context.out : context.err) << reply.message << '\n';
  if (!reply.ok) {
    return 1;
  }
  if (!reply.data.value(QStringLiteral("needsDaemonReload")).toBool()) {
    return 0;
  }
  return reloadAndRestart(context, options);
}

int runChange(CommandContext& context, const QString& verb, const QStringList& arguments) {
  ChangeOptions options;
  QString target;
  std::optional<OverrideResolution> resolution;
  for (qsizetype index = 0; index < arguments.size(); ++index) {
    const QString& argument = arguments.at(index);
    if (verb == u"resolve" && (argument == u"--merge" || argument == u"--remove")) {
      if (resolution) {
        context.err << "vgpuctl env resolve: --merge or --remove, not both\n" << kUsage;
        return 2;
      }
      resolution = argument == u"--merge" ? OverrideResolution::Merge : OverrideResolution::Remove;
    } else if (argument == u"--dry-run") {
      options.dryRun = true;
    } else if (argument == u"--no-reload") {
      options.noReload = true;
    } else if (argument == u"--restart") {
      options.restart = true;
    } else if (argument == u"--bus" && index + 1 < arguments.size()) {
      options.busAddress = arguments.at(++index);
    } else if (target.isEmpty()) {
      target = argument;
    } else {
      context.err << "vgpuctl env " << verb << ": unexpected argument '" << argument << "'\n" << kUsage;
      return 2;
    }
  }
  if (options.noReload && options.restart) {
    context.err << "vgpuctl env " << verb << ": --restart needs the reload that --no-reload skips\n" << kUsage;
    return 2;
  }
  if (!helperReachesBus(context, options.busAddress)) {
    context.err << "vgpuctl env " << verb
                << ": --bus needs --root (a test tree): the installed vgpu-helper only talks to the system bus\n";
    return 2;
  }
  QString name = target;
  std::optional<QString> value;
  if (verb == u"set") {
    const qsizetype equals = target.indexOf(u'=');
    if (equals <= 0) {
      context.err << "vgpuctl env set: expected NAME=VALUE\n" << kUsage;
      return 2;
    }
    name = target.left(equals);
    value = target.mid(equals + 1);
  }
  if (!validName(name)) {
    context.err << "vgpuctl env " << verb << ": '" << name << "' is not a variable name\n" << kUsage;
    return 2;
  }
  const SystemRoot root(context.root);
  const OllamaInstallation installation = OllamaInstallation::detect(root, QProcessEnvironment::systemEnvironment());
  if (verb == u"resolve") {
    return runResolve(context, options, root, installation, name, resolution);
  }
  const EnvironmentPlan plan = planEnvironmentChange(root, installation, name, value);
  if (!plan.ok()) {
    context.err << "vgpuctl env " << verb << ": refused: " << plan.error << '\n';
    return 1;
  }
  for (const QString& warning : plan.warnings) {
    context.err << "warning: " << warning << '\n';
  }
  if (!plan.changes()) {
    context.out << "no change: " << plan.path << " already has "
                << (plan.change.newValue ? QStringLiteral("%1=%2").arg(name, *plan.change.newValue)
                                         : QStringLiteral("no %1").arg(name))
                << '\n';
    return 0;
  }
  context.out << "diff:\n" << plan.diff;
  context.out << "new content of " << plan.path << ":\n" << QString::fromUtf8(plan.newBytes);
  if (options.dryRun) {
    context.out << "(dry run: nothing written)\n";
    return 0;
  }
  const HelperReply reply = runHelper(helperInvocation(helperLaunch(context), HelperCommand::envChange(name, value)));
  // The helper's warnings are the plan's, printed above; its message says what it did.
  (reply.ok ? context.out : context.err) << reply.message << '\n';
  if (!reply.ok) {
    return 1;
  }
  if (!reply.data.value(QStringLiteral("needsDaemonReload")).toBool()) {
    return 0; // the helper found nothing to change
  }
  return reloadAndRestart(context, options);
}

} // namespace

int runEnv(CommandContext& context) {
  const QStringList& arguments = context.arguments;
  if (arguments.isEmpty()) {
    context.err << kUsage;
    return 2;
  }
  const QString verb = arguments.first();
  if (verb == u"get") {
    return runGet(context, arguments.mid(1));
  }
  if (verb == u"set" || verb == u"unset" || verb == u"resolve") {
    return runChange(context, verb, arguments.mid(1));
  }
  context.err << "vgpuctl env: unknown subcommand '" << verb << "'\n" << kUsage;
  return 2;
}

} // namespace vgpu::cli

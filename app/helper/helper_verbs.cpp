// vgpu-helper's verbs: install, rollback, env-set/env-unset, override-resolve, shim-config-set,
// daemon-reload, restart-ollama.
#include "helper_verbs.h"

#include "helper_verb_table.h"

#include "changes/change_engine.h"
#include "changes/helper_client.h"
#include "changes/safe_fs.h"
#include "changes/shim_config_change.h"
#include "changes/shim_install_plan.h"
#include "environment/endpoint_owner.h"
#include "environment/environment_change.h"
#include "environment/override_resolution.h"
#include "environment/service_environment.h"
#include "ollama/ollama_installation.h"
#include "systemd/systemd_errors.h"
#include "systemd/systemd_manager.h"

#include <QDBusConnection>
#include <QJsonArray>
#include <QProcessEnvironment>

namespace vgpu::helper {

namespace {

using controller::ChangeEngine;
using controller::ChangePlan;
using controller::ChangeResult;
using controller::HelperExit;
using controller::SystemRoot;

HelperOutcome outcome(HelperExit exit, const QString& message, const QJsonObject& data = {}) {
  return {static_cast<int>(exit), message, data};
}

// The installation as systemd would start it; PATH is the fixed system one (never the caller's).
controller::OllamaInstallation detectOllama(const SystemRoot& root) {
  QProcessEnvironment environment;
  environment.insert(QStringLiteral("PATH"),
                     QStringLiteral("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
  return controller::OllamaInstallation::detect(root, environment);
}

// Refuses a managed drop-in that is a symlink (or sits under a symlinked directory): it could
// point the root-owned write anywhere.
QString checkDropInNotSymlink(const SystemRoot& root) {
  QString error;
  const QString path = controller::managedDropInPath();
  const auto split = controller::fs::splitSystemPath(path, &error);
  const controller::fs::Fd rootFd = controller::fs::openRoot(root.root(), &error);
  if (!split || !rootFd.valid()) {
    return error;
  }
  const controller::fs::Fd parent = controller::fs::openDirectory(rootFd.get(), split->parent, false, &error);
  if (!parent.valid()) {
    return error.contains(QStringLiteral("symlink")) ? error : QString(); // missing parent: created later
  }
  const auto entry = controller::fs::statAt(parent.get(), split->name, &error);
  if (!entry) {
    return error;
  }
  if (entry->type == controller::fs::EntryType::Symlink) {
    return QStringLiteral("refusing %1: it is a symlink (to %2), not a file vgpu wrote")
        .arg(path, entry->symlinkTarget);
  }
  if (entry->type != controller::fs::EntryType::Missing && entry->type != controller::fs::EntryType::File) {
    return QStringLiteral("refusing %1: it is a %2")
        .arg(path, QLatin1String(controller::fs::entryTypeName(entry->type)));
  }
  return {};
}

QJsonObject resultJson(const ChangeResult& result) {
  QJsonObject data{{QStringLiteral("transaction"), result.transactionId},
                   {QStringLiteral("rolledBack"), result.rolledBack}};
  if (!result.errors.isEmpty()) {
    data.insert(QStringLiteral("errors"), QJsonArray::fromStringList(result.errors));
  }
  if (!result.recovered.isEmpty()) {
    data.insert(QStringLiteral("recovered"), QJsonArray::fromStringList(result.recovered));
  }
  return data;
}

HelperOutcome applyPlan(const SystemRoot& root, const ChangePlan& plan, const HelperLog& log, const QString& verb) {
  QJsonObject data{{QStringLiteral("plan"), plan.toJson()},
                   {QStringLiteral("warnings"), QJsonArray::fromStringList(plan.warnings)}};
  if (plan.operations.isEmpty()) {
    log.action(verb, QStringLiteral("nothing to change"));
    return outcome(HelperExit::Success, QStringLiteral("nothing to change: already in place"), data);
  }
  controller::ProcessCommandRunner runner;
  ChangeEngine engine(root, runner);
  const ChangeResult result = engine.apply(plan);
  const QJsonObject resultData = resultJson(result);
  for (auto it = resultData.begin(); it != resultData.end(); ++it) {
    data.insert(it.key(), it.value());
  }
  data.insert(QStringLiteral("needsDaemonReload"), plan.needsDaemonReload);
  data.insert(QStringLiteral("needsRestart"), plan.needsRestart);
  if (!result.ok) {
    const QString message =
        QStringLiteral("%1 failed and was %2: %3")
            .arg(plan.title,
                 result.rolledBack ? QStringLiteral("rolled back") : QStringLiteral("NOT fully rolled back"),
                 result.errors.join(QStringLiteral("; ")));
    log.action(verb, message);
    return outcome(HelperExit::Failed, message, data);
  }
  const QString message = QStringLiteral("%1: applied as transaction %2").arg(plan.title, result.transactionId);
  log.action(verb, message);
  return outcome(HelperExit::Success, message, data);
}

// Rolls back interrupted transactions so that plans are made against a consistent system.
std::optional<HelperOutcome> recoverFirst(const SystemRoot& root, const HelperLog& log, const QString& verb) {
  controller::ProcessCommandRunner runner;
  const ChangeResult recovered = ChangeEngine(root, runner).recover();
  for (const QString& id : recovered.recovered) {
    log.action(verb, QStringLiteral("rolled back interrupted transaction %1").arg(id));
  }
  if (!recovered.ok) {
    const QString message = QStringLiteral("cannot roll back an interrupted transaction: %1")
                                .arg(recovered.errors.join(QStringLiteral("; ")));
    log.action(verb, message);
    return outcome(HelperExit::Failed, message, resultJson(recovered));
  }
  return std::nullopt;
}

} // namespace

namespace actions {

HelperOutcome install(const HelperRequest& request, const HelperLog& log) {
  const SystemRoot root(request.root);
  if (auto failed = recoverFirst(root, log, request.command.verbName())) {
    return *failed;
  }
  controller::ShimInstallRequest install;
  install.scope = *controller::installScopeFromName(request.command.arguments.at(1));
  install.dropInPath = controller::managedDropInPath();
  if (install.scope == controller::InstallScope::Service) {
    if (const QString problem = checkDropInNotSymlink(root); !problem.isEmpty()) {
      log.refusal(request.command.verbName(), problem);
      return outcome(HelperExit::Refused, problem);
    }
    const controller::EnvironmentPlan environment =
        controller::planEnvironmentChange(root, detectOllama(root), QStringLiteral("LD_LIBRARY_PATH"),
                                          install.targetDir, controller::PlanCaller::Installer);
    if (!environment.ok()) {
      log.refusal(request.command.verbName(), environment.error);
      return outcome(HelperExit::Refused, environment.error);
    }
    install.dropIn = environment.newBytes;
  }
  QString error;
  const std::optional<ChangePlan> plan = controller::planShimInstall(root, install, &error);
  if (!plan) {
    log.action(request.command.verbName(), QStringLiteral("cannot plan: %1").arg(error));
    return outcome(HelperExit::Failed, error);
  }
  return applyPlan(root, *plan, log, request.command.verbName());
}

HelperOutcome rollback(const HelperRequest& request, const HelperLog& log) {
  controller::ProcessCommandRunner runner;
  ChangeEngine engine(SystemRoot(request.root), runner);
  const ChangeResult result = engine.rollback(request.command.arguments.at(0));
  if (!result.ok) {
    const QString message = result.errors.join(QStringLiteral("; "));
    log.action(request.command.verbName(), QStringLiteral("%1: %2").arg(request.command.arguments.at(0), message));
    return outcome(HelperExit::Failed, message, resultJson(result));
  }
  const QString message = QStringLiteral("transaction %1 rolled back").arg(request.command.arguments.at(0));
  log.action(request.command.verbName(), message);
  return outcome(HelperExit::Success, message, resultJson(result));
}

HelperOutcome changeEnvironment(const HelperRequest& request, const HelperLog& log) {
  const SystemRoot root(request.root);
  if (const QString problem = checkDropInNotSymlink(root); !problem.isEmpty()) {
    log.refusal(request.command.verbName(), problem);
    return outcome(HelperExit::Refused, problem);
  }
  if (auto failed = recoverFirst(root, log, request.command.verbName())) {
    return *failed;
  }
  const QString& name = request.command.arguments.at(0);
  const std::optional<QString> value = request.command.verb == controller::HelperVerb::EnvSet
                                           ? std::optional<QString>(request.command.arguments.at(1))
                                           : std::nullopt;
  // The service's CUDA traffic goes where VGPU_ENDPOINT leads: only to sockets root or vgpud own.
  if (value && name == QLatin1String("VGPU_ENDPOINT") && value->startsWith(QLatin1String("unix:"))) {
    if (const QString problem = controller::checkUnixEndpointOwner(root, value->mid(5)); !problem.isEmpty()) {
      log.refusal(request.command.verbName(), QStringLiteral("%1: %2").arg(name, problem));
      return outcome(HelperExit::Refused, QStringLiteral("VGPU_ENDPOINT: ") + problem);
    }
  }
  const controller::EnvironmentPlan environment =
      controller::planEnvironmentChange(root, detectOllama(root), name, value, controller::PlanCaller::User);
  if (!environment.ok()) {
    log.refusal(request.command.verbName(), QStringLiteral("%1: %2").arg(name, environment.error));
    return outcome(HelperExit::Refused, environment.error);
  }
  QString error;
  std::optional<ChangePlan> plan = controller::planConfigFile(
      root,
      QStringLiteral("%1 %2 in the managed drop-in").arg(value ? QStringLiteral("set") : QStringLiteral("unset"), name),
      environment.path, environment.newBytes, &error);
  if (!plan) {
    log.action(request.command.verbName(), QStringLiteral("cannot plan: %1").arg(error));
    return outcome(HelperExit::Failed, error);
  }
  plan->needsDaemonReload = !plan->operations.isEmpty();
  plan->needsRestart = plan->needsDaemonReload;
  plan->warnings.append(environment.warnings);
  HelperOutcome result = applyPlan(root, *plan, log, request.command.verbName());
  result.data.insert(QStringLiteral("diff"), environment.diff);
  return result;
}

// override-resolve: a later drop-in's assignment that beats the managed drop-in is removed from it
// (remove), or its value moved into the managed drop-in first (merge); one transaction for both
// files, so rollback restores them byte for byte.
HelperOutcome resolveOverride(const HelperRequest& request, const HelperLog& log) {
  const SystemRoot root(request.root);
  if (const QString problem = checkDropInNotSymlink(root); !problem.isEmpty()) {
    log.refusal(request.command.verbName(), problem);
    return outcome(HelperExit::Refused, problem);
  }
  if (auto failed = recoverFirst(root, log, request.command.verbName())) {
    return *failed;
  }
  controller::OverrideRequest resolve;
  resolve.resolution = *controller::overrideResolutionFromName(request.command.arguments.at(0));
  resolve.variable = request.command.arguments.at(1);
  resolve.fileName = request.command.arguments.at(2);
  resolve.line = request.command.arguments.at(3).toInt();
  resolve.fingerprint = request.command.arguments.at(4);
  const controller::OverridePlan planned = controller::planOverrideResolution(root, detectOllama(root), resolve);
  if (!planned.ok()) {
    log.refusal(request.command.verbName(), planned.error);
    return outcome(HelperExit::Refused, planned.error);
  }
  const QString title = QStringLiteral("%1 %2 of %3:%4")
                            .arg(resolve.resolution == controller::OverrideResolution::Merge
                                     ? QStringLiteral("merge into the managed drop-in")
                                     : QStringLiteral("remove"),
                                 resolve.variable, planned.otherPath)
                            .arg(resolve.line);
  QString error;
  std::optional<ChangePlan> plan;
  if (planned.changesManaged()) {
    plan = controller::planConfigFile(root, title, planned.managedPath, planned.managedNewBytes, &error);
  }
  if (!planned.changesManaged() || plan) {
    std::optional<ChangePlan> other =
        controller::planConfigFile(root, title, planned.otherPath, planned.otherNewBytes, &error);
    if (other && plan) {
      plan->operations.append(other->operations);
      plan->notes.append(other->notes);
    } else {
      plan = other;
    }
  }
  if (!plan) {
    log.action(request.command.verbName(), QStringLiteral("cannot plan: %1").arg(error));
    return outcome(HelperExit::Failed, error);
  }
  plan->needsDaemonReload = !plan->operations.isEmpty();
  plan->needsRestart = plan->needsDaemonReload;
  HelperOutcome result = applyPlan(root, *plan, log, request.command.verbName());
  result.data.insert(QStringLiteral("diff"), planned.diff);
  result.data.insert(QStringLiteral("effectiveBefore"), planned.effectiveBefore);
  result.data.insert(QStringLiteral("effectiveAfter"), planned.effectiveAfter);
  return result;
}

// shim-config-set: backend, endpoint and token_file of /etc/vgpu/shim.conf, edited in place (its
// other lines kept), one journaled transaction so rollback restores the file byte for byte or
// removes it when it did not exist. A unix: endpoint must be root's or vgpud's socket, as for
// VGPU_ENDPOINT; the token file must be a regular file. The shims read the file at their next start.
HelperOutcome setShimConfig(const HelperRequest& request, const HelperLog& log) {
  const SystemRoot root(request.root);
  if (auto failed = recoverFirst(root, log, request.command.verbName())) {
    return *failed;
  }
  const controller::ShimConfigPlan planned = controller::planShimConfigChange(
      root, controller::ShimConfigSettings::fromArguments(request.command.arguments), true);
  if (planned.refused) {
    log.refusal(request.command.verbName(), planned.error);
    return outcome(HelperExit::Refused, planned.error);
  }
  if (!planned.plan) {
    log.action(request.command.verbName(), QStringLiteral("cannot plan: %1").arg(planned.error));
    return outcome(HelperExit::Failed, planned.error);
  }
  ChangePlan plan = *planned.plan;
  plan.needsRestart = !plan.operations.isEmpty(); // the shims in Ollama's runners read it when they start
  HelperOutcome result = applyPlan(root, plan, log, request.command.verbName());
  result.data.insert(QStringLiteral("diff"), planned.diff);
  return result;
}

// The bus systemd is on: the system bus; in test mode (--root, never under pkexec) the private bus
// named by VGPU_HELPER_TEST_BUS, where the tests run a fake org.freedesktop.systemd1.
QDBusConnection systemdBus(const HelperRequest& request) {
  if (request.testMode && qEnvironmentVariableIsSet("VGPU_HELPER_TEST_BUS")) {
    return QDBusConnection::connectToBus(qEnvironmentVariable("VGPU_HELPER_TEST_BUS"),
                                         QStringLiteral("vgpu-helper-test"));
  }
  return QDBusConnection::systemBus();
}

// daemon-reload and restart-ollama: one systemd job, followed to its JobRemoved result.
HelperOutcome systemdJob(const HelperRequest& request, const HelperLog& log) {
  const QDBusConnection bus = systemdBus(request);
  const bool reload = request.command.verb == controller::HelperVerb::DaemonReload;
  controller::JobOutcome job;
  job.verb = reload ? controller::SystemdVerb::Reload : controller::SystemdVerb::Restart;
  if (!bus.isConnected()) {
    job.error = controller::unreachableBus(bus.lastError());
  } else {
    controller::SystemdManager manager(bus);
    job = reload ? manager.reloadAndWait()
                 : manager.runAndWait(controller::SystemdVerb::Restart, QStringLiteral("ollama.service"));
  }
  QJsonObject data{{QStringLiteral("job"), controller::jobOutcomeToJson(job)}};
  if (!job.succeeded()) {
    log.action(request.command.verbName(), QStringLiteral("failed: %1 %2").arg(job.error.message, job.error.detail));
    return outcome(HelperExit::Failed, job.error.message, data);
  }
  const QString message = reload ? QStringLiteral("systemd reloaded its unit files")
                                 : QStringLiteral("ollama.service restarted (job result: %1)").arg(job.result);
  log.action(request.command.verbName(), message);
  return outcome(HelperExit::Success, message, data);
}

} // namespace actions

HelperOutcome runVerb(const HelperRequest& request, const HelperLog& log) {
  if (const VerbHandler* handler = verbHandler(request.command.verb)) {
    return handler->run(request, log);
  }
  return outcome(
      HelperExit::NotImplemented,
      QStringLiteral("vgpu-helper cannot carry out '%1' (no action for this verb)").arg(request.command.verbName()));
}

} // namespace vgpu::helper

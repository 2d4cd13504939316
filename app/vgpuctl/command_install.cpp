// `vgpuctl install --scope service|system [--dry-run] [--json]`: installs the vgpu shim through
// vgpu-helper (pkexec). --dry-run plans in this process, as the user, and prints the exact file
// operations (or the plan as JSON) without changing anything.
// Exit codes: 0 installed (or planned), 1 refused, failed or not authorized, 2 usage.
#include "helper_launch.h"
#include "vgpuctl_command.h"

#include "changes/shim_install_plan.h"
#include "environment/environment_change.h"
#include "ollama/ollama_installation.h"

#include <QJsonDocument>

namespace vgpu::cli {

namespace {

using namespace vgpu::controller;

const char* const kUsage = "usage: vgpuctl install --scope service|system [--dry-run] [--json]\n";

// The same plan vgpu-helper makes, computed read-only for --dry-run.
std::optional<ChangePlan> planInstall(const CommandContext& context, InstallScope scope, QString* error) {
  const SystemRoot root(context.root);
  ShimInstallRequest request;
  request.scope = scope;
  if (scope == InstallScope::Service) {
    const EnvironmentPlan environment =
        planEnvironmentChange(root, OllamaInstallation::detect(root, QProcessEnvironment::systemEnvironment()),
                              QStringLiteral("LD_LIBRARY_PATH"), request.targetDir, PlanCaller::Installer);
    if (!environment.ok()) {
      *error = environment.error;
      return std::nullopt;
    }
    request.dropIn = environment.newBytes;
    request.dropInPath = environment.path;
  }
  return planShimInstall(root, request, error);
}

} // namespace

int runInstall(CommandContext& context) {
  std::optional<InstallScope> scope;
  bool dryRun = false;
  bool json = false;
  const QStringList& arguments = context.arguments;
  for (qsizetype index = 0; index < arguments.size(); ++index) {
    const QString& argument = arguments.at(index);
    if (argument == u"--scope" && index + 1 < arguments.size()) {
      scope = installScopeFromName(arguments.at(++index));
      if (!scope) {
        context.err << "vgpuctl install: unknown scope '" << arguments.at(index) << "'\n" << kUsage;
        return 2;
      }
    } else if (argument == u"--dry-run") {
      dryRun = true;
    } else if (argument == u"--json") {
      json = true;
    } else {
      context.err << "vgpuctl install: unexpected argument '" << argument << "'\n" << kUsage;
      return 2;
    }
  }
  if (!scope) {
    context.err << "vgpuctl install: --scope is required\n" << kUsage;
    return 2;
  }
  if (dryRun) {
    QString error;
    const std::optional<ChangePlan> plan = planInstall(context, *scope, &error);
    if (!plan) {
      context.err << "vgpuctl install: " << error << '\n';
      return 1;
    }
    if (json) {
      context.out << QJsonDocument(plan->toJson()).toJson(QJsonDocument::Indented);
    } else {
      context.out << plan->describe() << "(dry run: nothing was changed)\n";
    }
    return 0;
  }
  const HelperReply reply =
      runHelper(helperInvocation(helperLaunch(context), HelperCommand::install(installScopeName(*scope))));
  if (json) {
    context.out << QJsonDocument(reply.data).toJson(QJsonDocument::Indented);
    return reply.ok ? 0 : 1;
  }
  const int code = printHelperReply(reply, context.out, context.err);
  if (reply.ok && reply.data.value(QStringLiteral("needsDaemonReload")).toBool()) {
    context.out << "next: vgpuctl service reload && vgpuctl service restart\n";
  } else if (reply.ok && reply.data.value(QStringLiteral("needsRestart")).toBool()) {
    context.out << "next: vgpuctl service restart\n";
  }
  return code;
}

} // namespace vgpu::cli

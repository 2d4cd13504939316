// `vgpuctl shim-config show [--json]` and `vgpuctl shim-config set --backend sim|remote
// [--endpoint E] [--token-file F] [--dry-run] [--json]`: where the guest's shims send their work,
// /etc/vgpu/shim.conf's backend, endpoint and token_file. show reads the file as the user; set
// plans in this process (the diff), then vgpu-helper shim-config-set writes it (polkit asks), one
// journaled transaction `vgpuctl rollback` undoes.
// Exit codes: 0 shown, planned or applied, 1 refused, failed or not authorized, 2 usage.
#include "helper_launch.h"
#include "vgpuctl_command.h"

#include "changes/shim_config_change.h"

#include <QJsonDocument>

namespace vgpu::cli {

namespace {

using namespace vgpu::controller;

const char* const kUsage = "usage: vgpuctl shim-config show [--json]\n"
                           "       vgpuctl shim-config set --backend sim|remote [--endpoint ENDPOINT] "
                           "[--token-file FILE] [--dry-run] [--json]\n";

QJsonObject settingsJson(const ShimConfigSettings& settings, bool exists) {
  const auto optional = [](const std::optional<QString>& value) { return value ? QJsonValue(*value) : QJsonValue(); };
  return {{QStringLiteral("path"), QLatin1String(kShimConfigPath)},
          {QStringLiteral("exists"), exists},
          {QStringLiteral("backend"), settings.backend.isEmpty() ? QJsonValue() : QJsonValue(settings.backend)},
          {QStringLiteral("endpoint"), optional(settings.endpoint)},
          {QStringLiteral("tokenFile"), optional(settings.tokenFile)}};
}

int show(CommandContext& context, bool json) {
  bool exists = false;
  QString error;
  const QByteArray text = readShimConfig(SystemRoot(context.root), &exists, &error);
  if (!error.isEmpty()) {
    context.err << "vgpuctl shim-config: " << error << '\n';
    return 1;
  }
  const ShimConfigSettings settings = parseShimConfigSettings(text);
  if (json) {
    context.out << QJsonDocument(settingsJson(settings, exists)).toJson(QJsonDocument::Indented);
    return 0;
  }
  const QString unset = QStringLiteral("(not set)");
  context.out << kShimConfigPath << (exists ? "" : " (does not exist: the shims' defaults apply)") << '\n'
              << "backend:    " << (settings.backend.isEmpty() ? unset : settings.backend) << '\n'
              << "endpoint:   " << settings.endpoint.value_or(unset) << '\n'
              << "token_file: " << settings.tokenFile.value_or(unset) << '\n';
  return 0;
}

int set(CommandContext& context, const ShimConfigSettings& settings, bool dryRun, bool json) {
  if (dryRun) {
    const ShimConfigPlan planned = planShimConfigChange(SystemRoot(context.root), settings, false);
    if (!planned.plan) {
      context.err << "vgpuctl shim-config: " << planned.error << '\n';
      return 1;
    }
    if (json) {
      QJsonObject data = planned.plan->toJson();
      data.insert(QStringLiteral("diff"), planned.diff);
      context.out << QJsonDocument(data).toJson(QJsonDocument::Indented);
    } else {
      context.out << (planned.diff.isEmpty()
                          ? QStringLiteral("%1 already holds these settings\n").arg(QLatin1String(kShimConfigPath))
                          : planned.diff)
                  << "(dry run: nothing was changed)\n";
    }
    return 0;
  }
  const HelperReply reply = runHelper(helperInvocation(
      helperLaunch(context), HelperCommand::shimConfigSet(settings.backend, settings.endpoint, settings.tokenFile)));
  if (json) {
    context.out << QJsonDocument(reply.data).toJson(QJsonDocument::Indented);
    return reply.ok ? 0 : 1;
  }
  if (reply.ok) {
    context.out << reply.data.value(QStringLiteral("diff")).toString();
  }
  const int code = printHelperReply(reply, context.out, context.err);
  if (reply.ok && reply.data.value(QStringLiteral("needsRestart")).toBool()) {
    context.out << "next: vgpuctl service restart (the shims read shim.conf when they start)\n";
  }
  return code;
}

} // namespace

int runShimConfig(CommandContext& context) {
  const QStringList& arguments = context.arguments;
  const QString verb = arguments.value(0);
  if (verb != u"show" && verb != u"set") {
    context.err << "vgpuctl shim-config: expected show or set\n" << kUsage;
    return 2;
  }
  ShimConfigSettings settings;
  bool dryRun = false;
  bool json = false;
  for (qsizetype index = 1; index < arguments.size(); ++index) {
    const QString& argument = arguments.at(index);
    const bool hasValue = index + 1 < arguments.size() && verb == u"set";
    if (argument == u"--backend" && hasValue) {
      settings.backend = arguments.at(++index);
    } else if (argument == u"--endpoint" && hasValue) {
      settings.endpoint = arguments.at(++index);
    } else if (argument == u"--token-file" && hasValue) {
      settings.tokenFile = arguments.at(++index);
    } else if (argument == u"--dry-run" && verb == u"set") {
      dryRun = true;
    } else if (argument == u"--json") {
      json = true;
    } else {
      context.err << "vgpuctl shim-config: unexpected argument '" << argument << "'\n" << kUsage;
      return 2;
    }
  }
  if (verb == u"show") {
    return show(context, json);
  }
  if (settings.backend.isEmpty()) {
    context.err << "vgpuctl shim-config set: --backend is required\n" << kUsage;
    return 2;
  }
  return set(context, settings, dryRun, json);
}

} // namespace vgpu::cli

// The helper's verbs, one row each.
#include "changes/helper_command.h"

namespace vgpu::controller {

namespace {

constexpr HelperVerbSpec kVerbs[] = {
    {HelperVerb::Install, "install", 2, "install --scope service|system", false},
    {HelperVerb::Rollback, "rollback", 1, "rollback ID", false},
    {HelperVerb::EnvSet, "env-set", 2, "env-set NAME VALUE", false},
    {HelperVerb::EnvUnset, "env-unset", 1, "env-unset NAME", false},
    {HelperVerb::OverrideResolve, "override-resolve", 5, "override-resolve remove|merge NAME FILE LINE SHA256", false},
    {HelperVerb::ShimConfigSet, "shim-config-set", 3, "shim-config-set sim|remote ENDPOINT|- TOKEN_FILE|-", false},
    {HelperVerb::DaemonReload, "daemon-reload", 0, "daemon-reload", true},
    {HelperVerb::RestartOllama, "restart-ollama", 0, "restart-ollama", true},
};

} // namespace

std::span<const HelperVerbSpec> helperVerbTable() {
  return kVerbs;
}

const HelperVerbSpec& helperVerbSpec(HelperVerb verb) {
  for (const HelperVerbSpec& spec : kVerbs) {
    if (spec.verb == verb) {
      return spec;
    }
  }
  return kVerbs[0]; // unreachable: every verb has a row (test_helper_command)
}

std::optional<HelperVerb> helperVerbNamed(const QString& name) {
  for (const HelperVerbSpec& spec : kVerbs) {
    if (name == QLatin1String(spec.name)) {
      return spec.verb;
    }
  }
  return std::nullopt;
}

HelperCommand HelperCommand::install(const QString& scopeName) {
  return {HelperVerb::Install, {QStringLiteral("--scope"), scopeName}};
}

HelperCommand HelperCommand::rollback(const QString& transactionId) {
  return {HelperVerb::Rollback, {transactionId}};
}

HelperCommand HelperCommand::envSet(const QString& name, const QString& value) {
  return {HelperVerb::EnvSet, {name, value}};
}

HelperCommand HelperCommand::envUnset(const QString& name) {
  return {HelperVerb::EnvUnset, {name}};
}

HelperCommand HelperCommand::envChange(const QString& name, const std::optional<QString>& value) {
  return value ? envSet(name, *value) : envUnset(name);
}

HelperCommand HelperCommand::overrideResolve(const QString& resolutionName, const QString& variable,
                                             const QString& fileName, int line, const QString& sha256) {
  return {HelperVerb::OverrideResolve, {resolutionName, variable, fileName, QString::number(line), sha256}};
}

HelperCommand HelperCommand::shimConfigSet(const QString& backend, const std::optional<QString>& endpoint,
                                           const std::optional<QString>& tokenFile) {
  const QString unset = QStringLiteral("-");
  return {HelperVerb::ShimConfigSet, {backend, endpoint.value_or(unset), tokenFile.value_or(unset)}};
}

HelperCommand HelperCommand::daemonReload() {
  return {HelperVerb::DaemonReload, {}};
}

HelperCommand HelperCommand::restartOllama() {
  return {HelperVerb::RestartOllama, {}};
}

QString HelperCommand::verbName() const {
  return QLatin1String(helperVerbSpec(verb).name);
}

QStringList HelperCommand::commandLine() const {
  return QStringList{verbName()} + arguments;
}

QString HelperCommand::text() const {
  return commandLine().join(u' ');
}

} // namespace vgpu::controller

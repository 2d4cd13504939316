// HelperCommand: one vgpu-helper verb with its arguments, the one type every caller builds — the
// doctor's remedies, the console's pages and wizard, vgpuctl — and the verb table the helper
// validates requests by. A verb's name, argument count and usage exist only here
// (docs/helper-protocol.md describes them for people; test_helper_command checks the two agree).
#pragma once

#include <QString>
#include <QStringList>
#include <optional>
#include <span>

namespace vgpu::controller {

enum class HelperVerb {
  Install,         // install --scope service|system
  Rollback,        // rollback ID
  EnvSet,          // env-set NAME VALUE
  EnvUnset,        // env-unset NAME
  OverrideResolve, // override-resolve remove|merge NAME FILE LINE SHA256
  ShimConfigSet,   // shim-config-set BACKEND ENDPOINT|- TOKEN_FILE|-
  DaemonReload,    // daemon-reload
  RestartOllama,   // restart-ollama
};

struct HelperVerbSpec {
  HelperVerb verb;
  const char* name;
  qsizetype argumentCount;
  const char* usage;
  bool systemdJob; // carried out as a systemd job (its reply has "job"), not a journaled file change
};

// Every verb, in the order the helper lists them.
std::span<const HelperVerbSpec> helperVerbTable();
const HelperVerbSpec& helperVerbSpec(HelperVerb verb);
std::optional<HelperVerb> helperVerbNamed(const QString& name);

struct HelperCommand {
  HelperVerb verb = HelperVerb::DaemonReload;
  QStringList arguments;
  bool temporary = false; // a diagnosis step, to be undone after it (e.g. OLLAMA_DEBUG=1)

  static HelperCommand install(const QString& scopeName);
  static HelperCommand rollback(const QString& transactionId);
  static HelperCommand envSet(const QString& name, const QString& value);
  static HelperCommand envUnset(const QString& name);
  // env-set when `value` is set, env-unset when not.
  static HelperCommand envChange(const QString& name, const std::optional<QString>& value);
  static HelperCommand overrideResolve(const QString& resolutionName, const QString& variable, const QString& fileName,
                                       int line, const QString& sha256);
  // backend, endpoint and token_file of /etc/vgpu/shim.conf ("-" removes a key's line).
  static HelperCommand shimConfigSet(const QString& backend, const std::optional<QString>& endpoint,
                                     const std::optional<QString>& tokenFile);
  static HelperCommand daemonReload();
  static HelperCommand restartOllama();

  QString verbName() const;
  // The helper's command line after its options: the verb, then the arguments.
  QStringList commandLine() const;
  // "env-set OLLAMA_DEBUG 1": for logs, plans and messages.
  QString text() const;

  friend bool operator==(const HelperCommand&, const HelperCommand&) = default;
};

} // namespace vgpu::controller

// vgpu-helper request parsing and validation: the command line, then each verb's argument checks
// (found through the verb table, helper_verb_table.h).
#include "helper_request.h"

#include "helper_verb_table.h"

#include "changes/change_engine.h"
#include "changes/helper_client.h"
#include "changes/shim_config_change.h"
#include "changes/shim_install_plan.h"
#include "environment/override_resolution.h"
#include "environment/variable_table.h"

#include <QRegularExpression>

namespace vgpu::helper {

namespace {

using controller::HelperExit;

constexpr int kInvalid = static_cast<int>(HelperExit::InvalidRequest);
constexpr int kRefused = static_cast<int>(HelperExit::Refused);

QString checkVariableName(const QString& name, bool forRemoval) {
  static const QRegularExpression shape(QStringLiteral("^[A-Z_][A-Z0-9_]*$"));
  if (!shape.match(name).hasMatch()) {
    return QStringLiteral("'%1' is not an environment variable name").arg(name);
  }
  if (forRemoval && name == QLatin1String("OLLAMA_NUM_GPU")) {
    return {}; // Ollama ignores it; removing it is offered
  }
  const controller::VariableSpec* spec = controller::findManagedVariable(name);
  if (spec == nullptr) {
    return QStringLiteral("unknown variable %1: vgpu-helper only writes the variables vgpu manages").arg(name);
  }
  if (spec->installerOnly) {
    return QStringLiteral("%1 is written by the shim installer only").arg(name);
  }
  return {};
}

} // namespace

namespace checks {

QString checkInstall(const QStringList& arguments, int* exitCode) {
  if (arguments.at(0) != QLatin1String("--scope")) {
    *exitCode = kInvalid;
    return QStringLiteral("install takes --scope service|system");
  }
  if (!controller::installScopeFromName(arguments.at(1))) {
    return QStringLiteral("unknown scope '%1' (service or system)").arg(arguments.at(1));
  }
  return {};
}

QString checkRollback(const QStringList& arguments, int*) {
  if (!controller::ChangeEngine::isValidTransactionId(arguments.at(0))) {
    return QStringLiteral("'%1' is not a transaction id (see vgpuctl transactions)").arg(arguments.at(0));
  }
  return {};
}

QString checkEnvSet(const QStringList& arguments, int*) {
  return checkVariableName(arguments.at(0), false);
}

QString checkEnvUnset(const QStringList& arguments, int*) {
  return checkVariableName(arguments.at(0), true);
}

// override-resolve remove|merge NAME FILE LINE SHA256: the file is a name in the drop-in folder,
// never a path; the line is named by its number and the SHA-256 of the bytes the admin was shown.
QString checkOverrideResolve(const QStringList& arguments, int* exitCode) {
  if (!controller::overrideResolutionFromName(arguments.at(0))) {
    *exitCode = kInvalid;
    return QStringLiteral("override-resolve takes remove or merge, not '%1'").arg(arguments.at(0));
  }
  static const QRegularExpression shape(QStringLiteral("^[A-Z_][A-Z0-9_]*$"));
  if (!shape.match(arguments.at(1)).hasMatch()) {
    return QStringLiteral("'%1' is not an environment variable name").arg(arguments.at(1));
  }
  if (controller::findManagedVariable(arguments.at(1)) == nullptr) {
    return QStringLiteral("unknown variable %1: vgpu-helper only resolves the variables vgpu manages")
        .arg(arguments.at(1));
  }
  if (const QString problem = controller::checkDropInFileName(arguments.at(2)); !problem.isEmpty()) {
    return problem;
  }
  bool isNumber = false;
  const int line = arguments.at(3).toInt(&isNumber);
  if (!isNumber || line < 1 || line > 1000000) {
    *exitCode = kInvalid;
    return QStringLiteral("'%1' is not a line number").arg(arguments.at(3));
  }
  static const QRegularExpression sha(QStringLiteral("^[0-9a-f]{64}$"));
  if (!sha.match(arguments.at(4)).hasMatch()) {
    *exitCode = kInvalid;
    return QStringLiteral("'%1' is not the SHA-256 of the line (64 lower-case hex digits)").arg(arguments.at(4));
  }
  return {};
}

// shim-config-set BACKEND ENDPOINT|- TOKEN_FILE|-: the values' own shape (the shims' parser for the
// endpoint); whether the token file exists is the action's check, on the tree.
QString checkShimConfigSet(const QStringList& arguments, int*) {
  return controller::checkShimConfigSettings(controller::ShimConfigSettings::fromArguments(arguments));
}

QString checkNothing(const QStringList&, int*) {
  return {};
}

} // namespace checks

namespace {

// Checks every argument for what no verb accepts: control characters and ".." path segments.
QString checkArgumentText(const QString& argument) {
  for (const QChar c : argument) {
    if (c == u'\n' || c == u'\r') {
      return QStringLiteral("an argument contains a newline, which could inject lines into a configuration file");
    }
    if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
      return QStringLiteral("an argument contains the control character U+%1")
          .arg(c.unicode(), 4, 16, QLatin1Char('0'));
    }
  }
  if (argument.split(u'/').contains(QStringLiteral(".."))) {
    return QStringLiteral("path traversal ('..') in argument '%1'").arg(argument);
  }
  return {};
}

} // namespace

QStringList helperVerbs() {
  QStringList verbs;
  for (const controller::HelperVerbSpec& verb : controller::helperVerbTable()) {
    verbs.append(QLatin1String(verb.usage));
  }
  return verbs;
}

RequestCheck checkRequest(const QStringList& arguments) {
  RequestCheck check;
  HelperRequest request;
  QStringList rest = arguments;
  const auto fail = [&](int exitCode, const QString& message) {
    check.exitCode = exitCode;
    check.message = message;
    return check;
  };
  for (const QString& argument : rest) {
    if (const QString problem = checkArgumentText(argument); !problem.isEmpty()) {
      return fail(kRefused, problem);
    }
  }
  if (!rest.isEmpty() && rest.first() == QLatin1String("--root")) {
    if (rest.size() < 2 || !rest.at(1).startsWith(u'/')) {
      return fail(kInvalid, QStringLiteral("--root needs an absolute directory"));
    }
    request.root = rest.at(1);
    request.testMode = true;
    rest = rest.mid(2);
  }
  if (rest.isEmpty()) {
    return fail(kInvalid, QStringLiteral("no verb given; verbs: %1").arg(helperVerbs().join(QStringLiteral("; "))));
  }
  check.verb = rest.first();
  const std::optional<controller::HelperVerb> verb = controller::helperVerbNamed(check.verb);
  if (!verb) {
    return fail(
        kInvalid,
        QStringLiteral("unknown verb '%1'; verbs: %2").arg(check.verb, helperVerbs().join(QStringLiteral("; "))));
  }
  const controller::HelperVerbSpec& spec = controller::helperVerbSpec(*verb);
  request.command = controller::HelperCommand{*verb, rest.mid(1)};
  if (request.command.arguments.size() != spec.argumentCount) {
    return fail(kInvalid, QStringLiteral("usage: vgpu-helper %1").arg(QLatin1String(spec.usage)));
  }
  const VerbHandler* handler = verbHandler(*verb);
  if (handler == nullptr) {
    return fail(kInvalid, QStringLiteral("vgpu-helper has no checks for '%1'").arg(check.verb));
  }
  int exitCode = kRefused;
  if (const QString problem = handler->check(request.command.arguments, &exitCode); !problem.isEmpty()) {
    return fail(exitCode, problem);
  }
  check.request = request;
  return check;
}

QString checkCaller(const Caller& caller, bool testMode) {
  if (testMode && caller.pkexecUid) {
    return QStringLiteral("--root is a test mode and is refused when vgpu-helper is started through pkexec");
  }
  if (!testMode && caller.effectiveUid != 0) {
    return QStringLiteral("vgpu-helper must run as root (started through pkexec); it is running as uid %1")
        .arg(caller.effectiveUid);
  }
  return {};
}

} // namespace vgpu::helper

// HelperClient: how the console and vgpuctl ask vgpu-helper (the only privileged program) to act.
// It builds the pkexec command line (or, for a test tree, the helper's own command line with
// --root), runs it, and turns the helper's exit code and one-line JSON reply into a HelperReply.
// pkexec's own exit codes (126 dismissed, 127 not authorized) are mapped to clear messages.
// The protocol is documented in docs/helper-protocol.md.
#pragma once

#include "changes/helper_command.h"
#include "common/install_paths.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace vgpu::controller {

// The helper's exit codes (and pkexec's, which come back through the same channel).
enum class HelperExit : int {
  Success = 0,
  Failed = 1,          // the action ran and failed (e.g. apply failed and was rolled back)
  InvalidRequest = 2,  // unknown verb, wrong number of arguments, unknown option
  Refused = 3,         // an argument failed validation (traversal, injection, unknown variable, symlink)
  CallerRefused = 4,   // not root, or --root given when started through pkexec
  NotImplemented = 5,  // the verb exists but this build cannot carry it out
  AuthDismissed = 126, // pkexec: the authentication dialog was dismissed
  NotAuthorized = 127, // pkexec: not authorized (or pkexec could not run the helper)
};

// A one-line explanation of an exit code for people.
QString helperExitMessage(int exitCode);

struct HelperLaunch {
  QString helperPath = installedHelperPath(); // the path the polkit policy names
  QString pkexecPath = QStringLiteral("pkexec");
  // Non-empty and not "/": a test tree. The helper is run directly (no pkexec) with --root.
  QString testRoot;
};

struct HelperInvocation {
  QString program;
  QStringList arguments;
};

HelperInvocation helperInvocation(const HelperLaunch& launch, const HelperCommand& command);

struct HelperReply {
  int exitCode = -1;
  bool ok = false;
  QString message;     // the helper's message, or the exit-code message when it printed none
  QJsonObject data;    // the helper's JSON reply (empty when it printed none)
  QString diagnostics; // what it printed on stderr
};

// Interprets a finished helper run.
HelperReply parseHelperReply(int exitCode, const QByteArray& standardOutput, const QByteArray& standardError);

// Runs the invocation and waits (the pkexec dialog may take a while: up to `timeoutMs`).
HelperReply runHelper(const HelperInvocation& invocation, int timeoutMs = 300000);

} // namespace vgpu::controller

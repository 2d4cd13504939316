// vgpu-helper's request: the command line parsed and every argument validated by the helper
// itself (never trusting the caller). Only whitelisted verbs exist; paths are never arguments.
//   vgpu-helper [--root DIR] install --scope service|system
//   vgpu-helper [--root DIR] rollback ID
//   vgpu-helper [--root DIR] env-set NAME VALUE | env-unset NAME
//   vgpu-helper [--root DIR] override-resolve remove|merge NAME FILE LINE SHA256
//   vgpu-helper [--root DIR] shim-config-set sim|remote ENDPOINT|- TOKEN_FILE|-
//   vgpu-helper [--root DIR] daemon-reload | restart-ollama
// --root (test mode) runs on a test tree; it is refused when the helper was started by pkexec.
#pragma once

#include "changes/helper_command.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::helper {

struct HelperRequest {
  QString root = QStringLiteral("/");
  bool testMode = false;
  controller::HelperCommand command; // the verb from the shared table, its arguments validated
};

struct RequestCheck {
  std::optional<HelperRequest> request; // set when valid
  int exitCode = 0;                     // InvalidRequest or Refused otherwise
  QString verb;                         // for the log, when known
  QString message;
};

// Who runs the helper; PKEXEC_UID (set by pkexec) names the user who asked.
struct Caller {
  unsigned effectiveUid = 0;
  std::optional<unsigned> pkexecUid;
};

// Parses and validates `arguments` (argv without the program name).
RequestCheck checkRequest(const QStringList& arguments);
// Refuses a caller that is not root (unless in test mode), and test mode under pkexec. Returns
// an empty message when the caller may proceed.
QString checkCaller(const Caller& caller, bool testMode);
// The whitelisted verbs, for messages and docs.
QStringList helperVerbs();

} // namespace vgpu::helper

// Consent before a remedy edits a file vgpu does not own. The doctor's remedy for a drop-in that
// beats the managed one (override-resolve remove|merge) takes the beating assignment out of the
// admin's own file (override.conf as `systemctl edit` wrote it, 60-x.conf): the console shows
// which file and line, the exact diff of both files and the value systemd applies afterwards, and
// changes nothing unless the admin agrees. Other remedies change only vgpu's own files and need no
// extra question.
#pragma once

#include "changes/helper_command.h"
#include "managed_machine.h"

#include <QString>
#include <optional>

class QWidget;

namespace vgpu::console {

struct ConsentQuestion {
  QString text;      // what will change, one paragraph
  QString effective; // "NAME=value" that systemd applies afterwards
  QString diff;      // unified diffs of both files
  QString refusal;   // non-empty: the change cannot be planned (the file changed since), with why
};

// The question for `command` on `machine`; nullopt when the command edits only vgpu's own files.
std::optional<ConsentQuestion> consentQuestionFor(const ManagedMachine& machine,
                                                  const controller::HelperCommand& command);

// Asks in a modal dialog when consentQuestionFor() has a question (true = go ahead); true at once
// when it has none.
bool askConsent(QWidget* parent, const ManagedMachine& machine, const controller::HelperCommand& command);

} // namespace vgpu::console

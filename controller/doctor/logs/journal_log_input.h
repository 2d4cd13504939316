// The Ollama server log as the doctor reads it from the journal: ollama.service's entries of the
// current boot, from the system journal or from journal files in a folder. A journal that cannot
// be read (the user is not in systemd-journal/adm) becomes the input's readError, so the log
// checks skip and say why.
#pragma once

#include "doctor/engine/doctor_context.h"

#include <optional>

namespace vgpu::controller::doctor {

// nullopt when the journal holds no ollama.service entry of this boot (the log checks then skip).
std::optional<OllamaLogInput> serviceJournalLog();
std::optional<OllamaLogInput> serviceJournalLog(const QString& journalDirectory);

} // namespace vgpu::controller::doctor

// The inputs a doctor run reads, gathered before any check runs and never changed by them.
// Every input is optional: a check whose input is missing skips with the reason. The models that
// other parts of the controller build (Ollama installation, service environment, shim state,
// journal) plug in here as further optional members.
#pragma once

#include "doctor/ollama_log.h"

#include <QString>
#include <memory>
#include <optional>

namespace vgpu::controller::doctor {

struct OllamaLogInput {
  QString origin;                       // a file path, or "journal: ollama.service" once the journal reader exists
  QString readError;                    // non-empty when the source could not be read
  std::shared_ptr<const OllamaLog> log; // parsed once for every check
};

struct DoctorContext {
  QString root = QStringLiteral("/"); // every system path resolves under it (test trees use another)
  std::optional<OllamaLogInput> ollamaLog;

  // The context with the Ollama log read from `path` (errors are kept, not thrown).
  static OllamaLogInput readOllamaLog(const QString& path);
  // The context's log input from text already in memory (the console, tests).
  static OllamaLogInput ollamaLogFromText(const QString& origin, const QString& text);
};

} // namespace vgpu::controller::doctor

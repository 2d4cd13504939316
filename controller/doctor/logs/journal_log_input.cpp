// Reading ollama.service's journal into the doctor's log input.
#include "doctor/logs/journal_log_input.h"

#include "journal/journal_reader.h"

namespace vgpu::controller::doctor {
namespace {

std::optional<OllamaLogInput> fromReader(std::unique_ptr<JournalReader> reader, const QString& origin, QString error) {
  QList<JournalEntry> entries;
  JournalQuery query;
  query.unit = QStringLiteral("ollama.service");
  query.currentBootOnly = true;
  if (reader == nullptr || !reader->read(query, &entries, &error)) {
    OllamaLogInput input;
    input.origin = origin;
    input.readError = error;
    return input;
  }
  if (entries.isEmpty()) {
    return std::nullopt; // nothing to analyse is not a finding: the log checks skip (no log)
  }
  QStringList lines;
  lines.reserve(entries.size());
  for (const JournalEntry& entry : entries) {
    lines.append(entry.message);
  }
  return DoctorContext::ollamaLogFromText(origin, lines.join(u'\n'));
}

} // namespace

std::optional<OllamaLogInput> serviceJournalLog() {
  QString error;
  auto reader = JournalReader::openSystem(&error);
  return fromReader(std::move(reader), QStringLiteral("journal: ollama.service"), error);
}

std::optional<OllamaLogInput> serviceJournalLog(const QString& journalDirectory) {
  QString error;
  auto reader = JournalReader::openDirectory(journalDirectory, &error);
  return fromReader(std::move(reader), QStringLiteral("journal files in %1: ollama.service").arg(journalDirectory),
                    error);
}

} // namespace vgpu::controller::doctor

// Gathering a machine's doctor inputs for the console. A journal that cannot be read (the user is
// not in systemd-journal/adm) is kept as the log input's readError, so the log checks skip with it.
#include "machine_doctor.h"

#include "doctor/check_table.h"
#include "doctor/doctor_engine.h"
#include "journal/journal_reader.h"

#include <QDBusConnection>
#include <QProcessEnvironment>

namespace vgpu::console {

namespace {

controller::doctor::OllamaLogInput readServiceJournal() {
  const QString origin = QStringLiteral("journal: ollama.service");
  QString error;
  QList<controller::JournalEntry> entries;
  std::unique_ptr<controller::JournalReader> reader = controller::JournalReader::openSystem(&error);
  controller::JournalQuery query;
  query.unit = QStringLiteral("ollama.service");
  query.currentBootOnly = true;
  if (reader == nullptr || !reader->read(query, &entries, &error)) {
    controller::doctor::OllamaLogInput input;
    input.origin = origin;
    input.readError = error;
    return input;
  }
  QStringList lines;
  lines.reserve(entries.size());
  for (const controller::JournalEntry& entry : entries) {
    lines.append(entry.message);
  }
  return controller::doctor::DoctorContext::ollamaLogFromText(origin, lines.join(u'\n'));
}

} // namespace

controller::doctor::DoctorReport runDoctorOnThisMachine() {
  controller::doctor::DoctorContext context;
  gatherSystemInputs(context, QProcessEnvironment::systemEnvironment());
  context.ollamaLog = readServiceJournal();
  context.unitStatus = controller::doctor::readOllamaUnitStatus(QDBusConnection::systemBus());
  return controller::doctor::runDoctor(controller::doctor::doctorChecks(), context);
}

} // namespace vgpu::console

// JSON form of a log entry (one object per entry, the shape of `vgpuctl journal --json`).
#include "journal/journal_entry.h"

#include <QDateTime>

namespace vgpu::controller {

QJsonObject journalEntryToJson(const JournalEntry& entry) {
  QJsonObject fields;
  for (auto it = entry.fields.constBegin(); it != entry.fields.constEnd(); ++it) {
    fields.insert(it.key(), it.value());
  }
  QJsonObject json{
      {QStringLiteral("cursor"), entry.cursor},
      {QStringLiteral("realtime_us"), static_cast<qint64>(entry.realtimeUs)},
      {QStringLiteral("priority"), entry.priority},
      {QStringLiteral("message"), entry.message},
      {QStringLiteral("pid"), entry.pid},
      {QStringLiteral("fields"), fields},
  };
  if (entry.realtimeUs != 0) {
    json.insert(QStringLiteral("time"),
                QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(entry.realtimeUs / 1000U), Qt::UTC)
                    .toString(Qt::ISODateWithMs));
  }
  return json;
}

} // namespace vgpu::controller

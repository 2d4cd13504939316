// One log entry as the console's journal view, the doctor and `vgpuctl journal` see it, whether it
// came from the systemd journal (JournalReader) or a plain log file (PlainLogReader); the query
// that selects entries; and LogSource, the interface both readers implement (read from a
// position, then follow new entries with a signal).
#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

namespace vgpu::controller {

struct JournalEntry {
  QString cursor;                // opaque position: pass as JournalQuery::afterCursor to continue after it
  quint64 realtimeUs = 0;        // CLOCK_REALTIME µs; 0 when a plain log line carries no time
  int priority = -1;             // syslog priority 0 (emerg) .. 7 (debug); -1 unknown
  QString message;               // MESSAGE=
  qint64 pid = 0;                // _PID=; 0 unknown
  QMap<QString, QString> fields; // every field of the entry (journal) or the parsed key=value pairs (plain)
};

struct JournalQuery {
  QString unit;                // "ollama.service": its own output and systemd's messages about it; empty: all
  quint64 sinceRealtimeUs = 0; // entries at or after this time; 0: from the beginning
  bool currentBootOnly = false;
  QString afterCursor; // continue after this entry (takes precedence over sinceRealtimeUs)
};

QJsonObject journalEntryToJson(const JournalEntry& entry);

class LogSource : public QObject {
  Q_OBJECT
public:
  using QObject::QObject;

  // Reads the entries `query` selects from its start position to the current end. Returns false
  // with `error` set (bad cursor, unreadable source). The query also filters what follow() emits.
  virtual bool read(const JournalQuery& query, QList<JournalEntry>* entries, QString* error) = 0;

  // After read(): watches the source and emits entriesAppended() for each batch of new entries
  // (possibly before returning, for entries written since read(): connect first).
  virtual bool follow(QString* error) = 0;
  virtual void stopFollowing() = 0;

Q_SIGNALS:
  void entriesAppended(const QList<vgpu::controller::JournalEntry>& entries);
  void followFailed(const QString& error);
};

} // namespace vgpu::controller

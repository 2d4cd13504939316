// PlainLogReader: a plain text log (one line per entry) as a LogSource, for `--log FILE` / `--file
// FILE` when the journal is not available (a saved `journalctl -u ollama` output, Ollama's own
// server.log). Times and priorities are taken from the line when it carries them (Ollama's
// time=... level=... pairs, or a leading ISO 8601 timestamp as `journalctl -o short-iso` writes);
// a line without a time inherits the previous line's. Cursors are byte offsets ("offset=N").
// follow() polls the file's size and restarts from the top when it was truncated or replaced.
#pragma once

#include "journal/journal_entry.h"

#include <QTimer>

namespace vgpu::controller {

// Parses one log line into an entry (without cursor); exposed for tests and the doctor.
JournalEntry parsePlainLogLine(const QString& line, quint64 previousRealtimeUs);

class PlainLogReader : public LogSource {
  Q_OBJECT
public:
  explicit PlainLogReader(const QString& path, QObject* parent = nullptr);

  // JournalQuery::unit and currentBootOnly do not apply to a plain file and are ignored.
  bool read(const JournalQuery& query, QList<JournalEntry>* entries, QString* error) override;
  bool follow(QString* error) override;
  void stopFollowing() override;

  void setPollInterval(int milliseconds) { poll_.setInterval(milliseconds); }

private:
  bool readFrom(qint64 offset, QList<JournalEntry>* entries, QString* error);
  void onPoll();

  QString path_;
  JournalQuery query_;
  qint64 offset_ = 0; // where the next unread line starts
  quint64 lastRealtimeUs_ = 0;
  QTimer poll_;
};

} // namespace vgpu::controller

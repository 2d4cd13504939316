// JournalReader: the systemd journal through sd-journal (libsystemd), for one unit's entries
// since a time, the current boot or a cursor, then followed live. follow() integrates the
// journal's inotify descriptor (sd_journal_get_fd) with a QSocketNotifier and honours
// sd_journal_get_timeout with a timer, so it runs on the caller's event loop without a thread.
// Opens the local system journal, or a directory of .journal files (tests, copied journals).
#pragma once

#include "journal/journal_entry.h"

#include <QSocketNotifier>
#include <QTimer>
#include <memory>

struct sd_journal;

namespace vgpu::controller {

class JournalReader : public LogSource {
  Q_OBJECT
public:
  ~JournalReader() override;

  // The local machine's journal (needs membership in systemd-journal or adm for system units).
  static std::unique_ptr<JournalReader> openSystem(QString* error);
  // Every journal file in `directory` (sd_journal_open_directory).
  static std::unique_ptr<JournalReader> openDirectory(const QString& directory, QString* error);

  bool read(const JournalQuery& query, QList<JournalEntry>* entries, QString* error) override;
  bool follow(QString* error) override;
  void stopFollowing() override;

private:
  explicit JournalReader(sd_journal* journal);
  bool applyMatches(const JournalQuery& query, QString* error);
  bool seek(const JournalQuery& query, QString* error);
  QList<JournalEntry> readToEnd();
  JournalEntry currentEntry();
  void onJournalActivity();
  void armTimeout();

  sd_journal* journal_;
  JournalQuery query_;
  std::unique_ptr<QSocketNotifier> notifier_;
  QTimer timeout_;
};

} // namespace vgpu::controller

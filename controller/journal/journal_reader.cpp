// sd-journal reading and following for JournalReader (see journal_reader.h). Matches follow
// journalctl -u: the unit's own processes (_SYSTEMD_UNIT=) OR systemd's messages about it
// (_PID=1 with UNIT=), AND the current boot (_BOOT_ID=) when asked.
#include "journal/journal_reader.h"

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <system_error>
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

namespace vgpu::controller {
namespace {

QString errnoText(int negativeErrno) {
  return QString::fromStdString(std::generic_category().message(-negativeErrno));
}

int addMatch(sd_journal* journal, const QString& match) {
  const QByteArray bytes = match.toUtf8();
  return sd_journal_add_match(journal, bytes.constData(), static_cast<size_t>(bytes.size()));
}

} // namespace

JournalReader::JournalReader(sd_journal* journal) : journal_(journal) {
  // Ask for the descriptor now, before reading: inotify watches set up later could miss writes.
  sd_journal_get_fd(journal_);
  timeout_.setSingleShot(true);
  connect(&timeout_, &QTimer::timeout, this, &JournalReader::onJournalActivity);
}

JournalReader::~JournalReader() {
  stopFollowing();
  sd_journal_close(journal_);
}

std::unique_ptr<JournalReader> JournalReader::openSystem(QString* error) {
  sd_journal* journal = nullptr;
  const int r = sd_journal_open(&journal, SD_JOURNAL_LOCAL_ONLY);
  if (r < 0) {
    *error = QStringLiteral("cannot open the system journal: %1").arg(errnoText(r));
    return nullptr;
  }
  return std::unique_ptr<JournalReader>(new JournalReader(journal));
}

std::unique_ptr<JournalReader> JournalReader::openDirectory(const QString& directory, QString* error) {
  sd_journal* journal = nullptr;
  const QByteArray path = directory.toLocal8Bit();
  const int r = sd_journal_open_directory(&journal, path.constData(), 0);
  if (r < 0) {
    *error = QStringLiteral("cannot open journal directory %1: %2").arg(directory, errnoText(r));
    return nullptr;
  }
  return std::unique_ptr<JournalReader>(new JournalReader(journal));
}

bool JournalReader::applyMatches(const JournalQuery& query, QString* error) {
  sd_journal_flush_matches(journal_);
  int r = 0;
  if (!query.unit.isEmpty()) {
    r = addMatch(journal_, QStringLiteral("_SYSTEMD_UNIT=") + query.unit);
    if (r >= 0)
      r = sd_journal_add_disjunction(journal_);
    if (r >= 0)
      r = addMatch(journal_, QStringLiteral("_PID=1"));
    if (r >= 0)
      r = addMatch(journal_, QStringLiteral("UNIT=") + query.unit);
  }
  if (r >= 0 && query.currentBootOnly) {
    sd_id128_t boot{};
    r = sd_id128_get_boot(&boot);
    char id[SD_ID128_STRING_MAX] = {};
    if (r >= 0)
      r = sd_journal_add_conjunction(journal_);
    if (r >= 0)
      r = addMatch(journal_, QStringLiteral("_BOOT_ID=") + QLatin1String(sd_id128_to_string(boot, id)));
  }
  if (r < 0) {
    *error = QStringLiteral("cannot filter the journal for %1: %2").arg(query.unit, errnoText(r));
    return false;
  }
  return true;
}

bool JournalReader::seek(const JournalQuery& query, QString* error) {
  if (!query.afterCursor.isEmpty()) {
    const QByteArray cursor = query.afterCursor.toUtf8();
    int r = sd_journal_seek_cursor(journal_, cursor.constData());
    if (r < 0) {
      *error = QStringLiteral("invalid journal cursor '%1': %2").arg(query.afterCursor, errnoText(r));
      return false;
    }
    // seek_cursor positions *at* the entry; step onto it and skip it when it is the one given.
    r = sd_journal_next(journal_);
    if (r > 0 && sd_journal_test_cursor(journal_, cursor.constData()) <= 0) {
      sd_journal_previous(journal_); // the cursor's entry is gone: the next one is new
    }
    return true;
  }
  const int r = query.sinceRealtimeUs != 0 ? sd_journal_seek_realtime_usec(journal_, query.sinceRealtimeUs)
                                           : sd_journal_seek_head(journal_);
  if (r < 0) {
    *error = QStringLiteral("cannot seek in the journal: %1").arg(errnoText(r));
    return false;
  }
  return true;
}

bool JournalReader::read(const JournalQuery& query, QList<JournalEntry>* entries, QString* error) {
  query_ = query;
  if (!applyMatches(query, error) || !seek(query, error)) {
    return false;
  }
  *entries = readToEnd();
  return true;
}

QList<JournalEntry> JournalReader::readToEnd() {
  QList<JournalEntry> entries;
  while (sd_journal_next(journal_) > 0) {
    JournalEntry entry = currentEntry();
    // Several files interleave; the seek is by time, but guard the edge entries anyway.
    if (query_.afterCursor.isEmpty() && query_.sinceRealtimeUs != 0 && entry.realtimeUs < query_.sinceRealtimeUs) {
      continue;
    }
    entries.append(std::move(entry));
  }
  return entries;
}

JournalEntry JournalReader::currentEntry() {
  JournalEntry entry;
  char* cursor = nullptr;
  if (sd_journal_get_cursor(journal_, &cursor) >= 0) {
    entry.cursor = QString::fromUtf8(cursor);
    std::free(cursor); // NOLINT(cppcoreguidelines-no-malloc): sd-journal allocates with malloc
  }
  uint64_t realtime = 0;
  if (sd_journal_get_realtime_usec(journal_, &realtime) >= 0) {
    entry.realtimeUs = realtime;
  }
  const void* data = nullptr;
  size_t length = 0;
  sd_journal_restart_data(journal_);
  while (sd_journal_enumerate_available_data(journal_, &data, &length) > 0) {
    const QString field = QString::fromUtf8(static_cast<const char*>(data), static_cast<qsizetype>(length));
    const qsizetype equals = field.indexOf(QLatin1Char('='));
    if (equals > 0) {
      entry.fields.insert(field.left(equals), field.mid(equals + 1));
    }
  }
  entry.message = entry.fields.value(QStringLiteral("MESSAGE"));
  bool ok = false;
  const int priority = entry.fields.value(QStringLiteral("PRIORITY")).toInt(&ok);
  entry.priority = ok ? priority : -1;
  entry.pid = entry.fields.value(QStringLiteral("_PID")).toLongLong();
  return entry;
}

bool JournalReader::follow(QString* error) {
  const int fd = sd_journal_get_fd(journal_);
  if (fd < 0) {
    *error = QStringLiteral("cannot watch the journal: %1").arg(errnoText(fd));
    return false;
  }
  notifier_ = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
  connect(notifier_.get(), &QSocketNotifier::activated, this, &JournalReader::onJournalActivity);
  armTimeout();
  // Entries written between read() and now are not lost: the position is kept, so pick them up
  // now (entriesAppended may be emitted before follow() returns: connect first).
  onJournalActivity();
  return true;
}

void JournalReader::stopFollowing() {
  notifier_.reset();
  timeout_.stop();
}

void JournalReader::onJournalActivity() {
  if (!notifier_) {
    return;
  }
  const int r = sd_journal_process(journal_);
  if (r < 0) {
    Q_EMIT followFailed(QStringLiteral("journal watch failed: %1").arg(errnoText(r)));
    stopFollowing();
    return;
  }
  const QList<JournalEntry> entries = readToEnd();
  if (!entries.isEmpty()) {
    Q_EMIT entriesAppended(entries);
  }
  armTimeout();
}

void JournalReader::armTimeout() {
  // sd-journal asks to be woken by time as well on file systems without reliable inotify.
  uint64_t deadline = 0;
  if (sd_journal_get_timeout(journal_, &deadline) < 0 || deadline == UINT64_MAX) {
    timeout_.stop();
    return;
  }
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const uint64_t nowUs = static_cast<uint64_t>(now.tv_sec) * 1000000U + static_cast<uint64_t>(now.tv_nsec) / 1000U;
  const uint64_t waitMs = deadline > nowUs ? (deadline - nowUs) / 1000U + 1U : 0U;
  timeout_.start(static_cast<int>(std::min<uint64_t>(waitMs, 60000U)));
}

} // namespace vgpu::controller

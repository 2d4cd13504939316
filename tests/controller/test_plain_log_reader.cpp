// PlainLogReader: Ollama's own text log and saved journalctl output as entries, with times,
// priorities, since and cursor handling, and follow() picking up appended lines.
#include <catch2/catch.hpp>

#include "journal/plain_log_reader.h"
#include "test_paths.h"

#include <QFile>
#include <QSignalSpy>

using vgpu::controller::JournalEntry;
using vgpu::controller::JournalQuery;
using vgpu::controller::PlainLogReader;

namespace {

QString fixture(const char* name) {
  return QString::fromStdString((vgpu::test::dataDir() / "journal" / name).string());
}

QList<JournalEntry> readAll(PlainLogReader& reader, const JournalQuery& query) {
  QList<JournalEntry> entries;
  QString error;
  const bool ok = reader.read(query, &entries, &error);
  INFO(error.toStdString());
  REQUIRE(ok);
  return entries;
}

} // namespace

TEST_CASE("Ollama's slog lines give time, priority, message and fields") {
  PlainLogReader reader(fixture("ollama-server.log"));
  const QList<JournalEntry> entries = readAll(reader, {});
  REQUIRE(entries.size() == 5);
  CHECK(entries[0].realtimeUs == 1764150001000000ULL);
  CHECK(entries[0].priority == 6);
  CHECK(entries[0].message == QStringLiteral("server config"));
  CHECK(entries[0].fields.value(QStringLiteral("source")) == QStringLiteral("routes.go:1235"));
  CHECK(entries[0].fields.value(QStringLiteral("env")) == QStringLiteral("map[OLLAMA_LLM_LIBRARY:cuda_v12]"));
  CHECK(entries[2].priority == 4);
  // A continuation line without a time keeps the previous line's time.
  CHECK(entries[3].message == QStringLiteral("goroutine 1 [running]:"));
  CHECK(entries[3].realtimeUs == entries[2].realtimeUs);
  CHECK(entries[3].priority == -1);
  CHECK(entries[4].priority == 3);
  CHECK(entries[4].realtimeUs == 1764150007500000ULL);
  CHECK(entries[4].message == QStringLiteral("llama runner \"exited\""));
  CHECK(entries[0].cursor == QStringLiteral("offset=0"));
}

TEST_CASE("journalctl short-iso output gives time and pid") {
  PlainLogReader reader(fixture("journalctl-short-iso.log"));
  const QList<JournalEntry> entries = readAll(reader, {});
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].realtimeUs == 1764150000000000ULL);
  CHECK(entries[0].pid == 1);
  CHECK(entries[0].message == QStringLiteral("Started ollama.service - Ollama Service."));
  CHECK(entries[2].pid == 812);
  CHECK(entries[2].priority == 4);
  CHECK(entries[2].fields.value(QStringLiteral("msg")) == QStringLiteral("no compatible GPUs were discovered"));
}

TEST_CASE("plain logs: since, cursors and bad input") {
  PlainLogReader reader(fixture("ollama-server.log"));
  CHECK(readAll(reader, {{}, 1764150005000000ULL, false, {}}).size() == 3);
  const QList<JournalEntry> all = readAll(reader, {});
  const QList<JournalEntry> after = readAll(reader, {{}, 0, false, all[1].cursor});
  REQUIRE(after.size() == 3);
  CHECK(after[0].cursor == all[2].cursor);

  QList<JournalEntry> entries;
  QString error;
  CHECK_FALSE(reader.read({{}, 0, false, QStringLiteral("s=abc")}, &entries, &error));
  CHECK(error == QStringLiteral("invalid log file cursor 's=abc' (expected offset=N)"));
  PlainLogReader missing(QStringLiteral("/nonexistent/ollama.log"));
  CHECK_FALSE(missing.read({}, &entries, &error));
  CHECK(error.startsWith(QStringLiteral("cannot read log file /nonexistent/ollama.log")));
}

TEST_CASE("plain logs: follow picks up appended lines, whole lines only") {
  const QString path = QString::fromStdString((vgpu::test::scratchDir("plain-follow") / "server.log").string());
  QFile file(path);
  REQUIRE(file.open(QIODevice::WriteOnly));
  file.write("time=2025-11-26T09:40:01.000Z level=INFO msg=first\n");
  file.flush();
  PlainLogReader reader(path);
  reader.setPollInterval(20);
  REQUIRE(readAll(reader, {}).size() == 1);
  QString error;
  REQUIRE(reader.follow(&error));
  QSignalSpy appended(&reader, &PlainLogReader::entriesAppended);
  file.write("time=2025-11-26T09:40:02.000Z level=WARN msg=second\ntime=2025-11-26T09:40:03");
  file.flush();
  REQUIRE(appended.wait(2000));
  auto batch = qvariant_cast<QList<JournalEntry>>(appended.takeFirst().at(0));
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].message == QStringLiteral("second"));
  file.write(".000Z level=INFO msg=third\n");
  file.flush();
  REQUIRE(appended.wait(2000));
  batch = qvariant_cast<QList<JournalEntry>>(appended.takeFirst().at(0));
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].message == QStringLiteral("third"));
}

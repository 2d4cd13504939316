// JournalReader over real .journal files made from tests/data/journal/*.export with
// systemd-journal-remote: filtering by unit (as journalctl -u), since a time, the current boot,
// continuing after a cursor, and follow() picking up an entry appended while it watches.
#include <catch2/catch.hpp>

#include "journal/journal_reader.h"
#include "test_paths.h"
#include "vgpuctl_cli.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTextStream>

using vgpu::controller::JournalEntry;
using vgpu::controller::JournalQuery;
using vgpu::controller::JournalReader;

namespace {

QString currentBootId() {
  QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
  REQUIRE(file.open(QIODevice::ReadOnly));
  return QString::fromLatin1(file.readAll()).trimmed().remove(QLatin1Char('-'));
}

// Writes export-format `text` into the journal file `file` (appending when it exists).
void writeJournal(const QString& file, const QByteArray& text) {
  QProcess remote;
  remote.start(QStringLiteral(VGPU_JOURNAL_REMOTE), {QStringLiteral("--output=") + file, QStringLiteral("-")});
  INFO("systemd-journal-remote (Debian package systemd-journal-remote) is needed: " VGPU_JOURNAL_REMOTE);
  REQUIRE(remote.waitForStarted(5000));
  remote.write(text);
  remote.closeWriteChannel();
  REQUIRE(remote.waitForFinished(10000));
  INFO(remote.readAllStandardError().toStdString());
  REQUIRE(remote.exitCode() == 0);
}

QString makeJournalDir(const std::string& name) {
  QString dir = QString::fromStdString(vgpu::test::scratchDir(name).string());
  QFile fixture(QString::fromStdString((vgpu::test::dataDir() / "journal" / "ollama.export").string()));
  REQUIRE(fixture.open(QIODevice::ReadOnly));
  QByteArray text = fixture.readAll();
  text.replace("@CURRENT_BOOT@", currentBootId().toLatin1());
  writeJournal(dir + QStringLiteral("/fixture.journal"), text);
  return dir;
}

QStringList messages(const QList<JournalEntry>& entries) {
  QStringList list;
  for (const JournalEntry& entry : entries) {
    list << entry.message;
  }
  return list;
}

QList<JournalEntry> readAll(JournalReader& reader, const JournalQuery& query) {
  QList<JournalEntry> entries;
  QString error;
  INFO(error.toStdString());
  REQUIRE(reader.read(query, &entries, &error));
  return entries;
}

std::unique_ptr<JournalReader> open(const QString& dir) {
  QString error;
  auto reader = JournalReader::openDirectory(dir, &error);
  INFO(error.toStdString());
  REQUIRE(reader);
  return reader;
}

} // namespace

TEST_CASE("a unit's entries are its own lines and systemd's messages about it") {
  const auto reader = open(makeJournalDir("journal-unit"));
  const QList<JournalEntry> all = readAll(*reader, {});
  CHECK(all.size() == 10);

  const QList<JournalEntry> ollama = readAll(*reader, {QStringLiteral("ollama.service"), 0, false, {}});
  REQUIRE(ollama.size() == 7);
  CHECK(ollama[0].message == QStringLiteral("Started ollama.service - Ollama Service."));
  CHECK(ollama[0].pid == 1);
  CHECK(ollama[1].pid == 812);
  CHECK(ollama[1].realtimeUs == 1764150001000000ULL);
  CHECK(ollama[1].priority == 6);
  CHECK(ollama[1].fields.value(QStringLiteral("_SYSTEMD_UNIT")) == QStringLiteral("ollama.service"));
  CHECK(ollama[1].message.contains(QStringLiteral("msg=\"server config\"")));
  CHECK(ollama[3].priority == 4);
  CHECK_FALSE(ollama[0].cursor.isEmpty());
  for (const JournalEntry& entry : ollama) {
    CHECK_FALSE(entry.message.contains(QStringLiteral("ssh")));
    CHECK_FALSE(entry.message.contains(QStringLiteral("merely sets UNIT=")));
  }
}

TEST_CASE("since a time, the current boot, and after a cursor") {
  const auto reader = open(makeJournalDir("journal-since"));
  const QString unit = QStringLiteral("ollama.service");

  const QList<JournalEntry> since = readAll(*reader, {unit, 1764150005000000ULL, false, {}});
  CHECK(messages(since).size() == 4);
  CHECK(since.front().realtimeUs == 1764150005000000ULL);

  const QList<JournalEntry> boot = readAll(*reader, {unit, 0, true, {}});
  REQUIRE(boot.size() == 2);
  CHECK(boot[1].message.contains(QStringLiteral("inference compute")));

  const QList<JournalEntry> all = readAll(*reader, {unit, 0, false, {}});
  const QList<JournalEntry> after = readAll(*reader, {unit, 0, false, all[4].cursor});
  REQUIRE(after.size() == 2);
  CHECK(after[0].cursor == all[5].cursor);
  CHECK(readAll(*reader, {unit, 0, false, all.back().cursor}).isEmpty());

  QList<JournalEntry> none;
  QString error;
  CHECK_FALSE(reader->read({unit, 0, false, QStringLiteral("not a cursor")}, &none, &error));
  CHECK(error.startsWith(QStringLiteral("invalid journal cursor 'not a cursor'")));
}

TEST_CASE("follow picks up an entry appended to the journal") {
  const QString dir = makeJournalDir("journal-follow");
  const auto reader = open(dir);
  const QList<JournalEntry> before = readAll(*reader, {QStringLiteral("ollama.service"), 0, false, {}});
  REQUIRE(before.size() == 7);
  QString error;
  QSignalSpy appended(reader.get(), &JournalReader::entriesAppended);
  REQUIRE(reader->follow(&error));

  const QByteArray boot = currentBootId().toLatin1();
  writeJournal(dir + QStringLiteral("/fixture.journal"),
               "__REALTIME_TIMESTAMP=1764150200000000\n__MONOTONIC_TIMESTAMP=9000000\n_BOOT_ID=" + boot +
                   "\n_PID=900\n_SYSTEMD_UNIT=ssh.service\nMESSAGE=not ours\n\n"
                   "__REALTIME_TIMESTAMP=1764150201000000\n__MONOTONIC_TIMESTAMP=9100000\n_BOOT_ID=" +
                   boot + "\n_PID=640\n_SYSTEMD_UNIT=ollama.service\nPRIORITY=3\nMESSAGE=new line while following\n\n");
  QList<JournalEntry> seen;
  for (int i = 0; i < 50 && seen.isEmpty(); ++i) {
    if (appended.isEmpty()) {
      appended.wait(100);
    }
    for (const QList<QVariant>& batch : appended) {
      seen += qvariant_cast<QList<JournalEntry>>(batch.at(0));
    }
    appended.clear();
  }
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].message == QStringLiteral("new line while following"));
  CHECK(seen[0].priority == 3);
  CHECK(seen[0].realtimeUs == 1764150201000000ULL);
  reader->stopFollowing();
}

TEST_CASE("a directory that cannot be opened is a clear error") {
  QString error;
  CHECK_FALSE(JournalReader::openDirectory(QStringLiteral("/nonexistent/journal"), &error));
  CHECK(error.startsWith(QStringLiteral("cannot open journal directory /nonexistent/journal")));
}

TEST_CASE("vgpuctl doctor reads ollama.service's log from journal files") {
  const QString dir = makeJournalDir("journal-doctor");
  QString out;
  QString err;
  QTextStream outStream(&out);
  QTextStream errStream(&err);
  const int code = vgpu::cli::runVgpuctl({QStringLiteral("vgpuctl"), QStringLiteral("doctor"), QStringLiteral("--json"),
                                          QStringLiteral("--log-only"), QStringLiteral("--journal-dir"), dir},
                                         outStream, errStream);
  outStream.flush();
  errStream.flush();
  INFO(out.toStdString() << err.toStdString());
  CHECK(code != 3); // not a usage error
  const QJsonDocument report = QJsonDocument::fromJson(out.toUtf8());
  REQUIRE(report.isObject());
  bool logRead = false;
  for (const QJsonValue& check : report.object().value(QStringLiteral("checks")).toArray()) {
    const QJsonObject object = check.toObject();
    if (object.value(QStringLiteral("id")).toString() == QStringLiteral("logs.ollama-log")) {
      logRead = object.value(QStringLiteral("status")).toString() != QStringLiteral("skip");
      CHECK(QJsonDocument(object).toJson().contains("journal files in"));
    }
  }
  CHECK(logRead);
}

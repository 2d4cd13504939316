// `vgpuctl journal` over journal files written by systemd-journal-remote (--directory) and plain
// log files (--file): text and JSON lines, --since, --after-cursor, usage errors, and -f picking up
// a line appended while the vgpuctl binary follows.
#include <catch2/catch.hpp>

#include "test_paths.h"
#include "vgpuctl_cli.h"
#include "vgpuctl_run.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace {

using Run = vgpu::test::VgpuctlRun;
using vgpu::test::vgpuctl;

QString journalDir() {
  QString dir = QString::fromStdString(vgpu::test::scratchDir("vgpuctl-journal").string());
  QFile fixture(QString::fromStdString((vgpu::test::dataDir() / "journal" / "ollama.export").string()));
  REQUIRE(fixture.open(QIODevice::ReadOnly));
  QByteArray text = fixture.readAll();
  text.replace("@CURRENT_BOOT@", "fedcba9876543210fedcba9876543210");
  QProcess remote;
  remote.start(QStringLiteral(VGPU_JOURNAL_REMOTE),
               {QStringLiteral("--output=") + dir + QStringLiteral("/f.journal"), QStringLiteral("-")});
  REQUIRE(remote.waitForStarted(5000));
  remote.write(text);
  remote.closeWriteChannel();
  REQUIRE(remote.waitForFinished(10000));
  REQUIRE(remote.exitCode() == 0);
  return dir;
}

QString fixture(const char* name) {
  return QString::fromStdString((vgpu::test::dataDir() / "journal" / name).string());
}

} // namespace

TEST_CASE("vgpuctl journal prints a unit's entries from journal files") {
  const QString dir = journalDir();
  const Run text = vgpuctl({QStringLiteral("journal"), QStringLiteral("--directory"), dir});
  INFO(text.err.toStdString());
  REQUIRE(text.code == 0);
  const QStringList lines = text.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0] == QStringLiteral("2025-11-26T09:40:00.000Z systemd[1]: Started ollama.service - Ollama Service."));
  CHECK(lines[1].startsWith(QStringLiteral("2025-11-26T09:40:01.000Z ollama[812]: time=2025-11-26T09:40:01.000Z")));

  const Run since = vgpuctl({QStringLiteral("journal"), QStringLiteral("--directory"), dir, QStringLiteral("--since"),
                             QStringLiteral("2025-11-26T09:40:05Z"), QStringLiteral("--json")});
  REQUIRE(since.code == 0);
  const QStringList jsonLines = since.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  REQUIRE(jsonLines.size() == 4);
  const QJsonObject first = QJsonDocument::fromJson(jsonLines[0].toUtf8()).object();
  CHECK(first.value(QStringLiteral("realtime_us")).toInteger() == 1764150005000000LL);
  CHECK(first.value(QStringLiteral("priority")).toInt() == 4);
  CHECK(first.value(QStringLiteral("pid")).toInt() == 812);
  CHECK(first.value(QStringLiteral("fields")).toObject().value(QStringLiteral("_COMM")).toString() ==
        QStringLiteral("ollama"));

  const QString cursor = first.value(QStringLiteral("cursor")).toString();
  const Run after = vgpuctl(
      {QStringLiteral("journal"), QStringLiteral("--directory"), dir, QStringLiteral("--after-cursor"), cursor});
  CHECK(after.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size() == 3);

  const Run epoch = vgpuctl({QStringLiteral("journal"), QStringLiteral("--directory"), dir, QStringLiteral("--since"),
                             QStringLiteral("@1764150100")});
  CHECK(epoch.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size() == 2);
}

TEST_CASE("vgpuctl journal --file reads a plain log; bad input is refused") {
  const Run text = vgpuctl({QStringLiteral("journal"), QStringLiteral("--file"), fixture("ollama-server.log")});
  REQUIRE(text.code == 0);
  CHECK(text.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size() == 5);
  CHECK(text.out.startsWith(QStringLiteral("2025-11-26T09:40:01.000Z server config\n")));

  CHECK(vgpuctl({QStringLiteral("journal"), QStringLiteral("--since"), QStringLiteral("yesterday-ish")}).code == 2);
  CHECK(vgpuctl({QStringLiteral("journal"), QStringLiteral("--file"), QStringLiteral("a"),
                 QStringLiteral("--directory"), QStringLiteral("b")})
            .code == 2);
  CHECK(vgpuctl({QStringLiteral("journal"), QStringLiteral("extra")}).code == 2);
  const Run missing =
      vgpuctl({QStringLiteral("journal"), QStringLiteral("--file"), QStringLiteral("/nonexistent.log")});
  CHECK(missing.code == 1);
  CHECK(missing.err.contains(QStringLiteral("cannot read log file /nonexistent.log")));
}

TEST_CASE("vgpuctl journal -f prints lines appended while it follows") {
  const QString path = QString::fromStdString((vgpu::test::scratchDir("vgpuctl-follow") / "server.log").string());
  QFile log(path);
  REQUIRE(log.open(QIODevice::WriteOnly));
  log.write("time=2025-11-26T09:40:01.000Z level=INFO msg=first\n");
  log.flush();
  QProcess follower;
  follower.start(QStringLiteral(VGPUCTL_PATH),
                 {QStringLiteral("journal"), QStringLiteral("-f"), QStringLiteral("--file"), path});
  REQUIRE(follower.waitForStarted(5000));
  QByteArray output;
  while (!output.contains("first") && follower.waitForReadyRead(5000)) {
    output += follower.readAllStandardOutput();
  }
  REQUIRE(output.contains("first"));
  log.write("time=2025-11-26T09:40:02.000Z level=INFO msg=second\n");
  log.flush();
  while (!output.contains("second") && follower.waitForReadyRead(5000)) {
    output += follower.readAllStandardOutput();
  }
  follower.terminate();
  follower.waitForFinished(5000);
  CHECK(output == "2025-11-26T09:40:01.000Z first\n2025-11-26T09:40:02.000Z second\n");
}

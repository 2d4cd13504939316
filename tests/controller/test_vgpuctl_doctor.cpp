// `vgpuctl doctor` on the log corpus: text and JSON output, --markdown, usage errors and the exit
// codes (0 all pass, 1 warnings only or nothing examined, 2 failures, 3 usage error), in-process
// and once through the real binary.
#include <catch2/catch.hpp>

#include "test_paths.h"
#include "vgpuctl_cli.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace {

struct Run {
  int code;
  QString out;
  QString err;
};

Run vgpuctl(const QStringList& arguments) {
  QString out;
  QString err;
  QTextStream outStream(&out);
  QTextStream errStream(&err);
  const int code = vgpu::cli::runVgpuctl(QStringList{QStringLiteral("vgpuctl")} + arguments, outStream, errStream);
  outStream.flush();
  errStream.flush();
  return {code, out, err};
}

QString corpus(const char* name) {
  return QString::fromStdString((vgpu::test::dataDir() / "ollama-logs" / name).string());
}

} // namespace

TEST_CASE("vgpuctl doctor --log: exit codes follow the worst status") {
  struct Case {
    const char* log;
    int code;
  };
  const Case cases[] = {
      {"era-a-h100-gpu.log", 0},
      {"era-b-llama-server-gpu.log", 0},
      {"two-server-starts.log", 0},
      {"truncated-mid-discovery.log", 1},
      {"seed-cuda-v12-not-visited.log", 2},
      {"seed-info-level.log", 2},
      {"cuda-visible-devices-minus-one.log", 2},
      {"garbage.log", 2},
      {"no-such-file.log", 2},
  };
  for (const Case& c : cases) {
    INFO(c.log);
    const Run run =
        vgpuctl({QStringLiteral("doctor"), QStringLiteral("--log-only"), QStringLiteral("--log"), corpus(c.log)});
    CHECK(run.code == c.code);
    CHECK(run.out.startsWith(QLatin1String("# vgpu doctor report")));
  }
}

TEST_CASE("vgpuctl doctor --json prints the documented report") {
  const Run run = vgpuctl({QStringLiteral("doctor"), QStringLiteral("--log-only"), QStringLiteral("--json"),
                           QStringLiteral("--log"), corpus("seed-cuda-v12-not-visited.log")});
  CHECK(run.code == 2);
  QJsonParseError error{};
  const QJsonObject json = QJsonDocument::fromJson(run.out.toUtf8(), &error).object();
  REQUIRE(error.error == QJsonParseError::NoError);
  CHECK(json[QStringLiteral("version")].toInt() == 1);
  CHECK(json[QStringLiteral("summary")].toObject()[QStringLiteral("exitCode")].toInt() == 2);
  CHECK(run.out.contains(QLatin1String("requested-library-not-visited")));
}

TEST_CASE("vgpuctl doctor --markdown writes the report file") {
  const auto dir = vgpu::test::scratchDir("vgpuctl-doctor-markdown");
  const QString path = QString::fromStdString((dir / "report.md").string());
  const Run run = vgpuctl({QStringLiteral("doctor"), QStringLiteral("--log-only"), QStringLiteral("--log"),
                           corpus("era-a-h100-gpu.log"), QStringLiteral("--markdown"), path, QStringLiteral("--root"),
                           QStringLiteral("/")});
  CHECK(run.code == 0);
  QFile file(path);
  REQUIRE(file.open(QIODevice::ReadOnly));
  const QString written = QString::fromUtf8(file.readAll());
  CHECK(written.contains(QLatin1String("Ollama uses the GPU: NVIDIA H100 80GB HBM3")));
  CHECK(written == run.out);
}

TEST_CASE("vgpuctl doctor: nothing to examine, help, and usage errors") {
  const Run nothing = vgpuctl({QStringLiteral("doctor"), QStringLiteral("--log-only")});
  CHECK(nothing.code == 1);
  CHECK(nothing.out.contains(QLatin1String("[SKIP]")));
  const Run help = vgpuctl({QStringLiteral("doctor"), QStringLiteral("--help")});
  CHECK(help.code == 0);
  CHECK(help.out.contains(QLatin1String("Exit status: 0 all checks pass, 1 warnings only, 2 failures, 3 usage error")));
  for (const QStringList& arguments : {QStringList{QStringLiteral("doctor"), QStringLiteral("--bogus")},
                                       QStringList{QStringLiteral("doctor"), QStringLiteral("--log")},
                                       QStringList{QStringLiteral("doctor"), QStringLiteral("extra")}}) {
    INFO(arguments.join(u' ').toStdString());
    const Run run = vgpuctl(arguments);
    CHECK(run.code == 3);
    CHECK(run.err.contains(QLatin1String("vgpuctl doctor --help")));
  }
  const Run unwritable = vgpuctl({QStringLiteral("doctor"), QStringLiteral("--log-only"), QStringLiteral("--log"),
                                  corpus("era-a-h100-gpu.log"), QStringLiteral("--markdown"),
                                  QStringLiteral("/nonexistent-dir/report.md")});
  CHECK(unwritable.code == 3);
}

TEST_CASE("the vgpuctl binary: doctor --json on the seed log exits 2") {
  QProcess process;
  process.start(QStringLiteral(VGPUCTL_PATH),
                {QStringLiteral("doctor"), QStringLiteral("--log-only"), QStringLiteral("--json"),
                 QStringLiteral("--log"), corpus("seed-cuda-v12-not-visited.log")});
  REQUIRE(process.waitForFinished(10000));
  CHECK(process.exitStatus() == QProcess::NormalExit);
  CHECK(process.exitCode() == 2);
  CHECK(QJsonDocument::fromJson(process.readAllStandardOutput()).object()[QStringLiteral("schema")] ==
        QStringLiteral("vgpu-doctor-report"));
}

// UnitFile against the fixture corpus tests/data/units: each <name>.service has a
// <name>.expected.json; each merge-* folder has a unit, drop-ins and expected.json.
#include <catch2/catch.hpp>

#include "systemd/unit_file.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace vgpu::controller;

namespace {

QJsonObject readJson(const QString& path) {
  QFile file(path);
  REQUIRE(file.open(QIODevice::ReadOnly));
  QJsonParseError error{};
  const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
  INFO(path.toStdString() << ": " << error.errorString().toStdString());
  REQUIRE(error.error == QJsonParseError::NoError);
  return document.object();
}

QString fixtureDir() {
  return QString::fromStdString((vgpu::test::dataDir() / "units").string());
}

} // namespace

TEST_CASE("unit file corpus: each fixture parses to its expected values") {
  const QDir dir(fixtureDir());
  const QStringList units = dir.entryList({QStringLiteral("*.service")}, QDir::Files);
  REQUIRE(units.size() >= 5);
  for (const QString& name : units) {
    INFO("fixture " << name.toStdString());
    QString error;
    const auto unit = UnitFile::read(dir.filePath(name), &error);
    REQUIRE(unit);
    const QString base = name.chopped(static_cast<qsizetype>(QStringLiteral(".service").size()));
    const QJsonObject expected = readJson(dir.filePath(base + QStringLiteral(".expected.json")));

    const auto execStart = unit->lastValue(QStringLiteral("Service"), QStringLiteral("ExecStart"));
    REQUIRE(execStart);
    CHECK(execStartProgram(*execStart) == expected[QStringLiteral("execStartProgram")].toString());
    if (expected.contains(QStringLiteral("execStartValue"))) {
      CHECK(*execStart == expected[QStringLiteral("execStartValue")].toString());
    }
    const auto user = unit->lastValue(QStringLiteral("Service"), QStringLiteral("User"));
    CHECK(user.value_or(QString()) == expected[QStringLiteral("user")].toString());
    const auto group = unit->lastValue(QStringLiteral("Service"), QStringLiteral("Group"));
    CHECK(group.has_value() == !expected[QStringLiteral("group")].isNull());

    QList<int> problemLines;
    for (const UnitFileProblem& problem : unit->problems()) {
      problemLines.append(problem.line);
      CHECK_FALSE(problem.message.isEmpty());
    }
    QList<int> expectedLines;
    for (const QJsonValue& line : expected[QStringLiteral("problemLines")].toArray()) {
      expectedLines.append(line.toInt());
    }
    CHECK(problemLines == expectedLines);

    const MergedEnvironment environment = mergeEnvironment({*unit});
    const QJsonObject expectedEnvironment = expected[QStringLiteral("environment")].toObject();
    CHECK(environment.variables.size() == expectedEnvironment.size());
    for (auto it = expectedEnvironment.begin(); it != expectedEnvironment.end(); ++it) {
      INFO("variable " << it.key().toStdString());
      CHECK(environment.variables.value(it.key()).toStdString() == it.value().toString().toStdString());
    }
    CHECK(environment.problems.size() == expected[QStringLiteral("environmentProblems")].toInt());
  }
}

TEST_CASE("unit file corpus: drop-ins merge over the unit in order") {
  const QDir dir(fixtureDir());
  const QStringList cases = dir.entryList({QStringLiteral("merge-*")}, QDir::Dirs);
  REQUIRE(cases.size() >= 2);
  for (const QString& name : cases) {
    INFO("fixture " << name.toStdString());
    const QDir caseDir(dir.filePath(name));
    QList<UnitFile> files;
    auto load = [&](const QString& relative) {
      QFile file(caseDir.filePath(relative));
      REQUIRE(file.open(QIODevice::ReadOnly));
      files.append(UnitFile::parse(file.readAll(), relative));
    };
    load(QStringLiteral("ollama.service"));
    const QDir dropins(caseDir.filePath(QStringLiteral("ollama.service.d")));
    for (const QString& conf : dropins.entryList({QStringLiteral("*.conf")}, QDir::Files, QDir::Name)) {
      load(QStringLiteral("ollama.service.d/") + conf);
    }
    const QJsonObject expected = readJson(caseDir.filePath(QStringLiteral("expected.json")));
    const MergedEnvironment merged = mergeEnvironment(files);
    const QJsonObject variables = expected[QStringLiteral("environment")].toObject();
    CHECK(merged.variables.size() == variables.size());
    for (auto it = variables.begin(); it != variables.end(); ++it) {
      INFO("variable " << it.key().toStdString());
      CHECK(merged.variables.value(it.key()).toStdString() == it.value().toString().toStdString());
    }
    const QJsonObject origins = expected[QStringLiteral("origins")].toObject();
    for (auto it = origins.begin(); it != origins.end(); ++it) {
      INFO("origin of " << it.key().toStdString());
      CHECK(merged.origins.value(it.key()).toStdString() == it.value().toString().toStdString());
    }
  }
}

TEST_CASE("an unreadable unit file is an error naming the path") {
  QString error;
  CHECK_FALSE(UnitFile::read(QStringLiteral("/nonexistent/ollama.service"), &error));
  CHECK(error.contains(QStringLiteral("/nonexistent/ollama.service")));
}

TEST_CASE("execStartProgram strips systemd's prefixes and refuses empty values") {
  CHECK(execStartProgram(QStringLiteral("-@/usr/bin/ollama ollama serve")) == QStringLiteral("/usr/bin/ollama"));
  CHECK(execStartProgram(QStringLiteral("!!/usr/bin/x")) == QStringLiteral("/usr/bin/x"));
  CHECK_FALSE(execStartProgram(QString()));
  CHECK_FALSE(execStartProgram(QStringLiteral("-")));
  CHECK_FALSE(execStartProgram(QStringLiteral("\"unbalanced")));
}

TEST_CASE("the shipped vgpud.service parses cleanly and runs vgpud as systemd expects") {
  const auto unit =
      vgpu::controller::UnitFile::read(QStringLiteral(VGPU_SOURCE_DIR "/packaging/vgpud.service"), nullptr);
  REQUIRE(unit);
  CHECK(unit->problems().isEmpty());
  CHECK(unit->lastValue(QStringLiteral("Service"), QStringLiteral("Type")) ==
        QStringLiteral("notify")); // vgpud sends READY=1
  const auto exec = unit->lastValue(QStringLiteral("Service"), QStringLiteral("ExecStart"));
  REQUIRE(exec);
  CHECK(vgpu::controller::execStartProgram(*exec) == QStringLiteral("/usr/bin/vgpud"));
  CHECK(exec->contains(QStringLiteral("--config /etc/vgpu/vgpud.conf")));
  // SIGTERM to vgpud alone: it drains its sessions and reaps its workers itself.
  CHECK(unit->lastValue(QStringLiteral("Service"), QStringLiteral("KillMode")) == QStringLiteral("mixed"));
}

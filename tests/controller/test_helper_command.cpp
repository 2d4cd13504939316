// HelperCommand and the verb table: every verb has one row with a unique name, the factories build
// the command lines vgpu-helper parses, and docs/helper-protocol.md's verb table lists exactly the
// table's verbs with the table's arguments (the one place a verb is described for people).
#include <catch2/catch.hpp>

#include "changes/helper_command.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>

using namespace vgpu::controller;

namespace {

constexpr HelperVerb kEveryVerb[] = {HelperVerb::Install,      HelperVerb::Rollback,        HelperVerb::EnvSet,
                                     HelperVerb::EnvUnset,     HelperVerb::OverrideResolve, HelperVerb::ShimConfigSet,
                                     HelperVerb::DaemonReload, HelperVerb::RestartOllama};

} // namespace

TEST_CASE("helper verbs: one row per verb, unique names, found by name") {
  QSet<QString> names;
  for (const HelperVerb verb : kEveryVerb) {
    const HelperVerbSpec& spec = helperVerbSpec(verb);
    INFO(spec.name);
    CHECK(spec.verb == verb);
    CHECK(helperVerbNamed(QLatin1String(spec.name)) == verb);
    CHECK(QLatin1String(spec.usage).startsWith(QLatin1String(spec.name)));
    names.insert(QLatin1String(spec.name));
  }
  CHECK(names.size() == static_cast<qsizetype>(std::size(kEveryVerb)));
  CHECK(helperVerbTable().size() == std::size(kEveryVerb));
  CHECK_FALSE(helperVerbNamed(QStringLiteral("env-set ")));
  CHECK_FALSE(helperVerbNamed(QStringLiteral("ENV-SET")));
  CHECK_FALSE(helperVerbNamed(QString()));
}

TEST_CASE("helper commands: the factories build the helper's command lines, with the table's argument counts") {
  const QList<std::pair<HelperCommand, QStringList>> cases{
      {HelperCommand::install(QStringLiteral("service")),
       {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service")}},
      {HelperCommand::rollback(QStringLiteral("T1")), {QStringLiteral("rollback"), QStringLiteral("T1")}},
      {HelperCommand::envSet(QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")),
       {QStringLiteral("env-set"), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")}},
      {HelperCommand::envUnset(QStringLiteral("OLLAMA_DEBUG")),
       {QStringLiteral("env-unset"), QStringLiteral("OLLAMA_DEBUG")}},
      {HelperCommand::envChange(QStringLiteral("A"), QStringLiteral("")),
       {QStringLiteral("env-set"), QStringLiteral("A"), QString()}},
      {HelperCommand::envChange(QStringLiteral("A"), std::nullopt), {QStringLiteral("env-unset"), QStringLiteral("A")}},
      {HelperCommand::overrideResolve(QStringLiteral("merge"), QStringLiteral("LD_LIBRARY_PATH"),
                                      QStringLiteral("override.conf"), 3, QString(64, u'a')),
       {QStringLiteral("override-resolve"), QStringLiteral("merge"), QStringLiteral("LD_LIBRARY_PATH"),
        QStringLiteral("override.conf"), QStringLiteral("3"), QString(64, u'a')}},
      {HelperCommand::shimConfigSet(QStringLiteral("remote"), QStringLiteral("tcp:10.0.0.2:7000"), std::nullopt),
       {QStringLiteral("shim-config-set"), QStringLiteral("remote"), QStringLiteral("tcp:10.0.0.2:7000"),
        QStringLiteral("-")}},
      {HelperCommand::daemonReload(), {QStringLiteral("daemon-reload")}},
      {HelperCommand::restartOllama(), {QStringLiteral("restart-ollama")}},
  };
  for (const auto& [command, line] : cases) {
    INFO(line.join(u' ').toStdString());
    CHECK(command.commandLine() == line);
    CHECK(command.text() == line.join(u' '));
    CHECK(command.arguments.size() == helperVerbSpec(command.verb).argumentCount);
    CHECK_FALSE(command.temporary);
  }
  CHECK(HelperCommand::daemonReload() == HelperCommand::daemonReload());
  CHECK_FALSE(HelperCommand::envUnset(QStringLiteral("A")) == HelperCommand::envUnset(QStringLiteral("B")));
}

TEST_CASE("helper verbs: docs/helper-protocol.md's verb table is the table's") {
  QFile file(QStringLiteral(VGPU_SOURCE_DIR "/docs/helper-protocol.md"));
  REQUIRE(file.open(QIODevice::ReadOnly));
  const QString text = QString::fromUtf8(file.readAll());
  // | `env-set` | `NAME VALUE` | ... — the documented arguments, pipes escaped as in Markdown.
  static const QRegularExpression row(QStringLiteral(R"(^\| `([a-z-]+)` \| (`([^`]*)`|—) \|)"),
                                      QRegularExpression::MultilineOption);
  QSet<QString> documented;
  for (auto match = row.globalMatch(text); match.hasNext();) {
    const QRegularExpressionMatch found = match.next();
    const QString verb = found.captured(1);
    const std::optional<HelperVerb> known = helperVerbNamed(verb);
    INFO(verb.toStdString());
    REQUIRE(known);
    const QString arguments = found.captured(3).replace(QStringLiteral("\\|"), QStringLiteral("|"));
    const QString usage = QLatin1String(helperVerbSpec(*known).usage);
    CHECK(usage == (arguments.isEmpty() ? verb : verb + u' ' + arguments));
    documented.insert(verb);
  }
  CHECK(documented.size() == static_cast<qsizetype>(helperVerbTable().size()));
}

// The doctor against the facts generated from Ollama's source (tests/data/ollama-facts/): every
// message rule names a text Ollama logs, every raw-output rule accepts a line Ollama's facts
// allow, and every log fixture (tests/data/ollama-logs) holds only lines that the tags it is
// labelled with ("ollamaTags" in its expected.json) print, at their level, with their attributes.
#include <catch2/catch.hpp>

#include "doctor/logs/ollama_log_events.h"
#include "ollama_facts.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

using namespace vgpu::controller::doctor;
using vgpu::test::ollamaFacts;

namespace {

bool ruleMatches(const MessageRule& rule, const vgpu::test::FactMessage& message) {
  const QString text = QString::fromUtf8(rule.text);
  switch (rule.match) {
  case MessageMatch::Exact: return message.text == text;
  case MessageMatch::Prefix: return message.text.startsWith(text);
  case MessageMatch::Contains: return message.text.contains(text);
  }
  return false;
}

QByteArray readFile(const QString& path) {
  QFile file(path);
  REQUIRE(file.open(QIODevice::ReadOnly));
  return file.readAll();
}

} // namespace

TEST_CASE("ollama facts: the generated table covers v0.12.0 to v0.33.0-rc2") {
  const auto& facts = ollamaFacts();
  REQUIRE_FALSE(facts.tags.isEmpty());
  CHECK(facts.tags.constFirst() == QStringLiteral("v0.12.0"));
  CHECK(facts.tags.constLast() == QStringLiteral("v0.33.0-rc2"));
  CHECK(facts.messages.size() > 500);
  CHECK(facts.serverConfigVariables.contains(QStringLiteral("OLLAMA_VULKAN")));
}

TEST_CASE("ollama facts: every message rule of the classifier names a text Ollama logs") {
  for (const MessageRule& rule : messageRules()) {
    INFO(rule.text);
    bool found = false;
    for (const auto& message : ollamaFacts().messages) {
      found = found || ruleMatches(rule, message);
    }
    CHECK(found);
  }
}

TEST_CASE("ollama facts: every raw-output rule accepts its sample, and the sample is Ollama's") {
  for (const RawRule& rule : rawRules()) {
    const QString sample = QString::fromUtf8(rule.sample);
    INFO(rule.pattern << " / " << rule.sample);
    CHECK(QRegularExpression(QString::fromUtf8(rule.pattern)).match(sample).hasMatch());
    bool inFacts = false;
    for (const auto& format : ollamaFacts().runnerFormats) {
      inFacts = inFacts || format.pattern.match(sample).hasMatch();
    }
    CHECK(inFacts);
    CHECK(classifyLogLine(sample, 1).kind == rule.kind);
  }
}

TEST_CASE("ollama facts: a text outside the facts is reported") {
  const auto& facts = ollamaFacts();
  const auto [from, to] = facts.parseRange(QStringLiteral("v0.13.0..v0.24.0"));
  // An invented attribute, a message that does not exist, the v0.12 wording in a v0.13 range.
  const QString log = QStringLiteral(
      "time=t level=DEBUG source=r.go:1 msg=\"filtering device which didn't fully initialize\" id=GPU-1 required=x\n"
      "time=t level=INFO source=r.go:1 msg=\"no GPU devices listed\"\n"
      "time=t level=DEBUG source=r.go:1 msg=\"skipping available library at users request\" requested=cuda_v12 "
      "libDir=/usr/local/lib/ollama/cuda_v13\n"
      "time=t level=DEBUG source=r.go:1 msg=\"inference compute\" id=cpu library=cpu\n"
      "  CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80463 MiB free)\n"
      "Server listening on 127.0.0.1:33333\n");
  const QStringList problems = vgpu::test::checkLogAgainstFacts(log, from, to);
  INFO(problems.join(u'\n').toStdString());
  CHECK(problems
            .filter(QStringLiteral("line 1: \"filtering device which didn't fully initialize\" has no "
                                   "attribute required"))
            .size() == 1);
  CHECK(problems.filter(QStringLiteral("line 2: Ollama never logs")).size() == 1);
  CHECK(problems
            .filter(QStringLiteral("line 3: \"skipping available library at users request\" (DEBUG) is not "
                                   "logged in every tag"))
            .size() == 1);
  CHECK(problems.filter(QStringLiteral("line 4: Ollama never logs \"inference compute\" at DEBUG")).size() == 1);
  // llama-server's device list exists only from v0.30.0; log.Println output is no runner format.
  CHECK(problems.filter(QStringLiteral("line 5: runner output not printed in every tag")).size() == 1);
  CHECK(problems.filter(QStringLiteral("line 6: runner output no format")).size() == 1);
}

TEST_CASE("ollama facts: every log fixture holds only lines its tags print") {
  const QDir dir(QString::fromStdString((vgpu::test::dataDir() / "ollama-logs").string()));
  const QStringList logs = dir.entryList({QStringLiteral("*.log")}, QDir::Files);
  REQUIRE(logs.size() >= 15);
  for (const QString& name : logs) {
    INFO("fixture " << name.toStdString());
    const QJsonObject expected =
        QJsonDocument::fromJson(readFile(dir.filePath(name.chopped(4) + QStringLiteral(".expected.json")))).object();
    if (expected.value(QStringLiteral("mode")).toString() == QLatin1String("not-ollama-log")) {
      continue; // garbage on purpose
    }
    const QString label = expected.value(QStringLiteral("ollamaTags")).toString();
    REQUIRE_FALSE(label.isEmpty()); // every Ollama fixture says which tags it represents
    const auto [from, to] = ollamaFacts().parseRange(label);
    REQUIRE(from >= 0);
    REQUIRE(to >= from);
    const QStringList problems =
        vgpu::test::checkLogAgainstFacts(QString::fromUtf8(readFile(dir.filePath(name))), from, to);
    INFO(problems.join(u'\n').toStdString());
    CHECK(problems.isEmpty());
  }
}

// The field report's case (shared/seed/000_ab2b93e759598eec.txt): OLLAMA_LLM_LIBRARY=cuda_v12,
// skip lines for cuda_v13 and vulkan, nothing for cuda_v12, initial_count=0, library=cpu. The
// doctor must name the right next step and never blame the scanner for skipping the requested
// folder. Also its two neighbours: the same setup at Info level, and cuda_v12 visited but empty.
#include <catch2/catch.hpp>

#include "doctor/logs/discovery_verdict.h"
#include "test_paths.h"

#include <QFile>

using namespace vgpu::controller::doctor;

namespace {

DiscoveryVerdict verdictFor(const char* name) {
  QFile file(QString::fromStdString((vgpu::test::dataDir() / "ollama-logs" / name).string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  return analyseDiscovery(parseOllamaLog(QString::fromUtf8(file.readAll())));
}

QString allText(const DiscoveryVerdict& verdict) {
  QString text = verdict.summary;
  for (const DiscoveryCause& cause : verdict.causes) {
    text += u'\n' + cause.id + u'\n' + cause.title + u'\n' + cause.explanation + u'\n' + cause.nextStep;
  }
  return text;
}

void checkDoesNotBlameTheScanner(const DiscoveryVerdict& verdict) {
  const QString text = allText(verdict).toLower();
  CHECK_FALSE(text.contains(QLatin1String("scanner skips")));
  CHECK_FALSE(text.contains(QLatin1String("skips the requested")));
  CHECK_FALSE(text.contains(QLatin1String("skip checking")));
}

bool hasLine(const DiscoveryCause& cause, int line) {
  for (const LogEvidence& item : cause.evidence) {
    if (item.line == line) {
      return true;
    }
  }
  return false;
}

} // namespace

TEST_CASE("seed case at debug level: cuda_v12 was never visited; check the folder") {
  const DiscoveryVerdict verdict = verdictFor("seed-cuda-v12-not-visited.log");
  CHECK(verdict.mode == DiscoveryMode::Cpu);
  CHECK(verdict.requestedLibrary == QStringLiteral("cuda_v12"));
  REQUIRE(verdict.causes.size() == 1);
  const DiscoveryCause& cause = verdict.causes.constFirst();
  CHECK(cause.id == QStringLiteral("requested-library-not-visited"));
  CHECK(cause.strength == EvidenceStrength::Decisive);
  // The deciding evidence is the absent bootstrap line, named as such.
  CHECK(cause.explanation.contains(QLatin1String("bootstrap discovery took")));
  CHECK(cause.explanation.contains(QStringLiteral("OLLAMA_LIBRARY_PATH=[… /usr/local/lib/ollama/cuda_v12]")));
  CHECK(cause.explanation.contains(QLatin1String("never visited")));
  // The missing cuda_v12 skip line is explained as expected.
  CHECK(cause.explanation.contains(QLatin1String("name only the folders that do not match (cuda_v13, vulkan)")));
  CHECK(cause.explanation.contains(QLatin1String("missing cuda_v12 skip line is expected")));
  // The next step: the folder checks, with every way a folder becomes invisible.
  CHECK(cause.nextStep.contains(QLatin1String("folder checks on /usr/local/lib/ollama/cuda_v12 as the service user")));
  for (const char* condition : {"exist", "readable", "enterable", "broken symlink", "*ggml-*"}) {
    INFO(condition);
    CHECK(cause.nextStep.contains(QLatin1String(condition)));
  }
  CHECK_FALSE(cause.action); // the folder is fixed by hand or by the installer, not by an env verb
  // Evidence: the config, both skip lines, initial_count=0 and library=cpu (lines of the corpus file).
  for (const int line : {2, 8, 9, 10, 11}) {
    INFO("line " << line);
    CHECK(hasLine(cause, line));
  }
  checkDoesNotBlameTheScanner(verdict);
}

TEST_CASE("seed case at Info level: not enough to decide; raise OLLAMA_DEBUG temporarily") {
  const DiscoveryVerdict verdict = verdictFor("seed-info-level.log");
  CHECK(verdict.mode == DiscoveryMode::Cpu);
  REQUIRE(verdict.causes.size() == 1);
  const DiscoveryCause& cause = verdict.causes.constFirst();
  CHECK(cause.id == QStringLiteral("log-level-insufficient"));
  CHECK(cause.explanation.contains(QLatin1String("not enough to decide")));
  CHECK(cause.explanation.contains(QLatin1String("At Info level no line about cuda_v12 is expected")));
  CHECK(cause.explanation.contains(QLatin1String("not evidence")));
  REQUIRE(cause.action);
  CHECK(cause.action->verbName() == QStringLiteral("env-set"));
  CHECK(cause.action->arguments == QStringList{QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")});
  CHECK(cause.action->temporary);
  checkDoesNotBlameTheScanner(verdict);
}

TEST_CASE("seed setup with cuda_v12 visited and initial_count=0: libggml-cuda.so failed to load") {
  const DiscoveryVerdict verdict = verdictFor("cuda-v12-visited-no-device.log");
  REQUIRE(verdict.causes.size() == 1);
  const DiscoveryCause& cause = verdict.causes.constFirst();
  CHECK(cause.id == QStringLiteral("cuda-backend-load-failed"));
  CHECK(cause.explanation.contains(QLatin1String("/usr/local/lib/ollama/cuda_v12/libggml-cuda.so failed to load")));
  CHECK(cause.explanation.contains(QLatin1String("initial_count=0")));
  CHECK(cause.nextStep.contains(QLatin1String("loader check")));
  CHECK(cause.nextStep.contains(QLatin1String("names the missing one")));
  CHECK(cause.nextStep.contains(QLatin1String("OLLAMA_DEBUG=2")));
  REQUIRE(cause.action);
  CHECK(cause.action->arguments == QStringList{QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("2")});
  CHECK(cause.action->temporary);
  checkDoesNotBlameTheScanner(verdict);
}

TEST_CASE("every corpus verdict stays clear of the scanner hypothesis") {
  for (const char* name : {"cuda-init-failed-trace.log", "filtered-not-initialized.log", "no-gpu-variant-visited.log",
                           "jetpack-vulkan-skips.log", "era-b-compute-not-compiled.log"}) {
    INFO(name);
    checkDoesNotBlameTheScanner(verdictFor(name));
  }
}

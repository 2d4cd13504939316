// The Ollama log corpus tests/data/ollama-logs: each <case>.log has a <case>.expected.json
// (mode, era, cause ids in rank order, device names, server starts, and where given the log level
// and OLLAMA_LLM_LIBRARY). Also bad input that must not crash and must say "not an Ollama log".
#include <catch2/catch.hpp>

#include "doctor/logs/discovery_verdict.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

using namespace vgpu::controller::doctor;

namespace {

QString corpusDir() {
  return QString::fromStdString((vgpu::test::dataDir() / "ollama-logs").string());
}

QByteArray readFile(const QString& path) {
  QFile file(path);
  REQUIRE(file.open(QIODevice::ReadOnly));
  return file.readAll();
}

QStringList strings(const QJsonValue& value) {
  QStringList list;
  const QJsonArray array = value.toArray();
  for (const auto& item : array) {
    list.append(item.toString());
  }
  return list;
}

} // namespace

TEST_CASE("ollama log corpus: each case yields its expected verdict") {
  const QDir dir(corpusDir());
  const QStringList logs = dir.entryList({QStringLiteral("*.log")}, QDir::Files);
  REQUIRE(logs.size() >= 15);
  for (const QString& name : logs) {
    INFO("case " << name.toStdString());
    const QString base = name.chopped(4);
    REQUIRE(QFile::exists(dir.filePath(base + QStringLiteral(".expected.json"))));
    QJsonParseError error{};
    const QJsonObject expected =
        QJsonDocument::fromJson(readFile(dir.filePath(base + QStringLiteral(".expected.json"))), &error).object();
    REQUIRE(error.error == QJsonParseError::NoError);

    const DiscoveryVerdict verdict = analyseDiscovery(parseOllamaLog(QString::fromUtf8(readFile(dir.filePath(name)))));
    CHECK(discoveryModeName(verdict.mode) == expected[QStringLiteral("mode")].toString());
    CHECK(eraName(verdict.era.era) == expected[QStringLiteral("era")].toString());
    CHECK(verdict.serverStarts == expected[QStringLiteral("serverStarts")].toInt());
    QStringList causes;
    for (const DiscoveryCause& cause : verdict.causes) {
      causes.append(cause.id);
      CHECK_FALSE(cause.explanation.isEmpty());
      CHECK_FALSE(cause.nextStep.isEmpty());
      CHECK_FALSE(cause.evidence.isEmpty());
    }
    CHECK(causes.join(u',').toStdString() == strings(expected[QStringLiteral("causes")]).join(u',').toStdString());
    QStringList devices;
    for (const ComputeDevice& device : verdict.devices) {
      devices.append(device.name);
    }
    CHECK(devices == strings(expected[QStringLiteral("devices")]));
    if (expected.contains(QStringLiteral("logLevel"))) {
      CHECK(logLevelName(verdict.logLevel) == expected[QStringLiteral("logLevel")].toString());
    }
    if (expected.contains(QStringLiteral("requestedLibrary"))) {
      CHECK(verdict.requestedLibrary == expected[QStringLiteral("requestedLibrary")].toString());
    }
    if (verdict.mode == DiscoveryMode::Cpu) {
      CHECK_FALSE(verdict.causes.isEmpty()); // CPU mode always gets a cause, even "not enough to decide"
    }
  }
}

TEST_CASE("the H100 era-A log: the device as the inference compute line names it") {
  const DiscoveryVerdict verdict = analyseDiscovery(
      parseOllamaLog(QString::fromUtf8(readFile(corpusDir() + QStringLiteral("/era-a-h100-gpu.log")))));
  REQUIRE(verdict.devices.size() == 1);
  const ComputeDevice& device = verdict.devices.constFirst();
  CHECK(device.id.startsWith(QLatin1String("GPU-")));
  CHECK(device.library == QStringLiteral("CUDA"));
  CHECK(device.compute == QStringLiteral("9.0"));
  CHECK(device.pciId == QStringLiteral("0000:00:05.0"));
  CHECK(device.total == QStringLiteral("79.1 GiB"));
  CHECK(device.available == QStringLiteral("78.6 GiB"));
  CHECK(device.driver == QStringLiteral("13.0"));
  CHECK(verdict.era.version == QStringLiteral("0.12.6"));
  CHECK(verdict.summary.contains(QLatin1String("NVIDIA H100 80GB HBM3")));
}

TEST_CASE("two server starts: only the last one is judged") {
  const DiscoveryVerdict verdict = analyseDiscovery(
      parseOllamaLog(QString::fromUtf8(readFile(corpusDir() + QStringLiteral("/two-server-starts.log")))));
  CHECK(verdict.serverStarts == 2);
  CHECK(verdict.mode == DiscoveryMode::Gpu);
  CHECK(verdict.lastStartLine > 1);
  for (const TimelineEntry& entry : verdict.timeline) {
    CHECK(entry.line >= verdict.lastStartLine);
    CHECK(entry.event != QStringLiteral("user-overrode-visible-devices")); // that was the first start
  }
}

TEST_CASE("bad input: empty, binary, huge and cut-off text end in a clear result, never a crash") {
  QByteArray binary(4096, '\0');
  QRandomGenerator generator(42);
  for (char& byte : binary) {
    byte = static_cast<char>(generator.bounded(256));
  }
  const QString inputs[] = {
      QString(),
      QStringLiteral("\n\n\n"),
      QString::fromUtf8(binary),
      QString(200000, u'x'),
      QStringLiteral("time="),
      QStringLiteral("time=\"\\"),
      QStringLiteral("Feb 26 09:14:02 host ollama[1]: "),
  };
  for (const QString& input : inputs) {
    const OllamaLog log = parseOllamaLog(input);
    const DiscoveryVerdict verdict = analyseDiscovery(log);
    CHECK(verdict.mode == DiscoveryMode::NotOllamaLog);
    CHECK(verdict.summary.startsWith(QLatin1String("Not an Ollama log")));
    CHECK(verdict.causes.isEmpty());
  }
}

TEST_CASE("a log cut off in the middle of discovery is undecided, not blamed on a folder") {
  const DiscoveryVerdict verdict = analyseDiscovery(
      parseOllamaLog(QString::fromUtf8(readFile(corpusDir() + QStringLiteral("/truncated-mid-discovery.log")))));
  CHECK(verdict.mode == DiscoveryMode::Undecided);
  REQUIRE(verdict.causes.size() == 1);
  CHECK(verdict.causes.constFirst().id == QStringLiteral("discovery-incomplete"));
}

TEST_CASE("each device filter line yields its own cause, decisive when it can leave Ollama without the device") {
  struct Case {
    const char* line;
    const char* cause;
    EvidenceStrength strength;
  };
  // Lines as Ollama prints them (tests/data/ollama-facts/messages.tsv): keys and levels included.
  const Case cases[] = {
      {R"L(time=t level=DEBUG source=r.go:1 msg="filtering device with overlapping libraries" id=GPU-1 library=CUDA delete_index=0 kept_library=cuda_v13)L",
       "device-filtered.overlapping-libraries", EvidenceStrength::Weak},
      {R"L(time=t level=DEBUG source=r.go:1 msg="dropping duplicate device" id=0 library=Vulkan compute=0.0 name=Vulkan0 description="NVIDIA H100" libdirs=ollama,vulkan driver=0.0 pci_id=0000:00:05.0 type=discrete total="79.1 GiB" available="78.6 GiB")L",
       "device-filtered.duplicate-pci-id", EvidenceStrength::Weak},
      {R"L(time=t level=DEBUG source=r.go:1 msg="skipping pseudo-device with zero memory" name=CUDA0 description="NVIDIA H100")L",
       "device-filtered.zero-memory", EvidenceStrength::Decisive},
      {R"L(time=t level=DEBUG source=r.go:1 msg="filtering device which didn't fully initialize" id=GPU-1 libdir=/r/cuda_v12 pci_id=0000:00:05.0 library=CUDA)L",
       "device-filtered.not-initialized", EvidenceStrength::Decisive},
  };
  for (const Case& c : cases) {
    INFO(c.cause);
    const QString log =
        QStringLiteral(
            R"L(time=t level=INFO source=r.go:1 msg="discovering available GPUs..."
time=t level=DEBUG source=r.go:1 msg="bootstrap discovery took" duration=1ms OLLAMA_LIBRARY_PATH="[/r /r/cuda_v12]" extra_envs=map[]
time=t level=DEBUG source=r.go:1 msg="evaluating which, if any, devices to filter out" initial_count=1
)L") + QString::fromUtf8(c.line) +
        QStringLiteral("\ntime=t level=INFO source=t.go:1 msg=\"inference compute\" id=cpu library=cpu\n");
    const DiscoveryVerdict verdict = analyseDiscovery(parseOllamaLog(log));
    const DiscoveryCause* found = nullptr;
    for (const DiscoveryCause& cause : verdict.causes) {
      found = cause.id == QLatin1String(c.cause) ? &cause : found;
    }
    REQUIRE(found != nullptr);
    CHECK(found->strength == c.strength);
    if (c.strength == EvidenceStrength::Decisive) {
      CHECK(verdict.causes.constFirst().id == QLatin1String(c.cause));
    }
  }
}

TEST_CASE("era B: llama-server missing and an unverifiable driver are reported") {
  const DiscoveryVerdict verdict = analyseDiscovery(parseOllamaLog(QStringLiteral(
      R"L(time=t level=INFO source=r.go:1 msg="Listening on [::]:11434 (version 0.31.0)"
time=t level=DEBUG source=r.go:1 msg="llama-server not available for device discovery" error="stat /usr/local/lib/ollama/llama-server: no such file or directory"
time=t level=WARN source=r.go:1 msg="could not verify NVIDIA driver compatibility for CUDA"
time=t level=INFO source=t.go:1 msg="inference compute" id=cpu library=cpu
)L")));
  CHECK(verdict.era.era == OllamaEra::B);
  QStringList ids;
  for (const DiscoveryCause& cause : verdict.causes) {
    ids.append(cause.id);
  }
  CHECK(ids.contains(QStringLiteral("llama-server-missing")));
  CHECK(ids.contains(QStringLiteral("driver-unverified")));
  CHECK(ids.indexOf(QStringLiteral("llama-server-missing")) < ids.indexOf(QStringLiteral("driver-unverified")));
}

TEST_CASE("a backend load failure names the missing symbol") {
  const DiscoveryVerdict verdict = analyseDiscovery(parseOllamaLog(
      QString::fromUtf8(readFile(corpusDir() + QStringLiteral("/era-a-backend-load-failed-trace.log")))));
  REQUIRE_FALSE(verdict.causes.isEmpty());
  const DiscoveryCause& cause = verdict.causes.constFirst();
  CHECK(cause.id == QStringLiteral("cuda-backend-load-failed"));
  CHECK(cause.explanation.contains(QLatin1String("does not export cuCtxGetFlags")));
  CHECK(cause.nextStep.contains(QLatin1String("/usr/local/lib/ollama/cuda_v12/libggml-cuda.so")));
  CHECK_FALSE(cause.action); // trace level already: nothing to raise
}

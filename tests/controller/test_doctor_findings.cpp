// One test per finding of the review that held the doctor against Ollama's source (v0.12.0..v0.33.0-rc2).
// Each log below is made of lines Ollama prints, checked against tests/data/ollama-facts for the
// tags it stands for, so a test cannot pass on text Ollama never writes. The tests use only the
// doctor's public entry points, so they also build against the code before the fix (where each
// one fails).
#include <catch2/catch.hpp>

#include "doctor/logs/discovery_verdict.h"
#include "doctor/machine/jetpack_vulkan_checks.h"
#include "environment/environment_overrides.h"
#include "environment/variable_table.h"
#include "ollama_facts.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <tuple>

using namespace vgpu::controller;
using namespace vgpu::controller::doctor;

namespace {

QByteArray readFile(const QString& path) {
  QFile file(path);
  REQUIRE(file.open(QIODevice::ReadOnly));
  return file.readAll();
}

QString fixture(const char* name) {
  return QString::fromUtf8(readFile(
      QString::fromStdString((vgpu::test::dataDir() / "ollama-logs" / (std::string(name) + ".log")).string())));
}

// The verdict of `log`, after checking that every line is one the tags `label` print.
DiscoveryVerdict verdictOf(const QString& log, const QString& label) {
  const auto [from, to] = vgpu::test::ollamaFacts().parseRange(label);
  const QStringList problems = vgpu::test::checkLogAgainstFacts(log, from, to);
  INFO(problems.join(u'\n').toStdString());
  REQUIRE(problems.isEmpty());
  return analyseDiscovery(parseOllamaLog(log));
}

QStringList causeIds(const DiscoveryVerdict& verdict) {
  QStringList ids;
  for (const DiscoveryCause& cause : verdict.causes) {
    ids.append(cause.id);
  }
  return ids;
}

const DiscoveryCause* causeNamed(const DiscoveryVerdict& verdict, const QString& id) {
  for (const DiscoveryCause& cause : verdict.causes) {
    if (cause.id == id) {
      return &cause;
    }
  }
  return nullptr;
}

// The discovery of an era-A server, Debug level, that visited `folders` and found `count`.
QString eraADebugStart(const QString& version, const QString& skipWording, const QString& evaluating) {
  return QStringLiteral(
             "time=2026-03-02T10:00:00.100Z level=INFO source=routes.go:1597 msg=\"Listening on 127.0.0.1:11434 "
             "(version %1)\"\n"
             "time=2026-03-02T10:00:00.101Z level=INFO source=runner.go:80 msg=\"discovering available GPUs...\"\n"
             "time=2026-03-02T10:00:00.102Z level=DEBUG source=runner.go:93 msg=\"%2\" requested=cuda_v12 "
             "libDir=/usr/local/lib/ollama/cuda_v13\n"
             "time=2026-03-02T10:00:00.300Z level=DEBUG source=runner.go:414 msg=\"bootstrap discovery took\" "
             "duration=198ms OLLAMA_LIBRARY_PATH=\"[/usr/local/lib/ollama /usr/local/lib/ollama/cuda_v12]\" "
             "extra_envs=map[]\n"
             "%3\n"
             "time=2026-03-02T10:00:00.310Z level=INFO source=types.go:60 msg=\"inference compute\" id=cpu "
             "library=cpu compute=\"\" name=cpu description=cpu libdirs=ollama driver=\"\" pci_id=\"\" type=\"\" "
             "total=\"31.3 GiB\" available=\"29.9 GiB\"\n")
      .arg(version, skipWording, evaluating);
}

struct JetpackTree {
  explicit JetpackTree(const std::string& name, const QByteArray& tegraRelease, quint16 elfMachine)
      : dir(QString::fromStdString(vgpu::test::scratchDir("doctor-findings-" + name).string())) {
    if (!tegraRelease.isEmpty()) {
      QDir().mkpath(dir + QStringLiteral("/etc"));
      QFile file(dir + QStringLiteral("/etc/nv_tegra_release"));
      REQUIRE(file.open(QIODevice::WriteOnly));
      file.write(tegraRelease);
    }
    QDir().mkpath(dir + QStringLiteral("/usr/local/bin"));
    QFile binary(dir + QStringLiteral("/usr/local/bin/ollama"));
    REQUIRE(binary.open(QIODevice::WriteOnly));
    QByteArray header(64, '\0');
    header.replace(0, 4,
                   "\x7f"
                   "ELF");
    header[4] = 2; // 64-bit
    header[5] = 1; // little endian
    header[18] = static_cast<char>(elfMachine & 0xff);
    header[19] = static_cast<char>(elfMachine >> 8);
    binary.write(header);
  }

  CheckResult run(const QString& version, const QList<QPair<QString, QString>>& values,
                  const QStringList& variants = {QStringLiteral("cuda_jetpack6"), QStringLiteral("cuda_v12"),
                                                 QStringLiteral("cuda_v13"), QStringLiteral("vulkan")}) const {
    OllamaInstallation installation;
    installation.version.text = version;
    installation.version.era = eraOfVersion(version);
    installation.binary.path = QStringLiteral("/usr/local/bin/ollama");
    installation.binary.resolved = installation.binary.path;
    installation.libraryRoot.path = QStringLiteral("/usr/local/lib/ollama");
    for (const QString& name : variants) {
      VariantFolder folder;
      folder.name = name;
      folder.path = QStringLiteral("/usr/local/lib/ollama/") + name;
      folder.kind = name.startsWith(QLatin1String("cuda_jetpack")) ? VariantKind::CudaJetpack
                    : name.startsWith(QLatin1String("cuda"))       ? VariantKind::Cuda
                                                                   : VariantKind::Vulkan;
      folder.ggmlFiles = {QStringLiteral("libggml-base.so")};
      installation.variants.append(folder);
    }
    for (const auto& [name, value] : values) {
      installation.environment.append({name, value, QStringLiteral("/etc/systemd/system/ollama.service.d/o.conf:3")});
    }
    DoctorContext context;
    context.root = dir;
    context.installation = installation;
    return checkJetpackVulkan(context);
  }

  QString dir;
};

constexpr quint16 kArm64 = 183;
constexpr quint16 kX86_64 = 62;
const QByteArray kTegraR36 = "# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, EABI: aarch64\n";
const QPair<QString, QString> kRequestCudaV12{QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12")};
const QPair<QString, QString> kRequestVulkan{QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("vulkan")};

} // namespace

TEST_CASE("finding 1: an Info-level CPU log with a model load is not enough to decide") {
  const DiscoveryVerdict verdict = verdictOf(fixture("era-a-info-model-load-cpu"), QStringLiteral("v0.13.5"));
  CHECK(verdict.mode == DiscoveryMode::Cpu);
  CHECK(verdict.logLevel == LogLevel::Info); // the runner's load_backend lines do not make it trace
  REQUIRE_FALSE(verdict.causes.isEmpty());
  const DiscoveryCause& first = verdict.causes.constFirst();
  CHECK(first.id == QStringLiteral("log-level-insufficient"));
  CHECK(first.strength != EvidenceStrength::Decisive);
  for (const DiscoveryCause& cause : verdict.causes) {
    CHECK(cause.strength != EvidenceStrength::Decisive);
  }
  REQUIRE(first.action);
  CHECK(first.action->verbName() == QStringLiteral("env-set"));
  CHECK(first.action->arguments == QStringList{QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")});
}

TEST_CASE("finding 3: JetPack skips a requested cuda_v12 in every version; only on arm64; only R35/R36") {
  const JetpackTree jetson("jetson", kTegraR36, kArm64);
  for (const char* version : {"0.13.0", "0.31.1", "0.32.0", "0.33.0"}) {
    INFO(version);
    const CheckResult result = jetson.run(QString::fromLatin1(version), {kRequestCudaV12});
    CHECK(result.status == CheckStatus::Warn);
    CHECK(result.summary.contains(QLatin1String("skips the requested cuda_v12")));
  }
  // From v0.31.2 the detection is cleared when cuda_jetpack6 is not installed.
  const QStringList noJetpackFolder{QStringLiteral("cuda_v12"), QStringLiteral("cuda_v13")};
  CHECK(jetson.run(QStringLiteral("0.31.1"), {kRequestCudaV12}, noJetpackFolder).status == CheckStatus::Warn);
  CHECK(jetson.run(QStringLiteral("0.31.2"), {kRequestCudaV12}, noJetpackFolder).status == CheckStatus::Pass);
  // Not on x86_64, and not for a release other than R35/R36.
  const JetpackTree x86("x86", kTegraR36, kX86_64);
  CHECK(x86.run(QStringLiteral("0.13.0"), {kRequestCudaV12}).status == CheckStatus::Pass);
  const JetpackTree r32("r32", "# R32 (release), REVISION: 7.1\n", kArm64);
  CHECK(r32.run(QStringLiteral("0.13.0"), {kRequestCudaV12}).status == CheckStatus::Pass);
}

TEST_CASE("finding 4: the v0.12.4-v0.12.11 wordings of the filter and verify lines are read") {
  // v0.12.4-v0.12.6: "filtering out unsupported or overlapping GPU library combinations" count=N.
  const QString older = eraADebugStart(
      QStringLiteral("0.12.5"), QStringLiteral("skipping available library at users request"),
      QStringLiteral("time=2026-03-02T10:00:00.301Z level=DEBUG source=runner.go:117 msg=\"filtering out unsupported "
                     "or overlapping GPU library combinations\" count=0"));
  // v0.12.7-v0.12.11: "evluating which if any devices to filter out" (Ollama's typo).
  const QString typo = eraADebugStart(
      QStringLiteral("0.12.9"), QStringLiteral("skipping available library at users request"),
      QStringLiteral("time=2026-03-02T10:00:00.301Z level=DEBUG source=runner.go:120 msg=\"evluating which if any "
                     "devices to filter out\" initial_count=0"));
  for (const auto& [log, label] :
       {std::pair{older, QStringLiteral("v0.12.5")}, std::pair{typo, QStringLiteral("v0.12.9")}}) {
    INFO(label.toStdString());
    const DiscoveryVerdict verdict = verdictOf(log, label);
    CHECK(verdict.mode == DiscoveryMode::Cpu);
    REQUIRE_FALSE(verdict.causes.isEmpty());
    CHECK(verdict.causes.constFirst().id == QStringLiteral("cuda-backend-load-failed"));
  }
  // The older verify wordings are events too (v0.12.4-v0.12.9 and v0.12.10-v0.12.11).
  CHECK(classifyLogLine(QStringLiteral("time=t level=DEBUG source=runner.go:129 msg=\"verifying GPU is supported\" "
                                       "library=/usr/local/lib/ollama/cuda_v12"),
                        1)
            .kind == EventKind::VerifyingDevice);
  CHECK(classifyLogLine(QStringLiteral("time=t level=DEBUG source=runner.go:129 msg=\"verifying device is supported\" "
                                       "library=/usr/local/lib/ollama/cuda_v12"),
                        1)
            .kind == EventKind::VerifyingDevice);
}

TEST_CASE("finding 5: era A discovery failure, era B watchdog, system_info and integrated-GPU lines are causes") {
  struct Case {
    const char* fixture;
    const char* label;
    const char* cause;
    const char* explanationHas;
  };
  const Case cases[] = {
      {"era-a-runner-discovery-failure", "v0.13.5", "runner-discovery-failed", "signal: segmentation fault"},
      {"era-b-watchdog-timeout", "v0.32.1", "discovery-timed-out", "did not finish its device discovery"},
      {"era-b-integrated-gpu-dropped", "v0.32.1", "device-filtered.integrated-gpu", "integrated GPU"},
      {"era-b-llama-server-failure", "v0.31.0", "llama-server-discovery-failed", "exit status 127"},
  };
  for (const Case& c : cases) {
    INFO(c.fixture);
    const DiscoveryVerdict verdict = verdictOf(fixture(c.fixture), QString::fromLatin1(c.label));
    CHECK(verdict.mode == DiscoveryMode::Cpu);
    const DiscoveryCause* cause = causeNamed(verdict, QString::fromLatin1(c.cause));
    INFO(causeIds(verdict).join(u',').toStdString());
    REQUIRE(cause != nullptr);
    CHECK(cause->explanation.contains(QLatin1String(c.explanationHas)));
    CHECK(verdict.causes.constFirst().id == QLatin1String(c.cause));
  }
  // The system_info warning alone (Info level) is a strong clue, ranked above "not enough to decide".
  const DiscoveryVerdict watchdog = verdictOf(fixture("era-b-watchdog-timeout"), QStringLiteral("v0.32.1"));
  CHECK(causeIds(watchdog).contains(QStringLiteral("system-info-missing")));
}

TEST_CASE("finding 6: OLLAMA_VULKAN is read as Ollama reads it, per era") {
  const JetpackTree plain("vulkan", QByteArray(), kX86_64);
  const auto vulkan = [&plain](const char* version, const char* value) {
    QList<QPair<QString, QString>> values{kRequestVulkan};
    if (value != nullptr) {
      values.append({QStringLiteral("OLLAMA_VULKAN"), QString::fromLatin1(value)});
    }
    return plain.run(QString::fromLatin1(version), values).status;
  };
  // Before v0.30.0: off unless set; true, t and any unparsable value turn it on.
  CHECK(vulkan("0.13.0", nullptr) == CheckStatus::Warn);
  CHECK(vulkan("0.13.0", "true") == CheckStatus::Pass);
  CHECK(vulkan("0.13.0", "t") == CheckStatus::Pass);
  CHECK(vulkan("0.13.0", "yes") == CheckStatus::Pass);
  CHECK(vulkan("0.13.0", "false") == CheckStatus::Warn);
  // From v0.30.0: on unless false; f, FALSE and false turn it off as 0 does.
  CHECK(vulkan("0.30.0", nullptr) == CheckStatus::Pass);
  CHECK(vulkan("0.30.0", "false") == CheckStatus::Warn);
  CHECK(vulkan("0.30.0", "f") == CheckStatus::Warn);
  CHECK(vulkan("0.30.0", "FALSE") == CheckStatus::Warn);
  CHECK(vulkan("0.30.0", "off") == CheckStatus::Pass); // ParseBool cannot read it: true
}

TEST_CASE("finding 7: every variable a JetPack/Vulkan remedy names is in the helper's variable table") {
  const JetpackTree plain("remedy-vars", QByteArray(), kArm64);
  const CheckResult results[] = {
      plain.run(QStringLiteral("0.13.0"), {kRequestVulkan}),
      plain.run(QStringLiteral("0.30.0"), {kRequestVulkan, {QStringLiteral("OLLAMA_VULKAN"), QStringLiteral("0")}}),
      plain.run(QStringLiteral("0.33.0"), {{QStringLiteral("JETSON_JETPACK"), QStringLiteral("6")}}),
  };
  for (const CheckResult& result : results) {
    REQUIRE(result.remedy);
    REQUIRE(result.remedy->action);
    const QString name = result.remedy->action->arguments.constFirst();
    INFO(name.toStdString());
    CHECK(findManagedVariable(name) != nullptr);
    if (result.remedy->action->verbName() == QLatin1String("env-set")) {
      CHECK(validateVariable(name, result.remedy->action->arguments.at(1), nullptr).ok());
    }
  }
}

TEST_CASE("finding 8: overlapping-library and duplicate filters keep the device: never decisive") {
  // A CUDA/Vulkan duplicate and an overlapping CUDA folder keep another entry of the device.
  const QString filters = QStringLiteral(
      "time=2026-03-02T10:00:00.101Z level=INFO source=runner.go:80 msg=\"discovering available GPUs...\"\n"
      "time=2026-03-02T10:00:00.300Z level=DEBUG source=runner.go:414 msg=\"bootstrap discovery took\" duration=198ms "
      "OLLAMA_LIBRARY_PATH=\"[/usr/local/lib/ollama /usr/local/lib/ollama/cuda_v12]\" extra_envs=map[]\n"
      "time=2026-03-02T10:00:00.301Z level=DEBUG source=runner.go:123 msg=\"evaluating which, if any, devices to "
      "filter out\" initial_count=2\n"
      "time=2026-03-02T10:00:00.302Z level=DEBUG source=runner.go:400 msg=\"filtering device with overlapping "
      "libraries\" id=GPU-6c8d7f1e library=CUDA delete_index=1 kept_library=cuda_v13\n"
      "time=2026-03-02T10:00:00.303Z level=DEBUG source=runner.go:226 msg=\"dropping duplicate device\" id=0 "
      "library=Vulkan compute=0.0 name=Vulkan0 description=\"NVIDIA H100\" libdirs=ollama,vulkan driver=0.0 "
      "pci_id=0000:00:05.0 type=discrete total=\"79.1 GiB\" available=\"78.6 GiB\"\n"
      "time=2026-03-02T10:00:00.310Z level=INFO source=types.go:60 msg=\"inference compute\" id=cpu library=cpu "
      "compute=\"\" name=cpu description=cpu libdirs=ollama driver=\"\" pci_id=\"\" type=\"\" total=\"31.3 GiB\" "
      "available=\"29.9 GiB\"\n");
  const DiscoveryVerdict verdict = verdictOf(filters, QStringLiteral("v0.13.0..v0.24.0"));
  for (const char* id : {"device-filtered.overlapping-libraries", "device-filtered.duplicate-pci-id"}) {
    INFO(id);
    const DiscoveryCause* cause = causeNamed(verdict, QString::fromLatin1(id));
    REQUIRE(cause != nullptr);
    CHECK(cause->strength == EvidenceStrength::Weak);
  }
}

TEST_CASE("finding 8: OLLAMA_LLM_LIBRARY=mlx_* restricts no GPU folder (v0.20.4 and later)") {
  const QString mlx =
      vgpu::test::serverConfigLine(QStringLiteral("v0.24.0"),
                                   {{QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("DEBUG")},
                                    {QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("mlx_metal")}}) +
      QStringLiteral(
          "\ntime=2026-03-02T10:00:00.100Z level=INFO source=routes.go:1597 msg=\"Listening on 127.0.0.1:11434 "
          "(version "
          "0.24.0)\"\n"
          "time=2026-03-02T10:00:00.101Z level=INFO source=runner.go:67 msg=\"discovering available GPUs...\"\n"
          "time=2026-03-02T10:00:00.300Z level=DEBUG source=runner.go:433 msg=\"bootstrap discovery took\" "
          "duration=198ms OLLAMA_LIBRARY_PATH=\"[/usr/local/lib/ollama /usr/local/lib/ollama/cuda_v13]\" "
          "extra_envs=map[]\n"
          "time=2026-03-02T10:00:00.301Z level=DEBUG source=runner.go:123 msg=\"evaluating which, if any, devices to "
          "filter out\" initial_count=0\n"
          "time=2026-03-02T10:00:00.310Z level=INFO source=types.go:60 msg=\"inference compute\" id=cpu library=cpu "
          "compute=\"\" name=cpu description=cpu libdirs=ollama driver=\"\" pci_id=\"\" type=\"\" total=\"31.3 "
          "GiB\" available=\"29.9 GiB\"\n");
  const DiscoveryVerdict verdict = verdictOf(mlx, QStringLiteral("v0.24.0"));
  CHECK(verdict.requestedLibrary == QStringLiteral("mlx_metal"));
  INFO(causeIds(verdict).join(u',').toStdString());
  CHECK_FALSE(causeIds(verdict).contains(QStringLiteral("requested-library-not-visited")));
  REQUIRE_FALSE(verdict.causes.isEmpty());
  CHECK(verdict.causes.constFirst().id == QStringLiteral("cuda-backend-load-failed"));
}

TEST_CASE("finding 8: HIP_VISIBLE_DEVICES is not blamed as CUDA_VISIBLE_DEVICES") {
  const QString amd = QStringLiteral(
      "time=2026-03-02T10:00:00.101Z level=INFO source=runner.go:67 msg=\"discovering available GPUs...\"\n"
      "time=2026-03-02T10:00:00.102Z level=WARN source=runner.go:536 msg=\"user overrode visible devices\" "
      "HIP_VISIBLE_DEVICES=1\n"
      "time=2026-03-02T10:00:00.103Z level=WARN source=runner.go:540 msg=\"if GPUs are not correctly discovered, "
      "unset and try again\"\n"
      "time=2026-03-02T10:00:00.310Z level=INFO source=types.go:60 msg=\"inference compute\" id=cpu library=cpu "
      "compute=\"\" name=cpu description=cpu libdirs=ollama driver=\"\" pci_id=\"\" type=\"\" total=\"31.3 GiB\" "
      "available=\"29.9 GiB\"\n");
  const DiscoveryVerdict verdict = verdictOf(amd, QStringLiteral("v0.13.0..v0.24.0"));
  const DiscoveryCause* hidden = causeNamed(verdict, QStringLiteral("visible-devices-hidden"));
  REQUIRE(hidden != nullptr);
  CHECK(hidden->strength == EvidenceStrength::Weak);
  CHECK_FALSE(hidden->explanation.contains(QLatin1String("CUDA_VISIBLE_DEVICES=")));
  CHECK_FALSE(hidden->action); // no env-unset CUDA_VISIBLE_DEVICES for a variable that is not set
  CHECK(verdict.causes.constFirst().id == QStringLiteral("log-level-insufficient"));
}

TEST_CASE("finding 8: OLLAMA_LIBRARY_PATH in the unit is named as not a user setting") {
  OllamaInstallation installation;
  installation.environment.append({QStringLiteral("OLLAMA_LIBRARY_PATH"), QStringLiteral("/opt/cuda"),
                                   QStringLiteral("/etc/systemd/system/ollama.service.d/o.conf:2")});
  bool named = false;
  for (const EnvironmentFinding& finding : environmentFindings(installation)) {
    named = named || finding.message.contains(QLatin1String("not a user setting"));
  }
  CHECK(named);
}

TEST_CASE("finding 8: a BLAS pseudo-device with zero memory is not a cause; a CUDA one is") {
  const QString pseudo = QStringLiteral(
      "time=2026-03-02T10:00:00.101Z level=INFO source=runner.go:67 msg=\"discovering available GPUs...\"\n"
      "time=2026-03-02T10:00:00.200Z level=DEBUG source=llama_server.go:289 msg=\"skipping pseudo-device with zero "
      "memory\" name=BLAS description=OpenBLAS\n"
      "time=2026-03-02T10:00:00.300Z level=DEBUG source=runner.go:123 msg=\"evaluating which, if any, devices to "
      "filter out\" initial_count=0\n"
      "time=2026-03-02T10:00:00.310Z level=INFO source=types.go:60 msg=\"inference compute\" id=cpu library=cpu "
      "compute=\"\" name=cpu description=cpu libdirs=ollama driver=\"\" pci_id=\"\" type=\"\" total=\"31.3 GiB\" "
      "available=\"29.9 GiB\"\n");
  CHECK_FALSE(causeIds(verdictOf(pseudo, QStringLiteral("v0.30.2..v0.33.0-rc2")))
                  .contains(QStringLiteral("device-filtered.zero-memory")));
  QString cuda = pseudo;
  cuda.replace(QStringLiteral("name=BLAS description=OpenBLAS"),
               QStringLiteral("name=CUDA0 description=\"NVIDIA H100\""));
  CHECK(causeIds(verdictOf(cuda, QStringLiteral("v0.30.2..v0.33.0-rc2")))
            .contains(QStringLiteral("device-filtered.zero-memory")));
}

TEST_CASE("finding 2: a release binary without a stamped version is dated by the messages it holds") {
  // Markers as generated from Ollama's source (tests/data/ollama-facts/version-markers.tsv).
  QList<std::tuple<QByteArray, QString, QString>> markers;
  for (const QByteArray& line :
       readFile(QString::fromStdString((vgpu::test::dataDir() / "ollama-facts" / "version-markers.tsv").string()))
           .split('\n')) {
    if (!line.isEmpty() && !line.startsWith('#')) {
      const QList<QByteArray> cells = line.split('\t');
      markers.append({cells.at(0), QString::fromLatin1(cells.at(1)), QString::fromLatin1(cells.at(2))});
    }
  }
  REQUIRE(markers.size() > 10);
  const auto& facts = vgpu::test::ollamaFacts();
  struct Case {
    const char* tag;
    OllamaEra era;
  };
  for (const Case& c : {Case{"v0.12.3", OllamaEra::OldProbes}, Case{"v0.13.5", OllamaEra::A},
                        Case{"v0.31.0", OllamaEra::B}, Case{"v0.32.1", OllamaEra::B}}) {
    INFO(c.tag);
    const int at = facts.tagIndex(QString::fromLatin1(c.tag));
    // An ELF file with no Go build information version, holding the messages of that release
    // the way a Go binary holds its string literals: back to back.
    QByteArray image("\x7f"
                     "ELF\x02\x01\x01",
                     7);
    image.append(QByteArray(64, '\0'));
    for (const auto& [text, first, last] : markers) {
      if (at >= facts.tagIndex(first) && at <= facts.tagIndex(last)) {
        image.append(text);
      }
    }
    image.append("go1.24.1 runtime.main");
    const QString path =
        QString::fromStdString((vgpu::test::scratchDir(std::string("finding2-") + c.tag) / "ollama").string());
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(image);
    file.close();
    const OllamaVersion version = readOllamaVersion(path);
    INFO(version.text.toStdString() << " / " << version.source.toStdString());
    const QStringList ends = version.text.split(QStringLiteral(".."));
    REQUIRE(facts.tagIndex(u'v' + ends.constFirst()) >= 0);
    CHECK(facts.tagIndex(u'v' + ends.constFirst()) <= at);
    CHECK(facts.tagIndex(u'v' + ends.constLast()) >= at);
    CHECK(version.era == c.era);
    CHECK(version.source.contains(QLatin1String("-trimpath")));
  }
}

// The doctor's runtime.ollama-processes over the proc-tree fixtures (tests/data/doctor-proc: one
// folder per case, its expected result in the README there) and ollama.jetpack-vulkan over
// installation models built in the test: each check's pass, warn/fail and skip, and the proc
// readers (cmdline/environ words, maps paths, which command lines are Ollama's).
#include <catch2/catch.hpp>

#include "doctor/machine/jetpack_vulkan_checks.h"
#include "doctor/machine/ollama_processes.h"
#include "doctor/machine/runtime_checks.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>

using namespace vgpu::controller;
using namespace vgpu::controller::doctor;

namespace {

QString fixtureRoot(const char* name) {
  return QString::fromStdString((vgpu::test::dataDir() / "doctor-proc" / name).string());
}

DoctorContext procContext(const char* name) {
  DoctorContext context;
  context.root = fixtureRoot(name);
  context.procRoot = context.root + QStringLiteral("/proc");
  context.shimDir = QStringLiteral("/usr/lib/vgpu");
  return context;
}

QString allEvidence(const CheckResult& result) {
  QStringList lines;
  for (const Evidence& evidence : result.evidence) {
    lines.append(evidence.what + QStringLiteral(" | ") + evidence.where + QStringLiteral(" | ") + evidence.excerpt);
  }
  return lines.join(u'\n');
}

VariantFolder folder(const QString& name, VariantKind kind) {
  VariantFolder variant;
  variant.name = name;
  variant.path = QStringLiteral("/usr/local/lib/ollama/") + name;
  variant.kind = kind;
  variant.ggmlFiles = {QStringLiteral("libggml-base.so")};
  return variant;
}

// An installation with the bundle's folders, at `version`, with the unit's environment `values`.
OllamaInstallation installation(const QString& version, const QList<QPair<QString, QString>>& values) {
  OllamaInstallation result;
  result.version.text = version;
  result.version.era = eraOfVersion(version);
  result.libraryRoot.path = QStringLiteral("/usr/local/lib/ollama");
  result.variants = {folder(QStringLiteral("cuda_jetpack6"), VariantKind::CudaJetpack),
                     folder(QStringLiteral("cuda_v12"), VariantKind::Cuda),
                     folder(QStringLiteral("cuda_v13"), VariantKind::Cuda),
                     folder(QStringLiteral("vulkan"), VariantKind::Vulkan)};
  for (const auto& [name, value] : values) {
    result.environment.append({name, value, QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf:3")});
  }
  return result;
}

struct JetpackMachine {
  explicit JetpackMachine(const std::string& name, bool tegraRelease)
      : dir(QString::fromStdString(vgpu::test::scratchDir("doctor-jetpack-" + name).string())) {
    if (tegraRelease) {
      QDir().mkpath(dir + QStringLiteral("/etc"));
      QFile file(dir + QStringLiteral("/etc/nv_tegra_release"));
      REQUIRE(file.open(QIODevice::WriteOnly));
      file.write("# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, EABI: aarch64\n");
    }
  }
  CheckResult run(const OllamaInstallation& model) const {
    DoctorContext context;
    context.root = dir;
    context.installation = model;
    return checkJetpackVulkan(context);
  }
  QString dir;
};

const QPair<QString, QString> kRequestCudaV12{QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12")};

} // namespace

TEST_CASE("proc readers: NUL-separated words, maps paths, Ollama's command lines") {
  CHECK(splitNulSeparated(QByteArray("ollama\0serve\0", 13)) ==
        QStringList{QStringLiteral("ollama"), QStringLiteral("serve")});
  CHECK(splitNulSeparated(QByteArray("A=1\0B=", 6)) == QStringList{QStringLiteral("A=1"), QStringLiteral("B=")});
  CHECK(splitNulSeparated(QByteArray()).isEmpty());

  const QByteArray maps = "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/ollama\n"
                          "7f00-7f10 rw-p 00000000 00:00 0 \n"
                          "7f10-7f20 r-xp 00000000 08:02 99 /opt/a dir/lib x.so\n"
                          "7f20-7f30 r-xp 00001000 08:02 173521      /usr/bin/ollama\n"
                          "7ffd-7ffe rw-p 00000000 00:00 0                          [stack]\n"
                          "garbage\n";
  CHECK(mappedFilesOf(maps) == QStringList{QStringLiteral("/usr/bin/ollama"), QStringLiteral("/opt/a dir/lib x.so")});

  OllamaProcessRole role = OllamaProcessRole::Serve;
  CHECK(ollamaProcessRole({QStringLiteral("/usr/local/bin/ollama"), QStringLiteral("runner")}, role));
  CHECK(role == OllamaProcessRole::Runner);
  CHECK(ollamaProcessRole({QStringLiteral("/usr/local/lib/ollama/llama-server"), QStringLiteral("--port")}, role));
  CHECK(role == OllamaProcessRole::LlamaServer);
  CHECK(ollamaProcessRole({QStringLiteral("ollama"), QStringLiteral("serve")}, role));
  CHECK(role == OllamaProcessRole::Serve);
  CHECK_FALSE(ollamaProcessRole({QStringLiteral("ollama"), QStringLiteral("run"), QStringLiteral("llama3")}, role));
  CHECK_FALSE(
      ollamaProcessRole({QStringLiteral("/bin/bash"), QStringLiteral("-c"), QStringLiteral("ollama serve")}, role));
  CHECK_FALSE(ollamaProcessRole({}, role));
}

TEST_CASE("proc readers: the healthy fixture's processes, parents, maps and environment") {
  const QList<OllamaProcess> processes = findOllamaProcesses(fixtureRoot("healthy-era-a") + QStringLiteral("/proc"));
  REQUIRE(processes.size() == 2);
  CHECK(processes.at(0).pid == 812);
  CHECK(processes.at(0).role == OllamaProcessRole::Serve);
  CHECK(processes.at(1).pid == 907);
  CHECK(processes.at(1).parentPid == 812);
  CHECK(processes.at(1).role == OllamaProcessRole::Runner);
  CHECK(processes.at(1).mappedFile(u"libggml-cuda") ==
        QStringLiteral("/usr/local/lib/ollama/cuda_v12/libggml-cuda.so"));
  CHECK(processes.at(1).mappedFile(u"libvgpu-cuda") == QStringLiteral("/usr/lib/vgpu/libvgpu-cuda.so"));
  CHECK(processes.at(1).environment.value(QStringLiteral("OLLAMA_LIBRARY_PATH")) ==
        QStringLiteral("/usr/local/lib/ollama:/usr/local/lib/ollama/cuda_v12"));
}

TEST_CASE("runtime.ollama-processes: a runner with libggml-cuda.so and vgpu's shim passes") {
  const CheckResult result = checkOllamaProcesses(procContext("healthy-era-a"));
  INFO(result.summary.toStdString() << "\n" << allEvidence(result).toStdString());
  CHECK(result.status == CheckStatus::Pass);
  CHECK(result.summary.contains(QLatin1String("1 runner(s)")));
  const QString evidence = allEvidence(result);
  CHECK(evidence.contains(QLatin1String("ollama runner pid 907 (parent 812)")));
  CHECK(evidence.contains(QLatin1String("/usr/lib/vgpu/libvgpu-cuda.so")));
  CHECK(evidence.contains(QLatin1String("OLLAMA_LIBRARY_PATH=/usr/local/lib/ollama:/usr/local/lib/ollama/cuda_v12")));
  // Not asked to contact the running processes (askControlSockets unset): the evidence says so.
  CHECK(evidence.contains(QLatin1String("shim control socket | not examined")));
}

TEST_CASE("runtime.ollama-processes: a server with no runner loaded passes and says so") {
  const CheckResult result = checkOllamaProcesses(procContext("serve-only"));
  CHECK(result.status == CheckStatus::Pass);
  CHECK(result.summary.contains(QLatin1String("no runner is loaded now")));
}

TEST_CASE("runtime.ollama-processes: NVIDIA's libcuda.so.1 in the runner fails with the install remedy") {
  const CheckResult result = checkOllamaProcesses(procContext("nvidia-libcuda"));
  CHECK(result.status == CheckStatus::Fail);
  CHECK(result.summary.contains(QLatin1String("ollama runner pid 907")));
  CHECK(result.summary.contains(QLatin1String("/usr/lib/x86_64-linux-gnu/libcuda.so.575.51.03")));
  REQUIRE(result.remedy);
  REQUIRE(result.remedy->action);
  CHECK(result.remedy->action->verbName() == QStringLiteral("install"));
  CHECK(result.remedy->text.contains(QLatin1String("restart ollama.service")));
}

TEST_CASE("runtime.ollama-processes: a server without the shim directory on LD_LIBRARY_PATH fails") {
  const CheckResult result = checkOllamaProcesses(procContext("serve-without-shim"));
  CHECK(result.status == CheckStatus::Fail);
  CHECK(result.summary == QStringLiteral("ollama serve pid 812 runs without /usr/lib/vgpu on LD_LIBRARY_PATH"));
}

TEST_CASE("runtime.ollama-processes: the same server passes when ld.so.conf lists the shim (system scope)") {
  const CheckResult result = checkOllamaProcesses(procContext("serve-system-scope"));
  INFO(result.summary.toStdString());
  CHECK(result.status == CheckStatus::Pass);
}

TEST_CASE("runtime.ollama-processes: llama-server on the CPU, given another folder than requested, warns") {
  DoctorContext context = procContext("cpu-llama-server-era-b");
  context.installation = installation(QStringLiteral("0.30.1"), {kRequestCudaV12});
  const CheckResult result = checkOllamaProcesses(context);
  CHECK(result.status == CheckStatus::Warn);
  CHECK(result.summary.contains(QLatin1String("llama-server pid 930 has no libggml-cuda.so loaded")));
  CHECK(result.explanation.contains(
      QLatin1String("was given /usr/local/lib/ollama/cuda_v13, not the requested cuda_v12")));
}

TEST_CASE("runtime.ollama-processes: skips with the reason when no Ollama process runs or no proc was given") {
  const CheckResult none = checkOllamaProcesses(procContext("no-ollama"));
  CHECK(none.status == CheckStatus::Skip);
  CHECK(none.reason.contains(QLatin1String("no Ollama process runs")));
  CHECK(checkOllamaProcesses(DoctorContext{}).status == CheckStatus::Skip);
  DoctorContext missing = procContext("no-ollama");
  missing.procRoot = missing.root + QStringLiteral("/no-such-proc");
  CHECK(checkOllamaProcesses(missing).reason.contains(QLatin1String("no proc tree at")));
}

TEST_CASE("ollama.jetpack-vulkan: version order") {
  CHECK(ollamaVersionAtLeast(QStringLiteral("0.32.0"), 0, 32, 0));
  CHECK(ollamaVersionAtLeast(QStringLiteral("v0.33.0-rc2"), 0, 32, 0));
  CHECK(ollamaVersionAtLeast(QStringLiteral("1.0.0"), 0, 32, 0));
  CHECK_FALSE(ollamaVersionAtLeast(QStringLiteral("0.31.9"), 0, 32, 0));
  CHECK_FALSE(ollamaVersionAtLeast(QStringLiteral("unknown"), 0, 32, 0));
}

TEST_CASE("ollama.jetpack-vulkan: no JetPack, cuda_v12 requested passes") {
  const JetpackMachine machine("plain", false);
  const CheckResult result = machine.run(installation(QStringLiteral("0.13.0"), {kRequestCudaV12}));
  INFO(allEvidence(result).toStdString());
  CHECK(result.status == CheckStatus::Pass);
  // The informational skips are still listed: jetpack folder, and Vulkan off in era A.
  CHECK(allEvidence(result).contains(QLatin1String("skipped folder cuda_jetpack6")));
  CHECK(allEvidence(result).contains(QLatin1String("skipped folder vulkan")));
}

TEST_CASE("ollama.jetpack-vulkan: /etc/nv_tegra_release skips a requested cuda_v12 in every version") {
  const JetpackMachine machine("tegra-old", true);
  for (const char* version : {"0.31.2", "0.32.0"}) {
    INFO(version);
    const CheckResult result = machine.run(installation(QString::fromLatin1(version), {kRequestCudaV12}));
    CHECK(result.status == CheckStatus::Warn);
    CHECK(result.summary.contains(
        QLatin1String("skips the requested cuda_v12: JetPack detected (/etc/nv_tegra_release names R36")));
    REQUIRE(result.remedy);
    CHECK(result.remedy->text.contains(QLatin1String("v0.31.2")));
  }
}

TEST_CASE("ollama.jetpack-vulkan: JETSON_JETPACK hides every CUDA folder; remedy unsets it") {
  const JetpackMachine machine("jetson-env", false);
  const CheckResult result =
      machine.run(installation(QStringLiteral("0.33.0"), {{QStringLiteral("JETSON_JETPACK"), QStringLiteral("6")}}));
  CHECK(result.status == CheckStatus::Warn);
  CHECK(result.summary.contains(QLatin1String("skips every CUDA folder")));
  REQUIRE(result.remedy);
  REQUIRE(result.remedy->action);
  CHECK(result.remedy->action->verbName() == QStringLiteral("env-unset"));
  CHECK(result.remedy->action->arguments == QStringList{QStringLiteral("JETSON_JETPACK")});
}

TEST_CASE("ollama.jetpack-vulkan: a requested vulkan folder with Vulkan off, per era") {
  const JetpackMachine machine("vulkan", false);
  const QPair<QString, QString> requestVulkan{QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("vulkan")};
  const CheckResult eraA = machine.run(installation(QStringLiteral("0.13.0"), {requestVulkan}));
  CHECK(eraA.status == CheckStatus::Warn);
  REQUIRE(eraA.remedy);
  REQUIRE(eraA.remedy->action);
  CHECK(eraA.remedy->action->verbName() == QStringLiteral("env-set"));
  CHECK(eraA.remedy->action->arguments == QStringList{QStringLiteral("OLLAMA_VULKAN"), QStringLiteral("1")});
  CHECK(machine
            .run(installation(QStringLiteral("0.13.0"),
                              {requestVulkan, {QStringLiteral("OLLAMA_VULKAN"), QStringLiteral("1")}}))
            .status == CheckStatus::Pass);
  // Era B: on by default, OLLAMA_VULKAN=0 turns it off.
  CHECK(machine.run(installation(QStringLiteral("0.30.0"), {requestVulkan})).status == CheckStatus::Pass);
  const CheckResult eraBOff = machine.run(
      installation(QStringLiteral("0.30.0"), {requestVulkan, {QStringLiteral("OLLAMA_VULKAN"), QStringLiteral("0")}}));
  CHECK(eraBOff.status == CheckStatus::Warn);
  REQUIRE(eraBOff.remedy);
  REQUIRE(eraBOff.remedy->action);
  CHECK(eraBOff.remedy->action->verbName() == QStringLiteral("env-unset"));
}

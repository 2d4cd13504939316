// The service environment: the managed drop-in's corpus (tests/data/environment), each variable's
// validator, the byte-exact render/parse round trip, refusing a foreign drop-in, override
// relations with other drop-ins, the OLLAMA_NUM_GPU finding, and planned changes with their diff.
#include <catch2/catch.hpp>

#include "environment/environment_change.h"
#include "environment/environment_overrides.h"
#include "environment/service_environment.h"
#include "environment/text_diff.h"
#include "environment/variable_table.h"
#include "fake_ollama_tree.h"
#include "ollama/ollama_installation.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

using namespace vgpu::controller;
using vgpu::test::FakeOllamaTree;

namespace {

QString scratch(const std::string& name) {
  return QString::fromStdString(vgpu::test::scratchDir("service-env-" + name).string());
}

OllamaInstallation detect(const FakeOllamaTree& tree) {
  return OllamaInstallation::detect(SystemRoot(tree.root()), QProcessEnvironment());
}

QByteArray readFile(const QString& path) {
  QFile file(path);
  REQUIRE(file.open(QIODevice::ReadOnly));
  return file.readAll();
}

const QByteArray kMarkerLine =
    "# Managed by vgpu \xe2\x80\x94 edit with vgpu-console or vgpuctl env; other drop-ins are never touched\n";

} // namespace

TEST_CASE("managed drop-in corpus: each file parses to its expected state and variables") {
  const QDir dir(QString::fromStdString((vgpu::test::dataDir() / "environment").string()));
  const QStringList files = dir.entryList({QStringLiteral("*.conf")}, QDir::Files);
  REQUIRE(files.size() >= 8);
  for (const QString& name : files) {
    INFO("fixture " << name.toStdString());
    const QByteArray bytes = readFile(dir.filePath(name));
    const QJsonObject expected =
        QJsonDocument::fromJson(readFile(dir.filePath(name.chopped(5) + QStringLiteral(".expected.json")))).object();
    REQUIRE_FALSE(expected.isEmpty());
    const ManagedDropIn dropIn = parseServiceEnvironmentFile(bytes, QStringLiteral("/x/50-vgpu.conf"));
    CHECK(dropInStateName(dropIn.state) == expected[QStringLiteral("state")].toString());
    CHECK(dropIn.problems.size() == expected[QStringLiteral("problems")].toInt());
    const QVariantMap variables = expected[QStringLiteral("variables")].toObject().toVariantMap();
    CHECK(dropIn.environment.variables().size() == variables.size());
    for (auto it = variables.cbegin(); it != variables.cend(); ++it) {
      INFO("variable " << it.key().toStdString());
      CHECK(dropIn.environment.value(it.key()).value_or(QStringLiteral("<unset>")).toStdString() ==
            it.value().toString().toStdString());
    }
    if (dropIn.state == DropInState::Foreign) {
      CHECK(dropIn.error.contains(QStringLiteral("was not written by vgpu")));
    }
    // Canonical files are exactly what render() writes: byte-identical round trip.
    const auto rendered = dropIn.environment.render(nullptr);
    REQUIRE(rendered);
    CHECK((*rendered == bytes) == expected[QStringLiteral("canonical")].toBool());
  }
}

TEST_CASE("render and parse round-trip byte-exact, including quotes, backslashes, percent and spaces") {
  ServiceEnvironment environment;
  environment.set(QStringLiteral("VGPU_LOG"), QStringLiteral("debug:/var/log/a b/\"quoted\" 'single' \\ 100% %n.log"));
  environment.set(QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("/opt/vgpu\tlib:/usr/lib/vgpu"));
  environment.set(QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1"));
  environment.set(QStringLiteral("VGPU_ENDPOINT"), QStringLiteral("unix:/run/vgpu/ünïcode.sock"));
  QString error;
  const auto bytes = environment.render(&error);
  REQUIRE(bytes);
  CHECK(bytes->startsWith(kMarkerLine + "[Service]\n"));
  CHECK(bytes->contains("Environment=\"VGPU_LOG=debug:/var/log/a b/\\\"quoted\\\" 'single' \\\\ 100%% %%n.log\"\n"));
  CHECK(bytes->contains("Environment=\"LD_LIBRARY_PATH=/opt/vgpu\\tlib:/usr/lib/vgpu\"\n"));
  const ManagedDropIn parsed = parseServiceEnvironmentFile(*bytes, managedDropInPath());
  CHECK(parsed.state == DropInState::Managed);
  CHECK(parsed.problems.isEmpty());
  CHECK(parsed.environment == environment);
  CHECK(parsed.environment.render(nullptr) == bytes);
}

TEST_CASE("values a unit file cannot carry are refused with a message") {
  for (const QString& value : {QStringLiteral("cuda_v12\nEnvironment=LD_PRELOAD=/tmp/x.so"), QStringLiteral("a\rb"),
                               QStringLiteral("nul\x01")}) {
    ServiceEnvironment environment;
    environment.set(QStringLiteral("OLLAMA_LLM_LIBRARY"), value);
    QString error;
    CHECK_FALSE(environment.render(&error));
    CHECK(error == QStringLiteral("the value of OLLAMA_LLM_LIBRARY contains a newline or another control character, "
                                  "which a unit file cannot carry"));
    const VariableVerdict verdict = validateVariable(QStringLiteral("OLLAMA_DEBUG"), value, nullptr);
    CHECK(verdict.error.startsWith(QStringLiteral("the value of OLLAMA_DEBUG contains a control character (U+00")));
  }
}

TEST_CASE("every managed variable's validator: good and bad values with the expected message") {
  FakeOllamaTree tree(scratch("validators"));
  tree.setMode(tree.libraryRoot() + QStringLiteral("/cuda_v13"), 0700);
  tree.makeDirectory(tree.libraryRoot() + QStringLiteral("/nocuda"));
  tree.copyFile(tree.hostPath(tree.libraryRoot() + QStringLiteral("/libggml-base.so")),
                tree.libraryRoot() + QStringLiteral("/nocuda/libggml-cpu-x64.so"));
  tree.makeDirectory(tree.libraryRoot() + QStringLiteral("/empty"));
  tree.symlink(tree.libraryRoot() + QStringLiteral("/cuda_v11"), QStringLiteral("/nowhere"));
  const OllamaInstallation installation = detect(tree);
  const QString installed = QStringLiteral("installed: cuda_v12, cuda_v13, nocuda, vulkan (or auto)");

  const struct {
    const char* name;
    QString value;
    QString error;   // substring of the refusal; empty = accepted
    QString warning; // substring of a warning; empty = none expected
    bool removes;
  } cases[] = {
      {"OLLAMA_LLM_LIBRARY", QStringLiteral("cuda_v12"), {}, {}, false},
      {"OLLAMA_LLM_LIBRARY", QStringLiteral("auto"), {}, {}, true},
      {"OLLAMA_LLM_LIBRARY",
       QStringLiteral("cuda_v14"),
       QStringLiteral("no variant folder 'cuda_v14' in /usr/local/lib/ollama; ") + installed,
       {},
       false},
      {"OLLAMA_LLM_LIBRARY", QStringLiteral("CUDA_V12"), QStringLiteral("no variant folder 'CUDA_V12'"), {}, false},
      {"OLLAMA_LLM_LIBRARY",
       QStringLiteral("empty"),
       QStringLiteral("/usr/local/lib/ollama/empty is not a folder Ollama can use (no-ggml-file)"),
       {},
       false},
      {"OLLAMA_LLM_LIBRARY",
       QStringLiteral("cuda_v11"),
       QStringLiteral("/usr/local/lib/ollama/cuda_v11 is not a folder Ollama can use (broken-symlink: "),
       {},
       false},
      {"OLLAMA_LLM_LIBRARY",
       QStringLiteral("nocuda"),
       {},
       QStringLiteral("/usr/local/lib/ollama/nocuda has no libggml-cuda.so"),
       false},
      {"OLLAMA_LLM_LIBRARY",
       QStringLiteral("cuda_v13"),
       {},
       QStringLiteral("user ollama (uid 998) cannot read and enter /usr/local/lib/ollama/cuda_v13"),
       false},
      {"OLLAMA_DEBUG", QStringLiteral("0"), {}, {}, false},
      {"OLLAMA_DEBUG", QStringLiteral("2"), {}, {}, false},
      {"OLLAMA_DEBUG", QStringLiteral("true"), {}, {}, false},
      {"OLLAMA_DEBUG",
       QStringLiteral("3"),
       QStringLiteral("OLLAMA_DEBUG must be one of 0, 1, 2, false, true (got '3')"),
       {},
       false},
      {"OLLAMA_DEBUG", QStringLiteral("TRUE"), QStringLiteral("OLLAMA_DEBUG must be one of"), {}, false},
      {"CUDA_VISIBLE_DEVICES", QStringLiteral("0"), {}, {}, false},
      {"CUDA_VISIBLE_DEVICES", QStringLiteral("0,1"), {}, {}, false},
      {"CUDA_VISIBLE_DEVICES", QStringLiteral("GPU-8f2a1c3e-1b2c-4d5e-8f90-0123456789ab"), {}, {}, false},
      {"CUDA_VISIBLE_DEVICES", QStringLiteral("-1"), {}, QStringLiteral("hides every GPU"), false},
      {"CUDA_VISIBLE_DEVICES",
       QStringLiteral("0,-1"),
       QStringLiteral("CUDA_VISIBLE_DEVICES: '-1' is neither a device index nor a GPU-UUID"),
       {},
       false},
      {"CUDA_VISIBLE_DEVICES", QStringLiteral("GPU-123"), QStringLiteral("'GPU-123' is neither"), {}, false},
      {"CUDA_VISIBLE_DEVICES", QStringLiteral(""), QStringLiteral("must list device indices or GPU-UUIDs"), {}, false},
      {"CUDA_VISIBLE_DEVICES", QStringLiteral("0 1"), QStringLiteral("'0 1' is neither"), {}, false},
      {"OLLAMA_GPU_OVERHEAD", QStringLiteral("0"), {}, {}, false},
      {"OLLAMA_GPU_OVERHEAD", QStringLiteral("536870912"), {}, {}, false},
      {"OLLAMA_GPU_OVERHEAD",
       QStringLiteral("-5"),
       QStringLiteral("OLLAMA_GPU_OVERHEAD must be a whole number of bytes ≥ 0 (got '-5')"),
       {},
       false},
      {"OLLAMA_GPU_OVERHEAD", QStringLiteral("1.5"), QStringLiteral("whole number of bytes"), {}, false},
      {"OLLAMA_GPU_OVERHEAD", QStringLiteral("99999999999999999999999"), QStringLiteral("whole number"), {}, false},
      {"VGPU_ENDPOINT", QStringLiteral("unix:/run/vgpu/vgpud.sock"), {}, {}, false},
      {"VGPU_ENDPOINT", QStringLiteral("tcp:gpu-host.example:7300"), {}, {}, false},
      {"VGPU_ENDPOINT", QStringLiteral("tcp:[fd00::1]:7300"), {}, {}, false},
      {"VGPU_ENDPOINT", QStringLiteral("vsock:2:7300"), {}, {}, false},
      {"VGPU_ENDPOINT",
       QStringLiteral("unix:relative.sock"),
       QStringLiteral("(unix: needs an absolute path)"),
       {},
       false},
      {"VGPU_ENDPOINT",
       QStringLiteral("unix:/") + QString(120, u'a'),
       QStringLiteral("longer than 107 bytes"),
       {},
       false},
      {"VGPU_ENDPOINT", QStringLiteral("tcp:host:0"), QStringLiteral("(port 1–65535)"), {}, false},
      {"VGPU_ENDPOINT", QStringLiteral("tcp:host:70000"), QStringLiteral("(port 1–65535)"), {}, false},
      {"VGPU_ENDPOINT",
       QStringLiteral("vsock:x:1"),
       QStringLiteral("VGPU_ENDPOINT must be unix:/absolute/path, tcp:host:port or vsock:cid:port (got 'vsock:x:1')"),
       {},
       false},
      {"VGPU_ENDPOINT", QStringLiteral("http://host"), QStringLiteral("(got 'http://host')"), {}, false},
      {"VGPU_LOG", QStringLiteral("info"), {}, {}, false},
      // A file destination would be written by the service's user (often root): refused.
      {"VGPU_LOG",
       QStringLiteral("debug:/var/log/vgpu.log"),
       QStringLiteral("a file destination is not accepted"),
       {},
       false},
      {"VGPU_LOG",
       QStringLiteral("debug:/etc/shadow"),
       QStringLiteral("a file destination is not accepted"),
       {},
       false},
      {"VGPU_LOG", QStringLiteral("1:stderr"), {}, {}, false},
      {"VGPU_LOG", QStringLiteral("verbose"), QStringLiteral("must be off|error|warn|info|debug"), {}, false},
      {"VGPU_LOG", QStringLiteral("debug:relative.log"), QStringLiteral("(got 'debug:relative.log')"), {}, false},
      {"LD_LIBRARY_PATH", QStringLiteral("/usr/lib/vgpu:/opt/x"), {}, {}, false},
      {"LD_LIBRARY_PATH",
       QStringLiteral("/usr/lib/vgpu::/opt/x"),
       QStringLiteral("LD_LIBRARY_PATH: '' is not an absolute directory"),
       {},
       false},
      {"LD_LIBRARY_PATH", QStringLiteral("lib"), QStringLiteral("'lib' is not an absolute directory"), {}, false},
      {"OLLAMA_NUM_GPU",
       QStringLiteral("1"),
       QStringLiteral("Ollama does not read OLLAMA_NUM_GPU (num_gpu is a per-request option); remove it"),
       {},
       false},
      {"OLLAMA_HOST",
       QStringLiteral("0.0.0.0"),
       QStringLiteral("unknown variable OLLAMA_HOST; vgpu manages: OLLAMA_LLM_LIBRARY, OLLAMA_DEBUG, "
                      "CUDA_VISIBLE_DEVICES, OLLAMA_GPU_OVERHEAD, VGPU_ENDPOINT, VGPU_LOG, LD_LIBRARY_PATH"),
       {},
       false},
  };
  for (const auto& entry : cases) {
    INFO(entry.name << "=" << entry.value.toStdString());
    const VariableVerdict verdict = validateVariable(QLatin1String(entry.name), entry.value, &installation);
    INFO("error: " << verdict.error.toStdString() << "; warnings: " << verdict.warnings.join(u'|').toStdString());
    if (entry.error.isEmpty()) {
      CHECK(verdict.ok());
    } else {
      CHECK(verdict.error.contains(entry.error));
    }
    if (entry.warning.isEmpty()) {
      CHECK(verdict.warnings.isEmpty());
    } else {
      CHECK(verdict.warnings.join(u'\n').contains(entry.warning));
    }
    CHECK(verdict.removes == entry.removes);
  }
  // Every table entry has a validator and help text.
  for (const VariableSpec& spec : managedVariables()) {
    CHECK(spec.validate != nullptr);
    CHECK(std::string(spec.help).size() > 10);
  }
}

TEST_CASE("a drop-in at the managed path without the marker is foreign and never overwritten") {
  FakeOllamaTree tree(scratch("foreign"));
  const QByteArray foreign = "[Service]\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n";
  tree.writeDropIn(QStringLiteral("50-vgpu.conf"), foreign);
  const OllamaInstallation installation = detect(tree);
  const EnvironmentPlan plan =
      planEnvironmentChange(SystemRoot(tree.root()), installation, QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1"));
  CHECK_FALSE(plan.ok());
  CHECK(plan.error.startsWith(QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf exists but was not "
                                             "written by vgpu")));
  CHECK(plan.error.contains(QStringLiteral("will not overwrite it")));
  CHECK(plan.newBytes.isEmpty());
  CHECK(readFile(tree.hostPath(managedDropInPath())) == foreign);

  SECTION("a symlink at the managed path is foreign too") {
    tree.remove(managedDropInPath());
    tree.writeFile(QStringLiteral("/srv/ours.conf"), kMarkerLine + "[Service]\n");
    tree.symlink(managedDropInPath(), QStringLiteral("/srv/ours.conf"));
    const EnvironmentPlan linked = planEnvironmentChange(SystemRoot(tree.root()), detect(tree),
                                                         QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1"));
    CHECK(linked.error.contains(QStringLiteral("is not a regular file")));
  }
}

TEST_CASE("overrides in both directions are named with file and line") {
  FakeOllamaTree tree(scratch("overrides"));
  tree.writeDropIn(QStringLiteral("10-early.conf"), "[Service]\nEnvironment=\"OLLAMA_DEBUG=2\"\n");
  tree.writeDropIn(QStringLiteral("50-vgpu.conf"), kMarkerLine + "[Service]\nEnvironment=\"OLLAMA_DEBUG=1\"\n"
                                                                 "Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n");
  tree.writeDropIn(QStringLiteral("override.conf"),
                   "[Service]\nEnvironment=\"OLLAMA_NUM_GPU=999\"\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v13\"\n");
  const OllamaInstallation installation = detect(tree);
  const QString dir = QStringLiteral("/etc/systemd/system/ollama.service.d/");

  QStringList described;
  for (const VariableOverride& relation : managedOverrides(installation.unitFiles(), managedDropInPath())) {
    described.append(relation.variable + u' ' + relation.describe());
  }
  CHECK(described ==
        QStringList{QStringLiteral("OLLAMA_DEBUG overrides ") + dir + QStringLiteral("10-early.conf:2"),
                    QStringLiteral("OLLAMA_LLM_LIBRARY overridden by ") + dir + QStringLiteral("override.conf:3")});
  CHECK(installation.environmentValue(QStringLiteral("OLLAMA_LLM_LIBRARY"))->value == QStringLiteral("cuda_v13"));
  CHECK(installation.environmentValue(QStringLiteral("OLLAMA_DEBUG"))->origin ==
        dir + QStringLiteral("50-vgpu.conf:3"));

  SECTION("planning a value that a later drop-in overrides warns that it will not take effect") {
    const EnvironmentPlan plan = planEnvironmentChange(SystemRoot(tree.root()), installation,
                                                       QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("vulkan"));
    REQUIRE(plan.ok());
    CHECK(plan.warnings.contains(QStringLiteral("OLLAMA_LLM_LIBRARY will not take effect: overridden by ") + dir +
                                 QStringLiteral("override.conf:3")));
  }
  SECTION("a new variable is placed by file name: 50-vgpu.conf sorts after 10-early.conf") {
    const EnvironmentPlan plan = planEnvironmentChange(SystemRoot(tree.root()), installation,
                                                       QStringLiteral("OLLAMA_GPU_OVERHEAD"), QStringLiteral("0"));
    REQUIRE(plan.ok());
    CHECK(plan.warnings.isEmpty());
  }
  SECTION("an empty Environment= in a later drop-in clears ours") {
    tree.writeDropIn(QStringLiteral("99-reset.conf"), "[Service]\nEnvironment=\n");
    const QList<VariableOverride> relations =
        managedOverrides(detect(tree).unitFiles(), managedDropInPath(), QStringLiteral("OLLAMA_DEBUG"));
    REQUIRE(relations.size() == 2);
    CHECK(relations[1].describe() == QStringLiteral("cleared by ") + dir + QStringLiteral("99-reset.conf:2"));
  }
}

TEST_CASE("OLLAMA_NUM_GPU anywhere in the effective environment is a finding with its file and line") {
  FakeOllamaTree tree(scratch("numgpu"));
  const QList<EnvironmentFinding> findings = environmentFindings(detect(tree));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].id == QStringLiteral("ollama-num-gpu"));
  CHECK(findings[0].message ==
        QStringLiteral("Ollama does not read OLLAMA_NUM_GPU (num_gpu is a per-request option); remove it"));
  CHECK(findings[0].origin == QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf:2"));

  tree.remove(QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf"));
  CHECK(environmentFindings(detect(tree)).isEmpty());
}

TEST_CASE("planned changes: exact new bytes and a unified diff, nothing written") {
  FakeOllamaTree tree(scratch("plan"));
  const SystemRoot root(tree.root());

  const EnvironmentPlan create =
      planEnvironmentChange(root, detect(tree), QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12"));
  REQUIRE(create.ok());
  CHECK_FALSE(create.fileExists);
  CHECK(create.newBytes == kMarkerLine + "[Service]\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n");
  CHECK(create.diff.startsWith(QStringLiteral("--- /dev/null\n+++ b/etc/systemd/system/ollama.service.d/50-vgpu.conf\n"
                                              "@@ -0,0 +1,3 @@\n+# Managed by vgpu")));
  CHECK_FALSE(QFile::exists(tree.hostPath(managedDropInPath())));

  tree.writeFile(managedDropInPath(), create.newBytes);
  const EnvironmentPlan add =
      planEnvironmentChange(root, detect(tree), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1"));
  REQUIRE(add.ok());
  CHECK(add.change.oldValue == std::nullopt);
  CHECK(add.diff == QStringLiteral("--- a/etc/systemd/system/ollama.service.d/50-vgpu.conf\n"
                                   "+++ b/etc/systemd/system/ollama.service.d/50-vgpu.conf\n"
                                   "@@ -1,3 +1,4 @@\n ") +
                        QString::fromUtf8(kMarkerLine) +
                        QStringLiteral(" [Service]\n+Environment=\"OLLAMA_DEBUG=1\"\n"
                                       " Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n"));

  const EnvironmentPlan autoLibrary =
      planEnvironmentChange(root, detect(tree), QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("auto"));
  REQUIRE(autoLibrary.ok());
  CHECK(autoLibrary.change.oldValue == QStringLiteral("cuda_v12"));
  CHECK_FALSE(autoLibrary.change.newValue);
  CHECK(autoLibrary.newBytes == kMarkerLine + "[Service]\n");
  CHECK(autoLibrary.diff.endsWith(QStringLiteral("-Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n")));

  const EnvironmentPlan unsetMissing = planEnvironmentChange(root, detect(tree), QStringLiteral("VGPU_LOG"), {});
  REQUIRE(unsetMissing.ok());
  CHECK_FALSE(unsetMissing.changes());
  CHECK(unsetMissing.diff.isEmpty());

  const EnvironmentPlan userPath =
      planEnvironmentChange(root, detect(tree), QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("/usr/lib/vgpu"));
  CHECK(userPath.error ==
        QStringLiteral("LD_LIBRARY_PATH is managed by the shim installer (vgpuctl install), not by env set/unset"));
  const EnvironmentPlan installerPath = planEnvironmentChange(root, detect(tree), QStringLiteral("LD_LIBRARY_PATH"),
                                                              QStringLiteral("/usr/lib/vgpu"), PlanCaller::Installer);
  CHECK(installerPath.ok());
  CHECK(planEnvironmentChange(root, detect(tree), QStringLiteral("OLLAMA_NUM_GPU"), QStringLiteral("1"))
            .error.contains(QStringLiteral("Ollama does not read OLLAMA_NUM_GPU")));
  CHECK(planEnvironmentChange(root, detect(tree), QStringLiteral("FOO"), {})
            .error.startsWith(QStringLiteral("unknown variable FOO")));
  CHECK(
      planEnvironmentChange(root, detect(tree), QStringLiteral("OLLAMA_NUM_GPU"), {}).error ==
      QStringLiteral("OLLAMA_NUM_GPU is not set in /etc/systemd/system/ollama.service.d/50-vgpu.conf but in "
                     "/etc/systemd/system/ollama.service.d/override.conf:2, which vgpu never edits; remove it there"));
  // Nothing above wrote anything.
  CHECK(readFile(tree.hostPath(managedDropInPath())) == create.newBytes);
}

TEST_CASE("unifiedDiff marks removals before additions and is empty for equal texts") {
  CHECK(unifiedDiff(QStringLiteral("a\nb\n"), QStringLiteral("a\nb\n"), QStringLiteral("x"), QStringLiteral("y"))
            .isEmpty());
  CHECK(unifiedDiff(QStringLiteral("a\nb\nc\n"), QStringLiteral("a\nB\nc\nd\n"), QStringLiteral("x"),
                    QStringLiteral("y")) == QStringLiteral("--- x\n+++ y\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n"));
  CHECK(unifiedDiff(QStringLiteral("a\n"), QString(), QStringLiteral("x"), QStringLiteral("/dev/null")) ==
        QStringLiteral("--- x\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n"));
}

TEST_CASE("planning over a hand-edited managed drop-in keeps its variables and warns about dropped lines") {
  FakeOllamaTree tree(scratch("hand-edited"));
  tree.writeFile(managedDropInPath(),
                 kMarkerLine + "[Unit]\nDescription=by hand\n[Service]\nEnvironment=VGPU_LOG=info\n");
  const EnvironmentPlan plan =
      planEnvironmentChange(SystemRoot(tree.root()), detect(tree), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1"));
  REQUIRE(plan.ok());
  CHECK(plan.warnings == QStringList{managedDropInPath() +
                                     QStringLiteral(":3: Unit.Description= is not written by vgpu (dropped when the "
                                                    "file is rewritten)")});
  CHECK(plan.newBytes == kMarkerLine + "[Service]\nEnvironment=\"OLLAMA_DEBUG=1\"\nEnvironment=\"VGPU_LOG=info\"\n");
}

// Every helper action the doctor can offer (controller/doctor/engine/remedy_actions.cpp), applied through
// the real vgpu-helper on a fake Ollama tree: env-set must write the drop-in, env-unset must
// remove what the managed drop-in sets, install must install. daemon-reload needs systemd and is
// run against the fake systemd in tests/app/test_vgpu_helper.cpp; here it must at least not be
// refused as a request.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "changes/helper_client.h"
#include "doctor/engine/remedy_actions.h"
#include "doctor/machine/override_check.h"
#include "environment/override_resolution.h"
#include "environment/service_environment.h"
#include "environment/variable_table.h"
#include "fake_ollama_tree.h"
#include "systemd/unit_file.h"
#include "test_paths.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>

using namespace vgpu::controller;
using namespace vgpu::controller::doctor;

namespace {

struct HelperRun {
  int exitCode = -1;
  QString message;
  QJsonObject data;
};

HelperRun runHelper(const QString& root, const QString& verb, const QStringList& arguments) {
  QProcess process;
  process.start(QStringLiteral(VGPU_HELPER_PATH), QStringList{QStringLiteral("--root"), root, verb} + arguments);
  REQUIRE(process.waitForFinished(30000));
  const auto reply =
      parseHelperReply(process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError());
  return {reply.exitCode, reply.message, reply.data};
}

QString managedDropIn(const vgpu::test::FakeOllamaTree& tree) {
  QFile file(tree.hostPath(QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf")));
  return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

std::unique_ptr<vgpu::test::FakeOllamaTree> makeTree(const std::string& name) {
  const auto dir = vgpu::test::scratchDir("doctor-remedies-" + name);
  auto tree = std::make_unique<vgpu::test::FakeOllamaTree>(QString::fromStdString(dir.string()));
  tree->makeDirectory(QStringLiteral("/var/lib"));
  vgpu::test::writePackagedShims(tree->root().toStdString()); // what vgpu-helper's install points at
  tree->writeFile(QStringLiteral("/etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
  return tree;
}

QString dropInPath(const QString& fileName) {
  return QStringLiteral("/etc/systemd/system/ollama.service.d/") + fileName;
}

QByteArray readTreeFile(const vgpu::test::FakeOllamaTree& tree, const QString& systemPath) {
  QFile file(tree.hostPath(systemPath));
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

// 50-vgpu.conf as vgpu writes it (marker, [Service], one line per variable).
void writeManaged(vgpu::test::FakeOllamaTree& tree, const QMap<QString, QString>& variables) {
  ServiceEnvironment environment;
  for (auto it = variables.cbegin(); it != variables.cend(); ++it) {
    environment.set(it.key(), it.value());
  }
  QString error;
  const auto bytes = environment.render(&error);
  REQUIRE(bytes);
  tree.writeDropIn(QStringLiteral("50-vgpu.conf"), *bytes);
}

DoctorContext contextOf(const vgpu::test::FakeOllamaTree& tree) {
  DoctorContext context;
  context.root = tree.root();
  QProcessEnvironment environment;
  environment.insert(QStringLiteral("PATH"), QStringLiteral("/usr/local/bin:/usr/bin:/bin"));
  context.installation = OllamaInstallation::detect(SystemRoot(tree.root()), environment);
  return context;
}

CheckResult runOverrideCheck(const vgpu::test::FakeOllamaTree& tree) {
  return checkManagedOverrides(contextOf(tree));
}

std::optional<vgpu::controller::HelperCommand> offeredAction(const vgpu::test::FakeOllamaTree& tree) {
  const CheckResult result = runOverrideCheck(tree);
  if (!result.remedy || !result.remedy->action) {
    return std::nullopt;
  }
  return result.remedy->action;
}

QString evidenceText(const CheckResult& result) {
  QString text;
  for (const Evidence& evidence : result.evidence) {
    text += evidence.what + u'|' + evidence.where + u'|' + evidence.excerpt + u'\n';
  }
  return text;
}

// A tree with the shim's drop-in (LD_LIBRARY_PATH = the shim folder) and override.conf as
// `systemctl edit` leaves it, setting LD_LIBRARY_PATH to something else.
std::unique_ptr<vgpu::test::FakeOllamaTree> overriddenTree(const std::string& name) {
  auto tree = makeTree(name);
  writeManaged(*tree, {{QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("/usr/lib/vgpu")},
                       {QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")}});
  tree->writeDropIn(QStringLiteral("override.conf"),
                    "### Editing /etc/systemd/system/ollama.service.d/override.conf\n[Service]\n"
                    "Environment=\"LD_LIBRARY_PATH=/opt/cuda/lib64:/usr/lib/vgpu\" \"OLLAMA_HOST=0.0.0.0\"\n");
  return tree;
}

} // namespace

TEST_CASE("doctor remedies: every action the doctor offers is applied by vgpu-helper") {
  for (const RemedyActionSpec& spec : remedyActions()) {
    const vgpu::controller::HelperCommand action = remedyCommandOf(spec.id, QStringLiteral("cuda_v12"));
    const std::string label = action.text().toStdString();
    INFO(label);
    auto tree = makeTree(std::to_string(static_cast<int>(spec.id)));
    const QString verb = action.verbName();
    if (verb == QLatin1String("env-unset")) {
      const QString name = action.arguments.constFirst();
      // What the doctor removes is set in the managed drop-in (elsewhere vgpu never edits): put it
      // there first as the admin or an earlier remedy would have, with a value Ollama reads.
      REQUIRE((findManagedVariable(name) != nullptr || name == QLatin1String("OLLAMA_NUM_GPU")));
      tree->writeDropIn(
          QStringLiteral("50-vgpu.conf"),
          QStringLiteral("# Managed by vgpu (test)\n[Service]\nEnvironment=\"%1=0\"\n").arg(name).toUtf8());
      tree->remove(QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf"));
      const HelperRun run = runHelper(tree->root(), verb, action.arguments);
      INFO(run.message.toStdString());
      CHECK(run.exitCode == 0);
      CHECK_FALSE(managedDropIn(*tree).contains(name + u'='));
    } else if (verb == QLatin1String("env-set")) {
      const HelperRun run = runHelper(tree->root(), verb, action.arguments);
      INFO(run.message.toStdString());
      CHECK(run.exitCode == 0);
      CHECK(managedDropIn(*tree).contains(
          QStringLiteral("Environment=\"%1=%2\"").arg(action.arguments.at(0), action.arguments.at(1))));
    } else if (verb == QLatin1String("override-resolve")) {
      // Arguments computed by service.managed-overrides from a tree where override.conf beats
      // the managed drop-in: the row's placeholders filled as the check fills them.
      writeManaged(*tree, {{QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12")}});
      tree->writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v13\"\n");
      const auto offered = offeredAction(*tree);
      REQUIRE(offered);
      const HelperRun run = runHelper(tree->root(), offered->verbName(), offered->arguments);
      INFO(run.message.toStdString());
      CHECK(run.exitCode == 0);
    } else if (verb == QLatin1String("install")) {
      const HelperRun run = runHelper(tree->root(), verb, action.arguments);
      INFO(run.message.toStdString());
      CHECK(run.exitCode == 0);
    } else {
      const HelperRun run = runHelper(tree->root(), verb, action.arguments);
      CHECK(run.exitCode != static_cast<int>(HelperExit::Refused));
      CHECK(run.exitCode != static_cast<int>(HelperExit::InvalidRequest));
    }
  }
}

TEST_CASE("doctor remedies: the variables only ever removed cannot be set through the helper") {
  auto tree = makeTree("removal-only");
  for (const char* name : {"JETSON_JETPACK", "OLLAMA_LIBRARY_PATH", "HIP_VISIBLE_DEVICES"}) {
    INFO(name);
    const HelperRun run =
        runHelper(tree->root(), QStringLiteral("env-set"), {QString::fromLatin1(name), QStringLiteral("6")});
    CHECK(run.exitCode != 0);
    CHECK(run.message.contains(QLatin1String("only removes")));
  }
}

TEST_CASE("service.managed-overrides: override.conf beating LD_LIBRARY_PATH is found, merged, verified, undone") {
  auto tree = overriddenTree("override-ld");
  const QByteArray managedBefore = readTreeFile(*tree, dropInPath(QStringLiteral("50-vgpu.conf")));
  const QByteArray overrideBefore = readTreeFile(*tree, dropInPath(QStringLiteral("override.conf")));

  const CheckResult found = runOverrideCheck(*tree);
  INFO(found.summary.toStdString() << "\n" << evidenceText(found).toStdString());
  CHECK(found.status == CheckStatus::Fail);
  CHECK(found.summary.contains(QLatin1String("/etc/systemd/system/ollama.service.d/override.conf:3")));
  CHECK(found.summary.contains(QLatin1String("LD_LIBRARY_PATH=/opt/cuda/lib64:/usr/lib/vgpu")));
  CHECK(found.summary.contains(QLatin1String("no longer first on Ollama's library path")));
  CHECK(evidenceText(found).contains(QLatin1String("50-vgpu.conf:3|LD_LIBRARY_PATH=/usr/lib/vgpu")));
  CHECK(evidenceText(found).contains(
      QLatin1String("override.conf:3|LD_LIBRARY_PATH=/opt/cuda/lib64:/usr/lib/vgpu"))); // the effective value
  REQUIRE(found.remedy);
  CHECK(found.remedy->text.contains(QLatin1String("+Environment=\"LD_LIBRARY_PATH=/usr/lib/vgpu:/opt/cuda/lib64\"")));
  REQUIRE(found.remedy->action);
  const vgpu::controller::HelperCommand action = *found.remedy->action;
  CHECK(action.verbName() == QStringLiteral("override-resolve"));
  CHECK(action.arguments.mid(0, 4) == QStringList{QStringLiteral("merge"), QStringLiteral("LD_LIBRARY_PATH"),
                                                  QStringLiteral("override.conf"), QStringLiteral("3")});

  // The loader's "install the shim" remedy points here instead of looping.
  CheckResult loader = CheckResult::fail(QStringLiteral("no vgpu libcuda.so.1"));
  loader.remedy = Remedy{QStringLiteral("install"), remedyCommandOf(RemedyActionId::InstallShim)};
  preferOverrideRemedy(contextOf(*tree), loader);
  REQUIRE(loader.remedy->action);
  CHECK(loader.remedy->action->verbName() == QStringLiteral("override-resolve"));
  CHECK(loader.remedy->text.contains(QLatin1String("service.managed-overrides")));

  const HelperRun applied = runHelper(tree->root(), action.verbName(), action.arguments);
  INFO(applied.message.toStdString());
  REQUIRE(applied.exitCode == 0);
  CHECK(applied.data[QStringLiteral("needsDaemonReload")].toBool());
  CHECK(applied.data[QStringLiteral("needsRestart")].toBool());
  CHECK(applied.data[QStringLiteral("diff")].toString().contains(QLatin1String("-Environment=\"LD_LIBRARY_PATH")));
  const QByteArray overrideAfter = readTreeFile(*tree, dropInPath(QStringLiteral("override.conf")));
  CHECK_FALSE(overrideAfter.contains("LD_LIBRARY_PATH"));
  CHECK(overrideAfter.contains("OLLAMA_HOST=0.0.0.0")); // the other word of the line is kept
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("50-vgpu.conf")))
            .contains("Environment=\"LD_LIBRARY_PATH=/usr/lib/vgpu:/opt/cuda/lib64\""));

  // A second run finds nothing; the service's environment has the shim first.
  const CheckResult again = runOverrideCheck(*tree);
  INFO(again.summary.toStdString());
  CHECK(again.status == CheckStatus::Pass);
  const DoctorContext after = contextOf(*tree);
  REQUIRE(after.installation->environmentValue(QStringLiteral("LD_LIBRARY_PATH")) != nullptr);
  CHECK(after.installation->environmentValue(QStringLiteral("LD_LIBRARY_PATH"))->value ==
        QStringLiteral("/usr/lib/vgpu:/opt/cuda/lib64"));
  CHECK(after.installation->environmentValue(QStringLiteral("OLLAMA_HOST"))->value == QStringLiteral("0.0.0.0"));

  // Undo restores both files byte for byte.
  const QString transaction = applied.data[QStringLiteral("transaction")].toString();
  REQUIRE_FALSE(transaction.isEmpty());
  const HelperRun undo = runHelper(tree->root(), QStringLiteral("rollback"), {transaction});
  INFO(undo.message.toStdString());
  CHECK(undo.exitCode == 0);
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("override.conf"))) == overrideBefore);
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("50-vgpu.conf"))) == managedBefore);
  CHECK(runOverrideCheck(*tree).status == CheckStatus::Fail);
}

TEST_CASE("service.managed-overrides: an overridden OLLAMA_LLM_LIBRARY is found and its line removed") {
  auto tree = makeTree("override-llm");
  writeManaged(*tree, {{QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("/usr/lib/vgpu")},
                       {QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12")}});
  tree->writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v13\"\n");
  tree->writeDropIn(QStringLiteral("10-early.conf"), "[Service]\nEnvironment=\"OLLAMA_LLM_LIBRARY=vulkan\"\n");
  const QByteArray before = readTreeFile(*tree, dropInPath(QStringLiteral("override.conf")));
  const CheckResult found = runOverrideCheck(*tree);
  INFO(found.summary.toStdString());
  CHECK(found.status == CheckStatus::Warn);
  CHECK(found.summary.contains(QLatin1String("override.conf:2")));
  CHECK(found.summary.contains(QLatin1String("OLLAMA_LLM_LIBRARY=cuda_v13")));
  CHECK_FALSE(found.summary.contains(QLatin1String("10-early.conf"))); // overridden by ours, not beating it
  REQUIRE(found.remedy);
  REQUIRE(found.remedy->action);
  CHECK(found.remedy->action->arguments.mid(0, 4) == QStringList{QStringLiteral("remove"),
                                                                 QStringLiteral("OLLAMA_LLM_LIBRARY"),
                                                                 QStringLiteral("override.conf"), QStringLiteral("2")});
  const HelperRun applied = runHelper(tree->root(), found.remedy->action->verbName(), found.remedy->action->arguments);
  INFO(applied.message.toStdString());
  REQUIRE(applied.exitCode == 0);
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("override.conf"))) == "[Service]\n");
  CHECK(runOverrideCheck(*tree).status == CheckStatus::Pass);
  CHECK(contextOf(*tree).installation->environmentValue(QStringLiteral("OLLAMA_LLM_LIBRARY"))->value ==
        QStringLiteral("cuda_v12"));
  const HelperRun undo =
      runHelper(tree->root(), QStringLiteral("rollback"), {applied.data[QStringLiteral("transaction")].toString()});
  CHECK(undo.exitCode == 0);
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("override.conf"))) == before);
}

TEST_CASE("override-resolve refuses a changed line, a symlink, a file outside the drop-in folder") {
  auto tree = overriddenTree("override-refusals");
  const auto offered = offeredAction(*tree);
  REQUIRE(offered);
  const QByteArray original = readTreeFile(*tree, dropInPath(QStringLiteral("override.conf")));

  SECTION("the line changed since it was shown") {
    tree->writeDropIn(QStringLiteral("override.conf"),
                      "### Editing\n[Service]\nEnvironment=\"LD_LIBRARY_PATH=/opt/elsewhere\"\n");
    const HelperRun run = runHelper(tree->root(), offered->verbName(), offered->arguments);
    CHECK(run.exitCode == static_cast<int>(HelperExit::Refused));
    CHECK(run.message.contains(QLatin1String("changed since")));
    CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("override.conf"))).contains("/opt/elsewhere"));
  }
  SECTION("the file is a symlink") {
    tree->writeFile(QStringLiteral("/etc/other.conf"), original);
    tree->remove(dropInPath(QStringLiteral("override.conf")));
    tree->symlink(dropInPath(QStringLiteral("override.conf")), QStringLiteral("/etc/other.conf"));
    const HelperRun run = runHelper(tree->root(), offered->verbName(), offered->arguments);
    CHECK(run.exitCode == static_cast<int>(HelperExit::Refused));
    CHECK(run.message.contains(QLatin1String("symlink")));
    CHECK(readTreeFile(*tree, QStringLiteral("/etc/other.conf")) == original);
  }
  SECTION("a file outside the drop-in folder, or the managed drop-in itself") {
    for (const QString& file : {QStringLiteral("../ollama.service"), QStringLiteral("sub/override.conf"),
                                QStringLiteral("ollama.service"), QStringLiteral("50-vgpu.conf")}) {
      INFO(file.toStdString());
      QStringList arguments = offered->arguments;
      arguments[2] = file;
      const HelperRun run = runHelper(tree->root(), offered->verbName(), arguments);
      CHECK(run.exitCode == static_cast<int>(HelperExit::Refused));
    }
    CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("override.conf"))) == original);
  }
  SECTION("a line that does not beat the managed drop-in") {
    QStringList arguments = offered->arguments;
    arguments[3] = QStringLiteral("2"); // [Service]
    arguments[4] = lineFingerprint("[Service]");
    const HelperRun run = runHelper(tree->root(), offered->verbName(), arguments);
    CHECK(run.exitCode == static_cast<int>(HelperExit::Refused));
    CHECK(run.message.contains(QLatin1String("does not override")));
  }
  SECTION("a variable vgpu does not manage") {
    QStringList arguments = offered->arguments;
    arguments[1] = QStringLiteral("OLLAMA_HOST");
    const HelperRun run = runHelper(tree->root(), offered->verbName(), arguments);
    CHECK(run.exitCode == static_cast<int>(HelperExit::Refused));
  }
}

TEST_CASE("service.managed-overrides: LD_LIBRARY_PATH without the shim folder means the shim is not loaded") {
  auto tree = overriddenTree("override-ld-absent");
  tree->writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=LD_LIBRARY_PATH=/opt/cuda/lib64\n");
  const CheckResult found = runOverrideCheck(*tree);
  INFO(found.summary.toStdString());
  CHECK(found.status == CheckStatus::Fail);
  CHECK(found.summary.contains(QLatin1String("override.conf:2")));
  CHECK(found.summary.contains(QLatin1String("the shim is not loaded by Ollama's runners")));
  REQUIRE(found.remedy);
  REQUIRE(found.remedy->action);
  const HelperRun applied = runHelper(tree->root(), found.remedy->action->verbName(), found.remedy->action->arguments);
  INFO(applied.message.toStdString());
  REQUIRE(applied.exitCode == 0);
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("override.conf"))) == "[Service]\n");
  CHECK(runOverrideCheck(*tree).status == CheckStatus::Pass);
}

TEST_CASE("override-resolve merge of a single value keeps the other file's value in the managed drop-in") {
  auto tree = makeTree("override-llm-merge");
  writeManaged(*tree, {{QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12")}});
  tree->writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v13\"\n");
  QString error;
  const auto line = readDropInLine(SystemRoot(tree->root()), QStringLiteral("override.conf"), 2, &error);
  REQUIRE(line);
  const HelperRun applied = runHelper(tree->root(), QStringLiteral("override-resolve"),
                                      {QStringLiteral("merge"), QStringLiteral("OLLAMA_LLM_LIBRARY"),
                                       QStringLiteral("override.conf"), QStringLiteral("2"), lineFingerprint(*line)});
  INFO(applied.message.toStdString());
  REQUIRE(applied.exitCode == 0);
  CHECK(applied.data[QStringLiteral("effectiveBefore")].toString() == QStringLiteral("cuda_v13"));
  CHECK(applied.data[QStringLiteral("effectiveAfter")].toString() == QStringLiteral("cuda_v13"));
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("50-vgpu.conf")))
            .contains("Environment=\"OLLAMA_LLM_LIBRARY=cuda_v13\""));
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("override.conf"))) == "[Service]\n");
  CHECK(runOverrideCheck(*tree).status == CheckStatus::Pass);
}

TEST_CASE("service.managed-overrides: an empty Environment= after the managed drop-in clears it; remove resolves it") {
  auto tree = overriddenTree("override-cleared");
  tree->writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
  const CheckResult found = runOverrideCheck(*tree);
  INFO(found.summary.toStdString());
  CHECK(found.status == CheckStatus::Fail);
  CHECK(found.summary.contains(QLatin1String("cleared by /etc/systemd/system/ollama.service.d/override.conf:2")));
  CHECK(found.summary.contains(QLatin1String("LD_LIBRARY_PATH is not set at all")));
  REQUIRE(found.remedy);
  REQUIRE(found.remedy->action);
  CHECK(found.remedy->action->arguments.value(0) == QStringLiteral("remove"));
  QStringList merge = found.remedy->action->arguments;
  merge[0] = QStringLiteral("merge");
  const HelperRun refused = runHelper(tree->root(), found.remedy->action->verbName(), merge);
  CHECK(refused.exitCode == static_cast<int>(HelperExit::Refused));
  CHECK(refused.message.contains(QLatin1String("no value to merge")));
  const HelperRun applied = runHelper(tree->root(), found.remedy->action->verbName(), found.remedy->action->arguments);
  INFO(applied.message.toStdString());
  REQUIRE(applied.exitCode == 0);
  CHECK(readTreeFile(*tree, dropInPath(QStringLiteral("override.conf"))) ==
        "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
  CHECK(runOverrideCheck(*tree).status == CheckStatus::Pass);
}

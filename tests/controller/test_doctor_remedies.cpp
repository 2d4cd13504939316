// Every helper action the doctor can offer (controller/doctor/remedy_actions.cpp), applied through
// the real vgpu-helper on a fake Ollama tree: env-set must write the drop-in, env-unset must
// remove what the managed drop-in sets, install must install. daemon-reload needs systemd and is
// run against the fake systemd in tests/app/test_vgpu_helper.cpp; here it must at least not be
// refused as a request.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "changes/helper_client.h"
#include "doctor/remedy_actions.h"
#include "environment/variable_table.h"
#include "fake_ollama_tree.h"
#include "systemd/unit_file.h"
#include "test_paths.h"

#include <QProcess>

using namespace vgpu::controller;
using namespace vgpu::controller::doctor;

namespace {

struct HelperRun {
  int exitCode = -1;
  QString message;
};

HelperRun runHelper(const QString& root, const QString& verb, const QStringList& arguments) {
  QProcess process;
  process.start(QStringLiteral(VGPU_HELPER_PATH), QStringList{QStringLiteral("--root"), root, verb} + arguments);
  REQUIRE(process.waitForFinished(30000));
  const auto reply =
      parseHelperReply(process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError());
  return {reply.exitCode, reply.message};
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

} // namespace

TEST_CASE("doctor remedies: every action the doctor offers is applied by vgpu-helper") {
  for (const RemedyActionSpec& spec : remedyActions()) {
    const HelperAction action = remedyActionOf(spec.id, QStringLiteral("cuda_v12"));
    const std::string label = (action.verb + u' ' + action.arguments.join(u' ')).toStdString();
    INFO(label);
    auto tree = makeTree(std::to_string(static_cast<int>(spec.id)));
    const QString verb = action.verb;
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

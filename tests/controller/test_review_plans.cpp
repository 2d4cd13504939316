// The plans the console shows for review before anything is changed: several environment changes
// planned as one (each against the file the previous ones produce, as vgpu-helper applies them),
// and the installer's plan computed as the user (the same operations vgpu-helper applies).
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "changes/installer_plan.h"
#include "environment/environment_change.h"
#include "environment/service_environment.h"
#include "fake_ollama_tree.h"
#include "ollama/ollama_installation.h"
#include "test_paths.h"

using namespace vgpu::controller;
using vgpu::test::FakeOllamaTree;

namespace {

QString scratch(const std::string& name) {
  return QString::fromStdString(vgpu::test::scratchDir("review-plans-" + name).string());
}

OllamaInstallation detect(const FakeOllamaTree& tree) {
  return OllamaInstallation::detect(SystemRoot(tree.root()), QProcessEnvironment());
}

} // namespace

TEST_CASE("several environment changes are planned as one file with one diff") {
  FakeOllamaTree tree(scratch("chain"));
  tree.writeDropIn(QStringLiteral("50-vgpu.conf"), "# Managed by vgpu\n[Service]\nEnvironment=\"OLLAMA_DEBUG=1\"\n");
  const OllamaInstallation installation = detect(tree);
  const SystemRoot root(tree.root());

  const EnvironmentPlan plan =
      planEnvironmentChanges(root, installation,
                             {{QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12")},
                              {QStringLiteral("OLLAMA_DEBUG"), std::nullopt},
                              {QStringLiteral("CUDA_VISIBLE_DEVICES"), QStringLiteral("0")}});
  INFO(plan.error.toStdString());
  REQUIRE(plan.ok());
  CHECK(plan.fileExists);
  CHECK(plan.oldBytes == vgpu::test::readFile(std::filesystem::path(tree.root().toStdString()) /
                                              "etc/systemd/system/ollama.service.d/50-vgpu.conf"));
  const ManagedDropIn after = parseServiceEnvironmentFile(plan.newBytes, plan.path);
  REQUIRE(after.state == DropInState::Managed);
  CHECK(after.environment.value(QStringLiteral("OLLAMA_LLM_LIBRARY")) == QStringLiteral("cuda_v12"));
  CHECK(after.environment.value(QStringLiteral("CUDA_VISIBLE_DEVICES")) == QStringLiteral("0"));
  CHECK_FALSE(after.environment.value(QStringLiteral("OLLAMA_DEBUG")).has_value());
  CHECK(plan.diff.contains(QStringLiteral("-Environment=\"OLLAMA_DEBUG=1\"")));
  CHECK(plan.diff.contains(QStringLiteral("+Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"")));
  CHECK(plan.diff.contains(QStringLiteral("+Environment=\"CUDA_VISIBLE_DEVICES=0\"")));
  CHECK(plan.change.variable == QStringLiteral("CUDA_VISIBLE_DEVICES"));

  // The same bytes as planning one change after the other on disk.
  const EnvironmentPlan single =
      planEnvironmentChange(root, installation, QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12"));
  CHECK(planEnvironmentChanges(root, installation, {{QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12")}})
            .newBytes == single.newBytes);

  // No changes: nothing to do, no diff.
  const EnvironmentPlan none = planEnvironmentChanges(root, installation, {});
  CHECK(none.ok());
  CHECK_FALSE(none.changes());
  CHECK(none.diff.isEmpty());
}

TEST_CASE("a refused change in a set names the variable and the validator's message") {
  FakeOllamaTree tree(scratch("refused"));
  const EnvironmentPlan plan =
      planEnvironmentChanges(SystemRoot(tree.root()), detect(tree),
                             {{QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")},
                              {QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v99")}});
  CHECK_FALSE(plan.ok());
  CHECK(plan.error.startsWith(QStringLiteral("OLLAMA_LLM_LIBRARY: ")));
  CHECK(plan.error.contains(QStringLiteral("cuda_v99")));
}

TEST_CASE("the installer's plan is computed as the user without changing the tree") {
  FakeOllamaTree tree(scratch("installer"));
  vgpu::test::writePackagedShims(tree.root().toStdString());
  const auto before = vgpu::test::treeListing(tree.root().toStdString());
  QString error;
  const auto plan = planInstallerRun(SystemRoot(tree.root()), detect(tree), InstallScope::Service, &error);
  INFO(error.toStdString());
  REQUIRE(plan.has_value());
  const QString text = plan->describe();
  CHECK(text.contains(QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf")));
  CHECK(text.contains(QStringLiteral("the shim libraries are installed in %1").arg(installedShimDir())));
  CHECK_FALSE(text.contains(QStringLiteral("libvgpu-cuda.so ("))); // the package's files are not copied
  REQUIRE_FALSE(plan->operations.isEmpty());
  CHECK(plan->operations.last().content.contains("LD_LIBRARY_PATH=" + installedShimDir().toUtf8()));
  CHECK(plan->needsRestart);
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(tree.root().toStdString()), before).empty());

  const auto system = planInstallerRun(SystemRoot(tree.root()), detect(tree), InstallScope::System, &error);
  REQUIRE(system.has_value());
  CHECK(system->describe().contains(QString::fromLatin1(kLdSoConfPath)));

  tree.remove(installedShimDir() + QStringLiteral("/libvgpu-cuda.so"));
  CHECK_FALSE(planInstallerRun(SystemRoot(tree.root()), detect(tree), InstallScope::Service, &error).has_value());
  CHECK_FALSE(error.isEmpty());
}

// The change engine and the shim installation plans on a temporary root: plan, dry-run text,
// apply, verify, rollback to a byte-identical tree, failures rolled back, drift refused,
// symlinks refused, ldconfig through the command abstraction, shadowing warnings.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "changes/change_engine.h"
#include "changes/shim_install_plan.h"
#include "test_paths.h"

#include <QFile>
#include <unistd.h>

using namespace vgpu::controller;
using vgpu::test::treeListing;

namespace {

ShimInstallRequest serviceRequest() {
  ShimInstallRequest request = vgpu::test::stagingShimRequest();
  request.scope = InstallScope::Service;
  request.dropIn = vgpu::test::minimalDropIn();
  return request;
}

ChangePlan plan(const std::filesystem::path& root, const ShimInstallRequest& request) {
  QString error;
  const auto planned = planShimInstall(SystemRoot(QString::fromStdString(root.string())), request, &error);
  INFO(error.toStdString());
  REQUIRE(planned);
  return *planned;
}

SystemRoot systemRoot(const std::filesystem::path& root) {
  return SystemRoot(QString::fromStdString(root.string()));
}

} // namespace

TEST_CASE("service scope: plan, apply, verify, rollback restores the byte-identical tree") {
  const auto root = vgpu::test::scratchDir("changes-service-e2e");
  vgpu::test::makeSystemTree(root);
  const auto before = treeListing(root);

  const ChangePlan install = plan(root, serviceRequest());
  CHECK(install.needsDaemonReload);
  CHECK(install.needsRestart);
  vgpu::test::RecordingRunner runner;
  ChangeEngine engine(systemRoot(root), runner);
  const ChangeResult applied = engine.apply(install);
  INFO(applied.errors.join(u'\n').toStdString());
  REQUIRE(applied.ok);
  CHECK(runner.commands.isEmpty()); // the service scope never runs ldconfig

  CHECK(vgpu::test::readFile(root / "usr/lib/vgpu/libvgpu-cuda.so") == vgpu::test::fakeCudaShim());
  CHECK(vgpu::test::readFile(root / "usr/lib/vgpu/libvgpu-nvml.so") == vgpu::test::fakeNvmlShim());
  CHECK(std::filesystem::read_symlink(root / "usr/lib/vgpu/libcuda.so.1") == "libvgpu-cuda.so");
  CHECK(std::filesystem::read_symlink(root / "usr/lib/vgpu/libnvidia-ml.so.1") == "libvgpu-nvml.so");
  CHECK((std::filesystem::status(root / "usr/lib/vgpu/libvgpu-cuda.so").permissions() & std::filesystem::perms::all) ==
        std::filesystem::perms(0644));
  CHECK(vgpu::test::readFile(root / "etc/systemd/system/ollama.service.d/50-vgpu.conf") == vgpu::test::minimalDropIn());
  CHECK(vgpu::test::readFile(root / "etc/systemd/system/ollama.service.d/override.conf") ==
        "[Service]\nEnvironment=\"OLLAMA_DEBUG=1\"\n");
  CHECK(treeListing(root) != before);

  // The old file is backed up byte for byte with its mode.
  const auto backups = root / "var/lib/vgpu/transactions" / applied.transactionId.toStdString() / "backups";
  bool foundBackup = false;
  for (const auto& entry : std::filesystem::directory_iterator(backups)) {
    if (vgpu::test::readFile(entry.path()) == "old shim bytes\n") {
      foundBackup = true;
      CHECK((entry.status().permissions() & std::filesystem::perms::all) == std::filesystem::perms(0600));
    }
  }
  CHECK(foundBackup);

  // Planning again finds everything in place.
  const ChangePlan again = plan(root, serviceRequest());
  CHECK(again.operations.isEmpty());
  CHECK_FALSE(again.needsRestart);

  const ChangeResult rolledBack = engine.rollback(applied.transactionId);
  INFO(rolledBack.errors.join(u'\n').toStdString());
  REQUIRE(rolledBack.ok);
  CHECK(vgpu::test::listingDifference(treeListing(root), before).empty());

  QString error;
  const QList<TransactionSummary> list = engine.transactions(&error);
  REQUIRE(list.size() == 1);
  CHECK(list.first().id == applied.transactionId);
  CHECK(list.first().state == QStringLiteral("rolled-back"));
  CHECK_FALSE(engine.rollback(applied.transactionId).ok); // already rolled back
}

TEST_CASE("dry-run text lists the exact operations") {
  const auto root = vgpu::test::scratchDir("changes-dry-run");
  vgpu::test::makeSystemTree(root);
  const ChangePlan install = plan(root, serviceRequest());
  const QString text = install.describe();
  INFO(text.toStdString());
  const QStringList lines = text.split(u'\n');
  const QString cudaHash =
      QString::fromLatin1(QCryptographicHash::hash(vgpu::test::fakeCudaShim(), QCryptographicHash::Sha256).toHex());
  CHECK(lines.contains(QStringLiteral("replace  /usr/lib/vgpu/libvgpu-cuda.so (%1 bytes, mode 0644, sha256 %2; the "
                                      "current file is backed up)")
                           .arg(vgpu::test::fakeCudaShim().size())
                           .arg(cudaHash)));
  CHECK(lines.contains(QStringLiteral("symlink  /usr/lib/vgpu/libcuda.so.1 -> libvgpu-cuda.so")));
  CHECK(text.contains(QStringLiteral("write    /usr/lib/vgpu/libvgpu-nvml.so (")));
  CHECK(lines.contains(QStringLiteral("symlink  /usr/lib/vgpu/libnvidia-ml.so.1 -> libvgpu-nvml.so")));
  CHECK(text.contains(QStringLiteral("write    /etc/systemd/system/ollama.service.d/50-vgpu.conf (")));
  CHECK(lines.contains(QStringLiteral("then: systemd daemon-reload is needed")));
  CHECK(lines.contains(QStringLiteral("then: ollama.service must be restarted")));
  CHECK_FALSE(text.contains(QStringLiteral("mkdir")));                            // every directory already exists
  CHECK(std::filesystem::exists(root / "usr/lib/vgpu/libvgpu-nvml.so") == false); // planning writes nothing
}

TEST_CASE("system scope writes ld.so.conf.d/vgpu.conf and runs ldconfig under the root, also on rollback") {
  const auto root = vgpu::test::scratchDir("changes-system");
  vgpu::test::makeSystemTree(root);
  std::filesystem::remove_all(root / "usr/lib/vgpu");
  const auto before = treeListing(root);
  ShimInstallRequest request = vgpu::test::stagingShimRequest();
  request.scope = InstallScope::System;
  const ChangePlan install = plan(root, request);
  CHECK(install.describe().contains(QStringLiteral("mkdir    /usr/lib/vgpu (mode 0755)")));
  CHECK(install.operations.last().kind == OperationKind::RunLdconfig);
  CHECK_FALSE(install.needsDaemonReload);

  vgpu::test::RecordingRunner runner;
  ChangeEngine engine(systemRoot(root), runner);
  const ChangeResult applied = engine.apply(install);
  REQUIRE(applied.ok);
  CHECK(vgpu::test::readFile(root / "etc/ld.so.conf.d/vgpu.conf") == ldSoConfContent(QStringLiteral("/usr/lib/vgpu")));
  const QStringList ldconfig{QStringLiteral("ldconfig"), QStringLiteral("-r"), QString::fromStdString(root.string())};
  REQUIRE(runner.commands.size() == 1);
  CHECK(runner.commands.at(0) == ldconfig);

  REQUIRE(engine.rollback(applied.transactionId).ok);
  CHECK(runner.commands.size() == 2); // the loader cache is rebuilt without the shim
  CHECK(vgpu::test::listingDifference(treeListing(root), before)
            .empty()); // including removing the directory the apply created
}

TEST_CASE("a failing step rolls the whole transaction back") {
  const auto root = vgpu::test::scratchDir("changes-failure");
  vgpu::test::makeSystemTree(root);
  const auto before = treeListing(root);
  ShimInstallRequest request = vgpu::test::stagingShimRequest();
  request.scope = InstallScope::System;
  const ChangePlan install = plan(root, request);
  vgpu::test::RecordingRunner runner;
  runner.failingCalls = 1; // ldconfig fails after every file is in place; the rollback's run succeeds
  ChangeEngine engine(systemRoot(root), runner);
  const ChangeResult result = engine.apply(install);
  CHECK_FALSE(result.ok);
  CHECK(result.rolledBack);
  CHECK(result.errors.join(u' ').contains(QStringLiteral("ldconfig failed")));
  CHECK(vgpu::test::listingDifference(treeListing(root), before).empty());
  QString error;
  CHECK(engine.transactions(&error).first().state == QStringLiteral("rolled-back"));
}

TEST_CASE("a transaction killed before its first journal write is ignored by recovery") {
  const auto root = vgpu::test::scratchDir("changes-empty-transaction");
  vgpu::test::makeSystemTree(root);
  std::filesystem::create_directories(root / "var/lib/vgpu/transactions/20261126T101010101Z-abcdef/backups");
  vgpu::test::RecordingRunner runner;
  ChangeEngine engine(systemRoot(root), runner);
  const ChangeResult recovered = engine.recover();
  CHECK(recovered.ok);
  CHECK(recovered.recovered.isEmpty());
  CHECK(engine.apply(plan(root, serviceRequest())).ok);
}

TEST_CASE("a plan made stale by a change on disk is refused at its step and rolled back") {
  const auto root = vgpu::test::scratchDir("changes-stale");
  vgpu::test::makeSystemTree(root);
  const ChangePlan install = plan(root, serviceRequest());
  vgpu::test::writeFile(root / "usr/lib/vgpu/libvgpu-nvml.so", "appeared after planning\n");
  const auto before = treeListing(root);
  vgpu::test::RecordingRunner runner;
  const ChangeResult result = ChangeEngine(systemRoot(root), runner).apply(install);
  CHECK_FALSE(result.ok);
  CHECK(
      result.errors.join(u' ').contains(QStringLiteral("/usr/lib/vgpu/libvgpu-nvml.so: expected nothing, found file")));
  CHECK(vgpu::test::listingDifference(treeListing(root), before).empty());
}

TEST_CASE("rollback of an applied transaction is refused when the system drifted") {
  const auto root = vgpu::test::scratchDir("changes-drift");
  vgpu::test::makeSystemTree(root);
  vgpu::test::RecordingRunner runner;
  ChangeEngine engine(systemRoot(root), runner);
  const ChangeResult applied = engine.apply(plan(root, serviceRequest()));
  REQUIRE(applied.ok);
  vgpu::test::writeFile(root / "etc/systemd/system/ollama.service.d/50-vgpu.conf", "edited by hand\n");
  const ChangeResult refused = engine.rollback(applied.transactionId);
  CHECK_FALSE(refused.ok);
  CHECK(refused.errors.join(u' ').contains(
      QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf: content differs")));
  CHECK(vgpu::test::readFile(root / "etc/systemd/system/ollama.service.d/50-vgpu.conf") == "edited by hand\n");
  CHECK_FALSE(engine.rollback(QStringLiteral("../../etc")).ok);
}

TEST_CASE("symlinks in the way are refused, never followed") {
  const auto root = vgpu::test::scratchDir("changes-symlinks");
  vgpu::test::makeSystemTree(root);
  const auto elsewhere = vgpu::test::scratchDir("changes-symlinks-elsewhere");
  std::filesystem::remove_all(root / "usr/lib/vgpu");
  std::filesystem::create_directory_symlink(elsewhere, root / "usr/lib/vgpu");
  QString error;
  CHECK_FALSE(planShimInstall(systemRoot(root), serviceRequest(), &error));
  CHECK(error.contains(QStringLiteral("/usr/lib/vgpu")));

  // A plan made before the swap fails at apply time and writes nothing through the link.
  std::filesystem::remove(root / "usr/lib/vgpu");
  const ChangePlan install = plan(root, serviceRequest());
  std::filesystem::create_directory_symlink(elsewhere, root / "usr/lib/vgpu");
  vgpu::test::RecordingRunner runner;
  const ChangeResult result = ChangeEngine(systemRoot(root), runner).apply(install);
  CHECK_FALSE(result.ok);
  CHECK(result.errors.join(u' ').contains(QStringLiteral("symlink")));
  CHECK(std::filesystem::is_empty(elsewhere));
}

TEST_CASE("the service plan requires the drop-in to put vgpu's directory first on LD_LIBRARY_PATH") {
  const auto root = vgpu::test::scratchDir("changes-dropin-check");
  vgpu::test::makeSystemTree(root);
  ShimInstallRequest request = serviceRequest();
  request.dropIn = "# Managed by vgpu\n[Service]\nEnvironment=\"LD_LIBRARY_PATH=/opt/other:/usr/lib/vgpu\"\n";
  QString error;
  CHECK_FALSE(planShimInstall(systemRoot(root), request, &error));
  CHECK(error.contains(QStringLiteral("LD_LIBRARY_PATH with /usr/lib/vgpu first")));
  std::filesystem::remove(root / "usr/libexec/vgpu/shim/libvgpu-nvml.so");
  CHECK_FALSE(planShimInstall(systemRoot(root), serviceRequest(), &error));
  CHECK(error.contains(QStringLiteral("libvgpu-nvml.so is missing")));
}

TEST_CASE("shadowing between NVIDIA's libcuda.so.1 and the shim is warned about") {
  const auto root = vgpu::test::scratchDir("changes-shadowing");
  vgpu::test::makeSystemTree(root);
  vgpu::test::writeFile(root / "usr/lib/x86_64-linux-gnu/libcuda.so.550.54.15", "\x7f"
                                                                                "ELF nvidia");
  std::filesystem::create_symlink("libcuda.so.550.54.15", root / "usr/lib/x86_64-linux-gnu/libcuda.so.1");

  const ChangePlan service = plan(root, serviceRequest());
  REQUIRE(service.warnings.size() == 1);
  CHECK(service.warnings.first().contains(
      QStringLiteral("/usr/lib/x86_64-linux-gnu/libcuda.so.1 (libcuda.so.550.54.15, listed by "
                     "/etc/ld.so.conf.d/x86_64-linux-gnu.conf)")));
  CHECK(service.warnings.first().contains(QStringLiteral("ollama.service will load the shim instead")));
  CHECK(service.describe().contains(QStringLiteral("warning: an NVIDIA driver's libcuda.so.1")));

  ShimInstallRequest system = vgpu::test::stagingShimRequest();
  system.scope = InstallScope::System;
  // vgpu.conf sorts before x86_64-linux-gnu.conf: the shim comes first for every program.
  const ChangePlan systemWide = plan(root, system);
  REQUIRE(systemWide.warnings.size() == 1);
  CHECK(systemWide.warnings.first().contains(QStringLiteral("the shim would shadow the NVIDIA driver's libcuda.so.1")));

  // A conf file read before vgpu.conf that lists NVIDIA's directory shadows the shim.
  vgpu::test::writeFile(root / "etc/ld.so.conf.d/00-nvidia.conf", "/usr/lib/nvidia\n");
  vgpu::test::writeFile(root / "usr/lib/nvidia/libcuda.so.1", "\x7f"
                                                              "ELF nvidia");
  const ChangePlan shadowed = plan(root, system);
  CHECK(shadowed.describe().contains(
      QStringLiteral("an NVIDIA driver's libcuda.so.1 at /usr/lib/nvidia/libcuda.so.1 (libcuda.so.1, listed by "
                     "/etc/ld.so.conf.d/00-nvidia.conf) comes before /usr/lib/vgpu in the loader order and would "
                     "shadow the shim")));

  // Without NVIDIA's libraries there is nothing to warn about.
  const auto clean = vgpu::test::scratchDir("changes-shadowing-clean");
  vgpu::test::makeSystemTree(clean);
  CHECK(plan(clean, serviceRequest()).warnings.isEmpty());
}

TEST_CASE("every operation kind with modes and owners, applied, verified and rolled back exactly") {
  if (::geteuid() != 0) {
    WARN("not root: owners other than the current user cannot be set; skipped");
    return;
  }
  const auto root = vgpu::test::scratchDir("changes-owners");
  std::filesystem::create_directories(root / "var/lib");
  vgpu::test::writeFile(root / "etc/old.conf", "old\n", std::filesystem::perms(0600));
  REQUIRE(::chown((root / "etc/old.conf").c_str(), 4242, 4343) == 0);
  vgpu::test::writeFile(root / "etc/gone.conf", "gone\n", std::filesystem::perms(0640));
  std::filesystem::create_symlink("old-target", root / "etc/link");
  const auto before = treeListing(root);

  ChangePlan plan;
  plan.title = QStringLiteral("every kind");
  plan.operations = {
      {OperationKind::CreateDirectory, QStringLiteral("/opt"), {}, 0750, 1001, 1002, {}},
      {OperationKind::WriteFile, QStringLiteral("/opt/new.bin"), QByteArray("\0\1\2", 3), 0640, 1001, 1002, {}},
      {OperationKind::ReplaceFile, QStringLiteral("/etc/old.conf"), "new\n", 0644, 0, 0, {}},
      {OperationKind::RemoveFile, QStringLiteral("/etc/gone.conf"), {}, 0, {}, {}, {}},
      {OperationKind::CreateSymlink, QStringLiteral("/etc/link"), {}, 0, {}, {}, QStringLiteral("new-target")},
  };
  vgpu::test::RecordingRunner runner;
  ChangeEngine engine(systemRoot(root), runner);
  const ChangeResult applied = engine.apply(plan);
  INFO(applied.errors.join(u'\n').toStdString());
  REQUIRE(applied.ok);
  struct stat st {};
  REQUIRE(::stat((root / "opt/new.bin").c_str(), &st) == 0);
  CHECK(st.st_uid == 1001);
  CHECK(st.st_gid == 1002);
  CHECK((st.st_mode & 07777) == 0640);
  REQUIRE(::stat((root / "opt").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0750);
  REQUIRE(::stat((root / "etc/old.conf").c_str(), &st) == 0);
  CHECK(st.st_uid == 0);
  CHECK_FALSE(std::filesystem::exists(root / "etc/gone.conf"));
  CHECK(std::filesystem::read_symlink(root / "etc/link") == "new-target");
  CHECK(plan.describe().contains(QStringLiteral("mkdir    /opt (mode 0750, owner 1001:1002)")));

  REQUIRE(engine.rollback(applied.transactionId).ok);
  CHECK(vgpu::test::listingDifference(treeListing(root), before).empty()); // owners and modes included
}

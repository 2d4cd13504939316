// vgpuctl install / rollback / transactions on a test tree: --dry-run prints the exact operations
// and changes nothing; install and rollback go through vgpu-helper (run directly for --root);
// the tree is byte-identical after the rollback.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "test_paths.h"
#include "vgpuctl_cli.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

struct Run {
  int code;
  QString out;
  QString err;
};

Run vgpuctl(const std::filesystem::path& root, const QStringList& arguments) {
  qputenv("VGPU_HELPER", VGPU_HELPER_PATH);
  QString out;
  QString err;
  QTextStream outStream(&out);
  QTextStream errStream(&err);
  const int code = vgpu::cli::runVgpuctl(
      QStringList{QStringLiteral("vgpuctl"), QStringLiteral("--root"), QString::fromStdString(root.string())} +
          arguments,
      outStream, errStream);
  outStream.flush();
  errStream.flush();
  return {code, out, err};
}

} // namespace

TEST_CASE("vgpuctl install --dry-run prints the exact operations and changes nothing") {
  const auto root = vgpu::test::scratchDir("vgpuctl-install-dry-run");
  vgpu::test::makeSystemTree(root);
  const auto before = vgpu::test::treeListing(root, {});
  const Run run = vgpuctl(root, {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("system"),
                                 QStringLiteral("--dry-run")});
  INFO(run.err.toStdString());
  REQUIRE(run.code == 0);
  const QStringList lines = run.out.split(u'\n');
  CHECK(lines.first() == QStringLiteral("Plan: install the vgpu shim (system scope)"));
  // The package's libraries stay where they are; ld.so.conf.d names their directory.
  CHECK_FALSE(run.out.contains(QStringLiteral("libvgpu-cuda.so (")));
  CHECK(run.out.contains(
      QStringLiteral("the shim libraries are installed in %1").arg(vgpu::controller::installedShimDir())));
  CHECK(run.out.contains(QStringLiteral("write    /etc/ld.so.conf.d/vgpu.conf (")));
  CHECK(lines.contains(QStringLiteral("run      ldconfig")));
  CHECK(lines.contains(QStringLiteral("(dry run: nothing was changed)")));
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root, {}), before).empty());

  const Run json = vgpuctl(root, {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service"),
                                  QStringLiteral("--dry-run"), QStringLiteral("--json")});
  REQUIRE(json.code == 0);
  const QJsonObject plan = QJsonDocument::fromJson(json.out.toUtf8()).object();
  CHECK(plan.value(QStringLiteral("needsDaemonReload")).toBool());
  const QJsonArray operations = plan.value(QStringLiteral("operations")).toArray();
  REQUIRE_FALSE(operations.isEmpty());
  CHECK(operations.last().toObject().value(QStringLiteral("path")).toString() ==
        QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf"));
}

TEST_CASE("vgpuctl install, transactions and rollback through vgpu-helper") {
  const auto root = vgpu::test::scratchDir("vgpuctl-install");
  vgpu::test::makeSystemTree(root);
  const auto before = vgpu::test::treeListing(root);
  const Run install = vgpuctl(root, {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service")});
  INFO(install.err.toStdString());
  REQUIRE(install.code == 0);
  CHECK(install.out.contains(QStringLiteral("applied as transaction")));
  CHECK(install.out.contains(QStringLiteral("next: vgpuctl service reload && vgpuctl service restart")));

  const Run list = vgpuctl(root, {QStringLiteral("transactions"), QStringLiteral("--json")});
  REQUIRE(list.code == 0);
  const QJsonArray transactions = QJsonDocument::fromJson(list.out.toUtf8()).array();
  REQUIRE(transactions.size() == 1);
  CHECK(transactions.at(0).toObject().value(QStringLiteral("state")).toString() == QStringLiteral("applied"));

  const Run rollback = vgpuctl(root, {QStringLiteral("rollback")});
  INFO(rollback.err.toStdString());
  REQUIRE(rollback.code == 0);
  CHECK(rollback.out.contains(QStringLiteral("rolled back")));
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), before).empty());
  CHECK(vgpuctl(root, {QStringLiteral("transactions")}).out.contains(QStringLiteral("rolled-back")));

  const Run nothing = vgpuctl(root, {QStringLiteral("rollback")});
  CHECK(nothing.code == 1);
  CHECK(nothing.err.contains(QStringLiteral("no applied transaction")));
}

TEST_CASE("vgpuctl install usage errors exit with 2") {
  const auto root = vgpu::test::scratchDir("vgpuctl-install-usage");
  for (const QStringList& arguments :
       {QStringList{QStringLiteral("install")},
        QStringList{QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("galaxy")},
        QStringList{QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service"),
                    QStringLiteral("--x")},
        QStringList{QStringLiteral("transactions"), QStringLiteral("all")}}) {
    INFO(arguments.join(u' ').toStdString());
    CHECK(vgpuctl(root, arguments).code == 2);
  }
}

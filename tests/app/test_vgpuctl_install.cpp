// vgpuctl install / rollback / transactions / shim-config on a test tree: --dry-run prints the exact
// operations (or diff) and changes nothing; install, shim-config set and rollback go through
// vgpu-helper (run directly for --root); the tree is byte-identical after the rollback.
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

TEST_CASE("the service-scope install survives an Ollama upgrade and follows a vgpu-guest upgrade") {
  const auto root = vgpu::test::scratchDir("vgpuctl-install-ollama-upgrade");
  vgpu::test::makeSystemTree(root);
  vgpu::test::writeFile(root / "usr/local/lib/ollama/cuda_v12/libggml-cuda.so", "ollama 0.11 library\n");
  const Run install = vgpuctl(root, {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service")});
  INFO(install.err.toStdString());
  REQUIRE(install.code == 0);

  // What Ollama's install.sh does on an upgrade: rm -rf lib/ollama, new libraries, a rewritten
  // ollama.service; drop-ins in ollama.service.d are left alone.
  std::filesystem::remove_all(root / "usr/local/lib/ollama");
  vgpu::test::writeFile(root / "usr/local/lib/ollama/cuda_v12/libggml-cuda.so", "ollama 0.12 library\n");
  vgpu::test::writeFile(root / "etc/systemd/system/ollama.service",
                        "[Unit]\nDescription=Ollama Service\n[Service]\nExecStart=/usr/local/bin/ollama serve\n"
                        "User=ollama\nGroup=ollama\nRestart=always\n");
  // And a vgpu-guest upgrade replaces the shim in its directory.
  const std::filesystem::path shimDir = root / vgpu::controller::installedShimDir().mid(1).toStdString();
  vgpu::test::writeFile(shimDir / "libvgpu-cuda.so", "\x7f"
                                                     "ELF newer shim from the upgraded package\n");

  const Run get = vgpuctl(root, {QStringLiteral("env"), QStringLiteral("get"), QStringLiteral("LD_LIBRARY_PATH"),
                                 QStringLiteral("--json")});
  REQUIRE(get.code == 0);
  const QJsonObject variable =
      QJsonDocument::fromJson(get.out.toUtf8()).object().value(QStringLiteral("variables")).toArray().at(0).toObject();
  CHECK(variable.value(QStringLiteral("effective")).toObject().value(QStringLiteral("value")).toString() ==
        vgpu::controller::installedShimDir());
  // Nothing is left to do: the drop-in is in place and the new shim is what the service loads.
  const Run again = vgpuctl(root, {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service"),
                                   QStringLiteral("--dry-run"), QStringLiteral("--json")});
  REQUIRE(again.code == 0);
  CHECK(QJsonDocument::fromJson(again.out.toUtf8()).object().value(QStringLiteral("operations")).toArray().isEmpty());
}

TEST_CASE("vgpuctl shim-config: show, set --dry-run, set through the helper, refusals, rollback") {
  const auto root = vgpu::test::scratchDir("vgpuctl-shim-config");
  vgpu::test::makeSystemTree(root);
  vgpu::test::writeFile(root / "etc/vgpu/shim.conf", "# mine\nbackend = sim\nmatch = 10de:2331\n");
  vgpu::test::writeFile(root / "etc/vgpu/token", "s3cret\n", std::filesystem::perms(0600));
  const auto before = vgpu::test::treeListing(root); // the transactions in var/lib/vgpu aside

  const Run show = vgpuctl(root, {QStringLiteral("shim-config"), QStringLiteral("show"), QStringLiteral("--json")});
  REQUIRE(show.code == 0);
  const QJsonObject shown = QJsonDocument::fromJson(show.out.toUtf8()).object();
  CHECK(shown.value(QStringLiteral("exists")).toBool());
  CHECK(shown.value(QStringLiteral("backend")).toString() == QStringLiteral("sim"));
  CHECK(shown.value(QStringLiteral("endpoint")).isNull());

  const QStringList set{QStringLiteral("shim-config"),  QStringLiteral("set"),
                        QStringLiteral("--backend"),    QStringLiteral("remote"),
                        QStringLiteral("--endpoint"),   QStringLiteral("tcp:10.0.0.2:7000"),
                        QStringLiteral("--token-file"), QStringLiteral("/etc/vgpu/token")};
  const Run dryRun = vgpuctl(root, set + QStringList{QStringLiteral("--dry-run")});
  INFO(dryRun.err.toStdString());
  REQUIRE(dryRun.code == 0);
  CHECK(dryRun.out.contains(QStringLiteral("+endpoint = tcp:10.0.0.2:7000")));
  CHECK(dryRun.out.contains(QStringLiteral("(dry run: nothing was changed)")));
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), before).empty());

  const Run refused =
      vgpuctl(root, {QStringLiteral("shim-config"), QStringLiteral("set"), QStringLiteral("--backend"),
                     QStringLiteral("remote"), QStringLiteral("--endpoint"), QStringLiteral("10.0.0.2")});
  CHECK(refused.code == 1);
  CHECK(refused.err.contains(QStringLiteral("endpoint: expected unix:")));
  CHECK(vgpuctl(root, {QStringLiteral("shim-config"), QStringLiteral("set")}).code == 2);
  CHECK(vgpuctl(root, {QStringLiteral("shim-config"), QStringLiteral("edit")}).code == 2);

  const Run applied = vgpuctl(root, set);
  INFO(applied.err.toStdString());
  REQUIRE(applied.code == 0);
  CHECK(applied.out.contains(QStringLiteral("applied as transaction")));
  CHECK(applied.out.contains(QStringLiteral("next: vgpuctl service restart")));
  CHECK(vgpu::test::readFile(root / "etc/vgpu/shim.conf") ==
        "# mine\nbackend = remote\nmatch = 10de:2331\nendpoint = tcp:10.0.0.2:7000\ntoken_file = /etc/vgpu/token\n");
  const Run text = vgpuctl(root, {QStringLiteral("shim-config"), QStringLiteral("show")});
  CHECK(text.out.contains(QStringLiteral("endpoint:   tcp:10.0.0.2:7000")));

  REQUIRE(vgpuctl(root, {QStringLiteral("rollback")}).code == 0);
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), before).empty());
}

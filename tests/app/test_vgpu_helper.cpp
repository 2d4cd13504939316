// vgpu-helper run as a program on a test tree (--root, no pkexec): every refused input with its
// exit code and message (path traversal, a symlink swapped in place of the drop-in, newline and
// quote injection, unknown variable, unknown verb, wrong caller), install → rollback end to
// end with the tree byte-identical afterwards, and shim-config-set: shim.conf written, re-written
// keeping its comments and other keys, rolled back byte for byte (or removed when it was new), and
// every value it refuses.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "changes/helper_client.h"
#include "private_systemd_bus.h"
#include "systemd/unit_file.h"
#include "test_paths.h"

#include <QJsonArray>
#include <QProcess>
#include <filesystem>
#include <unistd.h>

using vgpu::controller::HelperExit;

namespace {

struct HelperRun {
  int exitCode = -1;
  QJsonObject reply;
  QString message;
  QString log; // stderr: the action log in test mode
};

HelperRun runHelper(const QStringList& arguments, const QStringList& prefix = {},
                    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment()) {
  QProcess process;
  process.setProcessEnvironment(environment);
  if (prefix.isEmpty()) {
    process.start(QStringLiteral(VGPU_HELPER_PATH), arguments);
  } else {
    process.start(prefix.first(), prefix.mid(1) + QStringList{QStringLiteral(VGPU_HELPER_PATH)} + arguments);
  }
  REQUIRE(process.waitForFinished(30000));
  const auto reply = vgpu::controller::parseHelperReply(process.exitCode(), process.readAllStandardOutput(),
                                                        process.readAllStandardError());
  return {reply.exitCode, reply.data, reply.message, reply.diagnostics};
}

QStringList inRoot(const std::filesystem::path& root, const QStringList& arguments) {
  return QStringList{QStringLiteral("--root"), QString::fromStdString(root.string())} + arguments;
}

constexpr int kRefused = static_cast<int>(HelperExit::Refused);
constexpr int kInvalid = static_cast<int>(HelperExit::InvalidRequest);

const char* const kDropIn = "etc/systemd/system/ollama.service.d/50-vgpu.conf";

} // namespace

TEST_CASE("vgpu-helper refuses unknown verbs and malformed requests (exit 2)") {
  const auto root = vgpu::test::scratchDir("helper-invalid");
  vgpu::test::makeSystemTree(root);
  struct Case {
    QStringList arguments;
    QString message;
  };
  const Case cases[] = {
      {{QStringLiteral("frobnicate")}, QStringLiteral("unknown verb 'frobnicate'")},
      {{QStringLiteral("install")}, QStringLiteral("usage: vgpu-helper install --scope service|system")},
      {{QStringLiteral("install"), QStringLiteral("--target"), QStringLiteral("/tmp")},
       QStringLiteral("install takes --scope service|system")},
      {{QStringLiteral("env-set"), QStringLiteral("OLLAMA_DEBUG")},
       QStringLiteral("usage: vgpu-helper env-set NAME VALUE")},
      {{}, QStringLiteral("no verb given")},
      {{QStringLiteral("override-resolve"), QStringLiteral("keep"), QStringLiteral("LD_LIBRARY_PATH"),
        QStringLiteral("override.conf"), QStringLiteral("3"),
        QStringLiteral("0000000000000000000000000000000000000000000000000000000000000000")},
       QStringLiteral("override-resolve takes remove or merge")},
      {{QStringLiteral("override-resolve"), QStringLiteral("remove"), QStringLiteral("LD_LIBRARY_PATH"),
        QStringLiteral("override.conf"), QStringLiteral("three"),
        QStringLiteral("0000000000000000000000000000000000000000000000000000000000000000")},
       QStringLiteral("is not a line number")},
      {{QStringLiteral("override-resolve"), QStringLiteral("remove"), QStringLiteral("LD_LIBRARY_PATH"),
        QStringLiteral("override.conf"), QStringLiteral("3"), QStringLiteral("abc")},
       QStringLiteral("is not the SHA-256 of the line")},
      {{QStringLiteral("override-resolve"), QStringLiteral("remove"), QStringLiteral("LD_LIBRARY_PATH")},
       QStringLiteral("usage: vgpu-helper override-resolve remove|merge NAME FILE LINE SHA256")},
  };
  for (const Case& c : cases) {
    INFO(c.arguments.join(u' ').toStdString());
    const HelperRun run = runHelper(inRoot(root, c.arguments));
    CHECK(run.exitCode == kInvalid);
    CHECK(run.message.contains(c.message));
    CHECK(run.reply.value(QStringLiteral("ok")) == false);
  }
  CHECK(vgpu::test::treeListing(root).count(kDropIn) == 0);
}

TEST_CASE("vgpu-helper refuses invalid arguments (exit 3) and changes nothing") {
  const auto root = vgpu::test::scratchDir("helper-refused");
  vgpu::test::makeSystemTree(root);
  const auto before = vgpu::test::treeListing(root);
  struct Case {
    const char* what;
    QStringList arguments;
    QString message;
  };
  const Case cases[] = {
      {"path traversal in a transaction id",
       {QStringLiteral("rollback"), QStringLiteral("../../etc/shadow")},
       QStringLiteral("path traversal ('..') in argument '../../etc/shadow'")},
      {"path traversal in a value",
       {QStringLiteral("env-set"), QStringLiteral("VGPU_ENDPOINT"), QStringLiteral("unix:/run/../../etc/passwd")},
       QStringLiteral("path traversal")},
      {"path traversal in a variable name",
       {QStringLiteral("env-unset"), QStringLiteral("../OLLAMA_DEBUG")},
       QStringLiteral("path traversal")},
      {"newline injection",
       {QStringLiteral("env-set"), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1\nExecStartPre=/bin/sh -c id")},
       QStringLiteral("newline")},
      {"other control characters",
       {QStringLiteral("env-set"), QStringLiteral("VGPU_ENDPOINT"), QStringLiteral("unix:/run/a\x1b")},
       QStringLiteral("control character U+001b")},
      {"quote injection into a typed value",
       {QStringLiteral("env-set"), QStringLiteral("CUDA_VISIBLE_DEVICES"),
        QStringLiteral("0\" LD_PRELOAD=\"/tmp/x.so")},
       QStringLiteral("is neither a device index nor a GPU-UUID")},
      {"unknown variable",
       {QStringLiteral("env-set"), QStringLiteral("LD_PRELOAD"), QStringLiteral("/tmp/x.so")},
       QStringLiteral("unknown variable LD_PRELOAD")},
      {"installer-only variable",
       {QStringLiteral("env-set"), QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("/tmp")},
       QStringLiteral("LD_LIBRARY_PATH is written by the shim installer only")},
      {"not a variable name",
       {QStringLiteral("env-unset"), QStringLiteral("lower=case")},
       QStringLiteral("is not an environment variable name")},
      {"unknown scope",
       {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("everything")},
       QStringLiteral("unknown scope 'everything'")},
      {"override-resolve: a path instead of a drop-in's file name",
       {QStringLiteral("override-resolve"), QStringLiteral("remove"), QStringLiteral("LD_LIBRARY_PATH"),
        QStringLiteral("/etc/systemd/system/ollama.service"), QStringLiteral("3"),
        QStringLiteral("0000000000000000000000000000000000000000000000000000000000000000")},
       QStringLiteral("is not the name of a drop-in")},
      {"override-resolve: the managed drop-in itself",
       {QStringLiteral("override-resolve"), QStringLiteral("remove"), QStringLiteral("LD_LIBRARY_PATH"),
        QStringLiteral("50-vgpu.conf"), QStringLiteral("3"),
        QStringLiteral("0000000000000000000000000000000000000000000000000000000000000000")},
       QStringLiteral("is the managed drop-in itself")},
      {"override-resolve: a variable vgpu does not manage",
       {QStringLiteral("override-resolve"), QStringLiteral("remove"), QStringLiteral("LD_PRELOAD"),
        QStringLiteral("override.conf"), QStringLiteral("3"),
        QStringLiteral("0000000000000000000000000000000000000000000000000000000000000000")},
       QStringLiteral("unknown variable LD_PRELOAD")},
      {"malformed transaction id",
       {QStringLiteral("rollback"), QStringLiteral("latest")},
       QStringLiteral("'latest' is not a transaction id")},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const HelperRun run = runHelper(inRoot(root, c.arguments));
    CHECK(run.exitCode == kRefused);
    CHECK(run.message.contains(c.message));
    CHECK(run.log.contains(QStringLiteral("caller uid")));
  }
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), before).empty());
}

TEST_CASE("vgpu-helper refuses a symlink swapped in place of the managed drop-in") {
  const auto root = vgpu::test::scratchDir("helper-symlink");
  vgpu::test::makeSystemTree(root);
  vgpu::test::writeFile(root / "etc/secret", "do not touch\n", std::filesystem::perms(0600));
  std::filesystem::create_symlink("/etc/secret", root / kDropIn);
  for (const QStringList& arguments :
       {QStringList{QStringLiteral("env-set"), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")},
        QStringList{QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service")}}) {
    const HelperRun run = runHelper(inRoot(root, arguments));
    CHECK(run.exitCode == kRefused);
    CHECK(run.message.contains(QStringLiteral("it is a symlink (to /etc/secret)")));
  }
  CHECK(vgpu::test::readFile(root / "etc/secret") == "do not touch\n");
  CHECK(std::filesystem::is_symlink(root / kDropIn));

  // A symlinked drop-in directory is refused as well.
  std::filesystem::remove_all(root / "etc/systemd/system/ollama.service.d");
  std::filesystem::create_directory_symlink(root / "etc", root / "etc/systemd/system/ollama.service.d");
  const HelperRun run =
      runHelper(inRoot(root, {QStringLiteral("env-set"), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")}));
  CHECK(run.exitCode == kRefused);
  CHECK(run.message.contains(QStringLiteral("symlink")));
  CHECK_FALSE(std::filesystem::exists(root / "etc/50-vgpu.conf"));
}

TEST_CASE("vgpu-helper quotes what it accepts: quote and percent characters cannot inject settings") {
  const auto root = vgpu::test::scratchDir("helper-quoting");
  vgpu::test::makeSystemTree(root);
  const QString endpoint = QStringLiteral("unix:/run/x\" LD_PRELOAD=\"/tmp/evil.so %n");
  // The socket's directory must exist and belong to the helper's user (the endpoint owner policy).
  std::filesystem::create_directories(root / "run/x\" LD_PRELOAD=\"/tmp");
  std::filesystem::permissions(root / "run/x\" LD_PRELOAD=\"/tmp", std::filesystem::perms(0755));
  std::filesystem::permissions(root / "run/x\" LD_PRELOAD=\"", std::filesystem::perms(0755));
  const HelperRun run = runHelper(inRoot(root, {QStringLiteral("env-set"), QStringLiteral("VGPU_ENDPOINT"), endpoint}));
  REQUIRE(run.exitCode == 0);
  const QByteArray bytes = vgpu::test::readFile(root / kDropIn);
  INFO(bytes.toStdString());
  const auto file = vgpu::controller::UnitFile::parse(bytes, QStringLiteral("50-vgpu.conf"));
  const auto environment = vgpu::controller::mergeEnvironment({file});
  CHECK(environment.variables.value(QStringLiteral("VGPU_ENDPOINT")) == endpoint);
  CHECK_FALSE(environment.variables.contains(QStringLiteral("LD_PRELOAD")));
  CHECK(bytes.contains("%%n"));
}

TEST_CASE("vgpu-helper will not let its caller redirect the service's log or CUDA traffic") {
  // The attack: with the helper allowed to the vgpu group, VGPU_LOG=debug:/etc/shadow made the
  // service (as root) create or append that file, and VGPU_ENDPOINT=unix:/tmp/x.sock sent all of
  // its CUDA work to a socket the caller runs.
  const auto root = vgpu::test::scratchDir("helper-value-policy");
  vgpu::test::makeSystemTree(root);
  const HelperRun log = runHelper(
      inRoot(root, {QStringLiteral("env-set"), QStringLiteral("VGPU_LOG"), QStringLiteral("debug:/etc/shadow")}));
  CHECK(log.exitCode == kRefused);
  CHECK(log.message.contains(QStringLiteral("a file destination is not accepted")));
  const HelperRun toStderr =
      runHelper(inRoot(root, {QStringLiteral("env-set"), QStringLiteral("VGPU_LOG"), QStringLiteral("debug:stderr")}));
  CHECK(toStderr.exitCode == 0);

  // /tmp in the tree is what /tmp is on a system: anyone may create names there.
  std::filesystem::create_directories(root / "tmp");
  std::filesystem::permissions(root / "tmp", std::filesystem::perms(01777));
  const HelperRun temporary = runHelper(
      inRoot(root, {QStringLiteral("env-set"), QStringLiteral("VGPU_ENDPOINT"), QStringLiteral("unix:/tmp/x.sock")}));
  CHECK(temporary.exitCode == kRefused);
  CHECK(temporary.message.contains(QStringLiteral("/tmp is writable by group or others")));

  // A directory of vgpud's (here: the test user's, as the helper's own uid counts like root's).
  std::filesystem::create_directories(root / "run/vgpud");
  std::filesystem::permissions(root / "run/vgpud", std::filesystem::perms(0755));
  std::filesystem::permissions(root / "run", std::filesystem::perms(0755));
  const HelperRun own = runHelper(inRoot(root, {QStringLiteral("env-set"), QStringLiteral("VGPU_ENDPOINT"),
                                                QStringLiteral("unix:/run/vgpud/vgpud.sock")}));
  INFO(own.message.toStdString());
  CHECK(own.exitCode == 0);

  // The same directory handed to another user (only root can, so only checked as root).
  if (::geteuid() == 0) {
    REQUIRE(::chown((root / "run/vgpud").c_str(), 65534, 65534) == 0);
    const HelperRun foreign = runHelper(inRoot(root, {QStringLiteral("env-set"), QStringLiteral("VGPU_ENDPOINT"),
                                                      QStringLiteral("unix:/run/vgpud/other.sock")}));
    CHECK(foreign.exitCode == kRefused);
    CHECK(foreign.message.contains(QStringLiteral("not to root or vgpud")));
  }
  // Network endpoints have no owner to check: their form is validated.
  const HelperRun tcp = runHelper(inRoot(
      root, {QStringLiteral("env-set"), QStringLiteral("VGPU_ENDPOINT"), QStringLiteral("tcp:gpu-host.example:7300")}));
  CHECK(tcp.exitCode == 0);
}

TEST_CASE("vgpu-helper refuses the wrong caller (exit 4)") {
  const auto root = vgpu::test::scratchDir("helper-caller");
  vgpu::test::makeSystemTree(root);
  // Not root and no test root: refused before the request is even looked at.
  const QStringList dropPrivileges =
      ::geteuid() == 0 ? QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=65534"),
                                     QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups")}
                       : QStringList{};
  const HelperRun unprivileged = runHelper({QStringLiteral("daemon-reload")}, dropPrivileges);
  CHECK(unprivileged.exitCode == static_cast<int>(HelperExit::CallerRefused));
  CHECK(unprivileged.message.contains(QStringLiteral("must run as root")));

  // Started through pkexec (PKEXEC_UID set): the test root is refused, and the caller is named.
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.insert(QStringLiteral("PKEXEC_UID"), QStringLiteral("1000"));
  const HelperRun viaPkexec = runHelper(
      inRoot(root, {QStringLiteral("env-set"), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")}), {}, environment);
  CHECK(viaPkexec.exitCode == static_cast<int>(HelperExit::CallerRefused));
  CHECK(viaPkexec.message.contains(QStringLiteral("refused when vgpu-helper is started through pkexec")));
  CHECK(viaPkexec.reply.value(QStringLiteral("callerUid")).toInt() == 1000);
  CHECK(viaPkexec.log.contains(QStringLiteral("caller uid 1000")));
  CHECK_FALSE(std::filesystem::exists(root / kDropIn));
}

TEST_CASE("vgpu-helper reloads systemd and restarts ollama.service, reporting the job result") {
  const auto root = vgpu::test::scratchDir("helper-systemd");
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.insert(QStringLiteral("VGPU_HELPER_TEST_BUS"), bus.address());

  const HelperRun reload = runHelper(inRoot(root, {QStringLiteral("daemon-reload")}), {}, environment);
  INFO(reload.message.toStdString());
  CHECK(reload.exitCode == 0);
  CHECK(reload.message == QStringLiteral("systemd reloaded its unit files"));
  CHECK(bus.counters().value(QStringLiteral("Reload")).toInt() == 1);

  // A refused job comes back as a failure with systemd's reason. (The success path, a restart
  // followed to its JobRemoved in the helper's own process, is in test_systemd_job_process.)
  REQUIRE(bus.setDenyJobs(true));
  const HelperRun denied = runHelper(inRoot(root, {QStringLiteral("restart-ollama")}), {}, environment);
  CHECK(denied.exitCode == static_cast<int>(HelperExit::Failed));
  CHECK(denied.reply.value(QStringLiteral("job")).toObject().value(QStringLiteral("verb")).toString() ==
        QStringLiteral("restart"));
  CHECK(denied.reply.value(QStringLiteral("job")).toObject().value(QStringLiteral("error")).toString() ==
        QStringLiteral("access-denied"));

  // systemd gone: a clear failure, not a hang.
  bus.stopSystemd();
  const HelperRun gone = runHelper(inRoot(root, {QStringLiteral("daemon-reload")}), {}, environment);
  CHECK(gone.exitCode == static_cast<int>(HelperExit::Failed));
}

TEST_CASE("vgpu-helper install, env-set and rollback end to end on a test root") {
  const auto root = vgpu::test::scratchDir("helper-e2e");
  vgpu::test::makeSystemTree(root);
  const auto before = vgpu::test::treeListing(root);

  const HelperRun install =
      runHelper(inRoot(root, {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service")}));
  INFO(install.message.toStdString());
  REQUIRE(install.exitCode == 0);
  CHECK(install.reply.value(QStringLiteral("needsDaemonReload")).toBool());
  CHECK(install.log.contains(QStringLiteral("applied as transaction")));
  const QString installId = install.reply.value(QStringLiteral("transaction")).toString();
  const auto dropIn = vgpu::controller::UnitFile::parse(vgpu::test::readFile(root / kDropIn), QStringLiteral("d"));
  CHECK(vgpu::controller::mergeEnvironment({dropIn}).variables.value(QStringLiteral("LD_LIBRARY_PATH")) ==
        vgpu::controller::installedShimDir());

  const HelperRun set =
      runHelper(inRoot(root, {QStringLiteral("env-set"), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("2")}));
  REQUIRE(set.exitCode == 0);
  const QString setId = set.reply.value(QStringLiteral("transaction")).toString();
  CHECK(vgpu::test::readFile(root / kDropIn).contains("Environment=\"OLLAMA_DEBUG=2\""));

  // Newest first, as an admin undoes them.
  REQUIRE(runHelper(inRoot(root, {QStringLiteral("rollback"), setId})).exitCode == 0);
  const HelperRun undo = runHelper(inRoot(root, {QStringLiteral("rollback"), installId}));
  INFO(undo.message.toStdString());
  REQUIRE(undo.exitCode == 0);
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), before).empty());
  const HelperRun again = runHelper(inRoot(root, {QStringLiteral("rollback"), installId}));
  CHECK(again.exitCode == static_cast<int>(HelperExit::Failed));
  CHECK(again.message.contains(QStringLiteral("already rolled back")));
}

namespace {

const char* const kShimConf = "etc/vgpu/shim.conf";

QStringList shimConfigSet(const QString& backend, const QString& endpoint, const QString& tokenFile) {
  return {QStringLiteral("shim-config-set"), backend, endpoint, tokenFile};
}

} // namespace

TEST_CASE("vgpu-helper shim-config-set writes shim.conf's backend lines, keeps the rest, and rolls back") {
  const auto root = vgpu::test::scratchDir("helper-shim-config");
  vgpu::test::makeSystemTree(root);
  vgpu::test::writeFile(root / "etc/vgpu/token", "s3cret\n", std::filesystem::perms(0600));
  const QByteArray original = "# the admin's notes\n"
                              "match = 10de:2331\n"
                              "\n"
                              "backend=sim\n"
                              "# the old host\n"
                              "endpoint = tcp:10.0.0.9:7000\n"
                              "profile = 10de:2331=h100-pcie\n"
                              "endpoint = tcp:10.0.0.8:7000\n";
  vgpu::test::writeFile(root / kShimConf, original);
  const auto before = vgpu::test::treeListing(root);

  const HelperRun set =
      runHelper(inRoot(root, shimConfigSet(QStringLiteral("remote"), QStringLiteral("tcp:10.0.0.2:7000"),
                                           QStringLiteral("/etc/vgpu/token"))));
  INFO(set.message.toStdString());
  REQUIRE(set.exitCode == 0);
  CHECK(set.reply.value(QStringLiteral("needsRestart")).toBool());
  // The owned lines edited in place (the later duplicate endpoint dropped), token_file appended,
  // every other line as it was.
  CHECK(vgpu::test::readFile(root / kShimConf) == "# the admin's notes\n"
                                                  "match = 10de:2331\n"
                                                  "\n"
                                                  "backend = remote\n"
                                                  "# the old host\n"
                                                  "endpoint = tcp:10.0.0.2:7000\n"
                                                  "profile = 10de:2331=h100-pcie\n"
                                                  "token_file = /etc/vgpu/token\n");
  const QString diff = set.reply.value(QStringLiteral("diff")).toString();
  CHECK(diff.contains(QStringLiteral("--- a/etc/vgpu/shim.conf")));
  CHECK(diff.contains(QStringLiteral("-backend=sim")));
  CHECK(diff.contains(QStringLiteral("+backend = remote")));
  CHECK(diff.contains(QStringLiteral("+token_file = /etc/vgpu/token")));
  const QString firstId = set.reply.value(QStringLiteral("transaction")).toString();

  // Re-written: back to the simulated device, endpoint and token removed; comments stay.
  const HelperRun again =
      runHelper(inRoot(root, shimConfigSet(QStringLiteral("sim"), QStringLiteral("-"), QStringLiteral("-"))));
  REQUIRE(again.exitCode == 0);
  CHECK(vgpu::test::readFile(root / kShimConf) == "# the admin's notes\n"
                                                  "match = 10de:2331\n"
                                                  "\n"
                                                  "backend = sim\n"
                                                  "# the old host\n"
                                                  "profile = 10de:2331=h100-pcie\n");
  // The same request again changes nothing.
  const HelperRun same =
      runHelper(inRoot(root, shimConfigSet(QStringLiteral("sim"), QStringLiteral("-"), QStringLiteral("-"))));
  REQUIRE(same.exitCode == 0);
  CHECK(same.message.contains(QStringLiteral("nothing to change")));

  // Newest first: the file byte for byte as the admin wrote it.
  REQUIRE(
      runHelper(inRoot(root, {QStringLiteral("rollback"), again.reply.value(QStringLiteral("transaction")).toString()}))
          .exitCode == 0);
  REQUIRE(runHelper(inRoot(root, {QStringLiteral("rollback"), firstId})).exitCode == 0);
  CHECK(vgpu::test::readFile(root / kShimConf) == original);
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), before).empty());
}

TEST_CASE("vgpu-helper shim-config-set creates a missing shim.conf, and rollback removes it") {
  const auto root = vgpu::test::scratchDir("helper-shim-config-new");
  vgpu::test::makeSystemTree(root);
  std::filesystem::create_directories(root / "run/vgpud");
  std::filesystem::permissions(root / "run/vgpud", std::filesystem::perms(0755));
  const auto before = vgpu::test::treeListing(root);
  REQUIRE_FALSE(std::filesystem::exists(root / kShimConf));

  const HelperRun set =
      runHelper(inRoot(root, shimConfigSet(QStringLiteral("remote"), QStringLiteral("unix:/run/vgpud/vgpud.sock"),
                                           QStringLiteral("-"))));
  INFO(set.message.toStdString());
  REQUIRE(set.exitCode == 0);
  const QByteArray written = vgpu::test::readFile(root / kShimConf);
  CHECK(written.startsWith("# The vgpu shims' configuration"));
  CHECK(written.endsWith("backend = remote\nendpoint = unix:/run/vgpud/vgpud.sock\n"));
  CHECK(set.reply.value(QStringLiteral("diff")).toString().contains(QStringLiteral("--- /dev/null")));

  REQUIRE(
      runHelper(inRoot(root, {QStringLiteral("rollback"), set.reply.value(QStringLiteral("transaction")).toString()}))
          .exitCode == 0);
  CHECK_FALSE(std::filesystem::exists(root / kShimConf));
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), before).empty());
}

TEST_CASE("vgpu-helper shim-config-set refuses what the shims could not use, and changes nothing") {
  const auto root = vgpu::test::scratchDir("helper-shim-config-refused");
  vgpu::test::makeSystemTree(root);
  vgpu::test::writeFile(root / "etc/vgpu/shim.conf", "backend = sim\n");
  std::filesystem::create_directories(root / "etc/vgpu/token-dir");
  std::filesystem::create_symlink("/etc/shadow", root / "etc/vgpu/token-link");
  std::filesystem::create_directories(root / "tmp/open");
  std::filesystem::permissions(root / "tmp/open", std::filesystem::perms::all);
  const auto before = vgpu::test::treeListing(root);
  struct Case {
    const char* what;
    QStringList arguments;
    QString message;
  };
  const QString none = QStringLiteral("-");
  const QString remote = QStringLiteral("remote");
  const QString tcp = QStringLiteral("tcp:10.0.0.2:7000");
  const Case cases[] = {
      {"unknown backend", shimConfigSet(QStringLiteral("cuda"), none, none), QStringLiteral("unknown backend 'cuda'")},
      {"endpoint without a transport", shimConfigSet(remote, QStringLiteral("10.0.0.2:7000"), none),
       QStringLiteral("endpoint: expected unix:<absolute socket path>, tcp:<host>:<port> or vsock:<cid>:<port>")},
      {"relative unix socket", shimConfigSet(remote, QStringLiteral("unix:run/vgpud.sock"), none),
       QStringLiteral("endpoint: expected unix:")},
      {"tcp port out of range", shimConfigSet(remote, QStringLiteral("tcp:10.0.0.2:70000"), none),
       QStringLiteral("endpoint: expected unix:")},
      {"vsock without a port", shimConfigSet(remote, QStringLiteral("vsock:2"), none),
       QStringLiteral("endpoint: expected unix:")},
      {"a socket in a directory others can write", shimConfigSet(remote, QStringLiteral("unix:/tmp/open/x.sock"), none),
       QStringLiteral("/tmp/open is writable by group or others")},
      {"'=' injection in the endpoint", shimConfigSet(remote, QStringLiteral("tcp:h=1:7000"), none),
       QStringLiteral("'=' is not allowed")},
      {"newline injection", shimConfigSet(remote, QStringLiteral("tcp:10.0.0.2:7000\nbackend = sim"), none),
       QStringLiteral("newline")},
      {"control character", shimConfigSet(remote, tcp, QStringLiteral("/etc/vgpu/tok\x07")),
       QStringLiteral("control character U+0007")},
      {"relative token file", shimConfigSet(remote, tcp, QStringLiteral("etc/vgpu/token")),
       QStringLiteral("token_file: 'etc/vgpu/token' is not an absolute path")},
      {"'..' in the token file", shimConfigSet(remote, tcp, QStringLiteral("/etc/vgpu/../shadow")),
       QStringLiteral("path traversal")},
      {"'=' in the token file", shimConfigSet(remote, tcp, QStringLiteral("/etc/vgpu/a=b")),
       QStringLiteral("token_file: '=' is not allowed")},
      {"missing token file", shimConfigSet(remote, tcp, QStringLiteral("/etc/vgpu/token")),
       QStringLiteral("token_file: /etc/vgpu/token does not exist")},
      {"token file is a directory", shimConfigSet(remote, tcp, QStringLiteral("/etc/vgpu/token-dir")),
       QStringLiteral("is a directory, not a regular file")},
      {"token file is a symlink", shimConfigSet(remote, tcp, QStringLiteral("/etc/vgpu/token-link")),
       QStringLiteral("is a symlink, not a regular file")},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const HelperRun run = runHelper(inRoot(root, c.arguments));
    INFO(run.message.toStdString());
    CHECK(run.exitCode == kRefused);
    CHECK(run.message.contains(c.message));
  }
  CHECK(runHelper(inRoot(root, {QStringLiteral("shim-config-set"), remote})).exitCode == kInvalid);
  CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), before).empty());
}

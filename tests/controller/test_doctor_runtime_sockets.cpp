// runtime.ollama-processes asking the shim's control socket of a runner: a real CUDA process under
// the shim (telemetry_probe) stands in for the runner of the healthy-era-a proc fixture (its proc
// folder renamed to the probe's pid), so the check finds the runner in /proc and its socket live.
// Also: no socket, telemetry switched off, no runtime directory, and a socket that refuses.
#include <catch2/catch.hpp>

#include "doctor/machine/runtime_checks.h"
#include "doctor/machine/runtime_sockets.h"
#include "sysfs_fixture.h"
#include "telemetry_test_support.h"
#include "test_paths.h"
#include "vgpu/unix_socket.h"

#include <QCoreApplication>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace vgpu::controller;
using namespace vgpu::controller::doctor;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr int kRunnerPid = 907; // healthy-era-a's runner

// A copy of healthy-era-a whose runner lives under `runnerPid` with `extraEnvironment` appended.
fs::path copyFixture(const std::string& name, int runnerPid, const std::string& extraEnvironment) {
  const fs::path root = vgpu::test::scratchDir("doctor-sockets-" + name);
  fs::copy(vgpu::test::dataDir() / "doctor-proc" / "healthy-era-a", root, fs::copy_options::recursive);
  if (runnerPid != kRunnerPid) {
    fs::rename(root / "proc" / std::to_string(kRunnerPid), root / "proc" / std::to_string(runnerPid));
  }
  std::ofstream(root / "proc" / std::to_string(runnerPid) / "environ", std::ios::app) << extraEnvironment;
  return root;
}

CheckResult run(const fs::path& root) {
  DoctorContext context;
  context.root = QString::fromStdString(root.string());
  context.procRoot = context.root + QStringLiteral("/proc");
  context.shimDir = QStringLiteral("/usr/lib/vgpu");
  context.askControlSockets = true;
  return checkOllamaProcesses(context);
}

QString allEvidence(const CheckResult& result) {
  QStringList lines;
  for (const Evidence& evidence : result.evidence) {
    lines.append(evidence.what + QStringLiteral(" | ") + evidence.where + QStringLiteral(" | ") + evidence.excerpt);
  }
  return lines.join(u'\n');
}

} // namespace

TEST_CASE("a runner on the simulated device fails, with the socket's figures as evidence and the remedy") {
  const fs::path runtime = vgpu::test::scratchDir("doctor-sockets-live-run");
  vgpu::test::ProbeProcess probe(vgpu::test::probeEnvironment(runtime));
  const std::string ready = probe.readLine(30s);
  REQUIRE(ready.rfind("ready ", 0) == 0);
  REQUIRE(probe.command("alloc") == "ok");
  // The fixture's runner, moved to the probe's pid; its environment names the probe's directory
  // (as a system path under the fixture root: the root is the probe's runtime dir's grandparent).
  const fs::path root = copyFixture("live", probe.pid(), "VGPU_RUNTIME_DIR=/run/vgpu-test");
  fs::create_directories(root / "run");
  fs::create_directory_symlink(runtime, root / "run" / "vgpu-test");

  const CheckResult result = run(root);
  INFO(result.summary.toStdString() << "\n" << allEvidence(result).toStdString());
  // The probe runs with VGPU_BACKEND=sim: Ollama would "use the GPU" and answer garbage.
  CHECK(result.status == CheckStatus::Fail);
  CHECK(result.summary.contains(
      QStringLiteral("ollama runner pid %1 runs on a simulated device: its kernels are counted, never run")
          .arg(probe.pid())));
  REQUIRE(result.remedy);
  CHECK(result.remedy->text.contains(QLatin1String("Remove backend = sim from /etc/vgpu/shim.conf")));
  const QString evidence = allEvidence(result);
  CHECK(evidence.contains(QStringLiteral("shim control socket of ollama runner pid %1").arg(probe.pid())));
  CHECK(evidence.contains(QLatin1String("backend simulated (in-process), SIMULATED device (kernels counted, never "
                                        "run), state ready")));
  CHECK(evidence.contains(QLatin1String("NVIDIA H100 PCIe GPU-")));
  CHECK(evidence.contains(QLatin1String("VRAM used 64.0 MiB")));
}

TEST_CASE("a runner whose shim answers with a GPU behind vgpud passes") {
  const fs::path root = copyFixture("remote-gpu", kRunnerPid, "");
  fs::create_directories(root / "run" / "vgpu");
  QLocalServer server;
  REQUIRE(server.listen(QString::fromStdString((root / "run" / "vgpu" / "907.sock").string())));
  // A shim whose work runs on a real GPU in vgpud (executor cuda), as the hello and a sample say.
  QObject::connect(&server, &QLocalServer::newConnection, [&server] {
    QLocalSocket* client = server.nextPendingConnection();
    QObject::connect(client, &QLocalSocket::readyRead, client, [client] {
      while (client->canReadLine()) {
        const QByteArray request = client->readLine();
        if (request.contains("\"hello\"")) {
          client->write(R"({"type":"hello","protocol":1,"pid":907,"executable":"/usr/bin/ollama","uid":0,)"
                        R"("shim_version":"0.2.0","backend":"remote","endpoint":"unix:/run/vgpud.sock",)"
                        R"("executor":"cuda","simulated":false,"log_level":"off","devices":[{"index":0,)"
                        R"("name":"NVIDIA H100 PCIe","uuid":"GPU-a","pci_bus_id":"0000:00:05.0"}]})"
                        "\n");
        } else {
          client->write(R"({"type":"sample","seq":1,"time_ms":1764158400123,"backend_state":"ready","devices":[)"
                        R"({"index":0,"vram_used_bytes":1048576,"vram_total_bytes":85520809984,)"
                        R"("vram_peak_bytes":1048576,"allocations":1}],"kernel_launches":{"total":3,)"
                        R"("per_second":0},"copies":{"host_to_device":{"bytes":0,"bytes_per_second":0},)"
                        R"("device_to_host":{"bytes":0,"bytes_per_second":0},"device_to_device":{"bytes":0,)"
                        R"("bytes_per_second":0}},"memsets":0,"dropped_clients":0})"
                        "\n");
        }
        client->flush();
      }
    });
  });
  CheckResult result;
  std::atomic<bool> done{false};
  std::thread worker([&] {
    result = run(root);
    done = true;
  });
  while (!done) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
  }
  worker.join();
  INFO(result.summary.toStdString() << "\n" << allEvidence(result).toStdString());
  CHECK(result.status == CheckStatus::Pass);
  const QString evidence = allEvidence(result);
  CHECK(evidence.contains(QLatin1String("backend remote (unix:/run/vgpud.sock), state ready")));
  CHECK_FALSE(evidence.contains(QLatin1String("SIMULATED")));
}

TEST_CASE("a runner with the shim but no socket warns and says where it looked") {
  const fs::path root = copyFixture("missing", kRunnerPid, "VGPU_RUNTIME_DIR=/run/vgpu-test");
  fs::create_directories(root / "run" / "vgpu-test");
  // A socket left by a process that is gone (pid 4194304 is above any pid_max): the doctor is
  // read-only, so it stays where it is.
  const fs::path stale = root / "run" / "vgpu-test" / "4194304.sock";
  {
    const vgpu::SocketResult listener = vgpu::listenUnix(stale.string());
    REQUIRE(listener.fd.valid());
  }
  const CheckResult result = run(root);
  CHECK(fs::exists(stale));
  INFO(allEvidence(result).toStdString());
  CHECK(result.status == CheckStatus::Warn);
  CHECK(result.summary.contains(QLatin1String("ollama runner pid 907 loads vgpu's shim but its control socket does "
                                              "not exist in")));
  REQUIRE(result.remedy);
  CHECK(result.remedy->text.contains(QLatin1String("first successful cuInit")));
  CHECK(allEvidence(result).contains(QString::fromStdString((root / "run" / "vgpu-test" / "907.sock").string())));
}

TEST_CASE("a runner with telemetry switched off warns with the setting that does it") {
  const fs::path root = copyFixture("off", kRunnerPid, "VGPU_TELEMETRY=off");
  const CheckResult result = run(root);
  CHECK(result.status == CheckStatus::Warn);
  CHECK(result.summary.contains(QLatin1String("is switched off (VGPU_TELEMETRY=off in its environment)")));
}

TEST_CASE("a runner without any runtime directory warns with how to create one") {
  const fs::path root = copyFixture("nodir", kRunnerPid, "");
  const CheckResult result = run(root);
  CHECK(result.status == CheckStatus::Warn);
  CHECK(result.summary.contains(QLatin1String("has no runtime directory")));
  REQUIRE(result.remedy);
  CHECK(result.remedy->text.contains(QLatin1String("/run/vgpu")));
}

TEST_CASE("a socket that refuses the doctor's user warns with the group to join") {
  const fs::path root = copyFixture("refused", kRunnerPid, "");
  fs::create_directories(root / "run" / "vgpu"); // the system directory, found without any variable
  QLocalServer server;
  REQUIRE(server.listen(QString::fromStdString((root / "run" / "vgpu" / "907.sock").string())));
  QObject::connect(&server, &QLocalServer::newConnection, [&server] {
    QLocalSocket* client = server.nextPendingConnection();
    client->write("{\"type\":\"error\",\"error\":\"refused\",\"message\":\"uid 1000 is not root, the owner or in group "
                  "vgpu\"}\n");
    client->flush();
    client->disconnectFromServer();
  });
  // The check blocks while it waits for the answer: serve the fake socket from a second thread's
  // event loop would need QObject moves; a short poll loop in this thread does it instead.
  CheckResult result;
  std::atomic<bool> done{false};
  std::thread worker([&] {
    result = run(root);
    done = true;
  });
  while (!done) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
  }
  worker.join();
  INFO(allEvidence(result).toStdString());
  CHECK(result.status == CheckStatus::Warn);
  CHECK(result.summary.contains(QLatin1String("refused this user")));
  REQUIRE(result.remedy);
  CHECK(result.remedy->text.contains(QLatin1String("usermod -aG vgpu")));
}

// The packaged /run/vgpu (1770 root:vgpu) seen by a user outside the group: the doctor cannot list
// it, and says so with the group to join instead of "the socket does not exist".
TEST_CASE("a runtime directory the doctor's user may not list warns with the group to join") {
  if (::geteuid() != 0) {
    WARN("needs root to become another user; skipped");
    return;
  }
  const fs::path root = copyFixture("unlisted", kRunnerPid, "");
  fs::create_directories(root / "run" / "vgpu");
  REQUIRE(::chmod((root / "run" / "vgpu").c_str(), 01770) == 0); // root:root: uid 4242 is outside
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(4242) != 0 || ::setuid(4242) != 0) {
      ::_exit(10);
    }
    const CheckResult result = run(root);
    const bool said = result.status == CheckStatus::Warn &&
                      result.summary.contains(QLatin1String("cannot be seen by this user")) &&
                      result.summary.contains(QLatin1String("Permission denied")) && result.remedy &&
                      result.remedy->text.contains(QLatin1String("usermod -aG vgpu"));
    ::_exit(said ? 0 : 11);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

// The doctor asks where a runner serves by the shim's own rule (vgpu/telemetry/runtime_directory.h)
// applied to the runner's environment and credentials (status: Uid, Gid, Groups), so a runner
// outside the group that fell back to its XDG folder is looked for there, not in /run/vgpu.
TEST_CASE("the runner's runtime directory follows the shim's rule with the runner's credentials") {
  const fs::path root = vgpu::test::scratchDir("doctor-sockets-rule");
  fs::create_directories(root / "run" / "vgpu");
  REQUIRE(::chown((root / "run" / "vgpu").c_str(), 0, 4300) == 0);
  REQUIRE(::chmod((root / "run" / "vgpu").c_str(), 01770) == 0);
  const QString host = QString::fromStdString(root.string());
  OllamaProcess runner;
  runner.pid = 907;
  runner.environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), QStringLiteral("/run/user/4242"));

  SECTION("credentials unknown (an old proc fixture): /run/vgpu because it exists") {
    CHECK(processRuntimeDirectory(runner, host) == host + QStringLiteral("/run/vgpu"));
  }
  SECTION("root") {
    runner.uid = 0;
    runner.gid = 0;
    CHECK(processRuntimeDirectory(runner, host) == host + QStringLiteral("/run/vgpu"));
  }
  SECTION("a member of the directory's group, by a supplementary group") {
    runner.uid = 4242;
    runner.gid = 4242;
    runner.groups = {27, 4300};
    CHECK(processRuntimeDirectory(runner, host) == host + QStringLiteral("/run/vgpu"));
  }
  SECTION("outside the group: its XDG folder (created by the shim at cuInit, so it need not exist)") {
    runner.uid = 4242;
    runner.gid = 4242;
    runner.groups = {4242};
    CHECK(processRuntimeDirectory(runner, host) == host + QStringLiteral("/run/user/4242/vgpu"));
    runner.environment.remove(QStringLiteral("XDG_RUNTIME_DIR"));
    QString why;
    CHECK(processRuntimeDirectory(runner, host, &why).isEmpty());
    CHECK(why.contains(QStringLiteral("is not writable")));
    CHECK(why.contains(QStringLiteral("XDG_RUNTIME_DIR is not set")));
  }
  SECTION("VGPU_RUNTIME_DIR decides alone") {
    runner.uid = 4242;
    runner.environment.insert(QStringLiteral("VGPU_RUNTIME_DIR"), QStringLiteral("/srv/sockets"));
    CHECK(processRuntimeDirectory(runner, host) == host + QStringLiteral("/srv/sockets"));
  }
}

TEST_CASE("the proc reader takes the effective uid, gid and groups from status") {
  const fs::path procRoot = vgpu::test::scratchDir("doctor-sockets-status") / "proc";
  fs::copy(vgpu::test::dataDir() / "doctor-proc" / "healthy-era-a" / "proc", procRoot, fs::copy_options::recursive);
  std::ofstream(procRoot / std::to_string(kRunnerPid) / "status", std::ios::app)
      << "Uid:\t1000\t999\t999\t999\nGid:\t1000\t998\t998\t998\nGroups:\t27 998 4300 \n";
  const QList<OllamaProcess> processes = findOllamaProcesses(QString::fromStdString(procRoot.string()));
  const auto runner = std::find_if(processes.begin(), processes.end(),
                                   [](const OllamaProcess& process) { return process.pid == kRunnerPid; });
  REQUIRE(runner != processes.end());
  CHECK(runner->uid == 999U);
  CHECK(runner->gid == 998U);
  CHECK(runner->groups == QList<unsigned>{27, 998, 4300});
}

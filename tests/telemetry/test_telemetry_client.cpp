// The controller's telemetry client and vgpuctl ps/watch/top/metrics against a real CUDA process
// under the shim (telemetry_probe): discovery through the directory watcher, samples that follow
// cuMemAlloc, processGone at exit, stale sockets removed only when their pid is dead, `ps --json`
// listing the probe, `watch --json` NDJSON, `metrics --once` passing the strict exposition checker
// and `metrics --listen` answering HTTP on an ephemeral port.
#include <catch2/catch.hpp>

#include "prometheus_parser.h"
#include "sysfs_fixture.h"
#include "telemetry/process_summary.h"
#include "telemetry/runtime_directory.h"
#include "telemetry/telemetry_client.h"
#include "telemetry/telemetry_history.h"
#include "telemetry/telemetry_snapshot.h"
#include "telemetry_test_support.h"
#include "test_paths.h"
#include "vgpuctl_run.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>
#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <grp.h>
#include <optional>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace vgpu::controller::telemetry;
using vgpu::test::probeEnvironment;
using vgpu::test::ProbeProcess;

namespace {

constexpr std::uint64_t kAllocationBytes = 64u << 20;

pid_t waitReady(ProbeProcess& probe) {
  const std::string line = probe.readLine(30s);
  INFO("probe said: " << line);
  REQUIRE(line.rfind("ready ", 0) == 0);
  return static_cast<pid_t>(std::stol(line.substr(6)));
}

QString q(const fs::path& path) {
  return QString::fromStdString(path.string());
}

// A socket file at `path` that nothing accepts on (bound, never listened, closed).
void makeDeadSocket(const fs::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(path.string().size() < sizeof address.sun_path);
  std::memcpy(address.sun_path, path.c_str(), path.string().size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  ::close(fd);
}

// The pid of a process that has exited and been reaped.
pid_t deadPid() {
  const pid_t child = ::fork();
  if (child == 0) {
    ::_exit(0);
  }
  ::waitpid(child, nullptr, 0);
  return child;
}

// Records the client's signals.
struct Recorder {
  QList<qint64> appeared;
  QList<qint64> gone;
  QList<QPair<qint64, Sample>> samples;
  QStringList errors;

  explicit Recorder(TelemetryClient& client) {
    QObject::connect(&client, &TelemetryClient::processAppeared, [this](qint64 pid) { appeared.append(pid); });
    QObject::connect(&client, &TelemetryClient::processGone, [this](qint64 pid) { gone.append(pid); });
    QObject::connect(&client, &TelemetryClient::sampleReceived, [this](qint64 pid, const Sample& sample) {
      samples.append({pid, sample});
    });
    QObject::connect(&client, &TelemetryClient::errorOccurred,
                     [this](qint64, const QString& text) { errors.append(text); });
  }
};

} // namespace

TEST_CASE("the client discovers a shim process, follows its VRAM and sees it go", "[telemetry][client]") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-client-discover-" + std::to_string(::getpid()));
  TelemetryClient::Options options;
  options.runtimeDirectory = q(runtime);
  options.intervalMs = 50;
  options.rescanMs = 5000; // discovery must come from the watcher, not the rescan
  TelemetryClient client(options);
  Recorder recorder(client);
  client.start();
  QTest::qWait(50);

  ProbeProcess probe(probeEnvironment(runtime));
  const pid_t pid = waitReady(probe);
  REQUIRE(QTest::qWaitFor([&] { return recorder.appeared.contains(pid); }, 4000));
  REQUIRE(client.processes() == QList<qint64>{pid});
  const std::optional<ProcessHello> hello = client.hello(pid);
  REQUIRE(hello.has_value());
  CHECK(hello->pid == pid);
  CHECK(hello->backend == u"simulated");
  CHECK(hello->executable.contains(u"telemetry_probe"));
  REQUIRE_FALSE(hello->devices.isEmpty());
  CHECK(hello->devices[0].uuid.startsWith(u"GPU-"));

  REQUIRE(QTest::qWaitFor([&] { return !recorder.samples.isEmpty(); }, 3000));
  const std::uint64_t before = recorder.samples.back().second.vramUsedBytes();
  REQUIRE(probe.command("alloc") == "ok");
  REQUIRE(QTest::qWaitFor(
      [&] {
        return client.latestSample(pid) && client.latestSample(pid)->vramUsedBytes() == before + kAllocationBytes;
      },
      3000));
  REQUIRE(probe.command("launch") == "ok");
  REQUIRE(QTest::qWaitFor([&] { return client.latestSample(pid)->kernelLaunchesTotal >= 1; }, 3000));

  // The samples feed a history as the console does.
  TelemetryHistory history(TelemetryHistory::capacityFor(1min, 50ms));
  for (const auto& [samplePid, sample] : recorder.samples) {
    history.addSample(samplePid, sample);
  }
  CHECK(history.points({pid, Metric::VramUsedBytes, 0}).back().value == static_cast<double>(before + kAllocationBytes));
  CHECK(history.deviceSeries(0, Metric::VramUsedBytes).back().value == static_cast<double>(before + kAllocationBytes));
  // Sequence numbers increase (one subscription, nothing lost or decoded out of order).
  for (qsizetype i = 1; i < recorder.samples.size(); ++i) {
    CHECK(recorder.samples[i].second.seq > recorder.samples[i - 1].second.seq);
  }
  CHECK(recorder.errors.isEmpty());

  // The call figures (docs/telemetry-protocol.md): cumulative per entry point, percentiles present
  // for windows that had calls, null (empty) for windows that had none.
  const Sample latest = *client.latestSample(pid);
  REQUIRE(latest.calls.has_value());
  CHECK(latest.calls->total >= 3);
  REQUIRE(latest.apis.has_value());
  CHECK(std::any_of(latest.apis->begin(), latest.apis->end(),
                    [](const ApiFigures& api) { return api.name == u"cuMemAlloc_v2" && api.calls >= 1; }));
  CHECK(std::any_of(latest.apis->begin(), latest.apis->end(),
                    [](const ApiFigures& api) { return api.name == u"cuLaunchKernel" && api.calls >= 1; }));
  REQUIRE(latest.errors.has_value());
  const auto withCalls = std::find_if(recorder.samples.begin(), recorder.samples.end(),
                                      [](const auto& entry) { return entry.second.calls->windowCalls > 0; });
  REQUIRE(withCalls != recorder.samples.end());
  CHECK(withCalls->second.calls->latency.p50Ns.has_value());
  CHECK(withCalls->second.calls->latency.p99Ns >= withCalls->second.calls->latency.p50Ns);
  // The probe is idle now: a window without calls comes within a few 50 ms samples.
  REQUIRE(QTest::qWaitFor([&] { return client.latestSample(pid)->calls->windowCalls == 0; }, 3000));
  CHECK_FALSE(client.latestSample(pid)->calls->latency.p50Ns.has_value());
  CHECK_FALSE(client.latestSample(pid)->calls->latency.p99Ns.has_value());

  REQUIRE(client.setLogLevel(pid, QStringLiteral("error")));
  REQUIRE(client.setLogLevel(pid, QStringLiteral("loud")));
  QList<ServerError> refusals;
  QList<OkReply> acks;
  QObject::connect(&client, &TelemetryClient::serverErrorReceived,
                   [&](qint64, const ServerError& error) { refusals.append(error); });
  QObject::connect(&client, &TelemetryClient::okReceived, [&](qint64, const OkReply& ok) { acks.append(ok); });
  REQUIRE(QTest::qWaitFor([&] { return !refusals.isEmpty(); }, 3000));
  CHECK(refusals[0].code == u"bad-level");
  CHECK(std::any_of(acks.begin(), acks.end(), [](const OkReply& ok) { return ok.command == u"set-log-level"; }));

  REQUIRE(client.resetPeaks(pid));
  CHECK(probe.exit() == 0);
  REQUIRE(QTest::qWaitFor([&] { return recorder.gone.contains(pid); }, 3000));
  CHECK(client.processes().isEmpty());
  CHECK_FALSE(fs::exists(runtime / (std::to_string(pid) + ".sock")));
}

TEST_CASE("a process that reappears under the same directory is reconnected", "[telemetry][client]") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-client-reconnect-" + std::to_string(::getpid()));
  TelemetryClient::Options options;
  options.runtimeDirectory = q(runtime);
  options.intervalMs = 50;
  options.rescanMs = 200;
  TelemetryClient client(options);
  Recorder recorder(client);
  client.start();
  SnapshotSession session(q(runtime)); // the one-shot reader with kept connections, alongside
  for (int round = 0; round < 2; ++round) {
    ProbeProcess probe(probeEnvironment(runtime));
    const pid_t pid = waitReady(probe);
    REQUIRE(QTest::qWaitFor([&] { return recorder.appeared.contains(pid); }, 4000));
    REQUIRE(QTest::qWaitFor([&] { return client.latestSample(pid).has_value(); }, 3000));
    for (int pass = 0; pass < 2; ++pass) {
      const SnapshotResult snapshot = session.pass(2s);
      CHECK(snapshot.errors.isEmpty());
      REQUIRE(snapshot.processes.size() == 1);
      CHECK(snapshot.processes[0].hello.pid == pid);
    }
    CHECK(probe.exit() == 0);
    REQUIRE(QTest::qWaitFor([&] { return recorder.gone.contains(pid); }, 3000));
    const SnapshotResult after = session.pass(2s);
    CHECK(after.processes.isEmpty());
    CHECK(after.errors.isEmpty());
  }
  CHECK(recorder.appeared.size() == 2);
  CHECK(recorder.gone.size() == 2);
}

TEST_CASE("stale sockets are removed only when their process is dead", "[telemetry][client]") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-client-stale-" + std::to_string(::getpid()));
  const fs::path dead = runtime / (std::to_string(deadPid()) + ".sock");
  const fs::path alive = runtime / (std::to_string(::getpid()) + ".sock"); // this test: alive, not serving
  makeDeadSocket(dead);
  makeDeadSocket(alive);

  TelemetryClient::Options options;
  options.runtimeDirectory = q(runtime);
  options.intervalMs = 50;
  options.rescanMs = 200;
  TelemetryClient client(options);
  Recorder recorder(client);
  client.start();
  REQUIRE(QTest::qWaitFor([&] { return !fs::exists(dead); }, 3000));
  CHECK(fs::exists(alive));
  CHECK(recorder.errors.filter(QStringLiteral("removed the stale socket")).size() == 1);

  // A probe killed with SIGKILL leaves its socket (no atexit); the client notices the closed
  // connection, reports the process gone and removes the socket once the pid is gone.
  pid_t pid = 0;
  {
    ProbeProcess probe(probeEnvironment(runtime));
    pid = waitReady(probe);
    REQUIRE(QTest::qWaitFor([&] { return recorder.appeared.contains(pid); }, 4000));
  } // ~ProbeProcess: SIGKILL and reap
  REQUIRE(QTest::qWaitFor([&] { return recorder.gone.contains(pid); }, 3000));
  REQUIRE(QTest::qWaitFor([&] { return !fs::exists(runtime / (std::to_string(pid) + ".sock")); }, 3000));
  CHECK(fs::exists(alive));
  CHECK(recorder.appeared.size() == 1);
  CHECK(recorder.errors.filter(QString::number(::getpid()) + QStringLiteral(".sock")).size() == 1); // reported once

  // snapshotAll follows the same rule.
  makeDeadSocket(dead);
  const SnapshotResult snapshot = snapshotAll(q(runtime), 2s);
  CHECK(snapshot.processes.isEmpty());
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(alive));
  REQUIRE(snapshot.errors.size() == 1); // the live but silent one
  CHECK(snapshot.errors[0].startsWith(q(alive)));
  fs::remove(alive);
}

TEST_CASE("vgpuctl ps, watch, top and metrics --once read the probe", "[telemetry][vgpuctl]") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-vgpuctl-" + std::to_string(::getpid()));
  ProbeProcess probe(probeEnvironment(runtime));
  const pid_t pid = waitReady(probe);
  REQUIRE(probe.command("alloc") == "ok");
  REQUIRE(probe.command("launch") == "ok");
  REQUIRE(probe.command("copy") == "ok");
  const QString dir = q(runtime);

  const auto ps =
      vgpu::test::vgpuctl({QStringLiteral("ps"), QStringLiteral("--json"), QStringLiteral("--runtime-dir"), dir});
  INFO(ps.err.toStdString());
  REQUIRE(ps.code == 0);
  const QJsonObject listing = QJsonDocument::fromJson(ps.out.toUtf8()).object();
  CHECK(listing.value(QStringLiteral("runtime_dir")).toString() == dir);
  const QJsonArray processes = listing.value(QStringLiteral("processes")).toArray();
  REQUIRE(processes.size() == 1);
  const QJsonObject row = processes[0].toObject();
  CHECK(row.value(QStringLiteral("pid")).toInteger() == pid);
  CHECK(row.value(QStringLiteral("user")).toString() == userName(::geteuid()));
  CHECK(row.value(QStringLiteral("executable")).toString().contains(u"telemetry_probe"));
  CHECK(row.value(QStringLiteral("backend")).toString() == u"simulated");
  CHECK(row.value(QStringLiteral("executor")).toString() == u"simulated");
  CHECK(row.value(QStringLiteral("simulated")).toBool());
  CHECK(row.value(QStringLiteral("vram_used_bytes")).toDouble() >= static_cast<double>(kAllocationBytes));
  CHECK(row.value(QStringLiteral("devices")).toArray().at(0).toString().startsWith(u"GPU-"));
  CHECK(row.contains(QStringLiteral("launches_per_second")));

  const auto text = vgpu::test::vgpuctl({QStringLiteral("ps"), QStringLiteral("--runtime-dir"), dir});
  CHECK(text.code == 0);
  CHECK(text.out.startsWith(u"PID"));
  CHECK(text.out.contains(QString::number(pid)));
  // The simulated device is never shown as a plain GPU: the table says what it does not do.
  CHECK(text.out.contains(u"simulated: no GPU runs these processes' kernels"));

  const auto watch = vgpu::test::vgpuctl({QStringLiteral("watch"), QStringLiteral("--json"),
                                          QStringLiteral("--interval"), QStringLiteral("50"), QStringLiteral("--count"),
                                          QStringLiteral("3"), QStringLiteral("--runtime-dir"), dir});
  REQUIRE(watch.code == 0);
  const QStringList lines = watch.out.split(u'\n', Qt::SkipEmptyParts);
  REQUIRE(lines.size() == 3);
  for (const QString& line : lines) {
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(line.toUtf8(), &error);
    INFO(line.toStdString());
    REQUIRE(error.error == QJsonParseError::NoError);
    CHECK(document.object().value(QStringLiteral("type")).toString() == u"sample");
    CHECK(document.object().value(QStringLiteral("pid")).toInteger() == pid);
    CHECK(document.object().value(QStringLiteral("devices")).isArray());
    CHECK(document.object().value(QStringLiteral("simulated")).toBool()); // from the probe's hello
  }

  const auto top =
      vgpu::test::vgpuctl({QStringLiteral("top"), QStringLiteral("--interval"), QStringLiteral("100"),
                           QStringLiteral("--iterations"), QStringLiteral("3"), QStringLiteral("--runtime-dir"), dir});
  CHECK(top.code == 0);
  CHECK(top.out.count(QStringLiteral("vgpuctl top")) == 3);
  CHECK_FALSE(top.out.contains(u'\x1b')); // not a terminal: plain frames
  CHECK(top.out.contains(QString::number(pid)));
  CHECK(top.out.contains(u"telemetry_probe [simulated]"));
  CHECK(top.out.contains(u"simulated: no GPU runs these processes' kernels"));

  const auto metrics =
      vgpu::test::vgpuctl({QStringLiteral("metrics"), QStringLiteral("--once"), QStringLiteral("--runtime-dir"), dir});
  REQUIRE(metrics.code == 0);
  const auto exposition = vgpu::test::parsePrometheusText(metrics.out.toStdString());
  INFO(metrics.out.toStdString());
  INFO(exposition.error);
  REQUIRE(exposition.error.empty());
  REQUIRE(exposition.family("vgpu_processes") != nullptr);
  CHECK(exposition.family("vgpu_processes")->samples.at(0).value == 1);
  const auto* used = exposition.family("vgpu_memory_used_bytes");
  REQUIRE(used != nullptr);
  REQUIRE(used->samples.size() == 1);
  CHECK(used->samples[0].labels.at("pid") == std::to_string(pid));
  CHECK(used->samples[0].labels.at("device").rfind("GPU-", 0) == 0);
  CHECK(used->samples[0].value >= static_cast<double>(kAllocationBytes));
  CHECK(exposition.family("vgpu_kernel_launches_total")->samples.at(0).value >= 1);

  CHECK(vgpu::test::vgpuctl({QStringLiteral("watch"), QStringLiteral("--interval"), QStringLiteral("5")}).code == 2);
  CHECK(vgpu::test::vgpuctl({QStringLiteral("metrics"), QStringLiteral("--listen"), QStringLiteral("0.0.0.0:9835")})
            .code == 2);
  CHECK(probe.exit() == 0);
}

TEST_CASE("vgpuctl metrics --listen serves /metrics over HTTP", "[telemetry][vgpuctl]") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-metrics-listen-" + std::to_string(::getpid()));
  ProbeProcess probe(probeEnvironment(runtime));
  const pid_t pid = waitReady(probe);

  QProcess server;
  server.setProgram(QStringLiteral(VGPUCTL_PROGRAM));
  server.setArguments({QStringLiteral("metrics"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--runtime-dir"), q(runtime)});
  server.start();
  REQUIRE(server.waitForStarted(5000));
  REQUIRE(server.waitForReadyRead(10000));
  const QString banner = QString::fromUtf8(server.readLine()).trimmed();
  INFO(banner.toStdString());
  REQUIRE(banner.startsWith(u"listening on http://127.0.0.1:"));
  const quint16 port = static_cast<quint16>(banner.section(u':', 2).section(u'/', 0, 0).toUInt());
  REQUIRE(port != 0);

  const auto get = [port](const QByteArray& path) {
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    REQUIRE(socket.waitForConnected(5000));
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray response;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(5000)) {
      response += socket.readAll();
    }
    response += socket.readAll();
    return response;
  };
  const QByteArray response = get("/metrics");
  INFO(response.toStdString());
  REQUIRE(response.startsWith("HTTP/1.1 200 OK\r\n"));
  CHECK(response.contains("Content-Type: text/plain; version=0.0.4"));
  const QByteArray body = response.mid(response.indexOf("\r\n\r\n") + 4);
  const auto exposition = vgpu::test::parsePrometheusText(body.toStdString());
  INFO(exposition.error);
  REQUIRE(exposition.error.empty());
  CHECK(exposition.family("vgpu_processes")->samples.at(0).value == 1);
  CHECK(exposition.family("vgpu_memory_used_bytes")->samples.at(0).labels.at("pid") == std::to_string(pid));
  CHECK(get("/other").startsWith("HTTP/1.1 404"));

  // Later scrapes (over the connections kept between scrapes) follow the process: the call count
  // grows, the quantiles stay present (the snapshot window is since cuInit).
  const auto latency = [](const QByteArray& scrape, const std::string& name, const char* quantile) {
    const auto parsed = vgpu::test::parsePrometheusText(scrape.mid(scrape.indexOf("\r\n\r\n") + 4).toStdString());
    INFO(parsed.error);
    REQUIRE(parsed.error.empty());
    const auto* family = parsed.family("vgpu_call_latency_seconds");
    REQUIRE(family != nullptr);
    for (const auto& sample : family->samples) {
      if (sample.name == name && (quantile == nullptr || sample.labels.at("quantile") == quantile)) {
        return sample.value;
      }
    }
    FAIL("no " << name);
    return 0.0;
  };
  const double callsBefore = latency(response, "vgpu_call_latency_seconds_count", nullptr);
  CHECK(latency(response, "vgpu_call_latency_seconds", "0.5") > 0);
  REQUIRE(probe.command("calls 20").rfind("ok", 0) == 0);
  const QByteArray later = get("/metrics");
  CHECK(latency(later, "vgpu_call_latency_seconds_count", nullptr) >= callsBefore + 40);
  CHECK(latency(later, "vgpu_call_latency_seconds", "0.99") >= latency(later, "vgpu_call_latency_seconds", "0.5"));

  server.kill();
  server.waitForFinished(5000);
  CHECK(probe.exit() == 0);
}

namespace {

// Sets (or, with nullptr, unsets) an environment variable for one scope.
class ScopedEnvironment {
public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name); old != nullptr) {
      saved_ = old;
    }
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnvironment() {
    if (saved_) {
      ::setenv(name_, saved_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
  const char* name_;
  std::optional<std::string> saved_;
};

} // namespace

// Issue #17: a process that fell back to its XDG folder (no /run/vgpu it may write to) was invisible
// to the console and vgpuctl, which read /run/vgpu whenever it existed. Both now follow the shim's
// rule (vgpu/telemetry/runtime_directory.h): without --runtime-dir they scan /run/vgpu and the
// caller's own $XDG_RUNTIME_DIR/vgpu, and find it wherever the shim served it.
TEST_CASE("without --runtime-dir the console's client and vgpuctl find a process that served in its XDG folder",
          "[telemetry][client]") {
  const fs::path xdg = vgpu::test::scratchDir("telemetry-xdg-" + std::to_string(::getpid()));
  const ScopedEnvironment noConfigured("VGPU_RUNTIME_DIR", nullptr);
  const ScopedEnvironment ownXdg("XDG_RUNTIME_DIR", xdg.c_str());
  auto environment = probeEnvironment(xdg);
  environment["VGPU_RUNTIME_DIR"] = ""; // unset: the rule decides
  environment["XDG_RUNTIME_DIR"] = xdg.string();
  ProbeProcess probe(environment);
  const pid_t pid = waitReady(probe);
  // Where the shim served: /run/vgpu when this machine has one (root may write there), else the
  // XDG folder it created.
  const QString served =
      fs::exists("/run/vgpu/" + std::to_string(pid) + ".sock") ? QStringLiteral("/run/vgpu") : q(xdg / "vgpu");
  REQUIRE(QFileInfo::exists(served + QStringLiteral("/%1.sock").arg(pid)));
  CHECK(defaultRuntimeDirectories().contains(served));

  TelemetryClient::Options options;
  options.intervalMs = 50;
  TelemetryClient client(options);
  CHECK(client.runtimeDirectories() == defaultRuntimeDirectories());
  Recorder recorder(client);
  client.start();
  CHECK(QTest::qWaitFor([&] { return recorder.appeared.contains(pid); }, 4000));

  const auto ps = vgpu::test::vgpuctl({QStringLiteral("ps"), QStringLiteral("--json")});
  INFO(ps.err.toStdString());
  const QJsonObject listing = QJsonDocument::fromJson(ps.out.toUtf8()).object();
  CHECK(listing.value(QStringLiteral("runtime_dirs")).toArray().contains(served));
  const QJsonArray processes = listing.value(QStringLiteral("processes")).toArray();
  CHECK(std::any_of(processes.begin(), processes.end(), [pid](const QJsonValue& row) {
    return row.toObject().value(QStringLiteral("pid")).toInteger() == pid;
  }));
  client.stop();
  CHECK(probe.exit() == 0);
}

namespace {

// vgpuctl as uid 4242 (no account) with `groups` as its supplementary groups ("" = none).
struct Run {
  int code = -1;
  QString out;
  QString err;
};
Run vgpuctlAs(const QString& groups, const QStringList& arguments, const QString& telemetryGroup) {
  QProcess process;
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.insert(QStringLiteral("VGPU_TELEMETRY_GROUP"), telemetryGroup);
  process.setProcessEnvironment(environment);
  process.start(QStringLiteral("/usr/bin/setpriv"),
                QStringList{QStringLiteral("--reuid=4242"), QStringLiteral("--regid=4242"),
                            groups.isEmpty() ? QStringLiteral("--clear-groups") : QStringLiteral("--groups=") + groups,
                            QStringLiteral("--"), QStringLiteral(VGPUCTL_PROGRAM)} +
                    arguments);
  Run run;
  if (process.waitForFinished(30000)) {
    run.code = process.exitCode();
  }
  run.out = QString::fromUtf8(process.readAllStandardOutput());
  run.err = QString::fromUtf8(process.readAllStandardError());
  return run;
}

} // namespace

// The packaged /run/vgpu (1770 root:vgpu) as a user outside the group: vgpuctl cannot list it and
// says so with the remedy, instead of "no processes"; a member (by a supplementary group) lists
// the process. The group "games" stands in for vgpu (VGPU_TELEMETRY_GROUP).
TEST_CASE("vgpuctl ps outside the telemetry group says what it cannot see; a member sees the process",
          "[telemetry][vgpuctl]") {
  const group* games = ::getgrnam("games");
  if (::geteuid() != 0 || games == nullptr || !fs::exists("/usr/bin/setpriv")) {
    WARN("needs root, setpriv and the group games; skipped");
    return;
  }
  const gid_t gid = games->gr_gid;
  const fs::path runtime = vgpu::test::scratchDir("telemetry-vgpuctl-group-" + std::to_string(::getpid()));
  REQUIRE(::chown(runtime.c_str(), 0, gid) == 0);
  REQUIRE(::chmod(runtime.c_str(), 01770) == 0);
  auto environment = probeEnvironment(runtime);
  environment["VGPU_TELEMETRY_GROUP"] = "games";
  ProbeProcess probe(environment);
  const pid_t pid = waitReady(probe);
  const QStringList ps = {QStringLiteral("ps"), QStringLiteral("--json"), QStringLiteral("--runtime-dir"), q(runtime)};

  const Run outsider = vgpuctlAs({}, ps, QStringLiteral("games"));
  INFO(outsider.out.toStdString() << outsider.err.toStdString());
  CHECK(outsider.code == 1);
  const QJsonObject refused = QJsonDocument::fromJson(outsider.out.toUtf8()).object();
  CHECK(refused.value(QStringLiteral("processes")).toArray().isEmpty());
  const QJsonArray errors = refused.value(QStringLiteral("errors")).toArray();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].toString() ==
        q(runtime) + QStringLiteral(": Permission denied: the shim processes there are not "
                                    "shown (to see them, run as root or as a member of group "
                                    "'games': sudo usermod -aG games $USER, then log in again)"));

  const Run member = vgpuctlAs(QString::number(gid), ps, QStringLiteral("games"));
  INFO(member.out.toStdString() << member.err.toStdString());
  CHECK(member.code == 0);
  const QJsonArray processes =
      QJsonDocument::fromJson(member.out.toUtf8()).object().value(QStringLiteral("processes")).toArray();
  REQUIRE(processes.size() == 1);
  CHECK(processes[0].toObject().value(QStringLiteral("pid")).toInteger() == pid);
  CHECK(probe.exit() == 0);
}

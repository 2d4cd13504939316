// `vgpuctl host …` and `vgpuctl metrics --host` against a fake admin server (fake_admin_server.h)
// that answers per docs/management-protocol.md and records what it was asked: listings (text and
// JSON), actions and their requests, errors that say what to do next (socket missing, refused,
// wrong token, no such session, unreadable replies), live watching with reconnection, and the
// exporter: its output passes the strict parser and every dcgm-exporter name we claim shows the
// value `vgpuctl host gpus --json` shows for the same snapshot.
#include <catch2/catch.hpp>

#include "fake_admin_server.h"
#include "host/host_client.h"
#include "host/host_connection.h"
#include "prometheus_parser.h"
#include "test_paths.h"
#include "vgpuctl_run.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <chrono>
#include <cmath>
#include <thread>

using vgpu::test::FakeAdminServer;
using vgpu::test::vgpuctl;

namespace {

QByteArray fixture(const char* name) {
  QFile file(QString::fromStdString((vgpu::test::dataDir() / "host" / "replies" / "valid" / name).string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  return file.readAll().trimmed();
}

QString socketPath(const char* name) {
  return QString::fromStdString((vgpu::test::scratchDir(std::string("host-") + name) / "admin.sock").string());
}

std::unique_ptr<FakeAdminServer> server(const char* name, const char* sample = "sample-cuda.json") {
  FakeAdminServer::Options options;
  options.socketPath = socketPath(name);
  options.sample = fixture(sample);
  auto fake = std::make_unique<FakeAdminServer>(options);
  REQUIRE(fake->listen());
  return fake;
}

QStringList with(const FakeAdminServer& fake, QStringList words) {
  return words << QStringLiteral("--endpoint") << fake.endpoint() << QStringLiteral("--timeout")
               << QStringLiteral("3000");
}

QJsonObject jsonOf(const QString& text) {
  QJsonParseError error{};
  const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
  INFO(text.toStdString());
  REQUIRE(document.isObject());
  return document.object();
}

} // namespace

TEST_CASE("vgpuctl host gpus and sessions list the snapshot", "[host][vgpuctl]") {
  auto fake = server("list");
  const auto gpus = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("gpus")}));
  INFO(gpus.err.toStdString());
  REQUIRE(gpus.code == 0);
  CHECK(gpus.out.contains(u"host gpu-host-1 (vgpud 0.1.0, backend cuda)"_qs));
  CHECK(gpus.out.contains(u"GPU-5f1d0c3a-1111-2222-3333-444455556666"_qs));
  CHECK(gpus.out.contains(u"35%"_qs));
  CHECK(gpus.out.contains(u"88.5 W"_qs));
  const QList<QJsonObject> asked = fake->requests();
  REQUIRE(asked.size() == 2);
  CHECK(asked[0].value(u"cmd"_qs) == u"hello"_qs);
  CHECK_FALSE(asked[0].contains(u"token"_qs)); // no token over unix
  CHECK(asked[1].value(u"cmd"_qs) == u"snapshot"_qs);

  const auto json = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("gpus"), QStringLiteral("--json")}));
  REQUIRE(json.code == 0);
  const QJsonObject listing = jsonOf(json.out);
  CHECK(listing.value(u"hostname"_qs) == u"gpu-host-1"_qs);
  CHECK(listing.value(u"gpus"_qs).toArray() ==
        QJsonDocument::fromJson(fixture("sample-cuda.json")).object().value(u"gpus"_qs).toArray());

  const auto sessions = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("sessions")}));
  REQUIRE(sessions.code == 0);
  CHECK(sessions.out.contains(u"tcp:192.168.122.17"_qs));
  CHECK(sessions.out.contains(u"uid 1000"_qs));
  CHECK(sessions.out.contains(u"draining"_qs));
  CHECK(sessions.out.contains(u"ollama[4242]"_qs));
  const auto sessionsJson =
      vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("sessions"), QStringLiteral("--json")}));
  REQUIRE(sessionsJson.code == 0);
  const QJsonArray rows = jsonOf(sessionsJson.out).value(u"sessions"_qs).toArray();
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].toObject().value(u"vram_quota_bytes"_qs).toDouble() == 8589934592.0);
}

TEST_CASE("a simulated GPU's missing figures show as '-'", "[host][vgpuctl]") {
  auto fake = server("sim", "sample-sim.json");
  const auto gpus = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("gpus")}));
  REQUIRE(gpus.code == 0);
  CHECK(gpus.out.contains(u"(sim)"_qs));
  CHECK(gpus.out.contains(u" - "_qs));
  CHECK_FALSE(gpus.out.contains(u"0%"_qs));
}

TEST_CASE("vgpuctl host actions send the protocol's requests", "[host][vgpuctl]") {
  auto fake = server("actions");
  const auto quota = vgpuctl(
      with(*fake, {QStringLiteral("host"), QStringLiteral("set-quota"), QStringLiteral("5"), QStringLiteral("8GiB")}));
  INFO(quota.err.toStdString());
  CHECK(quota.code == 0);
  CHECK(quota.out.contains(u"session 5: VRAM quota 8.0 GiB per device"_qs));
  const auto none = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("set-quota"), QStringLiteral("5"),
                                         QStringLiteral("none"), QStringLiteral("--json")}));
  CHECK(none.code == 0);
  CHECK(jsonOf(none.out).value(u"type"_qs) == u"ok"_qs);
  const QList<QJsonObject> quotas = fake->requests(u"set-quota"_qs);
  REQUIRE(quotas.size() == 2);
  CHECK(quotas[0].value(u"session"_qs).toInteger() == 5);
  CHECK(quotas[0].value(u"vram_quota_bytes"_qs).toInteger() == 8589934592LL);
  CHECK(quotas[1].value(u"vram_quota_bytes"_qs).toInteger() == 0);

  CHECK(vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("set-priority"), QStringLiteral("6"),
                             QStringLiteral("high")}))
            .code == 0);
  REQUIRE(fake->requests(u"set-priority"_qs).size() == 1);
  CHECK(fake->requests(u"set-priority"_qs)[0].value(u"priority"_qs) == u"high"_qs);
  CHECK(vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("drain"), QStringLiteral("6")})).code == 0);
  CHECK(fake->requests(u"drain"_qs).size() == 1);
  const auto kill = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("kill"), QStringLiteral("5")}));
  CHECK(kill.code == 0);
  CHECK(kill.out.contains(u"session 5: killed"_qs));
  REQUIRE(fake->requests(u"kill"_qs).size() == 1);
  CHECK(fake->requests(u"kill"_qs)[0].value(u"session"_qs).toInteger() == 5);

  // No such session: exit 3 and the next step.
  const auto missing = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("kill"), QStringLiteral("99")}));
  CHECK(missing.code == 3);
  CHECK(missing.err.contains(u"no session 99 on gpu-host-1 (vgpuctl host sessions lists them)"_qs));

  // Usage errors never reach vgpud.
  const qsizetype before = fake->requests().size();
  for (const QStringList& words :
       {QStringList{QStringLiteral("set-quota"), QStringLiteral("5"), QStringLiteral("8XB")},
        QStringList{QStringLiteral("set-quota"), QStringLiteral("5")},
        QStringList{QStringLiteral("set-priority"), QStringLiteral("5"), QStringLiteral("urgent")},
        QStringList{QStringLiteral("kill"), QStringLiteral("five")},
        QStringList{QStringLiteral("kill"), QStringLiteral("-1")}, QStringList{QStringLiteral("reboot")},
        QStringList{}}) {
    INFO(words.join(u' ').toStdString());
    const auto run = vgpuctl(with(*fake, QStringList{QStringLiteral("host")} + words));
    CHECK(run.code == 2);
    CHECK(run.err.contains(u"vgpuctl host"_qs));
  }
  CHECK(fake->requests().size() == before);
}

TEST_CASE("sizes for set-quota", "[host][vgpuctl]") {
  auto fake = server("sizes");
  const std::pair<const char*, qint64> cases[] = {{"512MiB", 512LL << 20}, {"1G", 1LL << 30}, {"4096", 4096}, {"0", 0},
                                                  {"2TiB", 2LL << 40},     {"3K", 3072}};
  for (const auto& [text, bytes] : cases) {
    INFO(text);
    REQUIRE(vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("set-quota"), QStringLiteral("6"),
                                 QString::fromLatin1(text)}))
                .code == 0);
    CHECK(fake->requests(u"set-quota"_qs).last().value(u"vram_quota_bytes"_qs).toInteger() == bytes);
  }
}

TEST_CASE("errors say what to do next", "[host][vgpuctl]") {
  const QString missingPath = socketPath("missing");
  const auto missing = vgpuctl(
      {QStringLiteral("host"), QStringLiteral("gpus"), QStringLiteral("--endpoint"), u"unix:"_qs + missingPath});
  CHECK(missing.code == 1);
  CHECK(missing.err.contains(u"is vgpud running with admin-listen = unix:"_qs + missingPath));

  FakeAdminServer::Options options;
  options.socketPath = socketPath("refused");
  options.sample = fixture("sample-cuda.json");
  options.refuseEveryone = true;
  FakeAdminServer refusing(options);
  REQUIRE(refusing.listen());
  const auto refused = vgpuctl(with(refusing, {QStringLiteral("host"), QStringLiteral("sessions")}));
  CHECK(refused.code == 1);
  CHECK(refused.err.contains(u"you need to be root or in group vgpud-admin"_qs));
  const auto refusedKill =
      vgpuctl(with(refusing, {QStringLiteral("host"), QStringLiteral("kill"), QStringLiteral("5")}));
  CHECK(refusedKill.code == 1);
  CHECK(refusedKill.err.contains(u"vgpud-admin"_qs));
  // watch does not retry a refusal.
  const auto refusedWatch = vgpuctl(with(refusing, {QStringLiteral("host"), QStringLiteral("watch")}));
  CHECK(refusedWatch.code == 1);
  CHECK(refusedWatch.err.contains(u"you need to be root or in group vgpud-admin"_qs));

  // A reply that is not the protocol: a clear error, exit 1.
  FakeAdminServer::Options garbage;
  garbage.socketPath = socketPath("garbage");
  garbage.sample = QByteArray("{\"type\":\"sample\",\"seq\":7,\"time_ms\":\"soon\",\"gpus\":[],\"sessions\":[]}");
  FakeAdminServer broken(garbage);
  REQUIRE(broken.listen());
  const auto unreadable = vgpuctl(with(broken, {QStringLiteral("host"), QStringLiteral("gpus")}));
  CHECK(unreadable.code == 1);
  CHECK(unreadable.err.contains(u"cannot read vgpud's reply: sample.time_ms: expected an integer"_qs));

  // Unknown reply types before the answer are skipped.
  FakeAdminServer::Options chatty;
  chatty.socketPath = socketPath("chatty");
  chatty.sample = fixture("sample-cuda.json");
  chatty.garbageBeforeHello = QByteArray("{\"type\":\"event\",\"what\":\"x\"}\n");
  FakeAdminServer talkative(chatty);
  REQUIRE(talkative.listen());
  CHECK(vgpuctl(with(talkative, {QStringLiteral("host"), QStringLiteral("gpus")})).code == 0);

  const auto badEndpoint = vgpuctl(
      {QStringLiteral("host"), QStringLiteral("gpus"), QStringLiteral("--endpoint"), QStringLiteral("vsock:3")});
  CHECK(badEndpoint.code == 2);
  CHECK(badEndpoint.err.contains(u"expected unix:PATH or tcp:HOST:PORT"_qs));
}

TEST_CASE("tcp: the token from --token-file goes in hello", "[host][vgpuctl]") {
  FakeAdminServer::Options options;
  options.token = QStringLiteral("admin-secret");
  options.sample = fixture("sample-cuda.json");
  FakeAdminServer fake(options);
  REQUIRE(fake.listen());
  const auto dir = vgpu::test::scratchDir("host-tcp-token");
  const QString good = QString::fromStdString((dir / "good").string());
  const QString wrong = QString::fromStdString((dir / "wrong").string());
  for (const auto& [path, text] : {std::pair{good, "admin-secret\n"}, std::pair{wrong, "guess"}}) {
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(text);
  }
  const auto noToken = vgpuctl(with(fake, {QStringLiteral("host"), QStringLiteral("gpus")}));
  CHECK(noToken.code == 2);
  CHECK(noToken.err.contains(u"needs --token-file"_qs));
  const auto ok =
      vgpuctl(with(fake, {QStringLiteral("host"), QStringLiteral("gpus"), QStringLiteral("--token-file"), good}));
  INFO(ok.err.toStdString());
  CHECK(ok.code == 0);
  REQUIRE_FALSE(fake.requests(u"hello"_qs).isEmpty());
  CHECK(fake.requests(u"hello"_qs).last().value(u"token"_qs) == u"admin-secret"_qs);
  const auto refused =
      vgpuctl(with(fake, {QStringLiteral("host"), QStringLiteral("gpus"), QStringLiteral("--token-file"), wrong}));
  CHECK(refused.code == 1);
  CHECK(refused.err.contains(u"--token-file"_qs));
  const auto dirToken = vgpuctl(with(fake, {QStringLiteral("host"), QStringLiteral("gpus"),
                                            QStringLiteral("--token-file"), QString::fromStdString(dir.string())}));
  CHECK(dirToken.code == 1);
  CHECK(dirToken.err.contains(u"not a regular file"_qs));
}

TEST_CASE("vgpuctl host watch follows samples and reconnects", "[host][vgpuctl]") {
  auto fake = server("watch");
  // vgpud goes away once while watching: the watcher says so and carries on.
  std::thread dropper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    fake->dropConnections();
  });
  const auto run = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("watch"), QStringLiteral("--json"),
                                        QStringLiteral("--interval"), QStringLiteral("100"), QStringLiteral("--count"),
                                        QStringLiteral("4")}));
  dropper.join();
  CHECK(run.code == 0);
  const QStringList lines = run.out.split(u'\n', Qt::SkipEmptyParts);
  REQUIRE(lines.size() == 4);
  for (const QString& line : lines) {
    CHECK(jsonOf(line).value(u"type"_qs) == u"sample"_qs);
  }
  const QList<QJsonObject> subscribes = fake->requests(u"subscribe"_qs);
  REQUIRE_FALSE(subscribes.isEmpty());
  CHECK(subscribes[0].value(u"interval_ms"_qs).toInt() == 100);
  // Text mode: one summary line per sample and one per session.
  const auto text = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("watch"), QStringLiteral("--interval"),
                                         QStringLiteral("100"), QStringLiteral("--count"), QStringLiteral("1")}));
  CHECK(text.code == 0);
  CHECK(text.out.contains(u"host gpu-host-1 gpus 2 sessions 2"_qs));
  CHECK(text.out.contains(u"  session 6 unix uid 1000"_qs));
}

TEST_CASE("vgpuctl host watch reports the drop and a second hello follows", "[host][vgpuctl]") {
  auto fake = server("watch-drop");
  std::thread dropper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    fake->dropConnections();
  });
  // The retry waits 2 s; 30 samples at 100 ms need a reconnection to complete.
  const auto run = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("watch"), QStringLiteral("--json"),
                                        QStringLiteral("--interval"), QStringLiteral("100"), QStringLiteral("--count"),
                                        QStringLiteral("30")}));
  dropper.join();
  CHECK(run.code == 0);
  CHECK(run.err.contains(u"vgpud closed the connection (retrying)"_qs));
  CHECK(fake->requests(u"hello"_qs).size() >= 2);
}

TEST_CASE("vgpuctl metrics --host: strict exposition, and every DCGM name maps to host gpus --json",
          "[host][vgpuctl][prometheus]") {
  auto fake = server("metrics");
  const auto metrics =
      vgpuctl(with(*fake, {QStringLiteral("metrics"), QStringLiteral("--host"), QStringLiteral("--once")}));
  INFO(metrics.err.toStdString());
  REQUIRE(metrics.code == 0);
  const auto exposition = vgpu::test::parsePrometheusText(metrics.out.toStdString());
  INFO(metrics.out.toStdString());
  INFO(exposition.error);
  REQUIRE(exposition.ok());
  const auto gpus = vgpuctl(with(*fake, {QStringLiteral("host"), QStringLiteral("gpus"), QStringLiteral("--json")}));
  REQUIRE(gpus.code == 0);
  const QJsonObject listing = jsonOf(gpus.out);

  // The names we claim, and how each maps to a member of vgpud's GPU object.
  struct Claim {
    const char* dcgm;
    const char* member;
    double scale; // the exposition's value = member * scale (rounded down for MiB)
  };
  constexpr double kMiB = 1.0 / 1048576.0;
  const Claim claims[] = {{"DCGM_FI_DEV_FB_USED", "memory_used_bytes", kMiB},
                          {"DCGM_FI_DEV_FB_FREE", "memory_free_bytes", kMiB},
                          {"DCGM_FI_DEV_GPU_UTIL", "utilization_gpu_percent", 1},
                          {"DCGM_FI_DEV_MEM_COPY_UTIL", "utilization_memory_percent", 1},
                          {"DCGM_FI_DEV_GPU_TEMP", "temperature_c", 1},
                          {"DCGM_FI_DEV_POWER_USAGE", "power_watts", 1},
                          {"DCGM_FI_DEV_SM_CLOCK", "sm_clock_mhz", 1},
                          {"DCGM_FI_DEV_MEM_CLOCK", "memory_clock_mhz", 1}};
  const QJsonArray shown = listing.value(u"gpus"_qs).toArray();
  REQUIRE(shown.size() == 2);
  int mapped = 0;
  for (const Claim& claim : claims) {
    INFO(claim.dcgm);
    const auto* family = exposition.family(claim.dcgm);
    REQUIRE(family != nullptr);
    CHECK(family->type == "gauge");
    REQUIRE(family->samples.size() == static_cast<std::size_t>(shown.size()));
    for (const QJsonValue value : shown) {
      const QJsonObject gpu = value.toObject();
      const std::string index = std::to_string(gpu.value(u"index"_qs).toInt());
      const vgpu::test::PrometheusSample* sample = nullptr;
      for (const auto& candidate : family->samples) {
        if (candidate.labels.at("gpu") == index) {
          sample = &candidate;
        }
      }
      REQUIRE(sample != nullptr);
      // dcgm-exporter's labels, from the same GPU object and the host.
      CHECK(sample->labels.at("UUID") == gpu.value(u"uuid"_qs).toString().toStdString());
      CHECK(sample->labels.at("pci_bus_id") == gpu.value(u"pci_bus_id"_qs).toString().toStdString());
      CHECK(sample->labels.at("modelName") == gpu.value(u"name"_qs).toString().toStdString());
      CHECK(sample->labels.at("device") == "nvidia" + index);
      CHECK(sample->labels.at("Hostname") == listing.value(u"hostname"_qs).toString().toStdString());
      const double expected = gpu.value(QString::fromLatin1(claim.member)).toDouble() * claim.scale;
      CHECK(sample->value == (claim.scale < 1 ? std::floor(expected) : expected));
      ++mapped;
    }
  }
  CHECK(mapped == 16);
}

TEST_CASE("vgpuctl metrics --host when vgpud is away, and --listen serves it", "[host][vgpuctl][prometheus]") {
  const QString missingPath = socketPath("metrics-missing");
  const auto away = vgpuctl({QStringLiteral("metrics"), QStringLiteral("--host"), QStringLiteral("--once"),
                             QStringLiteral("--endpoint"), u"unix:"_qs + missingPath});
  CHECK(away.code == 1);
  CHECK(away.err.contains(u"admin-listen"_qs));
  const auto exposition = vgpu::test::parsePrometheusText(away.out.toStdString());
  REQUIRE(exposition.ok());
  REQUIRE(exposition.family("vgpu_host_up") != nullptr);
  CHECK(exposition.family("vgpu_host_up")->samples.at(0).value == 0);
  // The default ports: 9835 (guest) and 9836 (--host), never dcgm-exporter's 9400.
  const auto help = vgpuctl({QStringLiteral("metrics"), QStringLiteral("--help")});
  CHECK(help.out.contains(u"default 127.0.0.1:9835"_qs));
  CHECK(help.out.contains(u"127.0.0.1:9836"_qs));
  CHECK_FALSE(help.out.contains(u"9400"_qs));
  // Options that belong to the other mode.
  CHECK(vgpuctl({QStringLiteral("metrics"), QStringLiteral("--host"), QStringLiteral("--runtime-dir"),
                 QStringLiteral("/tmp")})
            .code == 2);
  CHECK(vgpuctl({QStringLiteral("metrics"), QStringLiteral("--endpoint"), QStringLiteral("unix:/x")}).code == 2);
  CHECK(vgpuctl({QStringLiteral("metrics"), QStringLiteral("--host"), QStringLiteral("--endpoint"),
                 QStringLiteral("tcp:127.0.0.1:9")})
            .code == 2);
}

TEST_CASE("HostClient: live samples, actions and their replies, for the console", "[host][client]") {
  auto fake = server("client");
  QString error;
  vgpu::controller::host::HostClient::Options options;
  options.endpoint = *vgpu::controller::host::parseHostEndpoint(fake->endpoint(), &error);
  options.intervalMs = 100;
  options.retryMs = 100;
  vgpu::controller::host::HostClient client(options);
  QSignalSpy connected(&client, &vgpu::controller::host::HostClient::connected);
  QSignalSpy samples(&client, &vgpu::controller::host::HostClient::sampleReceived);
  QSignalSpy replied(&client, &vgpu::controller::host::HostClient::actionReplied);
  QSignalSpy failed(&client, &vgpu::controller::host::HostClient::actionFailed);
  QSignalSpy disconnected(&client, &vgpu::controller::host::HostClient::disconnected);
  CHECK_FALSE(client.sendAction(vgpu::controller::host::killRequest(5))); // not connected yet
  client.start();
  REQUIRE((connected.count() > 0 || connected.wait(5000)));
  CHECK(client.isConnected());
  CHECK(client.hello()->hostname == u"gpu-host-1");
  while (samples.count() < 2) {
    REQUIRE(samples.wait(5000));
  }
  REQUIRE(client.latest());
  CHECK(client.latest()->sessions.size() == 2);

  REQUIRE(client.sendAction(vgpu::controller::host::setPriorityRequest(6, QStringLiteral("low"))));
  REQUIRE((replied.count() > 0 || replied.wait(5000)));
  CHECK(replied.at(0).at(0).toString() == u"set-priority");
  REQUIRE(client.sendAction(vgpu::controller::host::drainRequest(42)));
  REQUIRE((failed.count() > 0 || failed.wait(5000)));
  CHECK(failed.at(0).at(0).value<vgpu::controller::host::HostServerError>().code == u"no-such-session");

  // vgpud goes away and comes back: reported once, then connected again.
  fake->dropConnections();
  REQUIRE((disconnected.count() > 0 || disconnected.wait(5000)));
  CHECK_FALSE(disconnected.at(0).at(1).toBool()); // not a refusal
  REQUIRE(connected.wait(5000));
  CHECK(fake->requests(u"hello"_qs).size() >= 2);
  client.stop();
  CHECK_FALSE(client.isConnected());
}

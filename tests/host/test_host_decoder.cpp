// tests/data/host/replies: every valid reply of vgpud's admin socket decodes to the expected typed
// fields (figures vgpud omits stay absent, unknown members and reply types are ignored), and every
// invalid line is refused with a message naming the member at fault, never crashing.
#include <catch2/catch.hpp>

#include "host/host_decoder.h"
#include "host/host_endpoint.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>

using namespace vgpu::controller::host;

namespace {

QByteArray fixtureLine(const QString& name) {
  QFile file(QString::fromStdString((vgpu::test::dataDir() / "host" / "replies" / "valid").string()) + u'/' + name);
  REQUIRE(file.open(QIODevice::ReadOnly));
  return file.readAll().trimmed();
}

template <typename T> T decodeFixture(const QString& name) {
  const HostDecodedLine decoded = decodeHostLine(fixtureLine(name));
  if (const auto* error = std::get_if<HostDecodeError>(&decoded)) {
    FAIL(name.toStdString() << ": " << error->message.toStdString());
  }
  REQUIRE(std::holds_alternative<T>(decoded));
  return std::get<T>(decoded);
}

} // namespace

TEST_CASE("hello replies decode with the peer vgpud saw", "[host][decoder]") {
  const HostHello hello = decodeFixture<HostHello>(QStringLiteral("hello.json"));
  CHECK(hello.protocol == 1);
  CHECK(hello.daemonVersion == u"0.1.0");
  CHECK(hello.hostname == u"gpu-host-1");
  CHECK(hello.backend == u"cuda");
  CHECK_FALSE(hello.simulated);
  CHECK(hello.pid == 812);
  REQUIRE(hello.peer);
  CHECK(hello.peer->transport == u"unix");
  CHECK(hello.peer->uid == 0u);
  const HostHello tcp = decodeFixture<HostHello>(QStringLiteral("hello-tcp.json"));
  CHECK(tcp.simulated);
  REQUIRE(tcp.peer);
  CHECK_FALSE(tcp.peer->uid);
  CHECK(tcp.peer->address == u"10.0.0.9:51234");
}

TEST_CASE("a sample with every figure decodes into GPUs and sessions", "[host][decoder]") {
  const HostSample sample = decodeFixture<HostSample>(QStringLiteral("sample-cuda.json"));
  CHECK(sample.seq == 7);
  CHECK(sample.timeMs == 1764158412345);
  CHECK(sample.hostname == u"gpu-host-1");
  REQUIRE(sample.gpus.size() == 2);
  const HostGpu& gpu = sample.gpus[0];
  CHECK(gpu.name == u"NVIDIA H100 PCIe");
  CHECK(gpu.uuid == u"GPU-5f1d0c3a-1111-2222-3333-444455556666");
  CHECK(gpu.pciBusId == u"0000:01:00.0");
  CHECK(gpu.memoryTotalBytes == 85520809984u);
  CHECK(gpu.memoryUsedBytes == 2147483648u);
  CHECK(gpu.memoryFreeBytes == 83373326336u);
  CHECK(gpu.sessions == 2u);
  CHECK(gpu.utilizationGpuPercent == 35.0);
  CHECK(gpu.utilizationMemoryPercent == 12.0);
  CHECK(gpu.temperatureC == 41.0);
  CHECK(gpu.powerWatts == 88.5);
  CHECK(gpu.smClockMhz == 1755.0);
  CHECK(gpu.memoryClockMhz == 2619.0);
  REQUIRE(sample.sessions.size() == 2);
  const HostSession& tcp = sample.sessions[0];
  CHECK(tcp.id == 5);
  CHECK(tcp.transport == u"tcp");
  CHECK(tcp.peerText() == u"tcp:192.168.122.17");
  CHECK(tcp.clientPid == 4242);
  CHECK(tcp.clientProcess == u"ollama");
  CHECK(tcp.state == u"active");
  CHECK(tcp.vramQuotaBytes == 0u);
  CHECK(tcp.launches == 1200u);
  CHECK(tcp.launchesPerS == 100.0);
  REQUIRE(tcp.latency);
  CHECK(tcp.latency->p90Ns == 65536);
  const HostSession& unix = sample.sessions[1];
  CHECK(unix.peerText() == u"uid 1000");
  REQUIRE(unix.devices.size() == 2);
  CHECK(unix.devices[1].gpu == 1);
  CHECK(unix.devices[1].vramUsedBytes == 1572864000u);
  CHECK(sample.session(6) == &sample.sessions[1]);
  CHECK(sample.gpu(1) == &sample.gpus[1]);
  CHECK(sample.totalVramUsedBytes == 3720347648u);
}

TEST_CASE("a simulated GPU's unknown figures stay absent, never zero", "[host][decoder]") {
  const HostSample sample = decodeFixture<HostSample>(QStringLiteral("sample-sim.json"));
  CHECK(sample.simulated);
  CHECK(sample.droppedSamples == 2);
  REQUIRE(sample.gpus.size() == 1);
  const HostGpu& gpu = sample.gpus[0];
  CHECK(gpu.simulated);
  CHECK(gpu.memoryUsedBytes == 1048576u);
  CHECK_FALSE(gpu.utilizationGpuPercent);
  CHECK_FALSE(gpu.utilizationMemoryPercent);
  CHECK_FALSE(gpu.temperatureC);
  CHECK_FALSE(gpu.powerWatts);
  CHECK_FALSE(gpu.smClockMhz);
  CHECK_FALSE(gpu.memoryClockMhz);
}

TEST_CASE("omitted members and null percentiles are absent", "[host][decoder]") {
  const HostSample sample = decodeFixture<HostSample>(QStringLiteral("sample-null-latency.json"));
  REQUIRE(sample.gpus.size() == 1);
  CHECK_FALSE(sample.gpus[0].memoryTotalBytes);
  CHECK(sample.gpus[0].uuid.isEmpty());
  REQUIRE(sample.sessions.size() == 1);
  const HostSession& session = sample.sessions[0];
  CHECK(session.transport == u"vsock");
  CHECK(session.peerText() == u"vsock:3");
  CHECK_FALSE(session.calls);
  CHECK_FALSE(session.vramUsedBytes);
  REQUIRE(session.latency);
  CHECK_FALSE(session.latency->p50Ns);
  CHECK_FALSE(sample.totalSessions);
  const HostSample empty = decodeFixture<HostSample>(QStringLiteral("sample-empty.json"));
  CHECK(empty.gpus.isEmpty());
  CHECK(empty.sessions.isEmpty());
}

TEST_CASE("unknown members and reply types are ignored", "[host][decoder]") {
  const HostSample sample = decodeFixture<HostSample>(QStringLiteral("sample-unknown-members.json"));
  CHECK(sample.gpus.size() == 1);
  CHECK(sample.json.contains(u"new_top_level"_qs));
  CHECK(sample.gpus[0].json.value(u"fan_percent"_qs).toInt() == 30);
  CHECK(decodeFixture<HostUnknownReply>(QStringLiteral("unknown-type.json")).type == u"event");
}

TEST_CASE("ok and error replies", "[host][decoder]") {
  const HostOk ok = decodeFixture<HostOk>(QStringLiteral("ok-set-quota.json"));
  CHECK(ok.command == u"set-quota");
  CHECK(ok.json.value(u"vram_quota_bytes"_qs).toDouble() == 8589934592.0);
  const HostServerError missing = decodeFixture<HostServerError>(QStringLiteral("error-no-such-session.json"));
  CHECK(missing.command == u"kill");
  CHECK(missing.code == u"no-such-session");
  const HostServerError refused = decodeFixture<HostServerError>(QStringLiteral("error-refused.json"));
  CHECK(refused.command.isEmpty());
  CHECK(refused.code == u"refused");
  // A trailing carriage return is tolerated.
  CHECK(std::holds_alternative<HostOk>(decodeHostLine(fixtureLine(QStringLiteral("ok-set-quota.json")) + '\r')));
}

TEST_CASE("invalid lines are refused with a message naming the fault", "[host][decoder]") {
  QFile file(QString::fromStdString((vgpu::test::dataDir() / "host" / "replies" / "invalid.txt").string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  const QList<QByteArray> lines = file.readAll().split('\n');
  int cases = 0;
  for (qsizetype i = 0; i < lines.size(); ++i) {
    if (!lines[i].startsWith("expect: ")) {
      continue;
    }
    REQUIRE(i + 1 < lines.size());
    const QString expected = QString::fromUtf8(lines[i].mid(8));
    INFO("line " << (i + 2) << ": " << lines[i + 1].toStdString());
    const HostDecodedLine decoded = decodeHostLine(lines[i + 1]);
    REQUIRE(std::holds_alternative<HostDecodeError>(decoded));
    const QString message = std::get<HostDecodeError>(decoded).message;
    INFO("message: " << message.toStdString() << "\nexpected: " << expected.toStdString());
    CHECK(message.contains(expected));
    ++cases;
    ++i;
  }
  CHECK(cases >= 40);
}

TEST_CASE("hostile lines never crash the decoder", "[host][decoder]") {
  const QByteArray good = fixtureLine(QStringLiteral("sample-cuda.json"));
  // Every prefix of a valid sample, and deep nesting.
  for (qsizetype cut = 0; cut < good.size(); cut += 7) {
    (void)decodeHostLine(good.left(cut));
  }
  (void)decodeHostLine(QByteArray(100000, '[') + QByteArray(100000, ']'));
  (void)decodeHostLine(QByteArray("{\"type\":\"sample\",\"seq\":1,\"time_ms\":1,\"gpus\":[") + QByteArray(5000, '{'));
  SUCCEED();
}

TEST_CASE("endpoints and token files", "[host][endpoint]") {
  QString error;
  const auto unix = parseHostEndpoint(QStringLiteral("unix:/run/vgpud-admin.sock"), &error);
  REQUIRE(unix);
  CHECK(unix->kind == HostEndpoint::Kind::Unix);
  CHECK(unix->path == u"/run/vgpud-admin.sock");
  const auto tcp = parseHostEndpoint(QStringLiteral("tcp:[::1]:7070"), &error);
  REQUIRE(tcp);
  CHECK(tcp->host == u"::1");
  CHECK(tcp->port == 7070);
  CHECK(tcp->text() == u"tcp:[::1]:7070");
  for (const char* bad : {"unix:", "tcp:host", "tcp:host:0", "tcp::80", "tcp:h:99999", "vsock:3:1", "/run/x.sock"}) {
    INFO(bad);
    CHECK_FALSE(parseHostEndpoint(QString::fromLatin1(bad), &error));
    CHECK_FALSE(error.isEmpty());
  }
  const auto dir = vgpu::test::scratchDir("host-token");
  const QString path = QString::fromStdString((dir / "token").string());
  QFile token(path);
  REQUIRE(token.open(QIODevice::WriteOnly));
  token.write("  s3cret\n");
  token.close();
  CHECK(readAdminToken(path, &error) == u"s3cret");
  CHECK_FALSE(readAdminToken(QString::fromStdString(dir.string()), &error)); // a directory
  CHECK(error.contains(u"not a regular file"));
  QFile big(path + u".big"_qs);
  REQUIRE(big.open(QIODevice::WriteOnly));
  big.write(QByteArray(kMaxAdminTokenBytes + 1, 'x'));
  big.close();
  CHECK_FALSE(readAdminToken(path + u".big"_qs, &error));
  CHECK_FALSE(readAdminToken(QStringLiteral("/dev/zero"), &error));
}

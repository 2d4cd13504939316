// The client's decoding of control-socket replies against the fixture corpus
// tests/data/telemetry/replies: every valid line decodes to the expected typed fields (the
// session's additions optional, null percentiles empty, unknown members and types ignored), every
// invalid line is refused with the documented message.
#include <catch2/catch.hpp>

#include "telemetry/telemetry_decoder.h"
#include "test_paths.h"

#include <QFile>

using namespace vgpu::controller::telemetry;

namespace {

QByteArray fixtureLine(const QString& name) {
  QFile file(QString::fromStdString((vgpu::test::dataDir() / "telemetry" / "replies" / "valid").string()) + u'/' +
             name);
  REQUIRE(file.open(QIODevice::ReadOnly));
  return file.readAll().trimmed();
}

template <typename T> T decodeAs(const QString& name) {
  const DecodedLine decoded = decodeTelemetryLine(fixtureLine(name));
  if (const auto* error = std::get_if<DecodeError>(&decoded)) {
    FAIL(name.toStdString() << ": " << error->message.toStdString());
  }
  REQUIRE(std::holds_alternative<T>(decoded));
  return std::get<T>(decoded);
}

} // namespace

TEST_CASE("hello of protocol 1 without the session's additions", "[telemetry][decoder]") {
  const auto hello = decodeAs<ProcessHello>(QStringLiteral("hello-v1.json"));
  CHECK(hello.protocol == 1);
  CHECK(hello.pid == 4242);
  CHECK(hello.executable == u"/usr/bin/ollama");
  CHECK(hello.uid == 1000);
  CHECK(hello.shimVersion == u"0.1.0");
  CHECK(hello.backend == u"simulated");
  CHECK_FALSE(hello.endpoint.has_value());
  CHECK_FALSE(hello.logLevel.has_value());
  REQUIRE(hello.devices.size() == 1);
  CHECK(hello.devices[0].uuid == u"GPU-11111111-2222-3333-4444-555555555555");
  CHECK(hello.devices[0].pciBusId == u"0000:00:05.0");
  REQUIRE(hello.device(0) != nullptr);
  CHECK(hello.device(1) == nullptr);
}

TEST_CASE("hello with endpoint and log level", "[telemetry][decoder]") {
  const auto hello = decodeAs<ProcessHello>(QStringLiteral("hello-additions.json"));
  CHECK(hello.endpoint == u"unix:/run/vgpud.sock");
  CHECK(hello.executor == u"simulated");
  CHECK(hello.logLevel == u"warn");
  CHECK(hello.uid == 0);
  REQUIRE(hello.devices.size() == 2);
  CHECK(hello.device(1)->name == u"B");
  // No "simulated" flag (older shims): vgpud's simulated executor still counts as simulated.
  CHECK_FALSE(hello.simulatedFlag.has_value());
  CHECK(hello.simulated());
}

TEST_CASE("hello with the simulated flag: a GPU behind vgpud is not simulated", "[telemetry][decoder]") {
  const auto hello = decodeAs<ProcessHello>(QStringLiteral("hello-simulated-flag.json"));
  CHECK(hello.executor == u"cuda");
  REQUIRE(hello.simulatedFlag.has_value());
  CHECK_FALSE(*hello.simulatedFlag);
  CHECK_FALSE(hello.simulated());
  const auto inProcess = decodeAs<ProcessHello>(QStringLiteral("hello-v1.json"));
  CHECK(inProcess.simulated()); // backend "simulated", from the oldest shims
}

TEST_CASE("sample of protocol 1: memory, launches, copies; no call figures", "[telemetry][decoder]") {
  const auto sample = decodeAs<Sample>(QStringLiteral("sample-v1.json"));
  CHECK(sample.seq == 12);
  CHECK(sample.timeMs == 1764158400123);
  CHECK(sample.backendState == u"ready");
  REQUIRE(sample.devices.size() == 1);
  CHECK(sample.devices[0].usedBytes == 67108864);
  CHECK(sample.devices[0].totalBytes == 85520809984ULL);
  CHECK(sample.devices[0].peakBytes == 67108864);
  CHECK(sample.devices[0].allocations == 1);
  CHECK(sample.vramUsedBytes() == 67108864);
  CHECK(sample.kernelLaunchesTotal == 310);
  CHECK(sample.kernelLaunchesPerSecond == Approx(52.5));
  CHECK(sample.copy(CopyDirection::HostToDevice).bytes == 1048576);
  CHECK(sample.copy(CopyDirection::HostToDevice).bytesPerSecond == Approx(174762.7));
  CHECK(sample.copy(CopyDirection::DeviceToHost).bytes == 0);
  // Absent, not zero: an older shim says nothing about calls.
  CHECK_FALSE(sample.calls.has_value());
  CHECK_FALSE(sample.apis.has_value());
  CHECK_FALSE(sample.errors.has_value());
  CHECK(sample.json.value(QStringLiteral("seq")).toInt() == 12);
}

TEST_CASE("sample with calls, per-API figures and errors by CUresult", "[telemetry][decoder]") {
  const auto sample = decodeAs<Sample>(QStringLiteral("sample-additions.json"));
  REQUIRE(sample.calls.has_value());
  CHECK(sample.calls->total == 1234);
  CHECK(sample.calls->errors == 2);
  CHECK(sample.calls->windowCalls == 100);
  CHECK(sample.calls->latency.p50Ns == 850);
  CHECK(sample.calls->latency.p95Ns == 2100);
  CHECK(sample.calls->latency.p99Ns == 5300);
  REQUIRE(sample.apis.has_value());
  REQUIRE(sample.apis->size() == 2);
  CHECK((*sample.apis)[1].name == u"cuMemAlloc_v2");
  CHECK((*sample.apis)[1].calls == 3);
  CHECK((*sample.apis)[1].errors == 1);
  CHECK((*sample.apis)[1].latency.p99Ns == 1500);
  REQUIRE(sample.errors.has_value());
  REQUIRE(sample.errors->size() == 1);
  CHECK((*sample.errors)[0].code == 1);
  CHECK((*sample.errors)[0].name == u"CUDA_ERROR_INVALID_VALUE");
  CHECK((*sample.errors)[0].count == 2);
  CHECK(sample.copy(CopyDirection::DeviceToDevice).bytes == 8192);
  CHECK(sample.memsets == 2);
  CHECK(sample.droppedClients == 1);
}

TEST_CASE("null percentiles mean no calls in the window", "[telemetry][decoder]") {
  const auto sample = decodeAs<Sample>(QStringLiteral("sample-null-percentiles.json"));
  REQUIRE(sample.calls.has_value());
  CHECK(sample.calls->windowCalls == 0);
  CHECK_FALSE(sample.calls->latency.p50Ns.has_value());
  CHECK_FALSE(sample.calls->latency.p95Ns.has_value());
  CHECK_FALSE(sample.calls->latency.p99Ns.has_value());
  REQUIRE(sample.apis.has_value());
  CHECK_FALSE((*sample.apis)[0].latency.p50Ns.has_value());
  REQUIRE(sample.errors.has_value());
  CHECK(sample.errors->isEmpty());
  CHECK(sample.devices.isEmpty());
  CHECK(sample.copy(CopyDirection::HostToDevice).bytes == 0); // "copies":{} — directions absent
}

TEST_CASE("unknown members are ignored", "[telemetry][decoder]") {
  const auto sample = decodeAs<Sample>(QStringLiteral("sample-unknown-members.json"));
  CHECK(sample.backendState == u"degraded");
  CHECK(sample.kernelLaunchesTotal == 1);
  CHECK(sample.json.contains(QStringLiteral("future_member"))); // kept for tools that forward it
}

TEST_CASE("ok, error and unknown reply types", "[telemetry][decoder]") {
  CHECK(decodeAs<OkReply>(QStringLiteral("ok-subscribe.json")).json.value(QStringLiteral("interval_ms")).toInt() ==
        100);
  const auto level = decodeAs<OkReply>(QStringLiteral("ok-set-log-level.json"));
  CHECK(level.command == u"set-log-level");
  CHECK(level.json.value(QStringLiteral("level")).toString() == u"debug");
  const auto error = decodeAs<ServerError>(QStringLiteral("error-bad-level.json"));
  CHECK(error.code == u"bad-level");
  CHECK(error.message.contains(u"debug"));
  CHECK(decodeAs<UnknownReply>(QStringLiteral("unknown-type.json")).type == u"goodbye");
}

TEST_CASE("a trailing carriage return is tolerated", "[telemetry][decoder]") {
  const DecodedLine decoded = decodeTelemetryLine(fixtureLine(QStringLiteral("ok-subscribe.json")) + '\r');
  CHECK(std::holds_alternative<OkReply>(decoded));
}

TEST_CASE("invalid lines are refused with a message naming the fault", "[telemetry][decoder]") {
  QFile file(QString::fromStdString((vgpu::test::dataDir() / "telemetry" / "replies" / "invalid.txt").string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  const QList<QByteArray> lines = file.readAll().split('\n');
  int cases = 0;
  for (qsizetype i = 0; i < lines.size(); ++i) {
    if (!lines[i].startsWith("expect: ")) {
      continue;
    }
    REQUIRE(i + 1 < lines.size());
    const QString expected = QString::fromUtf8(lines[i].mid(8));
    const QByteArray& input = lines[i + 1];
    INFO("line " << (i + 2) << ": " << input.toStdString());
    const DecodedLine decoded = decodeTelemetryLine(input);
    REQUIRE(std::holds_alternative<DecodeError>(decoded));
    const QString message = std::get<DecodeError>(decoded).message;
    INFO("message: " << message.toStdString() << "\nexpected: " << expected.toStdString());
    CHECK(message.contains(expected));
    ++cases;
    ++i;
  }
  CHECK(cases >= 25);
}

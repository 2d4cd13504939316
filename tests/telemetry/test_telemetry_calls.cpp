// Per-entry-point figures of a real CUDA process (telemetry_probe) on its control socket: exact
// call counts for a known sequence, an error counted under its CUresult name, latency percentiles
// over each client's window (ordered, null for an empty window), calls an entry point makes to
// another counted once, stubs of unimplemented symbols counted as CUDA_ERROR_NOT_SUPPORTED; and
// set-log-level, which changes the level hello reports and the log.
#include <catch2/catch.hpp>

#include "sysfs_fixture.h"
#include "telemetry_test_support.h"
#include "test_paths.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using vgpu::test::jsonNumber;
using vgpu::test::jsonString;
using vgpu::test::probeEnvironment;
using vgpu::test::ProbeProcess;
using vgpu::test::SocketClient;

namespace {

std::string socketOf(ProbeProcess& probe, const fs::path& runtime) {
  const std::string line = probe.readLine(30s);
  INFO("probe said: " << line);
  REQUIRE(line.rfind("ready ", 0) == 0);
  return (runtime / (std::to_string(probe.pid()) + ".sock")).string();
}

std::string nextOfType(SocketClient& client, const std::string& type) {
  for (int i = 0; i < 200; ++i) {
    const auto line = client.readLine(5s);
    REQUIRE(line.has_value());
    if (jsonString(*line, "type") == type) {
      return *line;
    }
  }
  FAIL("no " << type << " line");
  return {};
}

// The text from `marker` to the first `close` after it (the members' objects are flat), or "".
std::string section(const std::string& line, const std::string& marker, char close = '}') {
  const std::size_t at = line.find(marker);
  if (at == std::string::npos) {
    return {};
  }
  const std::size_t end = line.find(close, at + marker.size());
  return line.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
}

std::string apiEntry(const std::string& sample, const std::string& name) {
  return section(sample, "{\"name\":\"" + name + "\",");
}
// The sample's "calls" object up to the end of its latency_ns member.
std::string callsSection(const std::string& sample) {
  return section(sample, "\"calls\":{\"total\":");
}
double number(const std::string& text, const std::string& key) {
  return jsonNumber(text, key).value_or(-1);
}

// p50 <= p95 <= p99, all present (suffix "" for calls.latency_ns, "_ns" for an api entry).
void checkOrderedPercentiles(const std::string& text, const std::string& suffix) {
  INFO(text);
  const auto p50 = jsonNumber(text, "p50" + suffix);
  const auto p95 = jsonNumber(text, "p95" + suffix);
  const auto p99 = jsonNumber(text, "p99" + suffix);
  REQUIRE(p50.has_value());
  REQUIRE(p95.has_value());
  REQUIRE(p99.has_value());
  CHECK(*p50 >= 16); // the smallest bucket's upper edge
  CHECK(*p50 <= *p95);
  CHECK(*p95 <= *p99);
}

void checkNullPercentiles(const std::string& text, const std::string& suffix) {
  INFO(text);
  for (const char* name : {"p50", "p95", "p99"}) {
    CHECK(text.find("\"" + std::string(name) + suffix + "\":null") != std::string::npos);
  }
}

} // namespace

TEST_CASE("a subscriber sees exact per-entry-point calls, errors by CUresult and latency percentiles") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-calls");
  ProbeProcess probe(probeEnvironment(runtime));
  const std::string socket = socketOf(probe, runtime);
  SocketClient client(socket);
  REQUIRE(client.connected());
  REQUIRE(client.send("{\"cmd\":\"subscribe\",\"interval_ms\":100}\n"));

  // The probe's start-up: cuInit, cuDevicePrimaryCtxRetain, cuCtxSetCurrent, once each.
  const std::string first = nextOfType(client, "sample");
  INFO("first sample: " << first);
  CHECK(number(apiEntry(first, "cuInit"), "calls") == 1);
  CHECK(number(apiEntry(first, "cuDevicePrimaryCtxRetain"), "calls") == 1);
  CHECK(number(apiEntry(first, "cuCtxSetCurrent"), "calls") == 1);
  CHECK(number(callsSection(first), "total") == 3);
  CHECK(number(callsSection(first), "errors") == 0);
  CHECK(number(callsSection(first), "window_calls") == 3); // the first window starts at the beginning
  checkOrderedPercentiles(section(first, "\"latency_ns\":{"), "");
  CHECK(apiEntry(first, "cuMemAlloc_v2").empty()); // only entry points called so far are listed
  CHECK(first.find("\"errors\":[]") != std::string::npos);
  CHECK(first.find("\"apis\":[{\"name\":\"cuCtxSetCurrent\",") != std::string::npos); // sorted by name

  // 50 cuMemAlloc/cuMemFree pairs; the windows of the samples that see them add up to 50 each.
  REQUIRE(probe.command("calls 50").rfind("ok ", 0) == 0);
  double allocWindows = 0;
  double freeWindows = 0;
  std::string busy;
  for (int i = 0; i < 100 && (allocWindows < 50 || freeWindows < 50); ++i) {
    const std::string sample = nextOfType(client, "sample");
    allocWindows += std::max(0.0, number(apiEntry(sample, "cuMemAlloc_v2"), "window_calls"));
    freeWindows += std::max(0.0, number(apiEntry(sample, "cuMemFree_v2"), "window_calls"));
    if (number(apiEntry(sample, "cuMemAlloc_v2"), "window_calls") > 0) {
      busy = sample;
    }
  }
  CHECK(allocWindows == 50);
  CHECK(freeWindows == 50);
  INFO("busy sample: " << busy);
  CHECK(number(apiEntry(busy, "cuMemAlloc_v2"), "calls") == 50);
  CHECK(number(apiEntry(busy, "cuMemFree_v2"), "calls") == 50);
  CHECK(number(apiEntry(busy, "cuMemAlloc_v2"), "errors") == 0);
  CHECK(number(callsSection(busy), "total") == 103);
  checkOrderedPercentiles(apiEntry(busy, "cuMemAlloc_v2"), "_ns");
  checkOrderedPercentiles(section(busy, "\"latency_ns\":{"), "");

  // A window without calls: null percentiles, counts unchanged.
  const std::string idle = nextOfType(client, "sample");
  INFO("idle sample: " << idle);
  CHECK(number(callsSection(idle), "window_calls") == 0);
  CHECK(number(callsSection(idle), "total") == 103);
  checkNullPercentiles(section(idle, "\"latency_ns\":{"), "");
  checkNullPercentiles(apiEntry(idle, "cuMemAlloc_v2"), "_ns");
  CHECK(number(apiEntry(idle, "cuMemAlloc_v2"), "window_calls") == 0);

  // cuMemAlloc of 0 bytes: CUDA_ERROR_INVALID_VALUE, counted under its name and the entry point.
  REQUIRE(probe.command("zero-alloc") == "result 1");
  std::string failed;
  for (int i = 0; i < 50 && failed.empty(); ++i) {
    const std::string sample = nextOfType(client, "sample");
    if (number(callsSection(sample), "errors") >= 1) {
      failed = sample;
    }
  }
  INFO("sample after the error: " << failed);
  CHECK(failed.find("\"errors\":[{\"code\":1,\"name\":\"CUDA_ERROR_INVALID_VALUE\",\"count\":1}]") !=
        std::string::npos);
  CHECK(number(apiEntry(failed, "cuMemAlloc_v2"), "errors") == 1);
  CHECK(number(apiEntry(failed, "cuMemAlloc_v2"), "calls") == 51);
  CHECK(number(callsSection(failed), "errors") == 1);

  // cuCtxSynchronize_v2(NULL) calls cuCtxSynchronize inside the shim: one call, counted once.
  REQUIRE(probe.command("sync-v2") == "ok");
  std::string synced;
  for (int i = 0; i < 50 && synced.empty(); ++i) {
    const std::string sample = nextOfType(client, "sample");
    if (!apiEntry(sample, "cuCtxSynchronize_v2").empty()) {
      synced = sample;
    }
  }
  INFO("sample after sync-v2: " << synced);
  CHECK(number(apiEntry(synced, "cuCtxSynchronize_v2"), "calls") == 1);
  CHECK(apiEntry(synced, "cuCtxSynchronize").empty());
  CHECK(number(callsSection(synced), "total") == 105);

  // A symbol the shim does not implement: its stub's CUDA_ERROR_NOT_SUPPORTED is counted too.
  REQUIRE(probe.command("unsupported") == "result 801");

  // A snapshot (another client) covers every call since counting began.
  SocketClient other(socket);
  REQUIRE(other.send("{\"cmd\":\"snapshot\"}\n"));
  const std::string snapshot = nextOfType(other, "sample");
  INFO("snapshot: " << snapshot);
  CHECK(number(callsSection(snapshot), "window_calls") == 106);
  CHECK(number(callsSection(snapshot), "errors") == 2);
  CHECK(number(apiEntry(snapshot, "cuGraphicsUnregisterResource"), "calls") == 1);
  CHECK(number(apiEntry(snapshot, "cuGraphicsUnregisterResource"), "errors") == 1);
  CHECK(snapshot.find("{\"code\":801,\"name\":\"CUDA_ERROR_NOT_SUPPORTED\",\"count\":1}") != std::string::npos);
  CHECK(number(apiEntry(snapshot, "cuMemAlloc_v2"), "window_calls") == 51);
  checkOrderedPercentiles(section(snapshot, "\"latency_ns\":{"), "");
  CHECK(probe.exit() == 0);
}

TEST_CASE("calls from threads that come and go are all counted, while others create and destroy handles") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-calls-threads");
  ProbeProcess probe(probeEnvironment(runtime));
  const std::string socket = socketOf(probe, runtime);
  // Two rounds: the second round's threads take over the counter blocks the first round's left.
  constexpr int kThreads = 4;
  constexpr int kIterations = 200;
  REQUIRE(probe.command("threaded " + std::to_string(kThreads) + " " + std::to_string(kIterations)) == "ok");
  REQUIRE(probe.command("threaded " + std::to_string(kThreads) + " " + std::to_string(kIterations)) == "ok");
  SocketClient client(socket);
  REQUIRE(client.connected());
  REQUIRE(client.send("{\"cmd\":\"snapshot\"}\n"));
  const std::string snapshot = nextOfType(client, "sample");
  INFO("snapshot: " << snapshot);
  constexpr double kEach = 2.0 * kThreads * kIterations;
  CHECK(number(apiEntry(snapshot, "cuStreamCreate"), "calls") == kEach);
  CHECK(number(apiEntry(snapshot, "cuLaunchKernel"), "calls") == kEach);
  CHECK(number(apiEntry(snapshot, "cuStreamDestroy_v2"), "calls") == kEach);
  CHECK(number(apiEntry(snapshot, "cuCtxSetCurrent"), "calls") == 1 + 2 * kThreads);
  CHECK(number(callsSection(snapshot), "errors") == 0);
  checkOrderedPercentiles(apiEntry(snapshot, "cuLaunchKernel"), "_ns");
  CHECK(probe.exit() == 0);
}

TEST_CASE("set-log-level changes the level hello reports and what the process logs; bad levels are refused") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-log-level");
  const fs::path logFile = runtime.parent_path() / "telemetry-log-level.log";
  fs::remove(logFile);
  auto environment = probeEnvironment(runtime);
  environment["VGPU_LOG"] = "warn:" + logFile.string();
  ProbeProcess probe(environment);
  SocketClient client(socketOf(probe, runtime));
  REQUIRE(client.connected());

  REQUIRE(client.send("{\"cmd\":\"hello\"}\n"));
  const std::string hello = nextOfType(client, "hello");
  CHECK(jsonString(hello, "log_level") == "warn");
  CHECK(jsonString(hello, "endpoint") == "in-process");
  CHECK(jsonString(hello, "backend") == "simulated");
  CHECK(jsonString(hello, "executor") == "simulated");

  const std::pair<std::string, std::string> refused[] = {
      {R"({"cmd":"set-log-level","level":"verbose"})", "bad-level"},
      {R"({"cmd":"set-log-level"})", "bad-level"},
      {R"({"cmd":"set-log-level","level":4})", "bad-level"},
  };
  for (const auto& [request, code] : refused) {
    INFO(request);
    REQUIRE(client.send(request + "\n"));
    const std::string reply = client.readLine().value_or("");
    CHECK(jsonString(reply, "type") == "error");
    CHECK(jsonString(reply, "error") == code);
  }
  REQUIRE(client.send("{\"cmd\":\"hello\"}\n")); // still connected, level unchanged
  CHECK(jsonString(nextOfType(client, "hello"), "log_level") == "warn");

  REQUIRE(client.send("{\"cmd\":\"set-log-level\",\"level\":\"debug\"}\n"));
  CHECK(client.readLine().value_or("") == R"({"type":"ok","cmd":"set-log-level","level":"debug"})");
  REQUIRE(client.send("{\"cmd\":\"hello\"}\n"));
  CHECK(jsonString(nextOfType(client, "hello"), "log_level") == "debug");
  REQUIRE(probe.command("alloc") == "ok");
  CHECK(probe.exit() == 0);

  std::ifstream log(logFile);
  std::stringstream text;
  text << log.rdbuf();
  INFO("log: " << text.str());
  CHECK(text.str().find("telemetry: log level warn -> debug") != std::string::npos);
}

TEST_CASE("cuProfilerStart and cuProfilerStop succeed as NVIDIA's driver does without a profiler, and mark the "
          "samples") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-profiler");
  ProbeProcess probe(probeEnvironment(runtime));
  SocketClient client(socketOf(probe, runtime));
  REQUIRE(client.connected());
  auto snapshot = [&client] {
    REQUIRE(client.send("{\"cmd\":\"snapshot\"}\n"));
    return nextOfType(client, "sample");
  };
  CHECK(snapshot().find("\"profiler\":{\"active\":false,\"starts\":0,\"stops\":0}") != std::string::npos);
  REQUIRE(probe.command("profiler-start") == "result 0");
  const std::string open = snapshot();
  INFO(open);
  CHECK(open.find("\"profiler\":{\"active\":true,\"starts\":1,\"stops\":0}") != std::string::npos);
  REQUIRE(probe.command("profiler-stop") == "result 0");
  const std::string closed = snapshot();
  INFO(closed);
  CHECK(closed.find("\"profiler\":{\"active\":false,\"starts\":1,\"stops\":1}") != std::string::npos);
  CHECK(number(apiEntry(closed, "cuProfilerStart"), "calls") == 1);
  CHECK(probe.exit() == 0);
}

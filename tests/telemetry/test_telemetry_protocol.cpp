// The telemetry protocol's pieces without a process: the request reader against the corpus in
// tests/data/telemetry/requests.txt and against mutated and random input (it must answer, never
// crash or recurse without bound), the JSON writer's escaping, and the encoded replies.
#include <catch2/catch.hpp>

#include "test_paths.h"
#include "vgpu/telemetry/access_control.h"
#include "vgpu/telemetry/json_writer.h"
#include "vgpu/telemetry/protocol.h"
#include "vgpu/telemetry/request.h"

#include <fstream>
#include <random>
#include <string>

using namespace vgpu::telemetry;

namespace {

std::string describe(const ParsedRequest& request) {
  if (!request.ok) {
    return "error:" + request.errorCode;
  }
  switch (request.command) {
  case Command::Hello: return "hello";
  case Command::Snapshot: return "snapshot";
  case Command::Subscribe: return "subscribe:" + std::to_string(request.intervalMs);
  case Command::ResetPeaks: return "reset-peaks";
  case Command::SetLogLevel: return "set-log-level:" + std::string(request.levelName);
  }
  return "?";
}

} // namespace

TEST_CASE("the request corpus reads as recorded") {
  std::ifstream corpus(vgpu::test::dataDir() / "telemetry" / "requests.txt");
  REQUIRE(corpus);
  std::string line;
  int cases = 0;
  while (std::getline(corpus, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const std::size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    const std::string expected = line.substr(0, tab);
    const std::string request = line.substr(tab + 1);
    INFO("request: " << request);
    const ParsedRequest parsed = parseRequest(request);
    CHECK(describe(parsed) == expected);
    if (!parsed.ok) {
      CHECK_FALSE(parsed.errorMessage.empty());
    }
    ++cases;
  }
  CHECK(cases >= 40);
}

TEST_CASE("deep nesting is refused without exhausting the stack") {
  const std::string deepArray = "{\"cmd\":\"hello\",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(describe(parseRequest(deepArray)) == "error:malformed-json");
  const std::string deepObject = "{\"cmd\":\"hello\",\"x\":" + std::string(20, '[') + std::string(20, ']') + "}";
  CHECK(describe(parseRequest(deepObject)) == "hello");
  std::string nested;
  for (int i = 0; i < 50000; ++i) {
    nested += "{\"a\":";
  }
  CHECK(describe(parseRequest(nested)) == "error:malformed-json");
}

TEST_CASE("mutated and random request lines always get an answer") {
  const std::string seeds[] = {
      R"({"cmd":"subscribe","interval_ms":100})",
      R"({"cmd":"hello","extra":{"a":[1,2.5e-3,"x\"y",null,true,false]}})",
      R"({"cmd":"reset-peaks"})",
  };
  std::mt19937 random(20261126);
  const std::string alphabet = "{}[]\":,\\ 0123456789.eE+-tfnulrsabcdx\x01\xff\n";
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[static_cast<std::size_t>(round) % std::size(seeds)];
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = random() % text.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
      case 0: text[at] = c; break;
      case 1: text.insert(at, 1, c); break;
      default: text.erase(at, 1); break;
      }
    }
    const ParsedRequest parsed = parseRequest(text);
    if (parsed.ok) {
      ++accepted;
      if (parsed.command == Command::Subscribe) {
        CHECK(parsed.intervalMs >= kMinIntervalMs);
        CHECK(parsed.intervalMs <= kMaxIntervalMs);
      }
    } else {
      CHECK_FALSE(parsed.errorCode.empty());
    }
  }
  for (int round = 0; round < 5000; ++round) {
    std::string text(random() % 200, '\0');
    for (char& c : text) {
      c = static_cast<char>(random() % 256);
    }
    const ParsedRequest parsed = parseRequest(text);
    CHECK((parsed.ok || !parsed.errorCode.empty()));
  }
  CHECK(accepted > 0); // some mutations (e.g. in ignored members) stay valid requests
}

TEST_CASE("the JSON writer escapes strings and separates members") {
  JsonWriter json;
  json.beginObject();
  json.key("text").value(std::string_view("quote\" backslash\\ newline\n tab\t bell\x07 ü \xff end"));
  json.key("list").beginArray().value(std::uint64_t{1}).value(std::int64_t{-2}).value(true).beginObject().endObject();
  json.endArray();
  json.key("rate").value(2.5);
  json.key("nan").value(std::numeric_limits<double>::quiet_NaN());
  json.endObject();
  CHECK(json.text() == "{\"text\":\"quote\\\" backslash\\\\ newline\\n tab\\t bell\\u0007 ü \xef\xbf\xbd end\","
                       "\"list\":[1,-2,true,{}],\"rate\":2.5,\"nan\":null}");
}

TEST_CASE("replies are single-line objects with the documented fields") {
  HelloInfo hello;
  hello.pid = 42;
  hello.uid = 1000;
  hello.executable = "/usr/bin/ollama";
  hello.backend = "simulated";
  hello.devices.push_back({"NVIDIA H100 PCIe", "GPU-01234567-89ab-cdef-0123-456789abcdef", "0000:00:05.0"});
  const std::string helloLine = encodeHello(hello);
  CHECK(helloLine.find('\n') == std::string::npos);
  CHECK(helloLine.rfind(
            "{\"type\":\"hello\",\"protocol\":1,\"pid\":42,\"executable\":\"/usr/bin/ollama\",\"uid\":1000,", 0) == 0);
  CHECK(helloLine.find("\"devices\":[{\"index\":0,\"name\":\"NVIDIA H100 PCIe\",\"uuid\":\"GPU-01234567-89ab-cdef-"
                       "0123-456789abcdef\",\"pci_bus_id\":\"0000:00:05.0\"}]") != std::string::npos);

  ProcessSample before;
  before.devices.push_back({0, 100, 0, 0});
  ProcessSample now;
  now.devices.push_back({64, 100, 80, 2});
  now.counters.kernelLaunches = 50;
  now.counters.bytesHostToDevice = 1000;
  now.backendState = "ready";
  now.kernelActivityPercent = 37;
  now.memoryActivityPercent = 4;
  SampleContext context;
  context.sequence = 7;
  context.timeMs = 1700000000000;
  context.seconds = 0.5;
  context.droppedClients = 3;
  const std::string sample = encodeSample(now, before, context);
  CHECK(sample == "{\"type\":\"sample\",\"seq\":7,\"time_ms\":1700000000000,\"backend_state\":\"ready\","
                  "\"devices\":[{\"index\":0,\"vram_used_bytes\":64,\"vram_total_bytes\":100,\"vram_peak_bytes\":80,"
                  "\"allocations\":2}],\"kernel_launches\":{\"total\":50,\"per_second\":100},"
                  "\"copies\":{\"host_to_device\":{\"bytes\":1000,\"bytes_per_second\":2000},"
                  "\"device_to_host\":{\"bytes\":0,\"bytes_per_second\":0},"
                  "\"device_to_device\":{\"bytes\":0,\"bytes_per_second\":0}},\"memsets\":0,\"dropped_clients\":3,"
                  "\"activity\":{\"window_ms\":1000,\"kernel_percent\":37,\"memory_percent\":4},"
                  "\"profiler\":{\"active\":false,\"starts\":0,\"stops\":0},"
                  "\"calls\":{\"total\":0,\"errors\":0,\"window_calls\":0,"
                  "\"latency_ns\":{\"p50\":null,\"p95\":null,\"p99\":null}},\"apis\":[],\"errors\":[]}");
  CHECK(encodeError("unknown-cmd", "unknown command \"x\"") ==
        "{\"type\":\"error\",\"error\":\"unknown-cmd\",\"message\":\"unknown command \\\"x\\\"\"}");
  CHECK(encodeAck("subscribe", 100) == "{\"type\":\"ok\",\"cmd\":\"subscribe\",\"interval_ms\":100}");
  CHECK(encodeLevelAck("debug") == "{\"type\":\"ok\",\"cmd\":\"set-log-level\",\"level\":\"debug\"}");
  hello.endpoint = "in-process";
  hello.executor = "simulated";
  hello.logLevel = "warn";
  // "simulated" follows the executor: true for the simulated device, in-process or in vgpud.
  CHECK(encodeHello(hello).find("\"backend\":\"simulated\",\"endpoint\":\"in-process\",\"executor\":\"simulated\","
                                "\"simulated\":true,\"log_level\":\"warn\",") != std::string::npos);
  hello.backend = "remote";
  hello.endpoint = "unix:/run/vgpud.sock";
  hello.executor = "cuda";
  CHECK(encodeHello(hello).find("\"executor\":\"cuda\",\"simulated\":false,") != std::string::npos);
}

TEST_CASE("access: root and the owner always, others only through the group") {
  AccessPolicy policy;
  policy.ownerUid = 1000;
  policy.groupName = "vgpu";
  std::string reason;
  CHECK(peerAllowed(policy, 0, 0, reason));
  CHECK(peerAllowed(policy, 1000, 1000, reason));
  CHECK_FALSE(peerAllowed(policy, 1001, 1001, reason));
  CHECK(reason.find("group 'vgpu' does not exist") != std::string::npos);
  policy.group = 4242;
  CHECK(peerAllowed(policy, 1001, 4242, reason)); // primary gid
  reason.clear();
  CHECK_FALSE(peerAllowed(policy, 1001, 1001, reason));
  CHECK(reason.find("nor a member of group 'vgpu'") != std::string::npos);
  // A supplementary group the peer's process holds (SO_PEERGROUPS), with no account behind the uid.
  CHECK(peerAllowed(policy, 4343, 4343, {27, 4242}, reason));
  CHECK_FALSE(peerAllowed(policy, 4343, 4343, {27, 100}, reason));
}

// The NVML shim's reader of other processes' control sockets: the strict JSON parser (good and bad
// documents, limits) and the hello+snapshot decoding over the fixture corpus in
// tests/data/telemetry-peers/ (every file's expected outcome is written in it).
#include <catch2/catch.hpp>

#include "test_paths.h"

#include "vgpu/telemetry/json_value.h"
#include "vgpu/telemetry/peer_reader.h"
#include "vgpu/unix_socket.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using vgpu::telemetry::JsonValue;
using vgpu::telemetry::parseJson;

TEST_CASE("the JSON parser reads every kind of value") {
  const auto result = parseJson(R"( {"a":[1,-2,3.5,1e3,true,false,null],"s":"x\"\\\/\b\f\n\r\tA\u00e9\ud83d\ude00",
                                     "big":18446744073709551615,"min":-9223372036854775808,"o":{}} )");
  REQUIRE(result.value.has_value());
  const JsonValue& doc = *result.value;
  const auto& a = doc.member("a")->elements();
  REQUIRE(a.size() == 7);
  CHECK(a[0].asInt() == 1);
  CHECK(a[1].asInt() == -2);
  CHECK(a[1].asUnsigned() == std::nullopt);
  CHECK(a[2].asInt() == std::nullopt);
  CHECK(a[2].asDouble() == 3.5);
  CHECK(a[3].asInt() == std::nullopt); // an exponent is not an integer literal
  CHECK(a[3].asDouble() == 1000.0);
  CHECK(a[4].asBool() == true);
  CHECK(a[5].asBool() == false);
  CHECK(a[6].isNull());
  CHECK(doc.stringAt("s") == std::string_view("x\"\\/\b\f\n\r\tA\xc3\xa9\xf0\x9f\x98\x80"));
  CHECK(doc.unsignedAt("big") == 18446744073709551615ULL);
  CHECK(doc.intAt("big") == std::nullopt);
  CHECK(doc.intAt("min") == INT64_MIN);
  CHECK(doc.member("o")->kind() == JsonValue::Kind::Object);
  CHECK(doc.member("missing") == nullptr);
  CHECK(doc.stringAt("a") == std::nullopt);
}

TEST_CASE("the JSON parser refuses bad documents with the reason and offset") {
  const std::pair<const char*, const char*> cases[] = {
      {"", "unexpected character at byte 0"},
      {"{", "expected a member name at byte 1"},
      {R"({"a" 1})", "expected ':'"},
      {R"({"a":1,})", "expected a member name"},
      {"[1 2]", "expected ',' or ']'"},
      {"01", "leading zero"},
      {"1.", "digits expected after '.'"},
      {"1e", "digits expected in exponent"},
      {"-", "unexpected character"},
      {"tru", "invalid literal"},
      {R"("abc)", "unterminated string"},
      {"\"a\tb\"", "control character in string"},
      {R"("\x")", "bad escape"},
      {R"("\u12")", "truncated \\u escape"},
      {R"("\u12g4")", "bad \\u escape"},
      {R"("\ud800")", "lone surrogate"},
      {R"("\udc00")", "lone surrogate"},
      {"{} {}", "trailing characters at byte 3"},
      {"18446744073709551616x", "trailing characters"},
  };
  for (const auto& [text, reason] : cases) {
    INFO(text);
    const auto result = parseJson(text);
    CHECK_FALSE(result.value.has_value());
    CHECK(result.error.find(reason) != std::string::npos);
  }
}

TEST_CASE("the JSON parser bounds nesting instead of exhausting the stack") {
  CHECK(parseJson(std::string(64, '[') + std::string(64, ']')).value.has_value());
  const auto deep = parseJson(std::string(100000, '['));
  CHECK_FALSE(deep.value.has_value());
  CHECK(deep.error.find("nesting too deep") != std::string::npos);
}

TEST_CASE("integers too large for 64 bits stay numbers but not integers") {
  const auto result = parseJson("18446744073709551616");
  REQUIRE(result.value.has_value());
  CHECK(result.value->asUnsigned() == std::nullopt);
  CHECK(result.value->asDouble() == Approx(1.8446744073709552e19));
}

namespace {

struct PeerCase {
  std::string hello, sample, expect;
};

PeerCase readCase(const std::filesystem::path& file) {
  std::ifstream in(file);
  PeerCase c;
  std::getline(in, c.hello);
  std::getline(in, c.sample);
  std::getline(in, c.expect);
  return c;
}

std::string describe(const vgpu::telemetry::PeerProcess& process) {
  std::ostringstream text;
  text << "ok pid=" << process.pid << " used=";
  for (std::size_t i = 0; i < process.devices.size(); ++i) {
    text << (i ? "," : "") << process.devices[i].uuid << ":" << process.devices[i].usedBytes;
  }
  if (process.kernelActivityPercent) {
    text << " activity=" << *process.kernelActivityPercent << "/" << *process.memoryActivityPercent;
  }
  return text.str();
}

} // namespace

TEST_CASE("every reply pair in the peer corpus decodes to its expected outcome") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(vgpu::test::dataDir() / "telemetry-peers")) {
    if (entry.path().extension() != ".case") {
      continue;
    }
    ++files;
    const PeerCase c = readCase(entry.path());
    INFO(entry.path().filename().string());
    REQUIRE(c.expect.rfind("expect: ", 0) == 0);
    const std::string expected = c.expect.substr(8);
    vgpu::telemetry::PeerProcess process;
    std::string problem;
    const bool ok = vgpu::telemetry::decodePeer(c.hello, c.sample, process, problem);
    if (expected.rfind("ok ", 0) == 0) {
      INFO(problem);
      REQUIRE(ok);
      CHECK(describe(process) == expected);
    } else {
      REQUIRE(expected.rfind("error ", 0) == 0);
      CHECK_FALSE(ok);
      CHECK(problem.find(expected.substr(6)) != std::string::npos);
      CHECK(process.pid == 0); // nothing half-filled
    }
  }
  CHECK(files >= 15);
}

TEST_CASE("scanning a directory reports stale sockets and ignores other files") {
  const auto dir = vgpu::test::scratchDir("peer-scan-" + std::to_string(::getpid()));
  std::ofstream(dir / "notes.txt") << "x";
  std::ofstream(dir / "12x.sock") << "x";
  // A socket file nobody listens on: bind, then close without accept.
  const std::string stale = (dir / "424242.sock").string();
  {
    vgpu::SocketResult listener = vgpu::listenUnix(stale);
    REQUIRE(listener.fd.valid());
  }
  const vgpu::telemetry::PeerScan scan = vgpu::telemetry::scanPeers(dir.string(), 0, 200);
  CHECK(scan.processes.empty());
  REQUIRE(scan.problems.size() == 1);
  CHECK(scan.problems[0].find("424242.sock: stale") != std::string::npos);
  CHECK(std::filesystem::exists(stale)); // left in place: the owner may not be us

  const auto missing = vgpu::telemetry::scanPeers((dir / "absent").string(), 0, 200);
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0].find("No such file or directory") != std::string::npos);
}

TEST_CASE("a socket whose process refuses the reader is reported as forbidden; every directory is scanned") {
  const auto first = vgpu::test::scratchDir("peer-forbidden-a-" + std::to_string(::getpid()));
  const auto second = vgpu::test::scratchDir("peer-forbidden-b-" + std::to_string(::getpid()));
  const std::string path = (first / "4242.sock").string();
  vgpu::SocketResult listener = vgpu::listenUnix(path);
  REQUIRE(listener.fd.valid());
  // The server's answer to a peer outside the access rule: one error line, then the connection closes.
  std::thread server([fd = listener.fd.get()] {
    const int client = ::accept(fd, nullptr, nullptr);
    if (client >= 0) {
      const std::string line = "{\"type\":\"error\",\"error\":\"refused\",\"message\":\"uid 1000 is neither root\"}\n";
      [[maybe_unused]] const ssize_t sent = ::send(client, line.data(), line.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  });
  // A second directory: scanned too (its file is no socket: a stale one, not a forbidden one).
  std::filesystem::copy_file(vgpu::test::dataDir() / "sysfs" / "machine-id", second / "4242.sock");
  const vgpu::telemetry::PeerScan scan =
      vgpu::telemetry::scanPeers(std::vector<std::string>{first.string(), second.string()}, 0, 2000);
  server.join();
  CHECK(scan.directories == std::vector<std::string>{first.string(), second.string()});
  CHECK(scan.processes.empty());
  REQUIRE(scan.forbidden.size() == 1);
  CHECK(scan.forbidden[0] == path + ": the process answered refused");
  REQUIRE(scan.problems.size() == 2);
  CHECK(scan.problems[1].find((second / "4242.sock").string() + ": stale") != std::string::npos);
}

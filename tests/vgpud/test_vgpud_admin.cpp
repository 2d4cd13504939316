// vgpud's management socket (docs/management-protocol.md) with real sessions: Unix and TCP clients
// through the shim's RemoteBackend, the listing checked against what the clients themselves see,
// and each admin action's effect on its session and on no other. Also: who may connect (root,
// the admin group, nobody else; TCP only with the admin token), and every action in vgpud's log
// with the asker's identity.
#include <catch2/catch.hpp>

#include "tcp_daemon.h"
#include "vgpud_fixture.h"

#include "vgpu/telemetry/json_value.h"
#include "vgpu/unix_socket.h"

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace vgpu;
using namespace vgpu::test;
using telemetry::JsonValue;

namespace {

const std::string kAdminToken = "fedcba9876543210fedcba9876543210";

// One NDJSON connection to the management socket.
struct AdminClient {
  FileDescriptor fd;
  std::string buffered;

  explicit AdminClient(FileDescriptor connected) : fd(std::move(connected)) { REQUIRE(fd.valid()); }

  void send(const std::string& line) {
    const std::string framed = line + "\n";
    REQUIRE(::send(fd.get(), framed.data(), framed.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(framed.size()));
  }
  // The next line, or "" when the connection ended or nothing came within 5 s.
  std::string line() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (buffered.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd poll{fd.get(), POLLIN, 0};
      if (::poll(&poll, 1, 100) <= 0) {
        continue;
      }
      char chunk[65536];
      const ssize_t got = ::recv(fd.get(), chunk, sizeof chunk, 0);
      if (got <= 0) {
        break;
      }
      buffered.append(chunk, static_cast<std::size_t>(got));
    }
    const auto end = buffered.find('\n');
    if (end == std::string::npos) {
      return {};
    }
    std::string line = buffered.substr(0, end);
    buffered.erase(0, end + 1);
    return line;
  }
  JsonValue ask(const std::string& request) {
    send(request);
    const std::string reply = line();
    INFO(request << " -> " << reply);
    telemetry::JsonParseResult parsed = telemetry::parseJson(reply);
    REQUIRE(parsed.value);
    return std::move(*parsed.value);
  }
};

std::string tempDirectory() {
  char pattern[] = "/tmp/vgpud-admin-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  return pattern;
}

void writeToken(const std::string& path, const std::string& token) {
  std::ofstream(path) << token;
  ::chmod(path.c_str(), 0600);
}

// vgpud with its stderr (the log, at info) in `logPath`: fd 2 is redirected around the spawn.
std::unique_ptr<TcpDaemon> startDaemon(const std::string& logPath, std::vector<std::string> extra) {
  const int saved = ::dup(2);
  const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(log >= 0);
  ::dup2(log, 2);
  ::close(log);
  extra.insert(extra.end(), {"--log-level", "info"});
  if (onDriverDouble()) { // the cuda backend on the shim as driver double: the NVML shim as NVML double
    extra.insert(extra.end(),
                 {"--nvml", std::string(std::getenv("VGPUD_FIXTURE_DRIVER_DOUBLE")) + "/libnvidia-ml.so.1"});
  }
  auto daemon = std::make_unique<TcpDaemon>(extra);
  ::dup2(saved, 2);
  ::close(saved);
  return daemon;
}

FileDescriptor connectAdmin(const std::string& path) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    SocketResult connected = connectUnix(path);
    if (connected.fd.valid()) {
      return std::move(connected.fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("no management socket at " << path);
  return {};
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const JsonValue* findSession(const JsonValue& sample, std::uint64_t id) {
  const JsonValue* sessions = sample.member("sessions");
  REQUIRE(sessions != nullptr);
  for (const JsonValue& session : sessions->elements()) {
    if (session.unsignedAt("id") == id) {
      return &session;
    }
  }
  return nullptr;
}

// Runs `body` in a child with the given identity; its exit status (0: body returned true).
template <typename Body> int asUser(uid_t uid, gid_t gid, Body body) {
  const pid_t child = ::fork();
  if (child == 0) {
    const gid_t groups[] = {gid};
    if (::setgroups(1, groups) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) {
      ::_exit(3);
    }
    ::_exit(body() ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

// True when the management socket at `path` answers a hello to the calling user (a refusal: false).
bool helloAnswered(const std::string& path) {
  SocketResult connected = connectUnix(path);
  if (!connected.fd.valid()) {
    return false;
  }
  const std::string request = "{\"cmd\":\"hello\"}\n";
  if (::send(connected.fd.get(), request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    return false;
  }
  char reply[4096] = {};
  std::size_t got = 0;
  while (got < sizeof reply - 1) {
    const ssize_t n = ::recv(connected.fd.get(), reply + got, sizeof reply - 1 - got, 0);
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
    if (std::string_view(reply, got).find('\n') != std::string_view::npos) {
      break;
    }
  }
  return std::string_view(reply, got).find("\"type\":\"hello\"") != std::string_view::npos;
}

} // namespace

TEST_CASE("the management socket lists exactly the live sessions, with the figures their clients see") {
  const std::string directory = tempDirectory();
  const std::string adminPath = directory + "/admin.sock";
  auto daemon = startDaemon(directory + "/vgpud.log", {"--admin-listen", "unix:" + adminPath});
  AdminClient admin(connectAdmin(adminPath));

  const JsonValue hello = admin.ask(R"({"cmd":"hello"})");
  CHECK(hello.stringAt("type") == "hello");
  CHECK(hello.intAt("protocol") == 1);
  CHECK(hello.stringAt("backend") == (onDriverDouble() ? "cuda" : "sim"));

  JsonValue empty = admin.ask(R"({"cmd":"snapshot"})");
  CHECK(empty.member("sessions")->elements().empty());

  auto unixClient = connectClient(daemon->daemon->endpoint());
  cuda::remote::ConnectionSettings tcpSettings;
  tcpSettings.endpoint = "tcp:127.0.0.1:" + daemon->port;
  tcpSettings.token = kToken;
  tcpSettings.timeoutMilliseconds = 10000;
  auto tcpClient = std::make_unique<cuda::remote::RemoteBackend>();
  std::string error;
  REQUIRE(tcpClient->connect(tcpSettings, {expectedDevice()}, error) == CUDA_SUCCESS);

  CUdeviceptr unixMemory = 0;
  CUdeviceptr tcpMemory = 0;
  REQUIRE(unixClient->memAlloc(0, std::size_t{48} << 20, unixMemory) == CUDA_SUCCESS);
  REQUIRE(tcpClient->memAlloc(0, std::size_t{16} << 20, tcpMemory) == CUDA_SUCCESS);
  std::vector<std::uint8_t> bytes(1 << 20, 7);
  cuda::CopyEndpoint destination;
  destination.isDevice = true;
  destination.device = tcpMemory;
  cuda::CopyEndpoint source;
  source.host = bytes.data();
  REQUIRE(tcpClient->copy(destination, source, bytes.size(), 1, 0, false) == CUDA_SUCCESS);

  const JsonValue sample = admin.ask(R"({"cmd":"snapshot"})");
  CHECK(sample.stringAt("type") == "sample");
  const auto& sessions = sample.member("sessions")->elements();
  REQUIRE(sessions.size() == 2);
  for (const auto& [client, transport] : {std::pair{unixClient.get(), "unix"}, std::pair{tcpClient.get(), "tcp"}}) {
    const JsonValue* listed = findSession(sample, client->sessionId());
    REQUIRE(listed != nullptr);
    cuda::MemoryUsage usage;
    REQUIRE(client->memUsage(0, usage) == CUDA_SUCCESS);
    CHECK(listed->stringAt("transport") == transport);
    CHECK(listed->unsignedAt("vram_used_bytes") == usage.usedBytes);
    CHECK(listed->member("devices")->elements().at(0).unsignedAt("vram_used_bytes") == usage.usedBytes);
    CHECK(listed->unsignedAt("client_pid") == static_cast<std::uint64_t>(::getpid()));
    CHECK(listed->stringAt("client_process") == std::string(program_invocation_short_name));
    CHECK(listed->stringAt("state") == "active");
    CHECK(listed->stringAt("priority") == "normal");
    CHECK(listed->unsignedAt("calls") > 0);
  }
  CHECK(findSession(sample, unixClient->sessionId())->unsignedAt("peer_uid") == ::getuid());
  CHECK(findSession(sample, tcpClient->sessionId())->stringAt("remote_address") == "tcp:127.0.0.1");
  CHECK(findSession(sample, tcpClient->sessionId())->unsignedAt("bytes_host_to_device") == bytes.size());
  CHECK(findSession(sample, tcpClient->sessionId())->member("latency_ns") != nullptr);

  const auto& gpus = sample.member("gpus")->elements();
  if (onDriverDouble()) {
    // The GPU list is NVML's (the fixture bus has two GPUs); the sessions' device is matched to it by UUID.
    REQUIRE(gpus.size() == 2);
    CHECK(gpus[0].member("simulated")->asBool() == false);
    CHECK(gpus[0].stringAt("uuid")->starts_with("GPU-"));
    const std::uint64_t gpu =
        findSession(sample, unixClient->sessionId())->member("devices")->elements().at(0).unsignedAt("gpu").value_or(9);
    REQUIRE(gpu < gpus.size());
    CHECK(gpus[gpu].unsignedAt("sessions") == 2);
    CHECK(gpus[gpu].unsignedAt("sessions_vram_bytes") > 0);
    return;
  }
  REQUIRE(gpus.size() == 1);
  cuda::MemoryUsage unixUsage;
  cuda::MemoryUsage tcpUsage;
  REQUIRE(unixClient->memUsage(0, unixUsage) == CUDA_SUCCESS);
  REQUIRE(tcpClient->memUsage(0, tcpUsage) == CUDA_SUCCESS);
  CHECK(gpus[0].unsignedAt("memory_used_bytes") == unixUsage.usedBytes + tcpUsage.usedBytes);
  CHECK(gpus[0].unsignedAt("memory_total_bytes") == unixUsage.totalBytes);
  CHECK(gpus[0].unsignedAt("sessions") == 2);
  CHECK(gpus[0].stringAt("name") == "NVIDIA H100 PCIe");
  CHECK(gpus[0].member("temperature_c") == nullptr); // a simulated GPU has none: omitted, not 0
  CHECK(sample.member("totals")->unsignedAt("sessions") == 2);

  // A client that leaves drops out of the listing.
  const std::uint64_t gone = tcpClient->sessionId();
  tcpClient.reset();
  bool dropped = false;
  for (int attempt = 0; attempt < 100 && !dropped; ++attempt) {
    dropped = findSession(admin.ask(R"({"cmd":"snapshot"})"), gone) == nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(dropped);

  // Subscribed: an ok, then samples at the interval.
  const JsonValue ok = admin.ask(R"({"cmd":"subscribe","interval_ms":100})");
  CHECK(ok.stringAt("type") == "ok");
  std::uint64_t lastSeq = 0;
  for (int i = 0; i < 3; ++i) {
    const telemetry::JsonParseResult next = telemetry::parseJson(admin.line());
    REQUIRE(next.value);
    CHECK(next.value->stringAt("type") == "sample");
    CHECK(next.value->unsignedAt("seq") > lastSeq);
    lastSeq = next.value->unsignedAt("seq").value_or(0);
  }
  REQUIRE(unixClient->memFree(unixMemory) == CUDA_SUCCESS);
}

TEST_CASE("admin actions take effect on their session only, and each is logged with who asked") {
  const std::string directory = tempDirectory();
  const std::string adminPath = directory + "/admin.sock";
  const std::string logPath = directory + "/vgpud.log";
  auto daemon = startDaemon(logPath, {"--admin-listen", "unix:" + adminPath});
  AdminClient admin(connectAdmin(adminPath));
  auto victim = connectClient(daemon->daemon->endpoint());
  auto bystander = connectClient(daemon->daemon->endpoint());
  const std::uint64_t id = victim->sessionId();

  CUdeviceptr held = 0;
  REQUIRE(victim->memAlloc(0, std::size_t{64} << 20, held) == CUDA_SUCCESS);

  SECTION("a quota lowered at runtime fails the next over-quota allocation") {
    const JsonValue ok = admin.ask(R"({"cmd":"set-quota","session":)" + std::to_string(id) +
                                   R"(,"vram_quota_bytes":100663296})"); // 96 MiB
    CHECK(ok.stringAt("type") == "ok");
    CUdeviceptr more = 0;
    CHECK(victim->memAlloc(0, std::size_t{48} << 20, more) == CUDA_ERROR_OUT_OF_MEMORY); // 64 + 48 > 96
    CHECK(victim->memAlloc(0, std::size_t{16} << 20, more) == CUDA_SUCCESS);             // 64 + 16 <= 96
    CUdeviceptr other = 0;
    CHECK(bystander->memAlloc(0, std::size_t{256} << 20, other) == CUDA_SUCCESS); // no quota there
    const JsonValue sample = admin.ask(R"({"cmd":"snapshot"})");
    CHECK(findSession(sample, id)->unsignedAt("vram_quota_bytes") == 100663296);
    CHECK(readFile(logPath).find("admin uid " + std::to_string(::getuid()) + " pid " + std::to_string(::getpid()) +
                                 " (unix): session " + std::to_string(id) + " vram quota none -> 100663296 bytes") !=
          std::string::npos);
  }
  SECTION("kill ends the session: its next call fails, the others go on") {
    const JsonValue ok = admin.ask(R"({"cmd":"kill","session":)" + std::to_string(id) + "}");
    CHECK(ok.stringAt("type") == "ok");
    // At once, before vgpud can have reaped it: a killed session is listed as ending and cannot be
    // acted on again.
    const JsonValue listing = admin.ask(R"({"cmd":"snapshot"})");
    const JsonValue* ending = findSession(listing, id);
    CHECK((ending == nullptr || ending->stringAt("state") == "ending"));
    CHECK(admin.ask(R"({"cmd":"kill","session":)" + std::to_string(id) + "}").stringAt("error") == "no-such-session");
    CUdeviceptr more = 0;
    CHECK(victim->memAlloc(0, 4096, more) != CUDA_SUCCESS);
    CHECK(bystander->memAlloc(0, 4096, more) == CUDA_SUCCESS);
    bool gone = false;
    for (int attempt = 0; attempt < 100 && !gone; ++attempt) {
      gone = findSession(admin.ask(R"({"cmd":"snapshot"})"), id) == nullptr;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(gone);
    CHECK(readFile(logPath).find("session " + std::to_string(id) + " killed") != std::string::npos);
  }
  SECTION("drain refuses new work and lets the session free what it holds") {
    CHECK(admin.ask(R"({"cmd":"drain","session":)" + std::to_string(id) + "}").stringAt("type") == "ok");
    CUdeviceptr more = 0;
    CHECK(victim->memAlloc(0, 4096, more) == CUDA_ERROR_NOT_PERMITTED);
    CHECK(victim->memFree(held) == CUDA_SUCCESS);
    CHECK(bystander->memAlloc(0, 4096, more) == CUDA_SUCCESS);
    CHECK(findSession(admin.ask(R"({"cmd":"snapshot"})"), id)->stringAt("state") == "draining");
    CHECK(readFile(logPath).find("session " + std::to_string(id) + " drained") != std::string::npos);
  }
  SECTION("priority changes at runtime and is reported") {
    CHECK(admin.ask(R"({"cmd":"set-priority","session":)" + std::to_string(id) + R"(,"priority":"low"})")
              .stringAt("type") == "ok");
    CUdeviceptr more = 0;
    CHECK(victim->memAlloc(0, 4096, more) == CUDA_SUCCESS); // the session follows at its next call
    CHECK(findSession(admin.ask(R"({"cmd":"snapshot"})"), id)->stringAt("priority") == "low");
    CHECK(readFile(logPath).find("session " + std::to_string(id) + " priority normal -> low") != std::string::npos);
  }
  SECTION("bad requests get errors and leave the connection open") {
    CHECK(admin.ask(R"({"cmd":"kill","session":999999})").stringAt("error") == "no-such-session");
    CHECK(admin.ask(R"({"cmd":"set-quota","session":)" + std::to_string(id) + "}").stringAt("error") == "bad-request");
    CHECK(admin.ask(R"({"cmd":"set-priority","session":)" + std::to_string(id) + R"(,"priority":"urgent"})")
              .stringAt("error") == "bad-request");
    CHECK(admin.ask(R"({"cmd":"subscribe","interval_ms":5})").stringAt("error") == "bad-request");
    CHECK(admin.ask(R"({"cmd":"reboot"})").stringAt("error") == "unknown-cmd");
    CHECK(admin.ask("[1,2]").stringAt("error") == "not-an-object");
    CHECK(admin.ask("{nope").stringAt("error") == "malformed-json");
    CHECK(admin.ask(R"({"cmd":"hello"})").stringAt("type") == "hello");
  }
}

TEST_CASE("only root, vgpud's uid and the admin group may use the Unix management socket") {
  const group* admins = ::getgrnam("nogroup");
  if (::getuid() != 0 || admins == nullptr) {
    WARN("needs root and group nogroup to try other users: skipped");
    return;
  }
  const std::string directory = tempDirectory();
  ::chmod(directory.c_str(), 0755);
  const std::string adminPath = directory + "/admin.sock";
  auto daemon =
      startDaemon(directory + "/vgpud.log", {"--admin-listen", "unix:" + adminPath, "--admin-group", "nogroup"});
  connectAdmin(adminPath);
  const gid_t adminGid = admins->gr_gid;
  // The socket is 0660 with the admin group: a member connects and is answered.
  CHECK(asUser(65534, adminGid, [&] { return helloAnswered(adminPath); }) == 0);
  // Anyone else: the file's mode keeps them out, and were it open, the credentials check would.
  ::chmod(adminPath.c_str(), 0666);
  CHECK(asUser(65533, 65533, [&] { return helloAnswered(adminPath); }) == 1);
  CHECK(readFile(directory + "/vgpud.log").find("management socket: refused uid 65533") != std::string::npos);
}

TEST_CASE("the management socket over TCP needs the admin token, not a tenant's") {
  const std::string directory = tempDirectory();
  const std::string adminPort = freePort();
  writeToken(directory + "/admin.token", kAdminToken);
  auto daemon = startDaemon(directory + "/vgpud.log", {"--admin-listen", "tcp:127.0.0.1:" + adminPort,
                                                       "--admin-token-file", directory + "/admin.token"});
  FileDescriptor first;
  for (int attempt = 0; attempt < 200 && !first.valid(); ++attempt) {
    first = connectLoopback(adminPort);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  AdminClient withoutHello(std::move(first));
  CHECK(withoutHello.ask(R"({"cmd":"snapshot"})").stringAt("error") == "refused");
  CHECK(withoutHello.line().empty()); // and disconnected

  AdminClient tenantToken(connectLoopback(adminPort));
  CHECK(tenantToken.ask(R"({"cmd":"hello","token":")" + kToken + "\"}").stringAt("error") == "refused");

  AdminClient admin(connectLoopback(adminPort));
  const JsonValue hello = admin.ask(R"({"cmd":"hello","token":")" + kAdminToken + "\"}");
  CHECK(hello.stringAt("type") == "hello");
  CHECK(hello.member("peer")->stringAt("transport") == "tcp");
  CHECK(admin.ask(R"({"cmd":"snapshot"})").stringAt("type") == "sample");
}

TEST_CASE("the management socket's limits: 16 connections, 64 KiB lines; past them a refusal, others unaffected") {
  const std::string directory = tempDirectory();
  const std::string adminPath = directory + "/admin.sock";
  auto daemon = startDaemon(directory + "/vgpud.log", {"--admin-listen", "unix:" + adminPath});
  std::vector<std::unique_ptr<AdminClient>> admins;
  for (int i = 0; i < 16; ++i) {
    admins.push_back(std::make_unique<AdminClient>(connectAdmin(adminPath)));
    CHECK(admins.back()->ask(R"({"cmd":"hello"})").stringAt("type") == "hello");
  }
  AdminClient seventeenth(connectAdmin(adminPath));
  CHECK(seventeenth.line().find("too many management connections") != std::string::npos);
  CHECK(seventeenth.line().empty()); // and disconnected

  AdminClient& flooder = *admins.front();
  const std::string flood(100000, 'x'); // no newline at all
  [[maybe_unused]] const ssize_t sent =
      ::send(flooder.fd.get(), flood.data(), flood.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  CHECK(flooder.line().find("line-too-long") != std::string::npos);
  CHECK(flooder.line().empty());
  CHECK(admins.back()->ask(R"({"cmd":"snapshot"})").stringAt("type") == "sample");
  // A session still gets served while all this goes on.
  auto client = connectClient(daemon->daemon->endpoint());
  CUdeviceptr memory = 0;
  CHECK(client->memAlloc(0, 4096, memory) == CUDA_SUCCESS);
}

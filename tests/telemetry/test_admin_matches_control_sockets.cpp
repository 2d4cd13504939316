// The host's view agrees with the guest's: two real CUDA processes (telemetry_probe, the shim as
// libcuda.so.1) run through one vgpud; vgpud's management socket (docs/management-protocol.md)
// lists each as a session with the VRAM, launches and bytes its own control socket reports
// (docs/telemetry-protocol.md), and with its pid and process name.
#include <catch2/catch.hpp>

#include "telemetry_test_support.h"
#include "test_paths.h"

#include "vgpu/telemetry/json_value.h"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace vgpu::test;
using vgpu::telemetry::JsonValue;

extern char** environ;

namespace {

struct Daemon {
  pid_t pid = -1;
  explicit Daemon(const std::filesystem::path& directory) {
    std::vector<std::string> arguments = {VGPUD_PATH,
                                          "--listen",
                                          "unix:" + (directory / "vgpud.sock").string(),
                                          "--admin-listen",
                                          "unix:" + (directory / "admin.sock").string(),
                                          "--log-level",
                                          "warn"};
    std::vector<char*> argv;
    for (std::string& argument : arguments) {
      argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    REQUIRE(::posix_spawn(&pid, VGPUD_PATH, nullptr, nullptr, argv.data(), environ) == 0);
    for (int attempt = 0; attempt < 300 && !std::filesystem::exists(directory / "admin.sock"); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(std::filesystem::exists(directory / "admin.sock"));
  }
  ~Daemon() {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
};

JsonValue snapshot(const std::string& socketPath) {
  SocketClient client(socketPath);
  REQUIRE(client.connected());
  REQUIRE(client.send("{\"cmd\":\"snapshot\"}\n"));
  const std::optional<std::string> line = client.readLine();
  REQUIRE(line);
  vgpu::telemetry::JsonParseResult parsed = vgpu::telemetry::parseJson(*line);
  INFO(*line);
  REQUIRE(parsed.value);
  REQUIRE(parsed.value->stringAt("type") == "sample");
  return std::move(*parsed.value);
}

} // namespace

TEST_CASE("the management socket's sessions carry what each client's own control socket reports") {
  const std::filesystem::path directory = scratchDir("admin-matches-control-sockets");
  const std::filesystem::path runtime = directory / "run";
  std::filesystem::create_directories(runtime);
  Daemon daemon(directory);
  std::map<std::string, std::string> environment = probeEnvironment(runtime);
  environment["VGPU_BACKEND"] = "remote";
  environment["VGPU_ENDPOINT"] = "unix:" + (directory / "vgpud.sock").string();

  ProbeProcess busy(environment);
  ProbeProcess quiet(environment);
  for (ProbeProcess* probe : {&busy, &quiet}) {
    const std::string ready = probe->readLine(std::chrono::seconds(30));
    INFO(ready);
    REQUIRE(ready.rfind("ready ", 0) == 0); // cuInit through vgpud succeeded
  }
  for (const char* command : {"alloc", "alloc", "copy", "launch", "launch", "launch"}) {
    REQUIRE(busy.command(command) == "ok");
  }
  REQUIRE(quiet.command("alloc") == "ok");
  REQUIRE(busy.command("sync-v2") == "ok"); // the launches' counts reach vgpud's slot at a synchronous call

  const JsonValue host = snapshot((directory / "admin.sock").string());
  const auto& sessions = host.member("sessions")->elements();
  REQUIRE(sessions.size() == 2);
  for (ProbeProcess* probe : {&busy, &quiet}) {
    INFO("probe pid " << probe->pid());
    const JsonValue guest = snapshot((runtime / (std::to_string(probe->pid()) + ".sock")).string());
    const JsonValue* session = nullptr;
    for (const JsonValue& candidate : sessions) {
      if (candidate.unsignedAt("client_pid") == static_cast<std::uint64_t>(probe->pid())) {
        session = &candidate;
      }
    }
    REQUIRE(session != nullptr);
    CHECK(session->stringAt("client_process") == "telemetry_probe");
    const JsonValue& device = guest.member("devices")->elements().at(0);
    CHECK(session->unsignedAt("vram_used_bytes") == device.unsignedAt("vram_used_bytes"));
    CHECK(session->member("devices")->elements().at(0).unsignedAt("vram_used_bytes") ==
          device.unsignedAt("vram_used_bytes"));
    CHECK(session->unsignedAt("launches") == guest.member("kernel_launches")->unsignedAt("total"));
    CHECK(session->unsignedAt("bytes_host_to_device") ==
          guest.member("copies")->member("host_to_device")->unsignedAt("bytes"));
  }
  CHECK(host.member("gpus")->elements().at(0).unsignedAt("memory_used_bytes") ==
        host.member("totals")->unsignedAt("vram_used_bytes"));
  busy.exit();
  quiet.exit();
}

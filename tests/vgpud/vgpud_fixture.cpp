// Starting and stopping vgpud for tests, and connecting RemoteBackend clients to it.
#include "vgpud_fixture.h"

#include <catch2/catch.hpp>

#include "sysfs_fixture.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <spawn.h>
#include <string_view>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace vgpu::test {

using namespace std::chrono_literals;

bool onDriverDouble() {
  return std::getenv("VGPUD_FIXTURE_DRIVER_DOUBLE") != nullptr;
}

VgpudProcess::VgpudProcess(const std::vector<std::string>& extraArguments) {
  char pattern[] = "/tmp/vgpud-test-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  socketPath = std::string(pattern) + "/vgpud.sock";
  std::vector<std::string> arguments = {VGPUD_PATH, "--listen", endpoint(), "--log-level", "warn"};
  arguments.insert(arguments.end(), extraArguments.begin(), extraArguments.end());
  // The cuda backend (a worker process per session) on the shim as the driver double, which finds
  // the GPUs of a fixture bus: VGPUD_FIXTURE_DRIVER_DOUBLE names the shim's directory.
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    if (!onDriverDouble() || (variable.rfind("VGPU_BACKEND=", 0) != 0 && variable.rfind("VGPU_ENDPOINT=", 0) != 0)) {
      variables.emplace_back(variable);
    }
  }
  if (onDriverDouble()) {
    arguments.insert(arguments.end(), {"--backend", "cuda", "--cuda-driver",
                                       std::string(std::getenv("VGPUD_FIXTURE_DRIVER_DOUBLE")) + "/libcuda.so.1"});
    variables.emplace_back("VGPUD_TEST_DRIVER_DOUBLE=1");
    variables.emplace_back("VGPU_SYSFS_ROOT=" + buildSysfsTree("two-stubs").string());
    variables.emplace_back("VGPU_CONFIG=/nonexistent");
    variables.emplace_back("VGPU_BACKEND=sim"); // the double is the shim's simulated device, chosen explicitly
  }
  std::vector<char*> envp;
  for (std::string& variable : variables) {
    envp.push_back(variable.data());
  }
  envp.push_back(nullptr);
  std::vector<char*> argv;
  argv.reserve(arguments.size() + 1);
  for (std::string& argument : arguments) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);
  REQUIRE(posix_spawn(&pid, VGPUD_PATH, nullptr, nullptr, argv.data(), envp.data()) == 0);
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (std::filesystem::exists(socketPath)) {
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
  FAIL("vgpud did not create " << socketPath << " within 3 s");
}

VgpudProcess::~VgpudProcess() {
  if (pid > 0) {
    killHard();
  }
}

int VgpudProcess::stop() {
  ::kill(pid, SIGTERM);
  for (int attempt = 0; attempt < 500; ++attempt) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(10ms);
  }
  killHard();
  return -1;
}

void VgpudProcess::killHard() {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  pid = -1;
}

wire::ExpectedDevice expectedDevice(const std::string& profileKey) {
  wire::ExpectedDevice device;
  device.profileKey = profileKey;
  device.pciBusId = "0000:00:05.0";
  for (std::size_t i = 0; i < device.uuid.size(); ++i) {
    device.uuid[i] = static_cast<std::uint8_t>(0xa0 + i);
  }
  return device;
}

std::unique_ptr<cuda::remote::RemoteBackend> connectClient(const std::string& endpoint, int timeoutMilliseconds,
                                                           const std::string& profileKey) {
#if defined(__SANITIZE_THREAD__)
  constexpr int kWorkTimeoutMilliseconds = 30000;
#elif defined(__SANITIZE_ADDRESS__)
  constexpr int kWorkTimeoutMilliseconds = 10000;
#else
  constexpr int kWorkTimeoutMilliseconds = 5000;
#endif
  auto client = std::make_unique<cuda::remote::RemoteBackend>();
  cuda::remote::ConnectionSettings settings;
  settings.endpoint = endpoint;
  settings.timeoutMilliseconds = timeoutMilliseconds == 0 ? kWorkTimeoutMilliseconds : timeoutMilliseconds;
  std::string error;
  const CUresult status = client->connect(settings, {expectedDevice(profileKey)}, error);
  INFO(error);
  REQUIRE(status == CUDA_SUCCESS);
  return client;
}

} // namespace vgpu::test

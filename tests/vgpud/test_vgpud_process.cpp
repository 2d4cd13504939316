// vgpud as a process: starts, listens on the given socket, answers version requests, closes a
// connection that sends garbage while serving others, and stops cleanly on SIGTERM.
#include <catch2/catch.hpp>

#include "vgpu/unix_socket.h"
#include "vgpu/version.h"
#include "vgpu/wire_frame.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <string_view>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

using namespace std::chrono_literals;

struct Daemon {
  pid_t pid = -1;
  std::string socketPath;

  explicit Daemon(const std::string& path) : socketPath(path) {
    const std::string endpoint = "unix:" + path;
    const char* argv[] = {VGPUD_PATH, "--listen", endpoint.c_str(), "--log-level", "warn", nullptr};
    REQUIRE(posix_spawn(&pid, VGPUD_PATH, nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (std::filesystem::exists(path)) {
        return;
      }
      std::this_thread::sleep_for(10ms);
    }
    FAIL("vgpud did not create " << path << " within 2 s");
  }

  // Sends SIGTERM and returns the exit status (or -1 if it had to be killed).
  int stop() {
    kill(pid, SIGTERM);
    for (int attempt = 0; attempt < 300; ++attempt) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
    return -1;
  }

  ~Daemon() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

std::string temporarySocketPath() {
  char pattern[] = "/tmp/vgpud-test-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  return std::string(pattern) + "/vgpud.sock";
}

vgpu::wire::VersionReply requestVersion(int fd, std::uint64_t requestId) {
  const auto request = vgpu::wire::makeFrame(vgpu::wire::Call::Version, requestId, {});
  REQUIRE(vgpu::writeAll(fd, request));
  std::vector<std::uint8_t> header(vgpu::wire::kHeaderSize);
  REQUIRE(vgpu::readAll(fd, header));
  vgpu::wire::Header decoded;
  REQUIRE(vgpu::wire::decodeHeader(header, decoded) == vgpu::wire::DecodeStatus::Ok);
  CHECK(decoded.call == static_cast<std::uint16_t>(vgpu::wire::Call::Version));
  CHECK(decoded.requestId == requestId);
  std::vector<std::uint8_t> payload(decoded.payloadLength);
  REQUIRE(vgpu::readAll(fd, payload));
  vgpu::wire::VersionReply reply;
  REQUIRE(vgpu::wire::decodeVersionReply(payload, reply));
  return reply;
}

} // namespace

TEST_CASE("vgpud answers a version request and stops cleanly on SIGTERM") {
  const std::string path = temporarySocketPath();
  Daemon daemon(path);

  auto connection = vgpu::connectUnix(path);
  INFO(connection.message);
  REQUIRE(connection.fd.valid());
  const auto reply = requestVersion(connection.fd.get(), 7);
  CHECK(reply.protocolVersion == vgpu::wire::kProtocolVersion);
  CHECK(reply.daemonVersion == VGPU_VERSION_STRING);
  // Pipelined requests on one connection keep their request ids.
  CHECK(requestVersion(connection.fd.get(), 8).daemonVersion == VGPU_VERSION_STRING);

  CHECK(daemon.stop() == 0);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("vgpud drops a connection that sends garbage and keeps serving others") {
  const std::string path = temporarySocketPath();
  Daemon daemon(path);

  auto bad = vgpu::connectUnix(path);
  REQUIRE(bad.fd.valid());
  const std::vector<std::uint8_t> garbage(64, 0xab);
  REQUIRE(vgpu::writeAll(bad.fd.get(), garbage));
  std::uint8_t byte = 0;
  CHECK_FALSE(vgpu::readAll(bad.fd.get(), std::span(&byte, 1))); // closed by the daemon

  auto good = vgpu::connectUnix(path);
  REQUIRE(good.fd.valid());
  CHECK(requestVersion(good.fd.get(), 1).daemonVersion == VGPU_VERSION_STRING);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("vgpud refuses to start on an unusable socket path") {
  const char* argv[] = {VGPUD_PATH, "--listen", "unix:/nonexistent-dir/vgpud.sock", nullptr};
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, VGPUD_PATH, nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
}

namespace {
// What `vgpud --backend cuda --cuda-driver PATH` prints on stderr and its exit status.
std::pair<int, std::string> startCuda(const std::string& driver, bool allowDouble) {
  const std::string dir = std::filesystem::temp_directory_path() / ("vgpud-cuda-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string log = dir + "/stderr";
  const char* argv[] = {VGPUD_PATH,      "--listen", nullptr,       "--backend", "cuda",
                        "--cuda-driver", nullptr,    "--log-level", "warn",      nullptr};
  const std::string endpoint = "unix:" + dir + "/s";
  argv[2] = endpoint.c_str();
  argv[6] = driver.c_str();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::string_view(*entry).rfind("VGPUD_TEST_DRIVER_DOUBLE=", 0) != 0) {
      variables.emplace_back(*entry);
    }
  }
  if (allowDouble) {
    variables.emplace_back("VGPUD_TEST_DRIVER_DOUBLE=1");
    variables.emplace_back("VGPU_SYSFS_ROOT=" + dir); // an empty bus, whatever this machine has
    variables.emplace_back("VGPU_CONFIG=/nonexistent");
    variables.emplace_back("VGPU_BACKEND=sim"); // the double is the shim's simulated device, chosen explicitly
  }
  std::vector<char*> envp;
  for (std::string& variable : variables) {
    envp.push_back(variable.data());
  }
  envp.push_back(nullptr);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, VGPUD_PATH, &actions, nullptr, const_cast<char**>(argv), envp.data()) == 0);
  posix_spawn_file_actions_destroy(&actions);
  // A daemon that did start is stopped once its socket exists.
  for (int attempt = 0; attempt < 300 && !std::filesystem::exists(dir + "/s"); ++attempt) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      std::ifstream file(log);
      std::stringstream text;
      text << file.rdbuf();
      std::filesystem::remove_all(dir);
      return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
    }
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::remove_all(dir);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, "started"};
}

} // namespace

TEST_CASE("vgpud --backend cuda refuses a vgpu shim as the driver, and a driver that is not there") {
  const std::string shim = std::string(VGPU_SHIM_LIBRARY_DIR) + "/libcuda.so.1";
  const auto [shimStatus, shimError] = startCuda(shim, false);
  CHECK(shimStatus == 78); // EX_CONFIG: vgpud.service does not restart on it
  CHECK(shimError.find("is a vgpu shim, not NVIDIA's driver") != std::string::npos);

  const auto [missingStatus, missingError] = startCuda("/nonexistent/libcuda.so.1", false);
  CHECK(missingStatus == 78);
  CHECK(missingError.find("cannot load the CUDA driver '/nonexistent/libcuda.so.1'") != std::string::npos);

  // The test-only override lets the shim stand in for the driver (the cuda_double test variants);
  // on this machine's bus it finds no GPU, and vgpud says so at start instead of failing each guest.
  const auto [noGpuStatus, noGpuError] = startCuda(shim, true);
  CHECK(noGpuStatus == 78);
  CHECK(noGpuError.find("cuInit on '" + shim + "' failed: CUDA_ERROR_NO_DEVICE") != std::string::npos);
}

// The probe process (posix_spawn with two pipes) and the socket client used by the control-socket
// tests.
#include "telemetry_test_support.h"

#include "sysfs_fixture.h"
#include "test_paths.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ; // NOLINT(readability-redundant-declaration): unistd.h declares it only with _GNU_SOURCE

namespace vgpu::test {

std::map<std::string, std::string> probeEnvironment(const std::filesystem::path& runtimeDir) {
  static const std::filesystem::path sysfs = buildSysfsTree("one-stub");
  return {{"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
          {"VGPU_BACKEND", "sim"}, // explicit: the shims never fall back to the simulated device
          {"VGPU_SYSFS_ROOT", sysfs.string()},
          {"VGPU_MACHINE_ID_FILE", (dataDir() / "sysfs" / "machine-id").string()},
          {"VGPU_PROFILE", ""},
          {"VGPU_TELEMETRY", ""},
          {"VGPU_RUNTIME_DIR", runtimeDir.string()}};
}
namespace {

// Reads until a newline is buffered; returns the line or "" on timeout/EOF.
std::optional<std::string> lineFrom(int fd, std::string& buffered, std::chrono::milliseconds timeout, bool& eof) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (const std::size_t end = buffered.find('\n'); end != std::string::npos) {
      std::string line = buffered.substr(0, end);
      buffered.erase(0, end + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      return std::nullopt;
    }
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left)) <= 0) {
      continue;
    }
    char chunk[65536];
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got <= 0) {
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      }
      eof = true;
      return std::nullopt;
    }
    buffered.append(chunk, static_cast<std::size_t>(got));
  }
}

} // namespace

ProbeProcess::ProbeProcess(const std::map<std::string, std::string>& overrides) {
  int input[2];
  int output[2];
  if (::pipe2(input, O_CLOEXEC) != 0 || ::pipe2(output, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    if (overrides.count(text.substr(0, text.find('='))) == 0) {
      environment.push_back(text);
    }
  }
  for (const auto& [name, value] : overrides) {
    if (!value.empty()) {
      environment.push_back(name);
      environment.back().append("=").append(value);
    }
  }
  std::vector<char*> envp;
  envp.reserve(environment.size() + 1);
  for (std::string& entry : environment) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input[0], 0);
  posix_spawn_file_actions_adddup2(&actions, output[1], 1);
  std::string program = VGPU_TELEMETRY_PROBE;
  char* argv[] = {program.data(), nullptr};
  const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(input[0]);
  ::close(output[1]);
  toChild_ = input[1];
  fromChild_ = output[0];
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error(std::string("cannot start the probe: error ") + std::to_string(rc));
  }
}

ProbeProcess::~ProbeProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::close(toChild_);
  ::close(fromChild_);
}

std::string ProbeProcess::readLine(std::chrono::milliseconds timeout) {
  bool eof = false;
  return lineFrom(fromChild_, buffered_, timeout, eof).value_or("");
}

std::string ProbeProcess::command(const std::string& line, std::chrono::milliseconds timeout) {
  const std::string text = line + "\n";
  if (::write(toChild_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return "";
  }
  return readLine(timeout);
}

int ProbeProcess::exit() {
  const std::string text = "exit\n";
  [[maybe_unused]] const ssize_t written = ::write(toChild_, text.data(), text.size());
  for (int i = 0; i < 1000; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    ::usleep(10000);
  }
  return -1;
}

SocketClient::SocketClient(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    return;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

SocketClient::~SocketClient() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool SocketClient::send(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t sent = ::send(fd_, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (sent <= 0) {
      return false;
    }
    done += static_cast<std::size_t>(sent);
  }
  return true;
}

std::optional<std::string> SocketClient::readLine(std::chrono::milliseconds timeout) {
  return lineFrom(fd_, buffered_, timeout, closed_);
}

std::optional<double> jsonNumber(const std::string& line, const std::string& key) {
  const std::string marker = "\"" + key + "\":";
  const std::size_t at = line.find(marker);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  const char* start = line.c_str() + at + marker.size();
  char* end = nullptr;
  const double value = std::strtod(start, &end);
  if (end == start) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> jsonString(const std::string& line, const std::string& key) {
  const std::string marker = "\"" + key + "\":\"";
  const std::size_t at = line.find(marker);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  const std::size_t start = at + marker.size();
  const std::size_t end = line.find('"', start);
  return line.substr(start, end - start);
}

} // namespace vgpu::test

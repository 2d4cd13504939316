// Client side of the control socket for shim code (see peer_reader.h): a non-blocking connect, two
// requests, two reply lines read under a deadline, decoded with the strict JsonValue parser.
#include "vgpu/telemetry/peer_reader.h"

#include "vgpu/telemetry/json_value.h"

#include "system_error.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace vgpu::telemetry {
namespace {

constexpr std::size_t kMaxReplyBytes = 1U << 20; // a sample with every API listed stays far below

// "<pid>.sock" → pid; 0 for anything else.
pid_t pidOfSocketName(const char* name) {
  const std::string_view text(name);
  constexpr std::string_view kSuffix = ".sock";
  if (text.size() <= kSuffix.size() || text.substr(text.size() - kSuffix.size()) != kSuffix) {
    return 0;
  }
  const std::string_view digits = text.substr(0, text.size() - kSuffix.size());
  if (digits.size() > 9) {
    return 0;
  }
  pid_t pid = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      return 0;
    }
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

class PeerConnection {
public:
  ~PeerConnection() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }

  // Connects without waiting: a listener whose backlog is full is skipped, not waited on.
  bool open(const std::string& path, std::string& problem) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) {
      problem = path + ": path too long for a Unix socket";
      return false;
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      problem = path + ": socket: " + systemError(errno);
      return false;
    }
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
      const int error = errno;
      connectError_ = error;
      problem = path + (error == ECONNREFUSED ? ": stale (nobody accepts on it)" : ": " + systemError(error));
      return false;
    }
    return true;
  }

  bool send(std::string_view text, std::string& problem) {
    // Two short requests fit in any socket buffer; a partial write means the peer is unusable.
    const ssize_t written = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
    if (written != static_cast<ssize_t>(text.size())) {
      problem = "cannot send the request: " + systemError(errno);
      return false;
    }
    return true;
  }

  // Reads until `count` complete lines arrived or the deadline passed.
  bool readLines(std::size_t count, std::chrono::steady_clock::time_point deadline, std::vector<std::string>& lines,
                 std::string& problem) {
    std::string buffer;
    while (lines.size() < count) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) {
        problem = "no reply within the timeout";
        return false;
      }
      pollfd entry{fd_, POLLIN, 0};
      const int ready = ::poll(&entry, 1, static_cast<int>(left));
      if (ready < 0 && errno == EINTR) {
        continue;
      }
      if (ready <= 0) {
        continue; // the deadline check above ends the loop
      }
      char chunk[4096];
      const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
        problem = got == 0 ? "connection closed before the reply" : "read failed: " + systemError(errno);
        return false;
      }
      if (got < 0) {
        continue;
      }
      buffer.append(chunk, static_cast<std::size_t>(got));
      if (buffer.size() > kMaxReplyBytes) {
        problem = "reply larger than 1 MiB";
        return false;
      }
      std::size_t newline = 0;
      while (lines.size() < count && (newline = buffer.find('\n')) != std::string::npos) {
        lines.push_back(buffer.substr(0, newline));
        buffer.erase(0, newline + 1);
      }
    }
    return true;
  }

  // errno of a failed connect (EACCES: the socket file's mode keeps this user out).
  int connectError() const { return connectError_; }

private:
  int fd_ = -1;
  int connectError_ = 0;
};

// A reply line that is an error object: its code, for the problem text ("refused" …).
std::string errorCodeOf(const JsonValue& reply) {
  if (reply.stringAt("type") != std::optional<std::string_view>("error")) {
    return {};
  }
  return std::string(reply.stringAt("error").value_or("error"));
}

} // namespace

bool decodePeer(const std::string& helloLine, const std::string& sampleLine, PeerProcess& out, std::string& problem) {
  const JsonParseResult hello = parseJson(helloLine);
  if (!hello.value) {
    problem = "hello is not JSON: " + hello.error;
    return false;
  }
  if (const std::string code = errorCodeOf(*hello.value); !code.empty()) {
    problem = "the process answered " + code;
    return false;
  }
  if (hello.value->stringAt("type") != std::optional<std::string_view>("hello")) {
    problem = "first reply is not a hello";
    return false;
  }
  const auto pid = hello.value->intAt("pid");
  const auto uid = hello.value->unsignedAt("uid");
  const JsonValue* devices = hello.value->member("devices");
  if (!pid || *pid <= 0 || *pid > 0x7fffffff || !uid || devices == nullptr ||
      devices->kind() != JsonValue::Kind::Array) {
    problem = "hello lacks pid, uid or devices";
    return false;
  }
  PeerProcess process;
  process.pid = static_cast<pid_t>(*pid);
  process.uid = static_cast<uid_t>(*uid);
  process.executable = std::string(hello.value->stringAt("executable").value_or(""));
  process.backend = std::string(hello.value->stringAt("backend").value_or(""));
  for (const JsonValue& device : devices->elements()) {
    const auto uuid = device.stringAt("uuid");
    if (!uuid) {
      problem = "a hello device has no uuid";
      return false;
    }
    process.devices.push_back(PeerDevice{std::string(*uuid), 0});
  }

  const JsonParseResult sample = parseJson(sampleLine);
  if (!sample.value) {
    problem = "sample is not JSON: " + sample.error;
    return false;
  }
  if (const std::string code = errorCodeOf(*sample.value); !code.empty()) {
    problem = "the process answered " + code;
    return false;
  }
  const JsonValue* memory = sample.value->member("devices");
  if (sample.value->stringAt("type") != std::optional<std::string_view>("sample") || memory == nullptr ||
      memory->kind() != JsonValue::Kind::Array) {
    problem = "second reply is not a sample with devices";
    return false;
  }
  for (const JsonValue& device : memory->elements()) {
    const auto index = device.unsignedAt("index");
    const auto used = device.unsignedAt("vram_used_bytes");
    if (!index || !used || *index >= process.devices.size()) {
      problem = "a sample device has no valid index or vram_used_bytes";
      return false;
    }
    process.devices[*index].usedBytes = *used;
  }
  if (const JsonValue* activity = sample.value->member("activity"); activity != nullptr) {
    const auto kernel = activity->unsignedAt("kernel_percent");
    const auto copies = activity->unsignedAt("memory_percent");
    if (!kernel || !copies || *kernel > 100 || *copies > 100) {
      problem = "sample activity needs kernel_percent and memory_percent from 0 to 100";
      return false;
    }
    process.kernelActivityPercent = static_cast<unsigned>(*kernel);
    process.memoryActivityPercent = static_cast<unsigned>(*copies);
  }
  out = std::move(process);
  return true;
}

namespace {

void scanDirectory(const std::string& directory, pid_t excludePid, int timeoutMsPerPeer, PeerScan& scan) {
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) {
    const int error = errno;
    scan.problems.push_back(directory + ": " + systemError(error));
    if (error == EACCES) {
      scan.forbidden.push_back(scan.problems.back());
    }
    return;
  }
  std::vector<std::pair<pid_t, std::string>> sockets;
  while (const dirent* entry = ::readdir(dir)) { // NOLINT(concurrency-mt-unsafe): own DIR stream
    const pid_t pid = pidOfSocketName(entry->d_name);
    if (pid > 0 && pid != excludePid) {
      sockets.emplace_back(pid, directory + "/" + entry->d_name);
    }
  }
  ::closedir(dir);
  std::sort(sockets.begin(), sockets.end());

  for (const auto& [pid, path] : sockets) {
    const auto seen = std::find_if(scan.processes.begin(), scan.processes.end(),
                                   [pid = pid](const PeerProcess& process) { return process.pid == pid; });
    if (seen != scan.processes.end()) {
      continue; // the same process found through a second directory
    }
    std::string problem;
    PeerConnection connection;
    std::vector<std::string> lines;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMsPerPeer);
    if (!connection.open(path, problem)) {
      scan.problems.push_back(problem);
      if (connection.connectError() == EACCES) {
        scan.forbidden.push_back(problem);
      }
      continue;
    }
    // A refused peer gets one error line and is closed — possibly before our requests arrive, so a
    // failed send (EPIPE) still reads what the peer said.
    const bool sent = connection.send("{\"cmd\":\"hello\"}\n{\"cmd\":\"snapshot\"}\n", problem);
    if (!sent) {
      std::string ignored;
      connection.readLines(1, deadline, lines, ignored);
    }
    if (!sent || !connection.readLines(2, deadline, lines, problem)) {
      if (lines.size() == 1) {
        PeerProcess ignored;
        decodePeer(lines[0], "", ignored, problem);
      }
      scan.problems.push_back(path + ": " += problem);
      if (problem == "the process answered refused") {
        scan.forbidden.push_back(scan.problems.back());
      }
      continue;
    }
    PeerProcess process;
    if (!decodePeer(lines[0], lines[1], process, problem)) {
      scan.problems.push_back(path + ": " += problem);
      continue;
    }
    if (process.pid != pid) {
      scan.problems.push_back(path + ": answered for pid " + std::to_string(process.pid));
      continue;
    }
    scan.processes.push_back(std::move(process));
  }
}

} // namespace

PeerScan scanPeers(const std::vector<std::string>& directories, pid_t excludePid, int timeoutMsPerPeer) {
  PeerScan scan;
  scan.directories = directories;
  for (const std::string& directory : directories) {
    scanDirectory(directory, excludePid, timeoutMsPerPeer, scan);
  }
  return scan;
}

PeerScan scanPeers(const std::string& directory, pid_t excludePid, int timeoutMsPerPeer) {
  return scanPeers(std::vector<std::string>{directory}, excludePid, timeoutMsPerPeer);
}

} // namespace vgpu::telemetry

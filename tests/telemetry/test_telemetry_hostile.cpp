// The control socket against local attackers (docs/security.md): the socket file cannot be used to
// change another file's owner or mode (the shim used to chown and chmod the path after bind, and a
// user of a shared runtime directory swapped in a symlink), and one peer's flood of requests is
// rate-limited instead of holding the telemetry thread busy.
#include <catch2/catch.hpp>

#include "telemetry_test_support.h"
#include "test_paths.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using vgpu::test::probeEnvironment;
using vgpu::test::ProbeProcess;
using vgpu::test::SocketClient;

namespace {

// `limit` is generous: a probe in the idle scheduling class on a loaded machine (the CI's other
// tests, a sanitizer build) may wait long for the CPU.
pid_t waitReady(ProbeProcess& probe, std::chrono::milliseconds limit = 30s) {
  const std::string line = probe.readLine(limit);
  INFO("probe said: " << line);
  REQUIRE(line.rfind("ready ", 0) == 0);
  int pid = 0;
  int threads = 0;
  REQUIRE(std::sscanf(line.c_str(), "ready %d %d", &pid, &threads) == 2);
  return pid;
}

// Replaces every "<pid>.sock" that appears in `directory` with a symlink to `target`, as fast as
// inotify tells it, until stopped. Where it may (root), its thread runs in the real-time class, so
// it preempts the process under attack the moment it wakes without that process being starved.
class SymlinkSwapper {
public:
  SymlinkSwapper(fs::path directory, fs::path target) : directory_(std::move(directory)), target_(std::move(target)) {
    fd_ = ::inotify_init1(IN_CLOEXEC);
    REQUIRE(fd_ >= 0);
    REQUIRE(::inotify_add_watch(fd_, directory_.c_str(), IN_CREATE | IN_MOVED_TO) >= 0);
    thread_ = std::thread([this] { run(); });
    const sched_param realtime{1};
    realtime_ = ::pthread_setschedparam(thread_.native_handle(), SCHED_FIFO, &realtime) == 0;
  }
  bool realtime() const { return realtime_; }
  ~SymlinkSwapper() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  int swaps() const { return swaps_; }

private:
  void run() {
    alignas(inotify_event) char buffer[4096];
    while (!stop_) {
      // Sleeps until an event: the process under attack, on the same CPU at the idle scheduling
      // class, is preempted the moment this thread wakes (see the test).
      pollfd entry{fd_, POLLIN, 0};
      if (::poll(&entry, 1, 50) <= 0) {
        continue;
      }
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n <= 0) {
        continue;
      }
      for (ssize_t offset = 0; offset < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
        const std::string name = event->len > 0 ? event->name : "";
        struct stat info {};
        const bool socket = ::lstat((directory_ / name).c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
        if (socket && name.size() > 5 && name.compare(name.size() - 5, 5, ".sock") == 0) { // not our own links
          const fs::path link = directory_ / (".swap-" + name);
          ::symlink(target_.c_str(), link.c_str());
          if (::rename(link.c_str(), (directory_ / name).c_str()) == 0) {
            ++swaps_;
          }
        }
        offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
  }

  fs::path directory_;
  fs::path target_;
  int fd_ = -1;
  bool realtime_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<int> swaps_{0};
  std::thread thread_;
};

} // namespace

TEST_CASE("a symlink swapped in for the control socket never has its target's owner or mode changed") {
  const fs::path dir = vgpu::test::scratchDir("telemetry-symlink-race");
  const fs::path runtime = dir / "runtime";
  fs::create_directories(runtime);
  // A shared runtime directory without the sticky bit: any user may rename names in it.
  REQUIRE(::chmod(runtime.c_str(), 0777) == 0);
  const fs::path secret = dir / "secret";
  { std::ofstream(secret) << "private\n"; }
  REQUIRE(::chmod(secret.c_str(), 0600) == 0);
  struct stat before {};
  REQUIRE(::stat(secret.c_str(), &before) == 0);

  // The attacker wins every race it can win: the CUDA process and the attacking thread share one
  // CPU, and the attacker runs in the real-time class (root) or else the process in the idle class,
  // so the process is preempted at once when the attacker wakes on the socket's name appearing.
  // Before the fix the shim then chowned and chmodded the attacker's symlink, i.e. the secret; now
  // nothing follows the name after it appears.
  cpu_set_t previous;
  REQUIRE(::sched_getaffinity(0, sizeof previous, &previous) == 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  REQUIRE(::sched_setaffinity(0, sizeof one, &one) == 0);
  int swaps = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    SymlinkSwapper swapper(runtime, secret);
    {
      ProbeProcess probe(probeEnvironment(runtime));
      if (!swapper.realtime()) {
        const sched_param idle{};
        ::sched_setscheduler(probe.pid(), SCHED_IDLE, &idle);
      }
      waitReady(probe, 120s);
      probe.exit();
    }
    swaps += swapper.swaps();
    struct stat after {};
    REQUIRE(::stat(secret.c_str(), &after) == 0);
    INFO("attempt " << attempt << ", swaps so far " << swaps);
    CHECK((after.st_mode & 07777) == 0600);
    CHECK(after.st_gid == before.st_gid);
    for (const auto& entry : fs::directory_iterator(runtime)) {
      fs::remove(entry.path());
    }
  }
  ::sched_setaffinity(0, sizeof previous, &previous);
  CHECK(swaps > 0); // the attacker did act every time a socket appeared
}

TEST_CASE("without an attacker the socket appears 0660 under its final name and no scratch directory is left") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-socket-mode");
  REQUIRE(::chmod(runtime.c_str(), 01777) == 0);
  ProbeProcess probe(probeEnvironment(runtime));
  const pid_t pid = waitReady(probe);
  const fs::path socket = runtime / (std::to_string(pid) + ".sock");
  REQUIRE(fs::is_socket(fs::symlink_status(socket)));
  struct stat info {};
  REQUIRE(::lstat(socket.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0660);
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(runtime)) {
    ++entries;
  }
  CHECK(entries == 1);
  SocketClient client(socket.string());
  REQUIRE(client.connected());
  REQUIRE(client.send("{\"cmd\":\"hello\"}\n"));
  CHECK(client.readLine(5s).has_value());
}

TEST_CASE("a peer flooding the control socket is served at a bounded rate") {
  const fs::path runtime = vgpu::test::scratchDir("telemetry-flood");
  ProbeProcess probe(probeEnvironment(runtime));
  const pid_t pid = waitReady(probe);
  SocketClient client((runtime / (std::to_string(pid) + ".sock")).string());
  REQUIRE(client.connected());
  // 2,000 snapshot requests in one go; the answers in the first second are counted.
  std::string flood;
  for (int i = 0; i < 2000; ++i) {
    flood += "{\"cmd\":\"snapshot\"}\n";
  }
  REQUIRE(client.send(flood));
  // The burst (200) is answered at once, the rest at the refill rate (100 a second), so the 320th
  // answer cannot come before 1.2 s; before the limit all 2,000 came within milliseconds. A loaded
  // machine only makes answers later, so the lower bound holds anywhere; the 20 s limit only
  // checks that the peer is served at all.
  const auto started = std::chrono::steady_clock::now();
  int answered = 0;
  while (answered < 320 && std::chrono::steady_clock::now() - started < 20s) {
    if (client.readLine(100ms).has_value()) {
      ++answered;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO("320 answers took " << seconds << " s");
  REQUIRE(answered == 320);
  CHECK(seconds >= 1.0);
  // The program itself is not held up.
  CHECK(probe.command("alloc") == "ok");
}

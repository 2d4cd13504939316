// The console closes on SIGTERM (as on its window) and takes its demo with it: no process of the
// demo survives — vgpud, the workload, the demo's Ollama machine and that machine's dbus-daemon and
// fake-systemd1 — and its folder is gone. Killed with SIGKILL it cannot clean up, so its children
// die with it (PR_SET_PDEATHSIG) and the next console start reclaims the folder it left.
#include <catch2/catch.hpp>

#include "test_paths.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

// The pids whose parent is `parent` (from /proc/<pid>/stat).
std::vector<pid_t> childrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) {
      continue;
    }
    std::istringstream fields(line.substr(close + 2));
    char state = 0;
    long ppid = 0;
    fields >> state >> ppid;
    if (ppid == parent) {
      children.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return children;
}

// Children, their children and so on: the demo machine's bus and fake-systemd1 are grandchildren.
std::vector<pid_t> descendantsOf(pid_t parent) {
  std::vector<pid_t> all = childrenOf(parent);
  for (std::size_t next = 0; next < all.size(); ++next) {
    const std::vector<pid_t> more = childrenOf(all[next]);
    all.insert(all.end(), more.begin(), more.end());
  }
  return all;
}

struct Console {
  pid_t pid = -1;
  std::filesystem::path output;
};

// A temporary directory of this test's own (short: the demo's sockets live in it), removed with the
// object. The consoles here get it as TMPDIR, where the demo makes its folder: every console start
// reclaims the folders of dead consoles in its temporary directory, and in /tmp another test's
// console, started in parallel, reclaimed the folder this test's killed console left.
struct TemporaryDirectory {
  TemporaryDirectory() {
    char pattern[] = "/tmp/vgpu-signals-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TemporaryDirectory() { std::filesystem::remove_all(path); }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  std::filesystem::path path;
};

// vgpu-console --demo, offscreen, its output in a file, `temporary` as its TMPDIR.
Console startConsole(const std::filesystem::path& directory, const std::vector<std::string>& extra,
                     const std::filesystem::path& temporary) {
  Console console;
  console.output = directory / "console.out";
  const std::filesystem::path runtime = directory / "run";
  std::filesystem::create_directories(runtime);
  console.pid = ::fork();
  if (console.pid == 0) {
    const int fd = ::open(console.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
    ::setenv("TMPDIR", temporary.c_str(), 1);
    ::unsetenv("VGPU_BACKEND");
    std::vector<std::string> arguments = {VGPU_CONSOLE_PATH, "--runtime-dir", runtime.string()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& argument : arguments) {
      argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    ::execv(VGPU_CONSOLE_PATH, argv.data());
    ::_exit(127);
  }
  return console;
}

std::string contents(const std::filesystem::path& file) {
  std::string text;
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  char buffer[4096];
  for (ssize_t n = 0; fd >= 0 && (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (fd >= 0) {
    ::close(fd);
  }
  return text;
}

// Waits for the demo's start lines (the workload's, then its Ollama machine's, printed once every
// process of the demo runs); returns the demo folder ("" on timeout). The two lines need not be
// adjacent: vgpud logs to the same output, between them or not.
std::string demoFolder(const Console& console) {
  const std::regex workload("demo workload \\(pid [0-9]+\\).*; folder ([^\\n]+)\n");
  for (int i = 0; i < 1200; ++i) {
    std::smatch match;
    const std::string text = contents(console.output);
    if (std::regex_search(text, match, workload) && text.find("demo Ollama machine in ") != std::string::npos) {
      return match[1].str();
    }
    std::this_thread::sleep_for(50ms);
  }
  return {};
}

bool allGoneWithin(const std::vector<pid_t>& pids, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    bool any = false;
    for (pid_t pid : pids) {
      any = any || alive(pid);
    }
    if (!any) {
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

} // namespace

TEST_CASE("SIGTERM closes the console like its window: the demo's processes stop and its folder goes") {
  const auto directory = vgpu::test::scratchDir("console-sigterm");
  const TemporaryDirectory temporary;
  const Console console = startConsole(directory, {"--demo"}, temporary.path);
  const std::string folder = demoFolder(console);
  INFO(contents(console.output));
  REQUIRE_FALSE(folder.empty());
  CHECK(std::filesystem::exists(folder));
  // vgpud, the workload, the machine, its dbus-daemon and fake-systemd1
  const std::vector<pid_t> children = descendantsOf(console.pid);
  CHECK(children.size() >= 5);
  REQUIRE(::kill(console.pid, SIGTERM) == 0);
  int status = 0;
  REQUIRE(::waitpid(console.pid, &status, 0) == console.pid);
  INFO(contents(console.output));
  CHECK(WIFEXITED(status));
  CHECK(contents(console.output).find("signal 15: closing") != std::string::npos);
  CHECK(allGoneWithin(children, 10s)); // a sanitizer build's exit (leak check) is slow under load
  CHECK_FALSE(std::filesystem::exists(folder));
}

TEST_CASE("a killed console's demo dies with it, and the next console reclaims its folder") {
  const auto directory = vgpu::test::scratchDir("console-sigkill");
  const TemporaryDirectory temporary;
  const Console console = startConsole(directory, {"--demo"}, temporary.path);
  const std::string folder = demoFolder(console);
  INFO(contents(console.output));
  REQUIRE_FALSE(folder.empty());
  const std::vector<pid_t> children = descendantsOf(console.pid);
  CHECK(children.size() >= 5);
  REQUIRE(::kill(console.pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(console.pid, &status, 0) == console.pid);
  CHECK(allGoneWithin(children, 10s));    // PR_SET_PDEATHSIG: SIGTERM from the kernel
  CHECK(std::filesystem::exists(folder)); // nobody could remove it

  const Console next = startConsole(directory / "next", {"--version"}, temporary.path);
  REQUIRE(::waitpid(next.pid, &status, 0) == next.pid);
  INFO(contents(next.output));
  CHECK_FALSE(std::filesystem::exists(folder));
  CHECK(contents(next.output).find("removed 1 demo folder") != std::string::npos);
}

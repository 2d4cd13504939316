// posix_spawn with a pipe for output and a bounded wait. In a sanitizer build (cmake/
// VgpuSanitizers.cmake, docs/sanitizers.md) a program that is not instrumented itself (nvcc-built
// programs, nvidia-smi, nvtop under script(1)) gets the sanitizer runtime first in its LD_PRELOAD:
// it loads the instrumented shim, which needs its runtime loaded first.
#include "run_program.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vgpu::test {

namespace {

// Whether the program is instrumented: its dynamic section names the sanitizer runtime's soname
// (libasan.so.8 for /usr/lib/x86_64-linux-gnu/libasan.so.8.0.0).
bool linksRuntime(const std::string& program, const std::string& runtimePath) {
  std::string soname = std::filesystem::path(runtimePath).filename().string();
  if (const auto so = soname.find(".so."); so != std::string::npos) {
    soname = soname.substr(0, soname.find('.', so + 4));
  }
  std::error_code error;
  const auto size = std::filesystem::file_size(program, error);
  std::ifstream file(program, std::ios::binary);
  if (error || !file) {
    return false;
  }
  std::string contents(size, '\0');
  file.read(contents.data(), static_cast<std::streamsize>(size));
  return contents.find(soname + '\0') != std::string::npos;
}

} // namespace

ProgramResult runProgram(const std::string& path, const std::vector<std::string>& arguments,
                         const std::map<std::string, std::string>& overrides, int timeoutSeconds) {
  ProgramResult result;
  std::map<std::string, std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const auto equals = text.find('=');
    if (equals != std::string::npos) {
      environment[text.substr(0, equals)] = text.substr(equals + 1);
    }
  }
  for (const auto& [name, value] : overrides) {
    if (value.empty()) {
      environment.erase(name);
    } else {
      environment[name] = value;
    }
  }
  if (const auto runtime = environment.find("VGPU_SANITIZER_PRELOAD");
      runtime != environment.end() && !linksRuntime(path, runtime->second)) {
    std::string& preload = environment["LD_PRELOAD"];
    preload = preload.empty() ? runtime->second : runtime->second + ":" + preload;
    // LeakSanitizer's tracer crashes in NVIDIA's stripped binaries, and a foreign program's own
    // leaks are not ours to fix; the shim's leaks are checked in the instrumented test programs
    // that load it (test_driver_api_bad_input, telemetry_probe, nvml_probe, cudart11_checks).
    std::string& options = environment["ASAN_OPTIONS"];
    options += options.empty() ? "detect_leaks=0" : ":detect_leaks=0";
  }
  std::vector<std::string> envStrings;
  for (const auto& [name, value] : environment) {
    envStrings.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (std::string& entry : envStrings) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> argStrings{path};
  argStrings.insert(argStrings.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : argStrings) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);

  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipeFds[1]);
  if (spawned != 0) {
    ::close(pipeFds[0]);
    result.output = "cannot start " + path + ": " + std::strerror(spawned);
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
  char buffer[65536];
  while (true) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (remaining <= 0) {
      result.timedOut = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fd{pipeFds[0], POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(remaining)) <= 0) {
      continue;
    }
    const ssize_t n = ::read(pipeFds[0], buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipeFds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string outputValue(const std::string& output, const std::string& key) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key + " ", 0) == 0) {
      return line.substr(key.size() + 1);
    }
  }
  return {};
}

} // namespace vgpu::test

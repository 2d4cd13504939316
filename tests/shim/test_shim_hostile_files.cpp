// cuInit in a process whose configuration names a FIFO or /dev/zero (VGPU_CONFIG,
// VGPU_MACHINE_ID_FILE, VGPU_TOKEN_FILE): before the fix cuInit blocked forever on the FIFO and
// read /dev/zero without end. Each case runs the real shim in a child process that must answer
// within seconds and stay small.
#include <catch2/catch.hpp>

#include "sysfs_fixture.h"
#include "test_paths.h"

#include <chrono>
#include <csignal>
#include <cuda.h>
#include <dlfcn.h>
#include <filesystem>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

struct Outcome {
  bool finished = false;
  int result = -1; // cuInit's CUresult (the child's exit status)
  long peakResidentKiB = 0;
};

// Runs cuInit of the build's shim in a child with `variables` set; kills it after 10 s.
Outcome cuInitWith(const std::vector<std::pair<std::string, std::string>>& variables) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::setenv("VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree("one-stub").c_str(), 1);
    ::setenv("VGPU_LOG", "off", 1);
    ::setenv("VGPU_TELEMETRY", "off", 1);
    ::setenv("VGPU_CONFIG", "/nonexistent/vgpu-shim.conf", 1);
    ::setenv("VGPU_BACKEND", "sim", 1); // the cases that test the remote backend set it
    for (const auto& [name, value] : variables) {
      ::setenv(name.c_str(), value.c_str(), 1);
    }
    void* shim = ::dlopen(VGPU_SHIM_LIBRARY_DIR "/libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (shim == nullptr) {
      ::_exit(250);
    }
    auto init = reinterpret_cast<CUresult (*)(unsigned)>(::dlsym(shim, "cuInit"));
    ::_exit(static_cast<int>(init(0)) & 0xff);
  }
  Outcome outcome;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  rusage usage{};
  while (std::chrono::steady_clock::now() < deadline) {
    if (::wait4(child, &status, WNOHANG, &usage) == child) {
      outcome.finished = true;
      outcome.result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      outcome.peakResidentKiB = usage.ru_maxrss;
      return outcome;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(child, SIGKILL);
  ::wait4(child, &status, 0, &usage);
  outcome.peakResidentKiB = usage.ru_maxrss;
  return outcome;
}

} // namespace

TEST_CASE("cuInit answers promptly and stays small when configuration names a FIFO or /dev/zero") {
  const std::filesystem::path dir = vgpu::test::scratchDir("shim-hostile-files");
  const std::string fifo = (dir / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  struct Case {
    const char* what;
    std::vector<std::pair<std::string, std::string>> variables;
    int expected;
  };
  const std::vector<Case> cases = {
      {"VGPU_CONFIG is a FIFO", {{"VGPU_CONFIG", fifo}}, CUDA_SUCCESS},
      {"VGPU_MACHINE_ID_FILE is a FIFO", {{"VGPU_MACHINE_ID_FILE", fifo}}, CUDA_SUCCESS},
      {"VGPU_TOKEN_FILE is a FIFO",
       {{"VGPU_BACKEND", "remote"}, {"VGPU_ENDPOINT", "tcp:127.0.0.1:1"}, {"VGPU_TOKEN_FILE", fifo}},
       CUDA_ERROR_NO_DEVICE},
      {"VGPU_TOKEN_FILE is /dev/zero",
       {{"VGPU_BACKEND", "remote"}, {"VGPU_ENDPOINT", "tcp:127.0.0.1:1"}, {"VGPU_TOKEN_FILE", "/dev/zero"}},
       CUDA_ERROR_NO_DEVICE},
  };
  for (const Case& entry : cases) {
    INFO(entry.what);
    const Outcome outcome = cuInitWith(entry.variables);
    INFO("peak resident " << outcome.peakResidentKiB << " KiB");
    CHECK(outcome.finished);
    CHECK(outcome.result == entry.expected);
    CHECK(outcome.peakResidentKiB < 200 * 1024);
  }
}

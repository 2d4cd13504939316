// No silent simulation: a process that finds the stub but was not told
// `backend = sim` never gets the simulated device. With only an endpoint configured (variable or
// shim.conf), or nothing at all, and no vgpud there, cuInit answers CUDA_ERROR_NO_DEVICE, no device
// is counted, and the shim logs exactly one line naming the endpoint and the reason, at error
// level like every failure to reach vgpud (and nothing at all unless VGPU_LOG asks). Each case
// runs in a forked child: the shim initialises once per process.
#include <catch2/catch.hpp>

#include "sysfs_fixture.h"
#include "test_paths.h"

#include <cuda.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

struct Outcome {
  bool finished = false;
  int init = -1;  // cuInit's CUresult
  int count = -1; // cuDeviceGetCount's CUresult
  int devices = -1;
  std::string log;    // what VGPU_LOG's file received
  std::string errors; // what the child wrote to stderr
};

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// cuInit and cuDeviceGetCount of the build's shim on the one-stub bus, in a child whose VGPU_*
// variables are exactly `variables` (plus the fixture's bus and machine id).
Outcome runShim(const std::string& name, const std::vector<std::pair<std::string, std::string>>& variables) {
  const std::filesystem::path dir = vgpu::test::scratchDir("no-silent-sim-" + name);
  const std::string logFile = (dir / "shim.log").string();
  const std::string errFile = (dir / "stderr.txt").string();
  const std::string resultFile = (dir / "result.txt").string();
  const std::string tree = vgpu::test::buildSysfsTree("one-stub").string();
  const pid_t child = ::fork();
  if (child == 0) {
    for (const char* variable : {"VGPU_BACKEND", "VGPU_ENDPOINT", "VGPU_CONFIG", "VGPU_LOG", "VGPU_PROFILE",
                                 "VGPU_MATCH", "VGPU_TOKEN_FILE"}) {
      ::unsetenv(variable);
    }
    ::setenv("VGPU_SYSFS_ROOT", tree.c_str(), 1);
    ::setenv("VGPU_MACHINE_ID_FILE", (vgpu::test::dataDir() / "sysfs" / "machine-id").c_str(), 1);
    ::setenv("VGPU_TELEMETRY", "off", 1);
    for (const auto& [variable, value] : variables) {
      ::setenv(variable.c_str(), value == "<log file>" ? ("error:" + logFile).c_str() : value.c_str(), 1);
    }
    const int err = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(err, 2);
    void* shim = ::dlopen(VGPU_SHIM_LIBRARY_DIR "/libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (shim == nullptr) {
      ::_exit(3);
    }
    auto init = reinterpret_cast<CUresult (*)(unsigned)>(::dlsym(shim, "cuInit"));
    auto count = reinterpret_cast<CUresult (*)(int*)>(::dlsym(shim, "cuDeviceGetCount"));
    const CUresult initResult = init(0);
    int devices = -1;
    const CUresult countResult = count(&devices);
    std::ofstream(resultFile) << initResult << ' ' << countResult << ' ' << devices << '\n';
    ::_exit(0);
  }
  Outcome outcome;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(child, &status, WNOHANG) == child) {
      outcome.finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!outcome.finished && ::waitpid(child, &status, WNOHANG) == 0) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  std::istringstream(readText(resultFile)) >> outcome.init >> outcome.count >> outcome.devices;
  outcome.log = readText(logFile);
  outcome.errors = readText(errFile);
  return outcome;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    result.push_back(line);
  }
  return result;
}

// The one line: "vgpu[<pid>] error: cuInit: no device: cannot reach vgpud at <endpoint>: <reason>;
// no backend is configured, ..."
void checkOneLine(const Outcome& outcome, const std::string& endpoint) {
  INFO("log:\n" << outcome.log << "stderr:\n" << outcome.errors);
  REQUIRE(outcome.finished);
  CHECK(outcome.init == CUDA_ERROR_NO_DEVICE);
  CHECK(outcome.count == CUDA_ERROR_NOT_INITIALIZED); // documented: no device is ever counted
  const std::vector<std::string> logged = lines(outcome.log);
  REQUIRE(logged.size() == 1);
  const std::string& line = logged.front();
  CHECK(line.find(" error: cuInit: no device: cannot reach vgpud at " + endpoint + ": ") != std::string::npos);
  CHECK(line.find("no backend is configured, so the shim uses vgpud") != std::string::npos);
  CHECK(line.find("backend = sim selects the simulated device, for tests only") != std::string::npos);
}

} // namespace

TEST_CASE("only VGPU_ENDPOINT configured and no vgpud: no device, one error line, never the simulator") {
  const std::string endpoint = "unix:/nonexistent-vgpu-dir/vgpud.sock";
  const Outcome outcome = runShim(
      "variable",
      {{"VGPU_ENDPOINT", endpoint}, {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"}, {"VGPU_LOG", "<log file>"}});
  checkOneLine(outcome, endpoint);
  CHECK(outcome.log.find("in /nonexistent/vgpu-shim.conf") != std::string::npos); // which file to fix
}

TEST_CASE("only endpoint = in shim.conf and no vgpud: no device, one error line") {
  const std::filesystem::path dir = vgpu::test::scratchDir("no-silent-sim-conf");
  const std::string endpoint = "unix:/nonexistent-vgpu-dir/other.sock";
  std::ofstream(dir / "shim.conf") << "# an admin's file without backend =\nendpoint = " << endpoint << "\n";
  const Outcome outcome = runShim("file", {{"VGPU_CONFIG", (dir / "shim.conf").string()}, {"VGPU_LOG", "<log file>"}});
  checkOneLine(outcome, endpoint);
}

TEST_CASE("nothing configured: the default endpoint, no device without vgpud") {
  if (std::filesystem::exists("/run/vgpud.sock")) {
    WARN("skipped: /run/vgpud.sock exists on this machine, so the default endpoint may have a vgpud");
    return;
  }
  const Outcome outcome =
      runShim("nothing", {{"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"}, {"VGPU_LOG", "<log file>"}});
  checkOneLine(outcome, "unix:/run/vgpud.sock");
}

TEST_CASE("the line follows the shims' logging rule: nothing on stderr unless VGPU_LOG asks") {
  const Outcome quiet = runShim("quiet", {{"VGPU_ENDPOINT", "unix:/nonexistent-vgpu-dir/vgpud.sock"},
                                          {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"}});
  REQUIRE(quiet.finished);
  CHECK(quiet.init == CUDA_ERROR_NO_DEVICE);
  CHECK(quiet.errors.empty());
  const Outcome loud = runShim("loud", {{"VGPU_ENDPOINT", "unix:/nonexistent-vgpu-dir/vgpud.sock"},
                                        {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
                                        {"VGPU_LOG", "error"}});
  INFO(loud.errors);
  CHECK(lines(loud.errors).size() == 1);
  CHECK(loud.errors.find("cannot reach vgpud at unix:/nonexistent-vgpu-dir/vgpud.sock") != std::string::npos);
}

TEST_CASE("backend = sim, and only that, presents the simulated device") {
  const Outcome variable =
      runShim("sim-variable",
              {{"VGPU_BACKEND", "sim"}, {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"}, {"VGPU_LOG", "<log file>"}});
  REQUIRE(variable.finished);
  CHECK(variable.init == CUDA_SUCCESS);
  CHECK(variable.devices == 1);
  CHECK(variable.log.empty());
  const std::filesystem::path dir = vgpu::test::scratchDir("no-silent-sim-conf-sim");
  std::ofstream(dir / "shim.conf") << "backend = sim\n";
  const Outcome file = runShim("sim-file", {{"VGPU_CONFIG", (dir / "shim.conf").string()}});
  REQUIRE(file.finished);
  CHECK(file.init == CUDA_SUCCESS);
  CHECK(file.devices == 1);
}

// The GPU check programs (tests/gpu/programs) on the shim's simulated device: NVIDIA's CUDA runtime
// and cuBLAS with the shim first on the library path and a fixture sysfs tree as the PCI bus. Every
// program must exit 0 with "ok 0 failure(s)" last, check each API call it makes, and report each
// check of a kernel's result as skipped (kernels do not run there). On a GPU machine
// run-remote-checks.sh runs the same binaries natively and through vgpud. The *_via_vgpud variants run
// this test with VGPU_BACKEND=remote set by tests/vgpud/with_vgpud.sh, so the same programs go
// through shim -> vgpud (sim) too.
#include <catch2/catch.hpp>

#include "run_program.h"
#include "sysfs_fixture.h"
#include "test_paths.h"

#include <sstream>
#include <vector>

namespace {

using vgpu::test::ProgramResult;

// Lines each program must print on the simulated device (beyond "ok 0 failure(s)" last).
struct Expectation {
  const char* program;
  std::vector<const char*> lines;
};

const std::vector<Expectation>& expectations() {
  static const std::vector<Expectation> table = {
      {"vector_add",
       {"pass vector_add-api", "skip vector_add-result kernels do not run on the simulated device",
        "time vector_add-roundtrip "}},
      {"fault_kernel",
       {"pass fault_kernel-launch-accepted", "skip fault_kernel-fault-reported kernels do not run",
        "skip fault_kernel-fault-sticky kernels do not run"}},
      {"stream_overlap",
       {"pass stream_overlap-4-streams-api", "pass stream_overlap-1-stream-api",
        "skip stream_overlap-4-streams-result kernels do not run", "time stream_overlap-4-streams ",
        "time stream_overlap-1-stream "}},
      {"cublas_gemm",
       // SGEMM and GemmEx are accepted and their kernels launched (not run). On the simulated H100
       // PCIe, SGEMM's path asks private table slots 51 and 39 (tests/gpu/README.md).
       {"pass cublas_gemm-sgemm-1024-api", "skip cublas_gemm-sgemm-result kernels do not run",
        "pass cublas_gemm-gemmex-f16-f32-1024-api", "skip cublas_gemm-gemmex-result kernels do not run"}},
      {"graph_replay",
       {"pass graph_replay-captured-5-nodes", "pass graph_replay-200-replays-api",
        "skip graph_replay-result kernels do not run", "time graph_replay-per-replay "}},
      {"vmm_pool",
       {"pass vmm_pool-supported", "pass vmm_pool-reserve-32GiB", "pass vmm_pool-grow",
        "pass vmm_pool-straddling-kernel-api", "skip vmm_pool-straddling-kernel-result kernels do not run",
        "pass vmm_pool-straddling-copy", "pass vmm_pool-unmap-whole-pool", "pass vmm_pool-address-free"}},
      {"cluster_launch", {"pass cluster_launch-api", "skip cluster_launch-partner-sums kernels do not run"}},
      {"launch_rate",
       {"pass launch_rate-launches-api", "time launch_rate-enqueue-200000 ", "time launch_rate-complete-200000 ",
        "skip launch_rate-result kernels do not run"}},
      {"conditional_loop", {"pass conditional_loop-built", "skip conditional_loop-result kernels do not run"}},
      {"managed_sweep",
       {"pass managed_sweep-api", "time managed_sweep-managed ", "time managed_sweep-device ",
        "skip managed_sweep-result kernels do not run"}},
  };
  return table;
}

// Managed memory through vgpud is memory shared with it: not over TCP or vsock without a guest region.
bool managedMemoryUnshared() {
  const char* endpoint = std::getenv("VGPU_ENDPOINT");
  const std::string where = endpoint != nullptr ? endpoint : "";
  return (where.rfind("tcp:", 0) == 0 || where.rfind("vsock:", 0) == 0) && std::getenv("VGPU_SHARED_DEVICE") == nullptr;
}

// The shim first on the library path, presenting a simulated device on a fixture PCI bus.
std::map<std::string, std::string> simulatedDeviceEnvironment() {
  return {
      {"LD_LIBRARY_PATH", VGPU_SHIM_LIBRARY_DIR},
      {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
      {"VGPU_BACKEND", vgpu::test::testBackend()},
      {"VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree("one-stub").string()},
      {"VGPU_MACHINE_ID_FILE", (vgpu::test::dataDir() / "sysfs" / "machine-id").string()},
      {"VGPU_EXPECT_SIMULATED", "1"},
      {"VGPU_LOG", "warn"},
      {"VGPU_PROFILE", ""},
      {"CUDA_VISIBLE_DEVICES", ""},
  };
}

ProgramResult runOnSimulatedDevice(const std::string& program) {
  return vgpu::test::runProgram(std::string(VGPU_GPU_CHECK_PROGRAM_DIR) + "/" + program, {},
                                simulatedDeviceEnvironment(), 300);
}

std::string lastLine(const std::string& output) {
  std::istringstream lines(output);
  std::string line;
  std::string last;
  while (std::getline(lines, line)) {
    if (!line.empty()) {
      last = line;
    }
  }
  return last;
}

} // namespace

TEST_CASE("the table covers every GPU check program the build makes") {
  std::istringstream built(VGPU_GPU_CHECK_PROGRAMS);
  std::vector<std::string> programs;
  for (std::string name; built >> name;) {
    programs.push_back(name);
  }
  REQUIRE(programs.size() == expectations().size());
  for (size_t i = 0; i < programs.size(); ++i) {
    CHECK(programs[i] == expectations()[i].program);
  }
}

TEST_CASE("every GPU check program passes its API checks on the simulated device") {
  for (const Expectation& expectation : expectations()) {
    DYNAMIC_SECTION(expectation.program) {
      const ProgramResult run = runOnSimulatedDevice(expectation.program);
      INFO(run.output);
      CHECK_FALSE(run.timedOut);
      CHECK(run.exitCode == 0);
      CHECK(run.output.find("\nfail ") == std::string::npos);
      CHECK(run.output.rfind("fail ", 0) == std::string::npos);
      CHECK(lastLine(run.output) == "ok 0 failure(s)");
      if (std::string(expectation.program) == "managed_sweep" && managedMemoryUnshared()) {
        // Through vgpud over a network without a guest region there is no managed memory: said.
        CHECK(run.output.find("skip managed_sweep-api managed memory not offered here") != std::string::npos);
        continue;
      }
      for (const char* line : expectation.lines) {
        INFO("expected line: " << line);
        CHECK(run.output.find(line) != std::string::npos);
      }
    }
  }
}

// The dark-API probe asks the private slots the shim answers (docs/dark-api.md §2.11, §2.12) the
// way a GPU session asks NVIDIA's driver (run-remote-checks.sh): here it must get the shim's
// answers, so the probe itself is known to work before its native output is read.
TEST_CASE("the dark-API probe reads the shim's answers to the private slots") {
  const ProgramResult run = vgpu::test::runProgram(VGPU_DARK_API_PROBE, {}, simulatedDeviceEnvironment(), 60);
  INFO(run.output);
  CHECK(run.exitCode == 0);
  for (const char* line :
       {"probe module-visit load 0", "probe module-visit count 3 visits 3", "is-function alpha owner 0",
        "is-function beta owner 0", "is-function gamma owner 0", "probe module-visit null-context count 3 visits 3",
        "probe-exit module-visit status 0", "probe stream-record slot51 default status 0 record set",
        "probe stream-record slot39 created status 0 value 0", "probe-exit stream-record status 0"}) {
    INFO("expected line: " << line);
    CHECK(run.output.find(line) != std::string::npos);
  }
}

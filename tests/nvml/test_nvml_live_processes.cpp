// NVML across processes: a CUDA process under the shim (telemetry_probe) allocates; nvidia-smi and
// nvtop, in processes of their own without the CUDA shim, read its control socket through
// libvgpu-nvml and show the device's live memory and the process — and NVML's "used" equals what
// the control socket reports.
#include <catch2/catch.hpp>

#include "presented_devices_fixture.h"

#include "run_program.h"
#include "telemetry_test_support.h"
#include "test_paths.h"

#include "vgpu/device/device_identity.h"

#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <nvml.h>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using vgpu::test::ProbeProcess;
using vgpu::test::ProgramResult;

namespace {

struct LiveFixture {
  vgpu::test::PresentedDevicesFixture devices = vgpu::test::presentedDevices("one-stub");
  fs::path runtimeDir = vgpu::test::scratchDir("nvml-live-" + std::to_string(::getpid()));

  std::map<std::string, std::string> environment() const {
    return {{"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
            {"VGPU_SYSFS_ROOT", devices.sysfsRoot},
            {"VGPU_MACHINE_ID_FILE", vgpu::test::machineIdFile()},
            {"VGPU_PROFILE", ""},
            {"VGPU_MATCH", ""},
            {"VGPU_BACKEND", "sim"}, // explicit: the shims never fall back to it
            {"VGPU_TELEMETRY", ""},
            {"VGPU_LOG", "off"},
            {"LD_LIBRARY_PATH", VGPU_SHIM_LIBRARY_DIR},
            {"VGPU_RUNTIME_DIR", runtimeDir.string()}};
  }
};

pid_t startedProbe(ProbeProcess& probe) {
  const std::string line = probe.readLine(30s);
  INFO("probe said: " << line);
  REQUIRE(line.rfind("ready ", 0) == 0);
  return static_cast<pid_t>(std::stol(line.substr(6)));
}

ProgramResult nvidiaSmi(const LiveFixture& f, const std::vector<std::string>& arguments) {
  REQUIRE(fs::exists(VGPU_NVIDIA_SMI));
  return vgpu::test::runProgram(VGPU_NVIDIA_SMI, arguments, f.environment(), 60);
}

// memory.used in MiB from `--query-gpu=memory.used --format=csv,noheader,nounits`.
long usedMiB(const LiveFixture& f) {
  const ProgramResult result = nvidiaSmi(f, {"--query-gpu=memory.used", "--format=csv,noheader,nounits"});
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  return std::stol(result.output);
}

// The control socket's own figure for device 0.
double socketUsedBytes(const LiveFixture& f, pid_t pid) {
  vgpu::test::SocketClient client((f.runtimeDir / (std::to_string(pid) + ".sock")).string());
  REQUIRE(client.connected());
  REQUIRE(client.send("{\"cmd\":\"snapshot\"}\n"));
  const auto line = client.readLine(5s);
  REQUIRE(line.has_value());
  return vgpu::test::jsonNumber(*line, "vram_used_bytes").value_or(-1);
}

} // namespace

TEST_CASE("nvidia-smi shows another process's live memory and lists it as a compute process") {
  const LiveFixture f;
  ProbeProcess probe(f.environment());
  const pid_t pid = startedProbe(probe);

  CHECK(usedMiB(f) == 0);
  REQUIRE(probe.command("alloc") == "ok"); // 64 MiB
  CHECK(usedMiB(f) == 64);
  CHECK(socketUsedBytes(f, pid) == 64.0 * 1024 * 1024); // NVML's used is the socket's figure

  const ProgramResult query =
      nvidiaSmi(f, {"--query-gpu=name,uuid,pci.bus_id,memory.used,memory.total", "--format=csv,noheader"});
  INFO(query.output);
  const auto& device = f.devices.expected.devices.at(0);
  const long totalMiB = static_cast<long>(device.profile->totalMemoryBytes >> 20U);
  CHECK(query.output == std::string(device.profile->name) + ", " + vgpu::device::formatGpuUuid(device.uuid) +
                            ", 00000000:00:05.0, 64 MiB, " + std::to_string(totalMiB) + " MiB\n");

  const ProgramResult table = nvidiaSmi(f, {});
  INFO(table.output);
  CHECK(table.exitCode == 0);
  CHECK(std::regex_search(table.output, std::regex("64MiB / +" + std::to_string(totalMiB) + "MiB")));
  // The process table: GPU 0, no MIG instance, the pid, type C, the executable (cut from the left
  // to fit), 64MiB.
  CHECK(std::regex_search(
      table.output, std::regex("\\|    0   N/A  N/A +" + std::to_string(pid) + " +C +.*telemetry_probe +64MiB \\|")));
  CHECK(table.output.find("No running processes found") == std::string::npos);

  const ProgramResult apps =
      nvidiaSmi(f, {"--query-compute-apps=pid,process_name,used_memory", "--format=csv,noheader"});
  INFO(apps.output);
  CHECK(apps.output == std::to_string(pid) + ", " + VGPU_TELEMETRY_PROBE + ", 64 MiB\n");

  const ProgramResult pids = nvidiaSmi(f, {"-q", "-d", "PIDS"});
  INFO(pids.output);
  CHECK(std::regex_search(pids.output, std::regex("Process ID +: " + std::to_string(pid))));
  CHECK(std::regex_search(pids.output, std::regex("Type +: C")));
  CHECK(std::regex_search(pids.output, std::regex("Name +: " + std::string(VGPU_TELEMETRY_PROBE))));
  CHECK(std::regex_search(pids.output, std::regex("Used GPU Memory +: 64 MiB")));

  const ProgramResult details = nvidiaSmi(f, {"-q", "-d", "MEMORY"});
  INFO(details.output);
  CHECK(std::regex_search(details.output, std::regex("Used +: 64 MiB")));

  REQUIRE(probe.command("free") == "ok");
  CHECK(usedMiB(f) == 0);
  CHECK(probe.exit() == 0);
  CHECK(usedMiB(f) == 0); // the process is gone with its socket
  const ProgramResult after = nvidiaSmi(f, {});
  INFO(after.output);
  CHECK(after.output.find("No running processes found") != std::string::npos);
}

// nvtop lists processes through nvmlDeviceGetComputeRunningProcesses (nvidia-smi 535 reads its
// process table through a private slot of NVIDIA's export table instead, docs/nvml.md).
TEST_CASE("nvtop lists the CUDA process with its memory") {
  REQUIRE(fs::exists(VGPU_NVTOP));
  const LiveFixture f;
  ProbeProcess probe(f.environment());
  const pid_t pid = startedProbe(probe);
  REQUIRE(probe.command("alloc") == "ok");
  const fs::path screen = vgpu::test::scratchDir("nvtop-live") / "screen.txt";
  const std::string command =
      "(sleep 2; printf q) | script -qec '" + std::string(VGPU_NVTOP) + " -C -p' '" + screen.string() + "' >/dev/null";
  auto environment = f.environment();
  environment["TERM"] = "xterm";
  environment["HOME"] = vgpu::test::scratchDir("nvtop-live-home").string();
  const ProgramResult result = vgpu::test::runProgram("/bin/sh", {"-c", command}, environment, 30);
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  std::ifstream in(screen);
  std::stringstream text;
  text << in.rdbuf();
  const std::string plain = std::regex_replace(text.str(), std::regex("\\x1b(\\[[0-9;?]*[A-Za-z]|\\(B)"), "");
  INFO(plain);
  // The process row: pid, user, device 0, type Compute, GPU%, then 64MiB of GPU memory.
  CHECK(std::regex_search(plain, std::regex(std::to_string(pid) + " +[a-z0-9_-]+ +0 +Compute +[0-9N/A%]+ +64MiB")));
  CHECK(plain.find("MEM[0.062Gi/") != std::string::npos); // the device gauge: 64 MiB used
}

TEST_CASE("a stale socket left by a killed process is skipped, not counted") {
  const LiveFixture f;
  {
    ProbeProcess killed(f.environment());
    startedProbe(killed);
    REQUIRE(killed.command("alloc") == "ok");
  } // SIGKILL: the socket file stays behind, nobody accepts on it
  CHECK(usedMiB(f) == 0);
}

namespace {

template <typename T> T nvmlSymbol(void* library, const char* name) {
  void* address = dlsym(library, name);
  INFO(name);
  REQUIRE(address != nullptr);
  return reinterpret_cast<T>(address);
}

} // namespace

TEST_CASE("the running-process calls of every struct version follow NVML's size protocol") {
  const LiveFixture f;
  ProbeProcess probe(f.environment());
  const pid_t pid = startedProbe(probe);
  REQUIRE(probe.command("alloc") == "ok");
  for (const auto& [name, value] : f.environment()) {
    if (name != "LD_LIBRARY_PATH") {
      ::setenv(name.c_str(), value.c_str(), 1);
    }
  }
  void* library = dlopen((std::string(VGPU_SHIM_LIBRARY_DIR) + "/libnvidia-ml.so.1").c_str(), RTLD_NOW | RTLD_LOCAL);
  REQUIRE(library != nullptr);
  REQUIRE(nvmlSymbol<nvmlReturn_t (*)()>(library, "nvmlInit_v2")() == NVML_SUCCESS);
  nvmlDevice_t device = nullptr;
  REQUIRE(nvmlSymbol<nvmlReturn_t (*)(unsigned, nvmlDevice_t*)>(library, "nvmlDeviceGetHandleByIndex_v2")(0, &device) ==
          NVML_SUCCESS);

  auto v3 = nvmlSymbol<nvmlReturn_t (*)(nvmlDevice_t, unsigned*, nvmlProcessInfo_t*)>(
      library, "nvmlDeviceGetComputeRunningProcesses_v3");
  unsigned count = 0;
  CHECK(v3(device, &count, nullptr) == NVML_ERROR_INSUFFICIENT_SIZE);
  CHECK(count == 1);
  CHECK(v3(device, nullptr, nullptr) == NVML_ERROR_INVALID_ARGUMENT);
  nvmlProcessInfo_t infos[4]{};
  count = 4;
  REQUIRE(v3(device, &count, infos) == NVML_SUCCESS);
  REQUIRE(count == 1);
  CHECK(infos[0].pid == static_cast<unsigned>(pid));
  CHECK(infos[0].usedGpuMemory == 64ULL << 20U);
  CHECK(infos[0].gpuInstanceId == 0xFFFFFFFFU);

  auto v2 = nvmlSymbol<nvmlReturn_t (*)(nvmlDevice_t, unsigned*, nvmlProcessInfo_v2_t*)>(
      library, "nvmlDeviceGetComputeRunningProcesses_v2");
  nvmlProcessInfo_v2_t infos2[1]{};
  count = 1;
  REQUIRE(v2(device, &count, infos2) == NVML_SUCCESS);
  CHECK(infos2[0].usedGpuMemory == 64ULL << 20U);

  // The oldest ABI writes 16-byte entries: a guard after the first must stay untouched.
  auto v1 = nvmlSymbol<nvmlReturn_t (*)(nvmlDevice_t, unsigned*, nvmlProcessInfo_v1_t*)>(
      library, "nvmlDeviceGetComputeRunningProcesses");
  nvmlProcessInfo_v1_t infos1[2]{};
  infos1[1].pid = 0xABCD;
  count = 1;
  REQUIRE(v1(device, &count, infos1) == NVML_SUCCESS);
  CHECK(infos1[0].pid == static_cast<unsigned>(pid));
  CHECK(infos1[1].pid == 0xABCD);

  auto graphics = nvmlSymbol<nvmlReturn_t (*)(nvmlDevice_t, unsigned*, nvmlProcessInfo_t*)>(
      library, "nvmlDeviceGetGraphicsRunningProcesses_v3");
  count = 0;
  CHECK(graphics(device, &count, nullptr) == NVML_SUCCESS);
  CHECK(count == 0);

  auto processName = nvmlSymbol<nvmlReturn_t (*)(unsigned, char*, unsigned)>(library, "nvmlSystemGetProcessName");
  char name[256] = {};
  REQUIRE(processName(static_cast<unsigned>(pid), name, sizeof name) == NVML_SUCCESS);
  CHECK(std::string(name) == VGPU_TELEMETRY_PROBE);
  char shortName[5] = {'x', 'x', 'x', 'x', 'x'};
  REQUIRE(processName(static_cast<unsigned>(pid), shortName, sizeof shortName) == NVML_SUCCESS);
  CHECK(std::string(shortName) == std::string(VGPU_TELEMETRY_PROBE).substr(0, 4));
  // This process: its own executable (its CUDA shim may list it); a process that is not a shim
  // process: NOT_FOUND.
  REQUIRE(processName(static_cast<unsigned>(::getpid()), name, sizeof name) == NVML_SUCCESS);
  CHECK(std::string(name) == fs::read_symlink("/proc/self/exe").string());
  CHECK(processName(1, name, sizeof name) == NVML_ERROR_NOT_FOUND);
  CHECK(processName(static_cast<unsigned>(pid), nullptr, 10) == NVML_ERROR_INVALID_ARGUMENT);
  CHECK(nvmlSymbol<nvmlReturn_t (*)()>(library, "nvmlShutdown")() == NVML_SUCCESS);
}

TEST_CASE("utilization is derived from another process's launch activity") {
  const LiveFixture f;
  ProbeProcess probe(f.environment());
  startedProbe(probe);
  const auto utilization = [&f] {
    const ProgramResult result =
        nvidiaSmi(f, {"--query-gpu=utilization.gpu,utilization.memory", "--format=csv,noheader,nounits"});
    INFO(result.output);
    REQUIRE(result.exitCode == 0);
    const auto comma = result.output.find(',');
    REQUIRE(comma != std::string::npos);
    return std::pair<long, long>(std::stol(result.output), std::stol(result.output.substr(comma + 1)));
  };
  // Nothing submitted yet: 0 % is the true answer.
  CHECK(utilization() == std::pair<long, long>(0, 0));
  // Launches and copies spread over a few 10 ms slots, then asked at once (within the second).
  for (int i = 0; i < 6; ++i) {
    REQUIRE(probe.command("launch") == "ok");
    REQUIRE(probe.command("copy") == "ok");
    std::this_thread::sleep_for(std::chrono::milliseconds(12));
  }
  const auto busy = utilization();
  CHECK(busy.first >= 2); // at least two distinct 10 ms slots with a launch
  CHECK(busy.first <= 100);
  CHECK(busy.second >= 2);
  // A second later the window holds nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK(utilization() == std::pair<long, long>(0, 0));
}

namespace {

// A group that exists on every Debian system, standing in for `vgpu` (VGPU_TELEMETRY_GROUP names
// it), so the test needs no group of its own; the test's uid is in no group database.
std::optional<std::pair<std::string, gid_t>> standInGroup() {
  for (const char* name : {"games", "staff", "users"}) {
    if (const group* entry = ::getgrnam(name); entry != nullptr) {
      return std::make_pair(std::string(name), entry->gr_gid);
    }
  }
  return std::nullopt;
}

constexpr uid_t kUser = 4242; // no account: membership can only come from the process's groups
constexpr gid_t kUserGroup = 4242;

// nvidia-smi as uid kUser (primary group kUserGroup) with `groups` as its supplementary groups
// ("" = none), through setpriv.
ProgramResult nvidiaSmiAs(const LiveFixture& f, const std::string& groups, const std::vector<std::string>& arguments,
                          std::map<std::string, std::string> environment) {
  REQUIRE(fs::exists(VGPU_NVIDIA_SMI));
  std::vector<std::string> command = {"--reuid=" + std::to_string(kUser), "--regid=" + std::to_string(kUserGroup),
                                      groups.empty() ? std::string("--clear-groups") : "--groups=" + groups, "--",
                                      VGPU_NVIDIA_SMI};
  command.insert(command.end(), arguments.begin(), arguments.end());
  for (const auto& [name, value] : f.environment()) {
    environment.emplace(name, value);
  }
  return vgpu::test::runProgram("/usr/bin/setpriv", command, environment, 60);
}

// The lines of nvidia-smi's default view that carry figures: the device's memory and utilization
// row and the process table's rows (not the clock in the title).
std::string figureLines(const std::string& output) {
  std::istringstream in(output);
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    if (line.find("MiB") != std::string::npos || line.find("No running processes") != std::string::npos) {
      kept += line + "\n";
    }
  }
  return kept;
}

} // namespace

// The packaged layout (docs/security.md): /run/vgpu 1770 root:vgpu, sockets 0660 root:vgpu. A member
// of the group — by a supplementary group of its process, with no account in the group database —
// sees what root sees; a user outside it sees the device and a warning that says what is missing
// and how to fix it (issue #17 item 5).
TEST_CASE("nvidia-smi as a non-root member of the telemetry group shows what root shows") {
  if (::geteuid() != 0 || !fs::exists("/usr/bin/setpriv")) {
    WARN("needs root and setpriv to run nvidia-smi as another user; skipped");
    return;
  }
  const auto group = standInGroup();
  if (!group) {
    WARN("no games, staff or users group to stand in for vgpu; skipped");
    return;
  }
  const auto& [groupName, gid] = *group;
  LiveFixture f;
  REQUIRE(::chown(f.runtimeDir.c_str(), 0, gid) == 0);
  REQUIRE(::chmod(f.runtimeDir.c_str(), 01770) == 0);
  auto probeEnvironment = f.environment();
  probeEnvironment["VGPU_TELEMETRY_GROUP"] = groupName;
  ProbeProcess probe(probeEnvironment);
  const pid_t pid = startedProbe(probe);
  REQUIRE(probe.command("alloc") == "ok"); // 64 MiB
  const fs::path socket = f.runtimeDir / (std::to_string(pid) + ".sock");
  struct stat info {};
  REQUIRE(::stat(socket.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777U) == 0660U);
  CHECK(info.st_gid == gid);

  const std::map<std::string, std::string> asMember = {{"VGPU_TELEMETRY_GROUP", groupName}, {"VGPU_LOG", "warn"}};
  const ProgramResult root = nvidiaSmi(f, {});
  INFO("root:\n" << root.output);
  REQUIRE(root.exitCode == 0);
  REQUIRE(std::regex_search(root.output, std::regex("\\| +64MiB / +[0-9]+MiB")));
  REQUIRE(std::regex_search(root.output, std::regex(" " + std::to_string(pid) + " +C +.*telemetry_probe +64MiB \\|")));

  const ProgramResult member = nvidiaSmiAs(f, std::to_string(gid), {}, asMember);
  INFO("member:\n" << member.output);
  CHECK(member.exitCode == 0);
  CHECK(figureLines(member.output) == figureLines(root.output));
  CHECK(member.output.find("may not read") == std::string::npos); // nothing refused, nothing to say

  const std::vector<std::string> apps = {"--query-compute-apps=pid,process_name,used_memory", "--format=csv,noheader"};
  const ProgramResult memberApps =
      nvidiaSmiAs(f, std::to_string(gid), apps, {{"VGPU_TELEMETRY_GROUP", groupName}, {"VGPU_LOG", "off"}});
  INFO(memberApps.output);
  CHECK(memberApps.output == std::to_string(pid) + ", " + VGPU_TELEMETRY_PROBE + ", 64 MiB\n");
  CHECK(memberApps.output == nvidiaSmi(f, apps).output);

  // Outside the group: it cannot even list the directory. The device and its size are shown, the
  // figures it may not read are missing, and one warning says so and names the remedy.
  const ProgramResult outsider = nvidiaSmiAs(f, "", {}, asMember);
  INFO("outsider:\n" << outsider.output);
  CHECK(outsider.exitCode == 0);
  CHECK(std::regex_search(outsider.output, std::regex("\\| +0MiB / +[0-9]+MiB")));
  CHECK(outsider.output.find("No running processes found") != std::string::npos);
  const std::regex warning("vgpu\\[[0-9]+\\] warn: nvml: memory used and processes of the CUDA processes this user "
                           "\\(uid 4242\\) may not read are missing \\(1 refused: [^\\n]*Permission denied\\); to see "
                           "them, add the user to group '" +
                           groupName + "' \\(sudo usermod -aG " + groupName + " USER, then log in again\\)");
  CHECK(std::regex_search(outsider.output, warning));
  std::size_t warnings = 0;
  for (std::size_t at = outsider.output.find("may not read"); at != std::string::npos;
       at = outsider.output.find("may not read", at + 1)) {
    ++warnings;
  }
  CHECK(warnings == 1); // once per process, not once per question nvidia-smi asks

  // Listing allowed but the socket refuses (the group of the socket is not the caller's): refused
  // by the access rule, said the same way.
  REQUIRE(::chmod(f.runtimeDir.c_str(), 01775) == 0);
  const ProgramResult refused = nvidiaSmiAs(f, "", {"--query-gpu=memory.used", "--format=csv,noheader"}, asMember);
  INFO("refused:\n" << refused.output);
  CHECK(refused.output.find("0 MiB") != std::string::npos);
  CHECK(refused.output.find("(1 refused: " + socket.string() + ": Permission denied)") != std::string::npos);
  CHECK(probe.exit() == 0);
}

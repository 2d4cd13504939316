// Remote execution through shim -> vgpud (sim) over unix + shared memory, measured in one run
// (remote-execution issue, item 6; targets in shared/design/brief.md):
//   1. sync round trip through the shim (cuStreamQuery) / raw Unix-socket ping-pong (same sizes);
//   2. 64 MiB cuMemcpyHtoD and cuMemcpyDtoH bandwidth / memcpy bandwidth on this machine, from
//      pinned memory (cuMemAllocHost, shared with vgpud) and from pageable memory (staged through
//      the shared-memory region);
//   3. asynchronous cuLaunchKernel calls accepted per second;
//   4. round trips from cuInit to full device properties (counted by vgpud for that session).
// Starts its own vgpud on a temporary socket and points the shim at it (VGPU_BACKEND=remote).
// Default: vgpud's sim backend and a fixture PCI bus. On a GPU host, `--cuda-driver PATH` runs
// vgpud's cuda backend on NVIDIA's driver and the shim finds the real GPU on the machine's bus;
// `--vgpud PATH` names the vgpud to start (a staged copy).
#include "sysfs_fixture.h"
#include "test_paths.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda.h>
#include <fstream>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

void check(CUresult status, const char* what) {
  if (status != CUDA_SUCCESS) {
    std::fprintf(stderr, "bench_vgpud: error: %s failed with %d\n", what, static_cast<int>(status));
    std::exit(1);
  }
}

// Round trip of a 32-byte request and a 28-byte reply (a frame header plus a status, as a
// synchronous call sends) between two threads over a Unix socketpair.
double rawPingPongMicroseconds(int rounds) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
    std::perror("socketpair");
    std::exit(1);
  }
  std::thread echo([fd = pair[1], rounds] {
    char buffer[32];
    for (int i = 0; i < rounds; ++i) {
      if (::read(fd, buffer, 32) != 32 || ::write(fd, buffer, 28) != 28) {
        return;
      }
    }
  });
  char buffer[32] = {};
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    if (::write(pair[0], buffer, 32) != 32 || ::read(pair[0], buffer, 28) != 28) {
      std::exit(1);
    }
  }
  const double elapsed = seconds(Clock::now() - start);
  echo.join();
  ::close(pair[0]);
  ::close(pair[1]);
  return elapsed / rounds * 1e6;
}

double bestOf(int runs, const auto& body) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    body();
    best = std::min(best, seconds(Clock::now() - start));
  }
  return best;
}

// cuInit and every property a program asks for, in a child process: vgpud logs how many replies
// that session needed.
void discoverInChild() {
  const pid_t child = ::fork();
  if (child == 0) {
    check(cuInit(0), "cuInit");
    CUdevice device = 0;
    check(cuDeviceGet(&device, 0), "cuDeviceGet");
    char name[256];
    check(cuDeviceGetName(name, sizeof name, device), "cuDeviceGetName");
    std::size_t total = 0;
    check(cuDeviceTotalMem(&total, device), "cuDeviceTotalMem");
    CUuuid uuid;
    check(cuDeviceGetUuid(&uuid, device), "cuDeviceGetUuid");
    char bus[32];
    check(cuDeviceGetPCIBusId(bus, sizeof bus, device), "cuDeviceGetPCIBusId");
    int value = 0;
    for (int attribute = 1; attribute < CU_DEVICE_ATTRIBUTE_MAX; ++attribute) {
      cuDeviceGetAttribute(&value, static_cast<CUdevice_attribute>(attribute), device);
    }
    int version = 0;
    check(cuDriverGetVersion(&version), "cuDriverGetVersion");
    std::_Exit(0);
  }
  ::waitpid(child, nullptr, 0);
}

constexpr const char* kPtx = ".version 8.0\n.target sm_90\n.address_size 64\n"
                             ".visible .entry scale(.param .u64 data, .param .u32 count)\n{\n\tret;\n}\n";

} // namespace

int main(int argc, char** argv) {
  int launches = 1000000;
  std::string cudaDriver; // empty: vgpud's sim backend
  std::string vgpud = VGPUD_PATH;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--launches") == 0) {
      launches = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--cuda-driver") == 0) {
      cudaDriver = argv[i + 1];
    } else if (std::strcmp(argv[i], "--vgpud") == 0) {
      vgpud = argv[i + 1];
    }
  }
  char directory[] = "/tmp/bench-vgpud-XXXXXX";
  if (::mkdtemp(directory) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string socketPath = std::string(directory) + "/vgpud.sock";
  const std::string logPath = std::string(directory) + "/vgpud.log";
  const pid_t daemon = ::fork();
  if (daemon == 0) {
    std::freopen(logPath.c_str(), "w", stderr);
    const std::string endpoint = "unix:" + socketPath;
    if (cudaDriver.empty()) {
      ::execl(vgpud.c_str(), vgpud.c_str(), "--listen", endpoint.c_str(), "--log-level", "info", nullptr);
    } else {
      ::execl(vgpud.c_str(), vgpud.c_str(), "--listen", endpoint.c_str(), "--log-level", "info", "--backend", "cuda",
              "--cuda-driver", cudaDriver.c_str(), nullptr);
    }
    std::_Exit(127);
  }
  for (int i = 0; i < 300 && ::access(socketPath.c_str(), F_OK) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::setenv("VGPU_CONFIG", "/nonexistent/vgpu-shim.conf", 1);
  if (cudaDriver.empty()) {
    ::setenv("VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree("one-stub").c_str(), 1);
    ::setenv("VGPU_MACHINE_ID_FILE", (vgpu::test::dataDir() / "sysfs" / "machine-id").c_str(), 1);
  }
  ::setenv("VGPU_BACKEND", "remote", 1);
  ::setenv("VGPU_ENDPOINT", ("unix:" + socketPath).c_str(), 1);
  ::setenv("VGPU_LOG", "off", 1);

  // 4. Discovery round trips (a child: its session ends, and vgpud logs its count).
  discoverInChild();

  check(cuInit(0), "cuInit");
  CUcontext context = nullptr;
  check(cuDevicePrimaryCtxRetain(&context, 0), "cuDevicePrimaryCtxRetain");
  check(cuCtxSetCurrent(context), "cuCtxSetCurrent");

  // 1. Sync round trip vs raw socket: the best of 5 blocks each (the machine may be shared).
  constexpr int kRounds = 4000;
  double raw = 1e30;
  double sync = 1e30;
  for (int block = 0; block < 5; ++block) {
    raw = std::min(raw, rawPingPongMicroseconds(kRounds));
    sync = std::min(sync, bestOf(1,
                                 [&] {
                                   for (int i = 0; i < kRounds; ++i) {
                                     check(cuStreamQuery(nullptr), "cuStreamQuery");
                                   }
                                 }) /
                              kRounds * 1e6);
  }

  // 2. 64 MiB bandwidth vs memcpy.
  constexpr std::size_t kBytes = std::size_t{64} << 20;
  std::vector<std::uint8_t> a(kBytes, 1), b(kBytes, 2);
  const double memcpyTime = bestOf(5, [&] { std::memcpy(b.data(), a.data(), kBytes); });
  CUdeviceptr buffer = 0;
  check(cuMemAlloc(&buffer, kBytes), "cuMemAlloc");
  const double toDevice = bestOf(5, [&] { check(cuMemcpyHtoD(buffer, a.data(), kBytes), "cuMemcpyHtoD"); });
  const double toHost = bestOf(5, [&] { check(cuMemcpyDtoH(b.data(), buffer, kBytes), "cuMemcpyDtoH"); });
  if (b != a) {
    std::fprintf(stderr, "bench_vgpud: error: 64 MiB round trip changed the data\n");
    return 1;
  }
  // The same from pinned memory (cuMemAllocHost: shared with vgpud, moved once).
  void* pinnedIn = nullptr;
  void* pinnedOut = nullptr;
  check(cuMemAllocHost(&pinnedIn, kBytes), "cuMemAllocHost");
  check(cuMemAllocHost(&pinnedOut, kBytes), "cuMemAllocHost");
  std::memcpy(pinnedIn, a.data(), kBytes);
  std::memset(pinnedOut, 0, kBytes);
  const double pinnedToDevice =
      bestOf(5, [&] { check(cuMemcpyHtoD(buffer, pinnedIn, kBytes), "cuMemcpyHtoD pinned"); });
  const double pinnedToHost = bestOf(5, [&] { check(cuMemcpyDtoH(pinnedOut, buffer, kBytes), "cuMemcpyDtoH pinned"); });
  if (std::memcmp(pinnedOut, a.data(), kBytes) != 0) {
    std::fprintf(stderr, "bench_vgpud: error: pinned 64 MiB round trip changed the data\n");
    return 1;
  }
  cuMemFreeHost(pinnedIn);
  cuMemFreeHost(pinnedOut);

  // 3. Asynchronous launches accepted per second.
  CUmodule module = nullptr;
  check(cuModuleLoadData(&module, kPtx), "cuModuleLoadData");
  CUfunction function = nullptr;
  check(cuModuleGetFunction(&function, module, "scale"), "cuModuleGetFunction");
  unsigned count = 1024;
  void* parameters[] = {&buffer, &count};
  const auto launchStart = Clock::now();
  for (int i = 0; i < launches; ++i) {
    check(cuLaunchKernel(function, 64, 1, 1, 256, 1, 1, 0, nullptr, parameters, nullptr), "cuLaunchKernel");
  }
  const double accepted = seconds(Clock::now() - launchStart);
  check(cuCtxSynchronize(), "cuCtxSynchronize");
  const double completed = seconds(Clock::now() - launchStart);

  cuMemFree(buffer);
  cuModuleUnload(module);
  ::kill(daemon, SIGTERM);
  ::waitpid(daemon, nullptr, 0);
  // The discovery child's session is the first to end in vgpud's log.
  long discoveryReplies = -1;
  {
    std::ifstream file(logPath);
    std::string line;
    while (std::getline(file, line)) {
      const auto at = line.find(" ended after ");
      if (at != std::string::npos) {
        discoveryReplies = std::strtol(line.c_str() + at + 13, nullptr, 10);
        break;
      }
    }
  }
  std::remove(logPath.c_str());
  std::remove(socketPath.c_str());
  ::rmdir(directory);

  const double memcpyBandwidth = kBytes / memcpyTime / 1e9;
  std::printf("raw unix ping-pong: %.2f us; sync call through shim -> vgpud: %.2f us\n", raw, sync);
  std::printf("memcpy 64 MiB: %.2f GB/s; pageable HtoD %.2f GB/s, DtoH %.2f GB/s; pinned HtoD %.2f GB/s, DtoH "
              "%.2f GB/s\n",
              memcpyBandwidth, kBytes / toDevice / 1e9, kBytes / toHost / 1e9, kBytes / pinnedToDevice / 1e9,
              kBytes / pinnedToHost / 1e9);
  std::printf("async launches: %d accepted in %.3f s (%.0f/s); all complete after %.3f s\n", launches, accepted,
              launches / accepted, completed);
  std::printf("round trips from cuInit to full device properties: %ld\n", discoveryReplies);
  std::printf("ratios: round trip %.2f (target <= 1.5), pinned HtoD %.2f, DtoH %.2f (target >= 0.8; pageable "
              "%.2f, %.2f), launches/s %.0f (target >= 1000000), discovery round trips %ld (target 1)\n",
              sync / raw, memcpyTime / pinnedToDevice, memcpyTime / pinnedToHost, memcpyTime / toDevice,
              memcpyTime / toHost, launches / accepted, discoveryReplies);
  return 0;
}

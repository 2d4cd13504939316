// Remote execution through shim -> vgpud (sim) over unix + shared memory, measured in one run
// (remote-execution issue, item 6; targets in shared/design/brief.md):
//   1. sync round trip through the shim (cuStreamQuery) / raw Unix-socket ping-pong (same sizes);
//   2. 64 MiB cuMemcpyHtoD and cuMemcpyDtoH bandwidth / memcpy bandwidth on this machine, from
//      pinned memory (cuMemAllocHost, shared with vgpud) and from pageable memory (staged through
//      the shared-memory region);
//   2b. 128 KiB copies to and from a pageable buffer 16 bytes into a page (where glibc puts large
//      heap blocks) against the same copies from a page-aligned one: the staging in shared memory
//      must not make an unaligned buffer slower (remote_transfer.cpp, stagingPhase);
//   3. asynchronous cuLaunchKernel calls accepted per second;
//   3b. a step of 64 kernels and a stream synchronize: one graph launch (run whole by vgpud) against
//      64 launches;
//   4. round trips from cuInit to full device properties (counted by vgpud for that session).
// Starts its own vgpud on a temporary socket and points the shim at it (VGPU_BACKEND=remote).
// `--transport tcp`: the same over loopback TCP with a token (bulk data in frames), against the raw
// TCP channel measured in the same run (ping-pong of the same sizes; 64 MiB one way);
// `--transport shm`: TCP for control plus a guest region mapped as a VM's ivshmem BAR would be
// (vgpud --shared-region; VGPU_SHARED_DEVICE), bulk data against memcpy into the region.
// Default: vgpud's sim backend and a fixture PCI bus. On a GPU host, `--cuda-driver PATH` runs
// vgpud's cuda backend on NVIDIA's driver and the shim finds the real GPU on the machine's bus;
// `--vgpud PATH` names the vgpud to start (a staged copy).
#include "raw_channels.h"
#include "sysfs_fixture.h"
#include "test_paths.h"

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda.h>
#include <fstream>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

// A loopback port nobody listens on now (the kernel's pick; a pid-derived one collided under load).
std::string freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return std::to_string(ntohs(address.sin_port));
}

// True once something accepts connections on 127.0.0.1:port.
bool loopbackListening(const std::string& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(std::stoi(port)));
  const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

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
  std::string transport = "unix";
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--transport") == 0) {
      transport = argv[i + 1];
    }
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
  const std::string tokenPath = std::string(directory) + "/token";
  const std::string regionPath = std::string(directory) + "/region";
  const std::string port = freeLoopbackPort();
  if (transport != "unix" && transport != "tcp" && transport != "shm") {
    std::fprintf(stderr, "bench_vgpud: error: --transport unix, tcp or shm\n");
    return 2;
  }
  const bool networked = transport != "unix";
  if (networked) {
    std::ofstream(tokenPath) << "bench-token-0123456789abcdef0123456789";
    ::chmod(tokenPath.c_str(), 0600);
  }
  const pid_t daemon = ::fork();
  if (daemon == 0) {
    std::freopen(logPath.c_str(), "w", stderr);
    std::vector<std::string> arguments = {vgpud, "--listen", "unix:" + socketPath, "--log-level", "info"};
    if (!cudaDriver.empty()) {
      arguments.insert(arguments.end(), {"--backend", "cuda", "--cuda-driver", cudaDriver});
    }
    if (networked) {
      arguments.insert(arguments.end(), {"--listen", "tcp:127.0.0.1:" + port, "--token-file", tokenPath});
    }
    if (transport == "shm") {
      arguments.insert(arguments.end(), {"--shared-region", regionPath});
    }
    std::vector<char*> pointers;
    for (std::string& argument : arguments) {
      pointers.push_back(argument.data());
    }
    pointers.push_back(nullptr);
    ::execv(vgpud.c_str(), pointers.data());
    std::_Exit(127);
  }
  // The Unix socket appears before the TCP listener: a networked run waits for the latter.
  for (int i = 0; i < 300 && (::access(socketPath.c_str(), F_OK) != 0 || (networked && !loopbackListening(port)));
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::setenv("VGPU_CONFIG", "/nonexistent/vgpu-shim.conf", 1);
  if (cudaDriver.empty()) {
    ::setenv("VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree("one-stub").c_str(), 1);
    ::setenv("VGPU_MACHINE_ID_FILE", (vgpu::test::dataDir() / "sysfs" / "machine-id").c_str(), 1);
  }
  ::setenv("VGPU_BACKEND", "remote", 1);
  ::setenv("VGPU_ENDPOINT", (networked ? "tcp:127.0.0.1:" + port : "unix:" + socketPath).c_str(), 1);
  if (networked) {
    ::setenv("VGPU_TOKEN_FILE", tokenPath.c_str(), 1);
    ::setenv("VGPU_SHARED_DEVICE", transport == "shm" ? regionPath.c_str() : "off", 1);
  }
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
    raw = std::min(raw, networked ? vgpu::bench::tcpPingPongMicroseconds(kRounds)
                                  : vgpu::bench::unixPingPongMicroseconds(kRounds));
    sync = std::min(sync, bestOf(1,
                                 [&] {
                                   for (int i = 0; i < kRounds; ++i) {
                                     check(cuStreamQuery(nullptr), "cuStreamQuery");
                                   }
                                 }) /
                              kRounds * 1e6);
  }

  // 2. 64 MiB bandwidth vs the raw channel: over TCP the socket itself, otherwise memcpy (into the
  // shared region, where a guest's bytes land). Measured in interleaved blocks, the best of each
  // kept, so a busy moment of a shared machine weighs on both sides of a ratio alike.
  constexpr std::size_t kBytes = std::size_t{64} << 20;
  std::vector<std::uint8_t> a(kBytes, 1), b(kBytes, 2);
  CUdeviceptr buffer = 0;
  check(cuMemAlloc(&buffer, kBytes), "cuMemAlloc");
  void* pinnedIn = nullptr;
  void* pinnedOut = nullptr;
  check(cuMemAllocHost(&pinnedIn, kBytes), "cuMemAllocHost");
  check(cuMemAllocHost(&pinnedOut, kBytes), "cuMemAllocHost");
  std::memcpy(pinnedIn, a.data(), kBytes);
  std::memset(pinnedOut, 0, kBytes);
  double memcpyTime = 1e30, channelTime = 1e30, toDevice = 1e30, toHost = 1e30, pinnedToDevice = 1e30,
         pinnedToHost = 1e30;
  for (int block = 0; block < 5; ++block) {
    memcpyTime = std::min(memcpyTime, bestOf(1, [&] { std::memcpy(b.data(), a.data(), kBytes); }));
    channelTime = std::min(channelTime, transport == "tcp" ? vgpu::bench::tcpBulkSeconds(kBytes) : memcpyTime);
    toDevice = std::min(toDevice, bestOf(1, [&] { check(cuMemcpyHtoD(buffer, a.data(), kBytes), "cuMemcpyHtoD"); }));
    toHost = std::min(toHost, bestOf(1, [&] { check(cuMemcpyDtoH(b.data(), buffer, kBytes), "cuMemcpyDtoH"); }));
    pinnedToDevice = std::min(pinnedToDevice,
                              bestOf(1, [&] { check(cuMemcpyHtoD(buffer, pinnedIn, kBytes), "cuMemcpyHtoD pinned"); }));
    pinnedToHost = std::min(pinnedToHost,
                            bestOf(1, [&] { check(cuMemcpyDtoH(pinnedOut, buffer, kBytes), "cuMemcpyDtoH pinned"); }));
  }
  if (b != a) {
    std::fprintf(stderr, "bench_vgpud: error: 64 MiB round trip changed the data\n");
    return 1;
  }
  if (std::memcmp(pinnedOut, a.data(), kBytes) != 0) {
    std::fprintf(stderr, "bench_vgpud: error: pinned 64 MiB round trip changed the data\n");
    return 1;
  }
  cuMemFreeHost(pinnedIn);
  cuMemFreeHost(pinnedOut);

  // 2b. A buffer 16 bytes into a page against a page-aligned one, 128 KiB each way, interleaved.
  constexpr std::size_t kSmall = std::size_t{128} << 10;
  constexpr int kSmallCopies = 200;
  auto* pageBuffer = static_cast<std::uint8_t*>(std::aligned_alloc(4096, kSmall + 4096));
  std::memset(pageBuffer, 3, kSmall + 4096);
  double alignedToHost = 1e30, offsetToHost = 1e30, alignedToDevice = 1e30, offsetToDevice = 1e30;
  for (int block = 0; block < 5; ++block) {
    for (const std::size_t offset : {std::size_t{0}, std::size_t{16}}) {
      double& toHostTime = offset == 0 ? alignedToHost : offsetToHost;
      double& toDeviceTime = offset == 0 ? alignedToDevice : offsetToDevice;
      toHostTime = std::min(toHostTime, bestOf(1, [&] {
                              for (int i = 0; i < kSmallCopies; ++i) {
                                check(cuMemcpyDtoH(pageBuffer + offset, buffer, kSmall), "cuMemcpyDtoH 128 KiB");
                              }
                            }));
      toDeviceTime = std::min(toDeviceTime, bestOf(1, [&] {
                                for (int i = 0; i < kSmallCopies; ++i) {
                                  check(cuMemcpyHtoD(buffer, pageBuffer + offset, kSmall), "cuMemcpyHtoD 128 KiB");
                                }
                              }));
    }
  }
  std::free(pageBuffer);

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

  // 3b. A step of 64 kernels: captured into a graph that vgpud runs whole (one frame per launch)
  // against the same 64 launched one by one, each step ending in a stream synchronize.
  constexpr int kGraphKernels = 64;
  constexpr int kSteps = 200;
  CUstream stream = nullptr;
  check(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  const auto launchStep = [&] {
    for (int k = 0; k < kGraphKernels; ++k) {
      check(cuLaunchKernel(function, 64, 1, 1, 256, 1, 1, 0, stream, parameters, nullptr), "cuLaunchKernel");
    }
  };
  check(cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL), "cuStreamBeginCapture");
  launchStep();
  CUgraph graph = nullptr;
  check(cuStreamEndCapture(stream, &graph), "cuStreamEndCapture");
  CUgraphExec exec = nullptr;
  check(cuGraphInstantiate(&exec, graph, 0), "cuGraphInstantiate");
  check(cuGraphLaunch(exec, stream), "cuGraphLaunch"); // built on vgpud at the first launch
  check(cuStreamSynchronize(stream), "cuStreamSynchronize");
  double graphStep = 1e9;
  double launchesStep = 1e9;
  for (int round = 0; round < 5; ++round) {
    graphStep = std::min(graphStep, bestOf(1, [&] {
                           for (int i = 0; i < kSteps; ++i) {
                             check(cuGraphLaunch(exec, stream), "cuGraphLaunch");
                             check(cuStreamSynchronize(stream), "cuStreamSynchronize");
                           }
                         }) / kSteps);
    launchesStep = std::min(launchesStep, bestOf(1, [&] {
                              for (int i = 0; i < kSteps; ++i) {
                                launchStep();
                                check(cuStreamSynchronize(stream), "cuStreamSynchronize");
                              }
                            }) / kSteps);
  }
  cuGraphExecDestroy(exec);
  cuGraphDestroy(graph);
  cuStreamDestroy(stream);

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
  const bool attached = [&] {
    std::ifstream file(logPath);
    std::string line;
    while (std::getline(file, line)) {
      if (line.find("attached guest region") != std::string::npos) {
        return true;
      }
    }
    return false;
  }();
  if (transport == "shm" && !attached) {
    std::fprintf(stderr, "bench_vgpud: error: no session attached the guest region\n");
    return 1;
  }
  for (const std::string& path : {logPath, socketPath, tokenPath, regionPath}) {
    std::remove(path.c_str());
  }
  ::rmdir(directory);

  const double memcpyBandwidth = kBytes / memcpyTime / 1e9;
  std::printf("transport %s\n", transport.c_str());
  std::printf("raw %s ping-pong: %.2f us; sync call through shim -> vgpud: %.2f us\n", networked ? "tcp" : "unix", raw,
              sync);
  std::printf("memcpy 64 MiB: %.2f GB/s; raw channel 64 MiB (%s): %.2f GB/s; pageable HtoD %.2f GB/s, DtoH %.2f "
              "GB/s; pinned HtoD %.2f GB/s, DtoH %.2f GB/s\n",
              memcpyBandwidth, transport == "tcp" ? "tcp socket" : "memcpy", kBytes / channelTime / 1e9,
              kBytes / toDevice / 1e9, kBytes / toHost / 1e9, kBytes / pinnedToDevice / 1e9,
              kBytes / pinnedToHost / 1e9);
  std::printf("128 KiB copies, buffer 16 bytes into a page / page-aligned: DtoH %.2f us / %.2f us, HtoD %.2f us / "
              "%.2f us\n",
              offsetToHost * 1e6 / kSmallCopies, alignedToHost * 1e6 / kSmallCopies, offsetToDevice * 1e6 / kSmallCopies,
              alignedToDevice * 1e6 / kSmallCopies);
  std::printf("async launches: %d accepted in %.3f s (%.0f/s); all complete after %.3f s\n", launches, accepted,
              launches / accepted, completed);
  std::printf("step of %d kernels + synchronize: graph launch %.2f us, %d launches %.2f us\n", kGraphKernels,
              graphStep * 1e6, kGraphKernels, launchesStep * 1e6);
  std::printf("round trips from cuInit to full device properties: %ld\n", discoveryReplies);
  std::printf("ratios: round trip %.2f (target <= 1.5), pinned HtoD %.2f, DtoH %.2f (target >= 0.8; pageable "
              "%.2f, %.2f), launches/s %.0f (target >= 1000000), discovery round trips %ld (target 1), "
              "unaligned/aligned 128 KiB DtoH %.2f, HtoD %.2f (target <= 1.2), graph step/launches step %.2f\n",
              sync / raw, channelTime / pinnedToDevice, channelTime / pinnedToHost, channelTime / toDevice,
              channelTime / toHost, launches / accepted, discoveryReplies, offsetToHost / alignedToHost,
              offsetToDevice / alignedToDevice, graphStep / launchesStep);
  return 0;
}

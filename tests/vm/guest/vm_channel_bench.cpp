// The channel benchmark of the VM tests: run in the guest, it measures the raw channel
// and the shim's use of it in one run and prints the ratios; run on the host (`serve`), it is the
// raw channel's peer.
//   vm_channel_bench serve PORT            host: echo (first byte 'E'), sink ('S') or source ('R')
//   vm_channel_bench run HOST PORT [--bar] guest: raw TCP round trip vs the shim's synchronous round
//                                          trip; raw TCP bulk each way vs pinned copies through the shim
//                                          (HtoD against guest->host, DtoH against host->guest); with
//                                          --bar, also memcpy into and out of the ivshmem BAR (1af4:1110)
// Sizes: 64-byte round trips (1000 after 50 warm-up), 64 MiB bulk.
#include "guest_net.h"

#include <cuda.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using vgpu::vmtest::now;
constexpr int kRounds = 1000;
constexpr int kWarmup = 50;
constexpr std::size_t kBulk = 64u << 20;
constexpr double kMiB = 1024.0 * 1024.0;

void check(CUresult result, const char* what) {
  if (result != CUDA_SUCCESS) {
    const char* name = nullptr;
    cuGetErrorName(result, &name);
    std::printf("error %s %s\n", what, name != nullptr ? name : "unknown");
    std::exit(1);
  }
}

// Host side: one thread per connection; echo 64-byte messages, swallow a length-prefixed blob and
// acknowledge it with one byte, or send as many bytes as a length asks for.
void serveConnection(int fd) {
  char mode = 0;
  std::vector<char> buffer(1 << 20);
  if (vgpu::vmtest::readAll(fd, &mode, 1) && mode == 'E') {
    char message[64];
    while (vgpu::vmtest::readAll(fd, message, sizeof message) && vgpu::vmtest::writeAll(fd, message, sizeof message)) {
    }
  } else if (mode == 'S') {
    std::uint64_t left = 0;
    while (vgpu::vmtest::readAll(fd, &left, sizeof left)) {
      while (left > 0) {
        const ssize_t done = ::recv(fd, buffer.data(), std::min<std::uint64_t>(left, buffer.size()), 0);
        if (done <= 0) {
          ::close(fd);
          return;
        }
        left -= static_cast<std::uint64_t>(done);
      }
      if (!vgpu::vmtest::writeAll(fd, "k", 1)) {
        break;
      }
    }
  } else if (mode == 'R') {
    std::uint64_t left = 0;
    while (vgpu::vmtest::readAll(fd, &left, sizeof left)) {
      for (std::size_t chunk = 0; left > 0; left -= chunk) {
        chunk = std::min<std::uint64_t>(left, buffer.size());
        if (!vgpu::vmtest::writeAll(fd, buffer.data(), chunk)) {
          ::close(fd);
          return;
        }
      }
    }
  }
  ::close(fd);
}

int serve(int port) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 16) != 0) {
    std::fprintf(stderr, "vm_channel_bench: cannot listen on 127.0.0.1:%d: %s\n", port, std::strerror(errno));
    return 1;
  }
  std::printf("listening on %d\n", port);
  std::fflush(stdout);
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      const int nodelay = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
      std::thread(serveConnection, fd).detach();
    }
  }
}

int connectPeer(const std::string& host, int port, char mode) {
  const int fd = vgpu::vmtest::connectTcp(host, port);
  if (fd < 0 || !vgpu::vmtest::writeAll(fd, &mode, 1)) {
    std::printf("error cannot reach the host peer %s:%d: %s\n", host.c_str(), port, std::strerror(errno));
    std::exit(1);
  }
  return fd;
}

// Microseconds per round trip: the mean and the median of kRounds (after kWarmup).
struct RoundTrip {
  double mean = 0;
  double median = 0;
};

// Times `once` kWarmup + kRounds times; the figures of the last kRounds.
template <typename Once> RoundTrip timeRounds(Once once) {
  std::vector<double> micros;
  micros.reserve(kRounds);
  for (int i = 0; i < kWarmup + kRounds; ++i) {
    const double start = now();
    once();
    if (i >= kWarmup) {
      micros.push_back((now() - start) * 1e6);
    }
  }
  RoundTrip result;
  for (double value : micros) {
    result.mean += value / kRounds;
  }
  std::nth_element(micros.begin(), micros.begin() + kRounds / 2, micros.end());
  result.median = micros[kRounds / 2];
  return result;
}

// A 64-byte ping-pong with the host's echo peer.
RoundTrip rawRoundTrip(const std::string& host, int port) {
  const int fd = connectPeer(host, port, 'E');
  char message[64] = {};
  const RoundTrip result = timeRounds([&] {
    if (!vgpu::vmtest::writeAll(fd, message, sizeof message) || !vgpu::vmtest::readAll(fd, message, sizeof message)) {
      std::printf("error the echo peer went away\n");
      std::exit(1);
    }
  });
  ::close(fd);
  return result;
}

// MiB/s of one 64 MiB blob from the host's source.
double rawBulkFromHostMiBps(const std::string& host, int port) {
  const int fd = connectPeer(host, port, 'R');
  std::vector<char> blob(kBulk);
  const std::uint64_t length = kBulk;
  const double start = now();
  if (!vgpu::vmtest::writeAll(fd, &length, sizeof length) || !vgpu::vmtest::readAll(fd, blob.data(), blob.size())) {
    std::printf("error the source peer went away\n");
    std::exit(1);
  }
  const double rate = kBulk / kMiB / (now() - start);
  ::close(fd);
  return rate;
}

// MiB/s of one 64 MiB blob to the host's sink, acknowledged.
double rawBulkMiBps(const std::string& host, int port) {
  const int fd = connectPeer(host, port, 'S');
  std::vector<char> blob(kBulk, 'x');
  const std::uint64_t length = kBulk;
  char ack = 0;
  const double start = now();
  if (!vgpu::vmtest::writeAll(fd, &length, sizeof length) || !vgpu::vmtest::writeAll(fd, blob.data(), blob.size()) ||
      !vgpu::vmtest::readAll(fd, &ack, 1)) {
    std::printf("error the sink peer went away\n");
    std::exit(1);
  }
  const double rate = kBulk / kMiB / (now() - start);
  ::close(fd);
  return rate;
}

// The ivshmem device's BAR2 through sysfs (write-combining where offered); its size, or 0.
void* mapSharedBar(std::size_t& size) {
  for (const auto& entry : std::filesystem::directory_iterator("/sys/bus/pci/devices")) {
    std::ifstream vendor(entry.path() / "vendor");
    std::ifstream device(entry.path() / "device");
    std::string v, d;
    vendor >> v;
    device >> d;
    if (v != "0x1af4" || d != "0x1110") {
      continue;
    }
    std::ofstream(entry.path() / "enable") << "1";
    for (const char* name : {"resource2_wc", "resource2"}) {
      const int fd = ::open((entry.path() / name).c_str(), O_RDWR | O_CLOEXEC);
      struct stat info {};
      if (fd < 0 || ::fstat(fd, &info) != 0) {
        continue;
      }
      size = static_cast<std::size_t>(info.st_size);
      void* bar = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      ::close(fd);
      if (bar != MAP_FAILED) {
        std::printf("bar %s %s %zu MiB\n", entry.path().filename().c_str(), name, size >> 20);
        return bar;
      }
    }
  }
  size = 0;
  return nullptr;
}

struct BarRates {
  double toBar = 0;   // RAM -> BAR, MiB/s
  double fromBar = 0; // BAR -> RAM, MiB/s
};

// MiB/s of a memcpy of 64 MiB from RAM into the BAR and back. The region's bytes are saved first
// and put back after, so whatever vgpud wrote there (its header) is as it was before the shim starts.
BarRates barMemcpyMiBps() {
  std::size_t size = 0;
  void* bar = mapSharedBar(size);
  if (bar == nullptr || size < kBulk) {
    std::printf("error no ivshmem BAR of at least 64 MiB (1af4:1110) to map\n");
    std::exit(1);
  }
  std::vector<char> saved(kBulk);
  std::memcpy(saved.data(), bar, kBulk);
  std::vector<char> blob(kBulk, 'x');
  BarRates rates;
  double start = now();
  std::memcpy(bar, blob.data(), kBulk);
  rates.toBar = kBulk / kMiB / (now() - start);
  start = now();
  std::memcpy(blob.data(), bar, kBulk);
  rates.fromBar = kBulk / kMiB / (now() - start);
  std::memcpy(bar, saved.data(), kBulk);
  ::munmap(bar, size);
  return rates;
}

int run(const std::string& host, int port, bool withBar) {
  const BarRates bar = withBar ? barMemcpyMiBps() : BarRates{};
  const RoundTrip rawRtt = rawRoundTrip(host, port);
  const double rawRate = rawBulkMiBps(host, port);
  const double rawRateIn = rawBulkFromHostMiBps(host, port);

  check(cuInit(0), "cuInit");
  CUdevice device = 0;
  check(cuDeviceGet(&device, 0), "cuDeviceGet");
  CUcontext context = nullptr;
  check(cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
  check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
  CUstream stream = nullptr;
  check(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  const RoundTrip queryRtt = timeRounds([&] { check(cuStreamQuery(stream), "cuStreamQuery"); });
  const RoundTrip syncRtt = timeRounds([] { check(cuCtxSynchronize(), "cuCtxSynchronize"); });

  void* pinned = nullptr;
  check(cuMemAllocHost(&pinned, kBulk), "cuMemAllocHost");
  std::memset(pinned, 'x', kBulk);
  CUdeviceptr buffer = 0;
  check(cuMemAlloc(&buffer, kBulk), "cuMemAlloc");
  check(cuMemcpyHtoD(buffer, pinned, kBulk), "cuMemcpyHtoD warm-up");
  double start = now();
  check(cuMemcpyHtoD(buffer, pinned, kBulk), "cuMemcpyHtoD");
  const double toDevice = kBulk / kMiB / (now() - start);
  start = now();
  check(cuMemcpyDtoH(pinned, buffer, kBulk), "cuMemcpyDtoH");
  const double toHost = kBulk / kMiB / (now() - start);

  std::printf("raw-tcp-rtt-us mean %.1f median %.1f\n", rawRtt.mean, rawRtt.median);
  std::printf("shim-cuStreamQuery-rtt-us mean %.1f median %.1f\n", queryRtt.mean, queryRtt.median);
  std::printf("shim-cuCtxSynchronize-rtt-us mean %.1f median %.1f\n", syncRtt.mean, syncRtt.median);
  std::printf("ratio-sync-rtt mean %.2f median %.2f (cuCtxSynchronize; target <= 1.5)\n", syncRtt.mean / rawRtt.mean,
              syncRtt.median / rawRtt.median);
  std::printf("raw-tcp-bulk-to-host-MiBps %.1f\n", rawRate);
  std::printf("raw-tcp-bulk-from-host-MiBps %.1f\n", rawRateIn);
  std::printf("shim-pinned-HtoD-MiBps %.1f\n", toDevice);
  std::printf("shim-pinned-DtoH-MiBps %.1f\n", toHost);
  if (!withBar) {
    std::printf("ratio-pinned-HtoD-vs-raw-tcp %.2f (target >= 0.8)\n", toDevice / rawRate);
    std::printf("ratio-pinned-DtoH-vs-raw-tcp %.2f (target >= 0.8)\n", toHost / rawRateIn);
  } else {
    // Bulk data is on the shared-memory device here: it is the raw channel to compare with.
    std::printf("raw-bar-memcpy-to-bar-MiBps %.1f\n", bar.toBar);
    std::printf("raw-bar-memcpy-from-bar-MiBps %.1f\n", bar.fromBar);
    std::printf("ratio-pinned-HtoD-vs-raw-bar %.2f (target >= 0.8)\n", toDevice / bar.toBar);
    std::printf("ratio-pinned-DtoH-vs-raw-bar %.2f (target >= 0.8)\n", toHost / bar.fromBar);
  }
  std::printf("ok\n");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "serve" && argc == 3) {
    return serve(std::atoi(argv[2]));
  }
  if (command == "run" && (argc == 4 || (argc == 5 && std::string(argv[4]) == "--bar"))) {
    return run(argv[2], std::atoi(argv[3]), argc == 5);
  }
  std::fprintf(stderr, "usage: vm_channel_bench serve PORT | run HOST PORT [--bar]\n");
  return 2;
}

// The VM tests' guest probe (tests/vm): a CUDA driver-API program linked against libcuda.so.1 (the
// vgpu shim) that prints what it observes, one `key value` line each, for the host-side test to
// assert. Subcommands:
//   isolation MIB HOST PORT  allocate MIB MiB, swap device pointers with another guest through the
//                            host's relay at HOST:PORT, then touch the other guest's pointer
//   hold MIB                 allocate MIB MiB, print "ready", and wait to be killed
//   outage HOST PORT         allocate, print "ready", wait until HOST:PORT accepts a connection
//                            (the host has stopped vgpud by then), then time one synchronizing call
#include "guest_net.h"

#include <cuda.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using vgpu::vmtest::now;

const char* resultName(CUresult result) {
  const char* name = nullptr;
  return cuGetErrorName(result, &name) == CUDA_SUCCESS && name != nullptr ? name : "unknown";
}

// Fails the probe with the call and its result.
void check(CUresult result, const char* what) {
  if (result != CUDA_SUCCESS) {
    std::printf("error %s %s\n", what, resultName(result));
    std::fflush(stdout);
    std::exit(1);
  }
}

CUcontext openContext() {
  check(cuInit(0), "cuInit");
  CUdevice device = 0;
  check(cuDeviceGet(&device, 0), "cuDeviceGet");
  CUcontext context = nullptr;
  check(cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
  check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
  return context;
}

std::size_t freeMemory() {
  std::size_t free = 0;
  std::size_t total = 0;
  check(cuMemGetInfo(&free, &total), "cuMemGetInfo");
  return free;
}

int isolation(std::size_t mib, const std::string& host, int port) {
  openContext();
  const std::size_t size = mib << 20;
  const std::size_t freeBefore = freeMemory();
  CUdeviceptr own = 0;
  check(cuMemAlloc(&own, size), "cuMemAlloc");
  check(cuMemsetD8(own, 0x5a, size), "cuMemsetD8");
  const std::size_t freeAfter = freeMemory();
  std::printf("pointer 0x%llx\n", static_cast<unsigned long long>(own));
  std::printf("own-alloc-delta %zu\n", freeBefore - freeAfter);
  std::fflush(stdout);

  // The relay answers once both guests have allocated: a barrier as well as the swap.
  const int fd = vgpu::vmtest::connectTcp(host, port);
  std::string line;
  char text[32];
  std::snprintf(text, sizeof text, "0x%llx\n", static_cast<unsigned long long>(own));
  if (fd < 0 || !vgpu::vmtest::writeAll(fd, text, std::strlen(text)) || !vgpu::vmtest::readLine(fd, line)) {
    std::printf("error relay %s\n", std::strerror(errno));
    return 1;
  }
  ::close(fd);
  const CUdeviceptr other = std::strtoull(line.c_str(), nullptr, 16);
  std::printf("other-pointer 0x%llx\n", static_cast<unsigned long long>(other));
  // The other guest's allocation must not show in this guest's memory figures.
  std::printf("free-change-after-other-alloc %lld\n",
              static_cast<long long>(freeAfter) - static_cast<long long>(freeMemory()));

  std::vector<unsigned char> bytes(4096, 0);
  std::printf("read-other %s\n", resultName(cuMemcpyDtoH(bytes.data(), other, bytes.size())));
  std::printf("write-other %s\n", resultName(cuMemsetD8(other, 0, bytes.size())));
  std::printf("free-other %s\n", resultName(cuMemFree(other)));
  check(cuMemcpyDtoH(bytes.data(), own + size - bytes.size(), bytes.size()), "cuMemcpyDtoH own");
  bool intact = true;
  for (unsigned char byte : bytes) {
    intact = intact && byte == 0x5a;
  }
  std::printf("own-intact %d\n", intact ? 1 : 0);
  check(cuMemFree(own), "cuMemFree");
  std::printf("ok\n");
  return 0;
}

int hold(std::size_t mib) {
  openContext();
  CUdeviceptr pointer = 0;
  check(cuMemAlloc(&pointer, mib << 20), "cuMemAlloc");
  check(cuCtxSynchronize(), "cuCtxSynchronize");
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    ::pause();
  }
}

int outage(const std::string& host, int port) {
  openContext();
  CUdeviceptr pointer = 0;
  check(cuMemAlloc(&pointer, 1 << 20), "cuMemAlloc");
  check(cuCtxSynchronize(), "cuCtxSynchronize");
  std::printf("ready\n");
  std::fflush(stdout);
  int fd = -1;
  const double waitStart = now();
  while ((fd = vgpu::vmtest::connectTcp(host, port)) < 0) {
    if (now() - waitStart > 30) {
      std::printf("error the host never opened its go port\n");
      return 1;
    }
    ::usleep(20000);
  }
  ::close(fd);
  unsigned char byte = 0;
  const double start = now();
  const CUresult result = cuMemcpyDtoH(&byte, pointer, 1);
  std::printf("outage-call %s %.0f\n", resultName(result), (now() - start) * 1000);
  std::printf("later-call %s\n", resultName(cuCtxSynchronize()));
  std::printf("ok\n");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "isolation" && argc == 5) {
    return isolation(std::strtoull(argv[2], nullptr, 10), argv[3], std::atoi(argv[4]));
  }
  if (command == "hold" && argc == 3) {
    return hold(std::strtoull(argv[2], nullptr, 10));
  }
  if (command == "outage" && argc == 4) {
    return outage(argv[2], std::atoi(argv[3]));
  }
  std::fprintf(stderr, "usage: vm_probe isolation MIB HOST PORT | hold MIB | outage HOST PORT\n");
  return 2;
}

// vgpu-demo-workload: a small CUDA program (driver API) that gives the console something live to
// show on a machine with no GPU and no CUDA application: under the shim, its VRAM rises and falls
// in a slow sawtooth, its launch rate and copy bandwidth follow a wave, and a few calls fail on
// purpose (a zero-byte cuMemAlloc) so the error counters move. It runs until SIGTERM/SIGINT or
// --seconds N, then frees everything and exits 0. It does no real computation: on the simulated
// device kernels are validated and counted, not executed (docs/simulated-device.md).
#include <cuda.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

std::atomic<bool> stopRequested{false};

void requestStop(int /*signal*/) {
  stopRequested.store(true);
}

constexpr const char* kKernelPtx = ".version 8.0\n"
                                   ".target sm_90\n"
                                   ".address_size 64\n"
                                   ".visible .entry vgpu_demo_scale(.param .u64 data, .param .f32 factor)\n"
                                   "{\n"
                                   "\tret;\n"
                                   "}\n";

constexpr std::size_t kMiB = 1U << 20U;
constexpr std::size_t kBlockBytes = 64 * kMiB; // VRAM moves in blocks of this size
constexpr std::size_t kMaxBlocks = 48;         // 3 GiB at the top of the sawtooth
constexpr std::size_t kCopyBytes = 4 * kMiB;
constexpr double kSawtoothSeconds = 60.0;
constexpr auto kTick = std::chrono::milliseconds(50);

bool ok(CUresult status, const char* what) {
  if (status == CUDA_SUCCESS) {
    return true;
  }
  const char* name = nullptr;
  cuGetErrorName(status, &name);
  std::fprintf(stderr, "vgpu-demo-workload: %s failed: %s\n", what, name != nullptr ? name : "unknown error");
  return false;
}

int usage() {
  std::fprintf(stderr, "usage: vgpu-demo-workload [--seconds N]\n"
                       "Runs a demo CUDA workload under the vgpu shim until SIGTERM (or for N seconds).\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  double seconds = 0; // 0 = until a signal
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      char* end = nullptr;
      seconds = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0' || !(seconds > 0)) {
        return usage();
      }
    } else {
      return usage();
    }
  }
  std::signal(SIGTERM, requestStop);
  std::signal(SIGINT, requestStop);

  CUcontext context = nullptr;
  CUmodule module = nullptr;
  CUfunction kernel = nullptr;
  CUstream stream = nullptr;
  if (!ok(cuInit(0), "cuInit") || !ok(cuDevicePrimaryCtxRetain(&context, 0), "cuDevicePrimaryCtxRetain") ||
      !ok(cuCtxSetCurrent(context), "cuCtxSetCurrent") ||
      !ok(cuModuleLoadData(&module, kKernelPtx), "cuModuleLoadData") ||
      !ok(cuModuleGetFunction(&kernel, module, "vgpu_demo_scale"), "cuModuleGetFunction") ||
      !ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) {
    return 1;
  }
  std::printf("vgpu-demo-workload: running as pid %d\n", static_cast<int>(::getpid()));
  std::fflush(stdout);

  std::vector<CUdeviceptr> blocks;
  std::vector<unsigned char> host(kCopyBytes, 0x42);
  CUdeviceptr staging = 0;
  if (!ok(cuMemAlloc(&staging, kCopyBytes), "cuMemAlloc")) {
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto next = start;
  bool healthy = true;
  for (unsigned tick = 0; healthy && !stopRequested.load(); ++tick) {
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds > 0 && t >= seconds) {
      break;
    }
    // VRAM: a sawtooth from 0 to kMaxBlocks blocks every kSawtoothSeconds.
    const auto wanted = static_cast<std::size_t>(std::fmod(t, kSawtoothSeconds) / kSawtoothSeconds * kMaxBlocks);
    while (healthy && blocks.size() < wanted) {
      CUdeviceptr block = 0;
      healthy = ok(cuMemAlloc(&block, kBlockBytes), "cuMemAlloc");
      blocks.push_back(block);
    }
    while (healthy && blocks.size() > wanted) {
      healthy = ok(cuMemFree(blocks.back()), "cuMemFree");
      blocks.pop_back();
    }
    // Launches and copies: a wave between 20 and 200 launches per tick.
    const auto launches = static_cast<unsigned>(110.0 + 90.0 * std::sin(t / 7.0));
    float factor = 1.5F;
    void* parameters[] = {&staging, &factor};
    for (unsigned i = 0; healthy && i < launches; ++i) {
      healthy = ok(cuLaunchKernel(kernel, 64, 1, 1, 256, 1, 1, 0, stream, parameters, nullptr), "cuLaunchKernel");
    }
    const auto copies = 1U + static_cast<unsigned>(2.0 + 2.0 * std::cos(t / 5.0));
    for (unsigned i = 0; healthy && i < copies; ++i) {
      healthy = ok(cuMemcpyHtoDAsync(staging, host.data(), kCopyBytes, stream), "cuMemcpyHtoDAsync") &&
                ok(cuMemcpyDtoHAsync(host.data(), staging, kCopyBytes / 2, stream), "cuMemcpyDtoHAsync");
    }
    healthy = healthy && ok(cuStreamSynchronize(stream), "cuStreamSynchronize");
    if (tick % 40 == 0) {
      CUdeviceptr nothing = 0;
      static_cast<void>(cuMemAlloc(&nothing, 0)); // fails with CUDA_ERROR_INVALID_VALUE: shows in the error counts
    }
    next += kTick;
    std::this_thread::sleep_until(next);
  }
  for (const CUdeviceptr block : blocks) {
    cuMemFree(block);
  }
  cuMemFree(staging);
  cuStreamDestroy(stream);
  cuModuleUnload(module);
  cuDevicePrimaryCtxRelease(0);
  return healthy ? 0 : 1;
}

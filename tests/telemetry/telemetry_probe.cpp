// A CUDA process for the control-socket tests, linked against the shim as libcuda.so.1. It runs
// cuInit on the device the environment describes, prints "ready <pid> <threads>", then obeys one
// command per stdin line and answers one line each:
//   alloc          cuMemAlloc 64 MiB                       -> "ok"
//   free           cuMemFree of the latest allocation      -> "ok"
//   copy           cuMemcpyHtoD of 1 MiB                   -> "ok"
//   launch         cuLaunchKernel of an empty PTX kernel   -> "ok"
//   calls N        N cuMemAlloc/cuMemFree pairs of 4 KiB   -> "ok <nanoseconds per pair>"
//   zero-alloc     cuMemAlloc of 0 bytes (an error)        -> "result <CUresult>"
//   sync-v2        cuCtxSynchronize_v2(NULL), which calls cuCtxSynchronize inside the shim -> "ok"
//   unsupported    cuGraphicsUnregisterResource (graphics interop, not implemented) -> "result <CUresult>"
//   threads        -> "threads <entries in /proc/self/task>"
//   threaded T N   T threads at once, each: cuCtxSetCurrent, then N times cuStreamCreate,
//                  cuLaunchKernel on that stream, cuStreamDestroy; all joined -> "ok"
//   fork           a child that exits at once through exit() -> "ok"
//   exit           returns 0
// A failing call answers "error <what> <CUresult>".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cuda.h>
#include <cudaProfiler.h>
#include <filesystem>
#include <iostream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr std::size_t kAllocationBytes = 64u << 20;
constexpr std::size_t kCopyBytes = 1u << 20;

constexpr const char* kEmptyKernelPtx = ".version 8.0\n"
                                        ".target sm_90\n"
                                        ".address_size 64\n"
                                        ".visible .entry vgpu_empty()\n"
                                        "{\n"
                                        "\tret;\n"
                                        "}\n";

// The threads of the program and the shim. ThreadSanitizer's runtime (preset tsan) starts one of
// its own with the process's first pthread_create; it is not counted.
std::size_t threadCount() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    ++count;
  }
#if defined(__SANITIZE_THREAD__)
  return count > 1 ? count - 1 : count;
#else
  return count;
#endif
}

bool check(CUresult status, const char* what) {
  if (status != CUDA_SUCCESS) {
    std::cout << "error " << what << ' ' << static_cast<int>(status) << std::endl;
    return false;
  }
  return true;
}

// Handles created and destroyed on some threads while others look theirs up (the registries grow
// meanwhile), and the per-thread call counters of threads that come and go: the counts must add up
// and, under the tsan preset, nothing may race.
CUresult threadedLaunches(CUcontext context, CUfunction kernel, int threads, int iterations) {
  std::vector<CUresult> results(static_cast<std::size_t>(threads), CUDA_SUCCESS);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      CUresult& result = results[static_cast<std::size_t>(t)];
      result = cuCtxSetCurrent(context);
      for (int i = 0; i < iterations && result == CUDA_SUCCESS; ++i) {
        CUstream stream = nullptr;
        result = cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING);
        if (result == CUDA_SUCCESS) {
          result = cuLaunchKernel(kernel, 1, 1, 1, 1, 1, 1, 0, stream, nullptr, nullptr);
          const CUresult destroyed = cuStreamDestroy(stream);
          result = result == CUDA_SUCCESS ? destroyed : result;
        }
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  for (const CUresult result : results) {
    if (result != CUDA_SUCCESS) {
      return result;
    }
  }
  return CUDA_SUCCESS;
}

} // namespace

int main() {
  CUcontext context = nullptr;
  if (!check(cuInit(0), "cuInit") || !check(cuDevicePrimaryCtxRetain(&context, 0), "cuDevicePrimaryCtxRetain") ||
      !check(cuCtxSetCurrent(context), "cuCtxSetCurrent")) {
    return 1;
  }
  std::cout << "ready " << ::getpid() << ' ' << threadCount() << std::endl;
  std::vector<CUdeviceptr> allocations;
  std::vector<unsigned char> host(kCopyBytes, 0x5a);
  CUfunction kernel = nullptr;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "alloc") {
      CUdeviceptr pointer = 0;
      if (check(cuMemAlloc(&pointer, kAllocationBytes), "cuMemAlloc")) {
        allocations.push_back(pointer);
        std::cout << "ok" << std::endl;
      }
    } else if (line == "free") {
      if (allocations.empty()) {
        std::cout << "error free nothing-allocated" << std::endl;
      } else if (check(cuMemFree(allocations.back()), "cuMemFree")) {
        allocations.pop_back();
        std::cout << "ok" << std::endl;
      }
    } else if (line == "copy") {
      CUdeviceptr target = 0;
      if (check(cuMemAlloc(&target, kCopyBytes), "cuMemAlloc") &&
          check(cuMemcpyHtoD(target, host.data(), kCopyBytes), "cuMemcpyHtoD") &&
          check(cuMemFree(target), "cuMemFree")) {
        std::cout << "ok" << std::endl;
      }
    } else if (line == "launch") {
      CUmodule module = nullptr;
      if (kernel == nullptr && (!check(cuModuleLoadData(&module, kEmptyKernelPtx), "cuModuleLoadData") ||
                                !check(cuModuleGetFunction(&kernel, module, "vgpu_empty"), "cuModuleGetFunction"))) {
        continue;
      }
      if (check(cuLaunchKernel(kernel, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr), "cuLaunchKernel") &&
          check(cuCtxSynchronize(), "cuCtxSynchronize")) {
        std::cout << "ok" << std::endl;
      }
    } else if (line.rfind("calls ", 0) == 0) {
      const long count = std::stol(line.substr(6));
      const auto start = std::chrono::steady_clock::now();
      bool ok = true;
      for (long i = 0; i < count && ok; ++i) {
        CUdeviceptr pointer = 0;
        ok = check(cuMemAlloc(&pointer, 4096), "cuMemAlloc") && check(cuMemFree(pointer), "cuMemFree");
      }
      const auto elapsed = std::chrono::steady_clock::now() - start;
      if (ok) {
        std::cout << "ok " << std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count() / count
                  << std::endl;
      }
    } else if (line == "zero-alloc") {
      CUdeviceptr pointer = 0;
      std::cout << "result " << static_cast<int>(cuMemAlloc(&pointer, 0)) << std::endl;
    } else if (line == "sync-v2") {
      if (check(cuCtxSynchronize_v2(nullptr), "cuCtxSynchronize_v2")) {
        std::cout << "ok" << std::endl;
      }
    } else if (line == "profiler-start" || line == "profiler-stop") {
      const CUresult result = line == "profiler-start" ? cuProfilerStart() : cuProfilerStop();
      std::cout << "result " << static_cast<int>(result) << std::endl;
    } else if (line == "unsupported") {
      std::cout << "result " << static_cast<int>(cuGraphicsUnregisterResource(nullptr)) << std::endl;
    } else if (line == "fork") {
      const pid_t child = ::fork();
      if (child == 0) {
        std::exit(0); // NOLINT(concurrency-mt-unsafe): runs the atexit handlers a CUDA process's child would
      }
      int status = 0;
      ::waitpid(child, &status, 0);
      std::cout << "ok" << std::endl;
    } else if (line.rfind("threaded ", 0) == 0) {
      const std::size_t space = line.find(' ', 9);
      const int threads = std::stoi(line.substr(9, space - 9));
      const int iterations = space == std::string::npos ? 1 : std::stoi(line.substr(space + 1));
      CUmodule module = nullptr;
      if (kernel == nullptr && (!check(cuModuleLoadData(&module, kEmptyKernelPtx), "cuModuleLoadData") ||
                                !check(cuModuleGetFunction(&kernel, module, "vgpu_empty"), "cuModuleGetFunction"))) {
        continue;
      }
      if (check(threadedLaunches(context, kernel, threads, iterations), "threaded")) {
        std::cout << "ok" << std::endl;
      }
    } else if (line == "threads") {
      std::cout << "threads " << threadCount() << std::endl;
    } else if (line == "exit") {
      return 0;
    } else {
      std::cout << "error unknown-command" << std::endl;
    }
  }
  return 0;
}

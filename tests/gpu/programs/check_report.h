// Reporting shared by the GPU check programs and the CUDA programs of tests/cuda: one line per check ("pass NAME",
// "fail NAME detail", "skip NAME reason", "time NAME MILLISECONDS") and a last line "ok 0 failure(s)" or "failed N
// failure(s)", so tests/gpu/run-remote-checks.sh and the ctest can read every program the same way. With
// VGPU_EXPECT_SIMULATED=1 (the shim's simulated device, which validates and counts kernels but does not run them)
// checks of a kernel's result are reported as skipped; every API status is still checked.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cuda.h>
#include <cuda_runtime.h>

namespace check {

inline int failures = 0;

inline bool simulated() {
  const char* value = std::getenv("VGPU_EXPECT_SIMULATED");
  return value != nullptr && value[0] == '1';
}

inline void pass(const char* name) {
  std::printf("pass %s\n", name);
}

inline void fail(const char* name, const char* detail) {
  std::printf("fail %s %s\n", name, detail);
  ++failures;
}

inline void skip(const char* name, const char* reason) {
  std::printf("skip %s %s\n", name, reason);
}

// A check whose outcome the caller decided: "pass NAME detail" or "fail NAME detail".
inline void report(bool ok, const char* name, const char* detail = "") {
  std::printf("%s %s %s\n", ok ? "pass" : "fail", name, detail);
  failures += ok ? 0 : 1;
}

inline void time(const char* name, double milliseconds) {
  std::printf("time %s %.3f\n", name, milliseconds);
}

// A check of what a kernel computed: skipped on the simulated device, where kernels do not run.
inline void result(const char* name, bool ok, const char* detail) {
  if (simulated()) {
    skip(name, "kernels do not run on the simulated device");
  } else if (ok) {
    pass(name);
  } else {
    fail(name, detail);
  }
}

// An API status: a failure names the call and the error; success is silent (the caller reports
// the check it belongs to).
inline bool ok(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    std::printf("fail %s %s\n", what, cudaGetErrorName(status));
    ++failures;
    return false;
  }
  return true;
}

inline bool ok(CUresult status, const char* what) {
  if (status != CUDA_SUCCESS) {
    const char* name = nullptr;
    cuGetErrorName(status, &name);
    std::printf("fail %s %s\n", what, name != nullptr ? name : "?");
    ++failures;
    return false;
  }
  return true;
}

// Wall time of a measured part, in milliseconds.
class Stopwatch {
public:
  double milliseconds() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  }

private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

inline int finish() {
  std::printf("%s %d failure(s)\n", failures == 0 ? "ok" : "failed", failures);
  std::fflush(stdout);
  return failures == 0 ? 0 : 1;
}

} // namespace check

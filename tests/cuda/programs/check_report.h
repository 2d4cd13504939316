// The report lines our CUDA programs print, which the tests read: "pass <check> <detail>" and
// "fail <check> <detail>", a failed call as "fail <what> <error name>", and a last line "ok 0
// failure(s)" or "failed N failure(s)" (finish()'s exit code says the same).
#pragma once

#include <cstdio>
#include <cuda.h>
#include <cuda_runtime.h>

namespace check_report {

inline int failures = 0;

inline void report(bool ok, const char* check, const char* detail = "") {
  std::printf("%s %s %s\n", ok ? "pass" : "fail", check, detail);
  failures += ok ? 0 : 1;
}

inline bool cudaOk(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    std::printf("fail %s %s\n", what, cudaGetErrorName(status));
    ++failures;
    return false;
  }
  return true;
}

inline bool driverOk(CUresult status, const char* what) {
  if (status != CUDA_SUCCESS) {
    const char* name = nullptr;
    cuGetErrorName(status, &name);
    std::printf("fail %s %s\n", what, name != nullptr ? name : "?");
    ++failures;
    return false;
  }
  return true;
}

// The last line; the program's exit code.
inline int finish() {
  std::printf("%s %d failure(s)\n", failures == 0 ? "ok" : "failed", failures);
  return failures == 0 ? 0 : 1;
}

} // namespace check_report

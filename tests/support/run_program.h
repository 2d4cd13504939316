// Runs a program as a child process with a given environment and collects its output, for tests
// that drive real binaries (nvcc-built CUDA programs, vgpuctl, nvidia-smi).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vgpu::test {

struct ProgramResult {
  int exitCode = -1;  // 128 + signal when killed, -1 when it could not start
  std::string output; // stdout and stderr interleaved
  bool timedOut = false;
};

// Environment: the test's own environment with `overrides` applied (an empty value unsets).
ProgramResult runProgram(const std::string& path, const std::vector<std::string>& arguments,
                         const std::map<std::string, std::string>& overrides, int timeoutSeconds = 120);

// The value of "<key> <value>" on its own line of the output ("" when absent).
std::string outputValue(const std::string& output, const std::string& key);

} // namespace vgpu::test

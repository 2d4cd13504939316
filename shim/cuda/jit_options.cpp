// JIT options (jit_options.h).
#include "jit_options.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace vgpu::cuda {

namespace {

unsigned asUnsigned(void* value) {
  return static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(value));
}

void writeLog(char* buffer, std::size_t bytes, void** values, int sizeIndex, std::string_view text) {
  if (buffer == nullptr || bytes == 0 || values == nullptr || sizeIndex < 0) {
    return;
  }
  const std::size_t kept = std::min(text.size(), bytes - 1);
  std::memcpy(buffer, text.data(), kept);
  buffer[kept] = '\0';
  // "OUT: Amount of log buffer filled with messages", the terminating NUL included.
  values[sizeIndex] = reinterpret_cast<void*>(static_cast<std::uintptr_t>(kept + 1));
}

} // namespace

CUresult parseJitOptions(unsigned count, const CUjit_option* options, void** values, JitOptions& out) {
  out = JitOptions{};
  out.values = values;
  if (count == 0) {
    return CUDA_SUCCESS;
  }
  if (options == nullptr || values == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (unsigned i = 0; i < count; ++i) {
    void* value = values[i];
    // The id as the integer the caller stored: a number no option has is refused, never loaded as
    // an enumerator it is not.
    int id = 0;
    std::memcpy(&id, &options[i], sizeof id);
    switch (id) {
    case CU_JIT_INFO_LOG_BUFFER: out.infoLog = static_cast<char*>(value); break;
    case CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES:
      out.infoLogBytes = asUnsigned(value);
      out.infoLogSizeIndex = static_cast<int>(i);
      break;
    case CU_JIT_ERROR_LOG_BUFFER: out.errorLog = static_cast<char*>(value); break;
    case CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES:
      out.errorLogBytes = asUnsigned(value);
      out.errorLogSizeIndex = static_cast<int>(i);
      break;
    case CU_JIT_WALL_TIME: out.wallTimeIndex = static_cast<int>(i); break;
    case CU_JIT_LOG_VERBOSE: out.verbose = asUnsigned(value) != 0; break;
    case CU_JIT_GENERATE_DEBUG_INFO: out.debugInfo = asUnsigned(value) != 0; break;
    case CU_JIT_GENERATE_LINE_INFO: out.lineInfo = asUnsigned(value) != 0; break;
    case CU_JIT_MAX_REGISTERS: out.maxRegisters = asUnsigned(value); break;
    case CU_JIT_OPTIMIZATION_LEVEL:
      if (asUnsigned(value) > 4) {
        return CUDA_ERROR_INVALID_VALUE; // "0 through 4"
      }
      out.optimizationLevel = asUnsigned(value);
      break;
    case CU_JIT_TARGET: out.target = asUnsigned(value); break;
    default:
      if (id < 0 || id >= CU_JIT_NUM_OPTIONS) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      break; // hints (cache mode, fallback, fast compile, ...) the linker decides without
    }
  }
  if ((out.infoLog != nullptr && out.infoLogSizeIndex < 0) || (out.errorLog != nullptr && out.errorLogSizeIndex < 0)) {
    return CUDA_ERROR_INVALID_VALUE; // a buffer needs its size
  }
  return CUDA_SUCCESS;
}

void reportJitOutputs(const JitOptions& options, std::string_view info, std::string_view error, float milliseconds) {
  writeLog(options.infoLog, options.infoLogBytes, options.values, options.infoLogSizeIndex, info);
  writeLog(options.errorLog, options.errorLogBytes, options.values, options.errorLogSizeIndex, error);
  if (options.values != nullptr && options.wallTimeIndex >= 0) {
    // "Option type: float": the value's slot holds the float itself.
    void*& slot = options.values[options.wallTimeIndex];
    slot = nullptr;
    std::memcpy(static_cast<void*>(&slot), &milliseconds, sizeof milliseconds);
  }
}

std::vector<std::string> linkerArguments(const JitOptions& options, int computeCapability) {
  std::vector<std::string> arguments;
  // CU_JIT_TARGET's accelerated (sm_90a) and family targets carry flag bits above the number.
  const unsigned target = options.target ? *options.target : static_cast<unsigned>(computeCapability);
  const unsigned number = target & 0xffffu;
  const bool accelerated = (target & CU_COMPUTE_ACCELERATED_TARGET_BASE) != 0;
  const bool family = (target & CU_COMPUTE_FAMILY_TARGET_BASE) != 0;
  arguments.push_back("-arch=sm_" + std::to_string(number) + (accelerated ? "a" : family ? "f" : ""));
  if (options.maxRegisters) {
    arguments.push_back("-maxrregcount=" + std::to_string(*options.maxRegisters));
  }
  if (options.optimizationLevel) {
    arguments.push_back("-O" + std::to_string(*options.optimizationLevel));
  }
  if (options.debugInfo) {
    arguments.emplace_back("-g");
  }
  if (options.lineInfo) {
    arguments.emplace_back("-lineinfo");
  }
  if (options.verbose) {
    arguments.emplace_back("-verbose");
  }
  return arguments;
}

} // namespace vgpu::cuda

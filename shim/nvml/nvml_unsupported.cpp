// Every NVML symbol nvidia-smi 535 and nvtop 3.0 resolve that the shim does not implement
// (listed as data in nvml_unsupported_symbols.inc): exported, logs its name once (VGPU_LOG=warn),
// answers NVML_ERROR_NOT_SUPPORTED, which the tools show as "N/A". A missing symbol instead makes
// nvidia-smi fail as a whole. nvml.h is deliberately not included: these definitions ignore the
// caller's arguments and so do not match its prototypes; the return register carries the
// nvmlReturn_t (an int) whatever the real signature.
#include "vgpu/log.h"

#include <atomic>

namespace {

constexpr int kNotSupported = 3; // NVML_ERROR_NOT_SUPPORTED

int reportUnsupported(const char* name, std::atomic_flag& logged) {
  if (!logged.test_and_set(std::memory_order_relaxed)) {
    vgpu::log::writef(vgpu::log::Level::Warn, "nvml", "%s is not supported by the shim: NVML_ERROR_NOT_SUPPORTED",
                      name);
  }
  return kNotSupported;
}

} // namespace

// One function per name; the flag is constant-initialised (no static constructor).
#define X(name)                                                                                                        \
  extern "C" __attribute__((visibility("default"))) int name() {                                                       \
    static std::atomic_flag logged;                                                                                    \
    return reportUnsupported(#name, logged);                                                                           \
  }
#include "nvml_unsupported_symbols.inc"
#undef X

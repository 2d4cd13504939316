// The table of driver entry points and the cuGetProcAddress lookup over it. Rows come from the
// catalog of what NVIDIA's driver answers (driver_api_catalog.inc, generated from a real GPU) and
// the extra rows the shim implements (driver_api_extra.inc); each row's function is the shim's
// implementation when it has one, else a stub that returns CUDA_ERROR_NOT_SUPPORTED and logs the
// name once — never a fake success.
#include "driver_api_table.h"

#include "call_statistics.h"
#include "driver_api_unsupported.h"
#include "entry_points.h"

#include "vgpu/log.h"

#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace vgpu::cuda {
namespace {

struct CatalogRow {
  std::string_view name;
  int sinceVersion;
  StreamVariant stream;
  std::string_view symbol;
};

constexpr CatalogRow kCatalog[] = {
#define X(name, since, variant, symbol) {#name, since, StreamVariant::variant, #symbol},
#include "driver_api_catalog.inc"
#include "driver_api_extra.inc"
#undef X
};
constexpr std::size_t kRows = std::size(kCatalog);

template <typename F> void* fn(F* function) {
  return reinterpret_cast<void*>(function);
}

// Deprecated entry points (cuDeviceGetProperties, ...) are still part of the driver's ABI.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const std::unordered_map<std::string_view, void*>& implementedSymbols() {
  // Heap-allocated and never freed: cuGetProcAddress stays usable during process exit.
  static const auto* const symbols = new std::unordered_map<std::string_view, void*>{
#define X(symbol) {#symbol, fn(&symbol)},
#include "driver_api_implemented.inc"
#undef X
  };
  return *symbols;
}
#pragma GCC diagnostic pop

// Symbol -> exported stand-in for everything not implemented (driver_api_unsupported.cpp).
const std::unordered_map<std::string_view, void*>& unsupportedSymbols() {
  static const auto* const symbols = [] {
    auto* map = new std::unordered_map<std::string_view, void*>;
    for (std::size_t i = 0; i < kUnsupportedSymbolCount; ++i) {
      map->emplace(kUnsupportedSymbols[i].symbol, kUnsupportedSymbols[i].function);
    }
    return map;
  }();
  return *symbols;
}

const std::vector<DriverEntry>& table() {
  static const std::vector<DriverEntry>* const entries = [] {
    auto* rows = new std::vector<DriverEntry>;
    rows->reserve(kRows);
    for (std::size_t i = 0; i < kRows; ++i) {
      const CatalogRow& row = kCatalog[i];
      const auto it = implementedSymbols().find(row.symbol);
      const bool implemented = it != implementedSymbols().end();
      void* function = implemented ? it->second : unsupportedSymbols().at(row.symbol);
      rows->push_back(DriverEntry{row.name, row.sinceVersion, row.stream, row.symbol, function, implemented});
    }
    return rows;
  }();
  return *entries;
}

} // namespace

void reportUnsupported(std::string_view symbol) {
  // Every stub calls this once per call: the control socket counts the call here, like an
  // implemented entry point's (call_statistics.h), as a CUDA_ERROR_NOT_SUPPORTED.
  tracedUnsupported(symbol, [symbol] {
    static std::mutex* const mutex = new std::mutex;
    static auto* const reported = new std::unordered_set<std::string_view>;
    {
      const std::lock_guard lock(*mutex);
      if (!reported->insert(symbol).second) {
        return;
      }
    }
    log::writef(log::Level::Warn, "driver", "%.*s is not supported by vgpu: CUDA_ERROR_NOT_SUPPORTED",
                static_cast<int>(symbol.size()), symbol.data());
  });
}

std::span<const DriverEntry> driverApiTable() {
  return table();
}

ProcLookup lookupDriverEntry(std::string_view name, int cudaVersion, cuuint64_t flags) {
  ProcLookup lookup;
  if (cudaVersion > CUDA_VERSION) {
    lookup.result = CUDA_ERROR_INVALID_VALUE; // newer than the API this driver implements
    return lookup;
  }
  lookup.result = CUDA_SUCCESS; // not-found answers are statuses with a NULL pointer, as in NVIDIA's driver
  const bool perThread = (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0;
  // With the per-thread flag, a name that has per-thread variants is answered from those only:
  // the real driver reports VERSION_NOT_SUFFICIENT rather than falling back to the legacy one.
  bool hasPerThreadVariant = false;
  bool nameKnown = false;
  for (const DriverEntry& entry : table()) {
    if (entry.name == name) {
      nameKnown = true;
      hasPerThreadVariant = hasPerThreadVariant || entry.stream == StreamVariant::PerThread;
    }
  }
  if (!nameKnown) {
    return lookup;
  }
  const StreamVariant wanted = perThread && hasPerThreadVariant ? StreamVariant::PerThread : StreamVariant::Legacy;
  const DriverEntry* best = nullptr;
  for (const DriverEntry& entry : table()) {
    if (entry.name == name && entry.stream == wanted && entry.sinceVersion <= cudaVersion &&
        (best == nullptr || entry.sinceVersion > best->sinceVersion)) {
      best = &entry;
    }
  }
  if (best == nullptr) {
    lookup.status = CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT;
    return lookup;
  }
  lookup.status = CU_GET_PROC_ADDRESS_SUCCESS;
  lookup.function = best->function;
  return lookup;
}

} // namespace vgpu::cuda

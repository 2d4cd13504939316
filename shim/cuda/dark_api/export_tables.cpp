// cuGetExportTable: the private ("dark API") tables NVIDIA's CUDA runtime, cuBLAS and cuBLASLt ask
// the driver for, reimplemented from the observed behaviour documented in docs/dark-api.md. Each
// table is an array of words at a stable address (the integrity check hashes those addresses);
// slot 0 holds the table's size in bytes except in CONTEXT_LOCAL_STORAGE. Slots whose meaning is
// unknown hold a stub that logs "table/slot" once and returns CUDA_ERROR_NOT_SUPPORTED.
#include "context_lifecycle.h"
#include "dark_api/integrity_check.h"
#include "entry_common.h"
#include "module_loading.h"

#include "vgpu/log.h"
#include "vgpu/module/module_image.h"

#include <array>
#include <atomic>
#include <cinttypes>
#include <cstring>
#include <pthread.h>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace vgpu::cuda;

namespace {

template <typename F> void* word(F* function) {
  return reinterpret_cast<void*>(function);
}
void* sizeWord(std::size_t bytes) {
  return reinterpret_cast<void*>(bytes);
}

// ---- stubs for slots nobody is known to call -------------------------------------------------

enum TableId : int {
  kCudart,
  kToolsTls,
  kHooks,
  kCtxBypass,
  kDeviceExtended,
  kIntegrity,
  kChecks,
  kCublasLt,
  kChained,
  kGemmProbe,
  kToolsModule
};
constexpr const char* kTableNames[] = {"CUDART_INTERFACE",
                                       "TOOLS_TLS",
                                       "TOOLS_RUNTIME_CALLBACK_HOOKS",
                                       "CTX_CREATE_BYPASS",
                                       "DEVICE_EXTENDED_RT",
                                       "INTEGRITY_CHECK",
                                       "CONTEXT_CHECKS",
                                       "21318c60",
                                       "f8cff951",
                                       "1734dc26",
                                       "6e163fbe"};

// The stub's first four arguments are logged: whatever the caller passes is in those registers
// (SysV x86-64), and they are what tracing a new slot starts from (docs/dark-api.md).
template <int Table, int Slot>
CUresult unknownSlot(std::uintptr_t a0, std::uintptr_t a1, std::uintptr_t a2, std::uintptr_t a3) {
  static std::atomic<bool> reported{false};
  if (!reported.exchange(true)) {
    vgpu::log::writef(vgpu::log::Level::Warn, "dark-api",
                      "%s slot %d is not supported by vgpu: CUDA_ERROR_NOT_SUPPORTED (first arguments %#" PRIxPTR
                      " %#" PRIxPTR " %#" PRIxPTR " %#" PRIxPTR ")",
                      kTableNames[Table], Slot, a0, a1, a2, a3);
  }
  return CUDA_ERROR_NOT_SUPPORTED;
}

// Fills slots [1, count) with stubs; the caller then overwrites the slots it implements.
template <int Table, std::size_t N, std::size_t... I>
void fillStubs(std::array<void*, N>& table, std::index_sequence<I...>) {
  ((table[I + 1] = word(&unknownSlot<Table, static_cast<int>(I + 1)>)), ...);
}

template <int Table, std::size_t N> void prepare(std::array<void*, N>& table) {
  table[0] = sizeWord(N * sizeof(void*));
  fillStubs<Table>(table, std::make_index_sequence<N - 1>{});
}

CUresult contextOrCurrent(CUcontext& context) {
  if (context == nullptr) {
    context = currentContext();
    if (context == nullptr) {
      return CUDA_ERROR_INVALID_CONTEXT;
    }
  }
  return checkContext(context);
}

// ---- CUDART_INTERFACE -------------------------------------------------------------------------

CUresult cudartModuleFromWrapper(CUmodule* module, const void* wrapper) {
  if (module == nullptr || wrapper == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::uint32_t magic = 0;
  std::memcpy(&magic, wrapper, sizeof magic);
  if (magic != vgpu::module::kFatbinWrapperMagic) {
    return CUDA_ERROR_INVALID_VALUE; // a raw fatbin is not a wrapper
  }
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  return loadModuleAt(context, wrapper, *module);
}

CUresult cudartPrimaryContext(CUcontext* context, CUdevice device) {
  VGPU_REQUIRE_OUT(context);
  VGPU_REQUIRE_INIT();
  // The primary context's handle, neither retained nor activated (cudart retains it later).
  *context = primaryContextHandle(device);
  return *context == nullptr ? CUDA_ERROR_INVALID_DEVICE : CUDA_SUCCESS;
}

CUresult cudartModuleFromWrapperWithSymbols(CUmodule* module, const void* wrapper, const char** names, void** addresses,
                                            unsigned count) {
  if (count != 0 || names != nullptr || addresses != nullptr) {
    return CUDA_ERROR_NOT_SUPPORTED; // host relocations of module symbols are not implemented
  }
  return cudartModuleFromWrapper(module, wrapper);
}

void cudartFatbinDestroyed(const void* /*wrapper*/) {} // notice only; modules are unloaded explicitly

CUresult cudartModuleFromImage(const void* image, CUmodule* module, CUjit_option* /*options*/, void** /*values*/,
                               unsigned /*count*/) {
  if (module == nullptr || image == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::uint32_t magic = 0;
  std::memcpy(&magic, image, sizeof magic);
  if (magic == vgpu::module::kFatbinWrapperMagic) {
    return CUDA_ERROR_INVALID_IMAGE; // this slot takes raw images only
  }
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  return loadModuleAt(context, image, *module);
}

CUresult cudartLoadCompilers() {
  return CUDA_SUCCESS;
} // nothing to load: no JIT in the simulation

// ---- TOOLS_TLS --------------------------------------------------------------------------------

CUresult toolsSetCurrent(CUcontext context) {
  if (context != nullptr) {
    if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
      return status;
    }
  }
  setCurrentContext(context);
  return CUDA_SUCCESS;
}

CUresult toolsGetCurrent(CUcontext* context) {
  VGPU_REQUIRE_OUT(context);
  *context = currentContext();
  return CUDA_SUCCESS;
}

// ---- TOOLS_RUNTIME_CALLBACK_HOOKS ---------------------------------------------------------------

CUresult hooksCallback(std::uint32_t /*callbackId*/, const void* /*parameters*/) {
  return CUDA_SUCCESS;
}

// Enable flags of the runtime's tracing callbacks: all zero, so cudart never calls the hooks.
void hooksRuntimeFlags(std::uint32_t** flags, std::size_t* count) {
  static std::uint32_t runtimeFlags[1024] = {};
  *flags = runtimeFlags;
  *count = 1024;
}

void hooksInternalFlags(std::uint32_t** flags, std::size_t* count) {
  static std::uint32_t internalFlags[14] = {};
  *flags = internalFlags;
  *count = 14;
}

CUresult hooksStreamId(CUcontext /*context*/, CUstream stream, std::uint64_t* id) {
  VGPU_REQUIRE_OUT(id);
  unsigned long long value = 0;
  const CUresult status = ::cuStreamGetId(stream, &value);
  *id = value;
  return status;
}

CUresult contextId(CUcontext context, std::uint64_t* id) {
  VGPU_REQUIRE_OUT(id);
  if (context == nullptr) {
    *id = 0;
    return CUDA_SUCCESS;
  }
  if (const CUresult status = checkContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  *id = context->id;
  return CUDA_SUCCESS;
}

// 21318c60 slots 51 and 39, which cuBLAS 13 calls before some SGEMMs (on the sm_89 profiles, and
// on the H100 PCIe for larger ones; not natively on the H100 SXM): slot 51 `(context, stream,
// void** out)` hands back an object, slot 39 `(context, object, uint64_t* out)` reads a number from
// it. Their meaning is unknown and no GPU that asks them was at hand to trace NVIDIA's answer; the
// answer here is the one L gives (docs/dark-api.md §2.11): a zeroed record and 0. Unanswered,
// cuBLAS fails the SGEMM with INTERNAL_ERROR.
struct StreamRecord {
  std::uint64_t words[64] = {};
};
StreamRecord& streamRecord() {
  static StreamRecord record; // read only by cuBLAS; never written
  return record;
}

void noteUnverifiedAnswer(int slot) {
  static std::atomic<bool> noted{false};
  if (!noted.exchange(true)) {
    vgpu::log::writef(vgpu::log::Level::Info, "dark-api",
                      "21318c60 slot %d answered as observed elsewhere (a zeroed record, 0); unverified against "
                      "NVIDIA's driver",
                      slot);
  }
}

CUresult streamRecordOf(CUcontext context, CUstream stream, const void** out) {
  VGPU_REQUIRE_OUT(out);
  if (const CUresult status = contextOrCurrent(context); status != CUDA_SUCCESS) {
    return status;
  }
  const bool defaultStream = stream == nullptr || stream == CU_STREAM_LEGACY || stream == CU_STREAM_PER_THREAD;
  if (!defaultStream && state().streams.find(stream) == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  noteUnverifiedAnswer(51);
  *out = &streamRecord();
  return CUDA_SUCCESS;
}

CUresult streamRecordValue(CUcontext context, const void* record, std::uint64_t* out) {
  VGPU_REQUIRE_OUT(out);
  if (record != &streamRecord()) {
    return CUDA_ERROR_INVALID_VALUE; // only what slot 51 handed out
  }
  if (const CUresult status = contextOrCurrent(context); status != CUDA_SUCCESS) {
    return status;
  }
  noteUnverifiedAnswer(39);
  *out = 0;
  return CUDA_SUCCESS;
}

// ---- CONTEXT_LOCAL_STORAGE_INTERFACE_V0301 ------------------------------------------------------

using LocalDestructor = void (*)(CUcontext, void*, void*);

CUresult localPut(CUcontext context, void* key, void* value, LocalDestructor destructor) {
  if (const CUresult status = contextOrCurrent(context); status != CUDA_SUCCESS) {
    return status;
  }
  const std::lock_guard lock(context->mutex);
  if (!context->localStorage.emplace(key, CUctx_st::LocalValue{value, destructor}).second) {
    return CUDA_ERROR_INVALID_HANDLE; // an existing key is not overwritten
  }
  return CUDA_SUCCESS;
}

CUresult localDelete(CUcontext context, void* key) {
  if (const CUresult status = contextOrCurrent(context); status != CUDA_SUCCESS) {
    return status;
  }
  const std::lock_guard lock(context->mutex);
  return context->localStorage.erase(key) == 1 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE; // no destructor call
}

CUresult localGet(void** value, CUcontext context, void* key) {
  VGPU_REQUIRE_OUT(value);
  if (const CUresult status = contextOrCurrent(context); status != CUDA_SUCCESS) {
    return status;
  }
  const std::lock_guard lock(context->mutex);
  const auto it = context->localStorage.find(key);
  if (it == context->localStorage.end()) {
    return CUDA_ERROR_INVALID_HANDLE; // *value is left as the caller set it
  }
  *value = it->second.value;
  return CUDA_SUCCESS;
}

// ---- CTX_CREATE_BYPASS, DEVICE_EXTENDED_RT, CONTEXT_CHECKS -----------------------------------------

CUresult bypassCreate(CUcontext* context, unsigned flags, CUdevice device) {
  return ::cuCtxCreate_v2(context, flags, device);
}

CUresult extendedAttribute(CUdevice device, unsigned attribute, int /*zero*/, std::size_t* out) {
  VGPU_REQUIRE_OUT(out);
  int value = 0;
  if (const CUresult status = ::cuDeviceGetAttribute(&value, static_cast<CUdevice_attribute>(attribute), device);
      status != CUDA_SUCCESS) {
    return status == CUDA_ERROR_INVALID_VALUE ? CUDA_ERROR_NOT_SUPPORTED : status;
  }
  out[0] = 1;
  out[1] = static_cast<std::size_t>(static_cast<unsigned>(value));
  return CUDA_SUCCESS;
}

CUresult extendedDeviceByte(unsigned char* out, CUdevice device) {
  VGPU_REQUIRE_OUT(out);
  VGPU_REQUIRE_INIT();
  if (state().device(device) == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  *out = 0; // what real GPUs report
  return CUDA_SUCCESS;
}

CUresult contextCheck(CUcontext /*context*/, unsigned* wrapped, const void** /*inner*/) {
  // Not a wrapped context. The second output must stay untouched: cuBLAS breaks when it is written.
  if (wrapped != nullptr) {
    *wrapped = 0;
  }
  return CUDA_SUCCESS;
}

unsigned contextCheckInit() {
  return 0;
}

// ---- INTEGRITY_CHECK ------------------------------------------------------------------------------

std::array<void*, 13>& cudartTable();
std::array<void*, 3>& integrityTable();

CUresult integrityCheck(unsigned version, std::uint64_t seconds, std::uint64_t* out) {
  VGPU_REQUIRE_OUT(out);
  dark::IntegrityInput input;
  input.driverVersion = CUDA_VERSION;
  input.version = version;
  input.processId = static_cast<std::uint32_t>(::getpid());
  input.threadId = static_cast<std::uint32_t>(::pthread_self());
  input.cudartTable = reinterpret_cast<std::uint64_t>(cudartTable().data());
  input.integrityTable = reinterpret_cast<std::uint64_t>(integrityTable().data());
  input.integrityFunction = reinterpret_cast<std::uint64_t>(integrityTable()[1]);
  input.seconds = seconds;
  if (state().requireInitialized() == CUDA_SUCCESS) {
    // The same values the device queries answer: cudart recomputes the hash through them.
    for (int ordinal = 0; ordinal < state().deviceCount(); ++ordinal) {
      const DeviceRecord& record = *state().device(ordinal);
      dark::IntegrityDevice device;
      std::copy(record.presented.uuid.begin(), record.presented.uuid.end(), device.uuid.begin());
      int domain = 0, bus = 0, slot = 0;
      vgpu::device::presentedAttribute(record.presented, CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID, domain);
      vgpu::device::presentedAttribute(record.presented, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID, bus);
      vgpu::device::presentedAttribute(record.presented, CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID, slot);
      device.pciDomain = static_cast<std::uint32_t>(domain);
      device.pciBus = static_cast<std::uint32_t>(bus);
      device.pciDevice = static_cast<std::uint32_t>(slot);
      input.devices.push_back(device);
    }
  }
  const auto answer = dark::integrityAnswer(input);
  out[0] = answer[0];
  out[1] = answer[1];
  return CUDA_SUCCESS;
}

CUresult integrityEnable(int /*enable*/) {
  return CUDA_SUCCESS;
}

// ---- the tables, built once at first use, at addresses that never change ------------------------

std::array<void*, 13>& cudartTable() {
  static std::array<void*, 13> table = [] {
    std::array<void*, 13> t{};
    prepare<kCudart>(t);
    t[1] = word(&cudartModuleFromWrapper);
    t[2] = word(&cudartPrimaryContext);
    t[6] = word(&cudartModuleFromWrapperWithSymbols);
    t[7] = word(&cudartFatbinDestroyed);
    t[8] = word(&cudartModuleFromImage);
    t[10] = nullptr;
    t[12] = word(&cudartLoadCompilers);
    return t;
  }();
  return table;
}

std::array<void*, 3>& toolsTlsTable() {
  static std::array<void*, 3> table = {sizeWord(24), word(&toolsSetCurrent), word(&toolsGetCurrent)};
  return table;
}

std::array<void*, 7>& hooksTable() {
  static std::array<void*, 7> table = {
      sizeWord(56),     word(&hooksCallback), word(&hooksRuntimeFlags), word(&hooksStreamId),
      word(&contextId), word(&hooksCallback), word(&hooksInternalFlags)};
  return table;
}

std::array<void*, 4>& localStorageTable() {
  static std::array<void*, 4> table = {word(&localPut), word(&localDelete), word(&localGet), nullptr};
  return table;
}

std::array<void*, 2>& bypassTable() {
  static std::array<void*, 2> table = {sizeWord(16), word(&bypassCreate)};
  return table;
}

std::array<void*, 31>& deviceExtendedTable() {
  static std::array<void*, 31> table = [] {
    std::array<void*, 31> t{};
    prepare<kDeviceExtended>(t);
    t[5] = word(&extendedAttribute);
    t[13] = word(&extendedDeviceByte);
    t[30] = nullptr;
    return t;
  }();
  return table;
}

std::array<void*, 3>& integrityTable() {
  static std::array<void*, 3> table = {sizeWord(24), word(&integrityCheck), word(&integrityEnable)};
  return table;
}

std::array<void*, 15>& contextChecksTable() {
  static std::array<void*, 15> table = [] {
    std::array<void*, 15> t{};
    prepare<kChecks>(t);
    t[2] = word(&contextCheck);
    t[3] = word(&contextCheckInit);
    return t;
  }();
  return table;
}

// Asked for by cuBLASLt; slot 4 is the context id, slots 39 and 51 a stream's record (above).
std::array<void*, 93>& cublasLtTable() {
  static std::array<void*, 93> table = [] {
    std::array<void*, 93> t{};
    prepare<kCublasLt>(t);
    t[4] = word(&contextId);
    t[39] = word(&streamRecordValue);
    t[51] = word(&streamRecordOf);
    return t;
  }();
  return table;
}

// {f8cff951-...}: a chain of sub-tables, each led by its own size word (layout observed on driver
// 580). Its slots' meanings are unknown: every function slot is a logging stub.
std::array<void*, 38>& chainedTable() {
  static std::array<void*, 38> table = [] {
    std::array<void*, 38> t{};
    prepare<kChained>(t);
    t[0] = sizeWord(24);
    t[3] = nullptr;
    t[4] = sizeWord(16);
    t[6] = sizeWord(32);
    t[10] = sizeWord(16);
    t[12] = nullptr;
    t[13] = nullptr;
    t[14] = sizeWord(56);
    t[21] = nullptr;
    t[22] = sizeWord(120);
    return t;
  }();
  return table;
}

// {1734dc26-...} (136 bytes on driver 580): asked for by cuBLAS/cuBLASLt before a GEMM; a refusal
// makes cuBLASLt dereference the null table. Its slots' meanings are unknown: logging stubs.
std::array<void*, 17>& gemmProbeTable() {
  static std::array<void*, 17> table = [] {
    std::array<void*, 17> t{};
    prepare<kGemmProbe>(t);
    return t;
  }();
  return table;
}

// {6e163fbe-...} (the tools' module table; NVIDIA's static tools library names it ToolsModule):
// cuFFT 12 asks it while planning. Slot 7 `(context, module, visit, userData)` calls
// visit(userData, function, owner) for each function of the module and returns how many it visited
// (a count, not a CUresult): cuFFT loads a module of one kernel and takes that kernel from the
// visit; with 0 visited it fails the plan with CUFFT_INTERNAL_ERROR. Traced on the shim
// (docs/dark-api.md §2.12); the count agrees with L. `owner` (L passes a word of the driver's own
// function record) is not used by cuFFT here, which a poison value showed; 0 is passed. The
// table's size is W's (95 words on Windows); Linux's is unobserved. Other slots: logging stubs.
using FunctionVisitor = void (*)(void* userData, CUfunction function, std::uint64_t owner);

std::uint64_t visitModuleFunctions(CUcontext context, CUmodule module, FunctionVisitor visit, void* userData) {
  std::vector<CUfunction> functions;
  if (visit == nullptr || contextOrCurrent(context) != CUDA_SUCCESS ||
      moduleAllFunctions(module, functions) != CUDA_SUCCESS) {
    return 0; // nothing visited: the only failure a count can say
  }
  for (CUfunction function : functions) {
    visit(userData, function, 0);
  }
  return functions.size();
}

std::array<void*, 95>& toolsModuleTable() {
  static std::array<void*, 95> table = [] {
    std::array<void*, 95> t{};
    prepare<kToolsModule>(t);
    t[7] = word(&visitModuleFunctions);
    return t;
  }();
  return table;
}

struct KnownTable {
  std::uint8_t uuid[16];
  void* (*table)();
};

const KnownTable kTables[] = {
    {{0x6b, 0xd5, 0xfb, 0x6c, 0x5b, 0xf4, 0xe7, 0x4a, 0x89, 0x87, 0xd9, 0x39, 0x12, 0xfd, 0x9d, 0xf9},
     [] { return static_cast<void*>(cudartTable().data()); }},
    {{0x42, 0xd8, 0x5a, 0x81, 0x23, 0xf6, 0xcb, 0x47, 0x82, 0x98, 0xf6, 0xe7, 0x8a, 0x3a, 0xec, 0xdc},
     [] { return static_cast<void*>(toolsTlsTable().data()); }},
    {{0xa0, 0x94, 0x79, 0x8c, 0x2e, 0x74, 0x2e, 0x74, 0x93, 0xf2, 0x08, 0x00, 0x20, 0x0c, 0x0a, 0x66},
     [] { return static_cast<void*>(hooksTable().data()); }},
    {{0xc6, 0x93, 0x33, 0x6e, 0x11, 0x21, 0xdf, 0x11, 0xa8, 0xc3, 0x68, 0xf3, 0x55, 0xd8, 0x95, 0x93},
     [] { return static_cast<void*>(localStorageTable().data()); }},
    {{0x0c, 0xa5, 0x0b, 0x8c, 0x10, 0x04, 0x92, 0x9a, 0x89, 0xa7, 0xd0, 0xdf, 0x10, 0xe7, 0x72, 0x86},
     [] { return static_cast<void*>(bypassTable().data()); }},
    {{0xb1, 0x05, 0x41, 0xe1, 0xf7, 0xc7, 0xc7, 0x4a, 0x9f, 0x64, 0xf2, 0x23, 0xbe, 0x99, 0xf1, 0xe2},
     [] { return static_cast<void*>(deviceExtendedTable().data()); }},
    {{0xd4, 0x08, 0x20, 0x55, 0xbd, 0xe6, 0x70, 0x4b, 0x8d, 0x34, 0xba, 0x12, 0x3c, 0x66, 0xe1, 0xf2},
     [] { return static_cast<void*>(integrityTable().data()); }},
    {{0x26, 0x3e, 0x88, 0x60, 0x7c, 0xd2, 0x61, 0x43, 0x92, 0xf6, 0xbb, 0xd5, 0x00, 0x6d, 0xfa, 0x7e},
     [] { return static_cast<void*>(contextChecksTable().data()); }},
    {{0xf8, 0xcf, 0xf9, 0x51, 0x21, 0x46, 0x8b, 0x4e, 0xb9, 0xe2, 0xfb, 0x46, 0x9e, 0x7c, 0x0d, 0xd9},
     [] { return static_cast<void*>(chainedTable().data()); }},
    {{0x21, 0x31, 0x8c, 0x60, 0x97, 0x14, 0x32, 0x48, 0x8c, 0xa6, 0x41, 0xff, 0x73, 0x24, 0xc8, 0xf2},
     [] { return static_cast<void*>(cublasLtTable().data()); }},
    {{0x17, 0x34, 0xdc, 0x26, 0x80, 0x0d, 0x47, 0x45, 0x87, 0x26, 0xc0, 0xf1, 0xe7, 0xdd, 0x8b, 0xca},
     [] { return static_cast<void*>(gemmProbeTable().data()); }},
    {{0x6e, 0x16, 0x3f, 0xbe, 0xb9, 0x58, 0x44, 0x4d, 0x83, 0x5c, 0xe1, 0x82, 0xaf, 0xf1, 0x99, 0x1e},
     [] { return static_cast<void*>(toolsModuleTable().data()); }},
};

} // namespace

// Tables not listed (HEAP_ACCESS, f8cff951, anything unknown) are refused as NVIDIA's Linux driver
// refuses HEAP_ACCESS: cudart 13 continues without f8cff951.
CUresult entry::cuGetExportTable(const void** table, const CUuuid* id) {
  if (table == nullptr || id == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (const KnownTable& known : kTables) {
    if (std::memcmp(known.uuid, id->bytes, sizeof known.uuid) == 0) {
      *table = known.table();
      return CUDA_SUCCESS;
    }
  }
  *table = nullptr;
  if (vgpu::log::enabled(vgpu::log::Level::Debug)) {
    char text[40];
    const auto* b = reinterpret_cast<const unsigned char*>(id->bytes);
    std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    vgpu::log::writef(vgpu::log::Level::Debug, "dark-api", "export table {%s} refused", text);
  }
  return CUDA_ERROR_INVALID_VALUE;
}

// Asks a CUDA driver the private-table questions docs/dark-api.md leaves open, by calling the
// slots directly, each probe in a child process so that a crash is recorded instead of ending
// the run. Run natively on a GPU machine it records what NVIDIA's driver answers; run on the vgpu
// shim (test_gpu_check_programs) it records the shim's answers. run-remote-checks.sh runs it.
//
//   dark_api_probe     (prints "probe NAME key value..." lines and "probe-exit NAME STATUS")
//
// Probes:
//   module-visit   {6e163fbe} slot 7 `(context, module, visit, userData)` on a module of three
//                  kernels: the count it returns, each visit's function and owner, whether each
//                  function is the handle cuModuleGetFunction gives, and a bad module's count.
//   stream-record  {21318c60} slot 51 `(context, stream, void** out)` for the default and a
//                  created stream: status and the record's first 8 words; slot 39 `(context,
//                  record, uint64_t* out)` on it: status and value.
// Built with the host compiler and cuda.h only; the driver is dlopened, never linked.
#include <cuda.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Driver {
  void* library = nullptr;
  template <typename F> F get(const char* name) const { return reinterpret_cast<F>(dlsym(library, name)); }
};

const void* exportTable(const Driver& driver, const unsigned char (&uuid)[16]) {
  auto getExportTable = driver.get<CUresult (*)(const void**, const CUuuid*)>("cuGetExportTable");
  CUuuid id{};
  std::memcpy(id.bytes, uuid, sizeof uuid);
  const void* table = nullptr;
  if (getExportTable == nullptr || getExportTable(&table, &id) != CUDA_SUCCESS) {
    return nullptr;
  }
  return table;
}

void* slotOf(const void* table, int slot) {
  return static_cast<void* const*>(table)[slot];
}

constexpr unsigned char kToolsModule[16] = {0x6e, 0x16, 0x3f, 0xbe, 0xb9, 0x58, 0x44, 0x4d,
                                            0x83, 0x5c, 0xe1, 0x82, 0xaf, 0xf1, 0x99, 0x1e};
constexpr unsigned char kToolsContext[16] = {0x21, 0x31, 0x8c, 0x60, 0x97, 0x14, 0x32, 0x48,
                                             0x8c, 0xa6, 0x41, 0xff, 0x73, 0x24, 0xc8, 0xf2};

// Three kernels, JIT-compiled by the driver (PTX ISA 8.0 targets every GPU CUDA 13 supports).
constexpr const char* kThreeKernels = ".version 8.0\n.target sm_75\n.address_size 64\n"
                                      ".visible .entry alpha()\n{\n ret;\n}\n"
                                      ".visible .entry beta(.param .u64 out)\n{\n ret;\n}\n"
                                      ".visible .entry gamma(.param .u32 n)\n{\n ret;\n}\n";

struct Visits {
  std::vector<CUfunction> functions;
  std::vector<std::uint64_t> owners;
};

void recordVisit(void* userData, CUfunction function, std::uint64_t owner) {
  auto* visits = static_cast<Visits*>(userData);
  visits->functions.push_back(function);
  visits->owners.push_back(owner);
}

int moduleVisit(const Driver& driver, CUcontext context) {
  const void* table = exportTable(driver, kToolsModule);
  if (table == nullptr) {
    std::printf("probe module-visit table refused\n");
    return 0;
  }
  std::printf("probe module-visit table-word0 %zu\n", reinterpret_cast<std::size_t>(slotOf(table, 0)));
  auto load = driver.get<CUresult (*)(CUmodule*, const void*)>("cuModuleLoadData");
  auto getFunction = driver.get<CUresult (*)(CUfunction*, CUmodule, const char*)>("cuModuleGetFunction");
  CUmodule module = nullptr;
  const CUresult loaded = load(&module, kThreeKernels);
  std::printf("probe module-visit load %d\n", static_cast<int>(loaded));
  if (loaded != CUDA_SUCCESS) {
    return 0;
  }
  using Visit = void (*)(void*, CUfunction, std::uint64_t);
  using VisitAll = std::uint64_t (*)(CUcontext, CUmodule, Visit, void*);
  const auto visitAll = reinterpret_cast<VisitAll>(slotOf(table, 7));
  Visits visits;
  const std::uint64_t count = visitAll(context, module, &recordVisit, &visits);
  std::printf("probe module-visit count %llu visits %zu\n", static_cast<unsigned long long>(count),
              visits.functions.size());
  const char* names[] = {"alpha", "beta", "gamma"};
  for (std::size_t i = 0; i < visits.functions.size(); ++i) {
    const char* matched = "none";
    for (const char* name : names) {
      CUfunction function = nullptr;
      if (getFunction(&function, module, name) == CUDA_SUCCESS && function == visits.functions[i]) {
        matched = name;
      }
    }
    std::printf("probe module-visit visit %zu is-function %s owner %#llx\n", i, matched,
                static_cast<unsigned long long>(visits.owners[i]));
  }
  Visits none;
  const std::uint64_t nullContext = visitAll(nullptr, module, &recordVisit, &none);
  std::printf("probe module-visit null-context count %llu visits %zu\n", static_cast<unsigned long long>(nullContext),
              none.functions.size());
  return 0;
}

int streamRecord(const Driver& driver, CUcontext context) {
  const void* table = exportTable(driver, kToolsContext);
  if (table == nullptr) {
    std::printf("probe stream-record table refused\n");
    return 0;
  }
  std::printf("probe stream-record table-word0 %zu\n", reinterpret_cast<std::size_t>(slotOf(table, 0)));
  auto createStream = driver.get<CUresult (*)(CUstream*, unsigned)>("cuStreamCreate");
  CUstream created = nullptr;
  createStream(&created, CU_STREAM_NON_BLOCKING);
  using RecordOf = CUresult (*)(CUcontext, CUstream, const void**);
  using RecordValue = CUresult (*)(CUcontext, const void*, std::uint64_t*);
  const auto recordOf = reinterpret_cast<RecordOf>(slotOf(table, 51));
  const auto recordValue = reinterpret_cast<RecordValue>(slotOf(table, 39));
  for (CUstream stream : {static_cast<CUstream>(nullptr), created}) {
    const char* which = stream == nullptr ? "default" : "created";
    const void* record = nullptr;
    const CUresult status = recordOf(context, stream, &record);
    std::printf("probe stream-record slot51 %s status %d record %s\n", which, static_cast<int>(status),
                record == nullptr ? "null" : "set");
    if (status != CUDA_SUCCESS || record == nullptr) {
      continue;
    }
    std::printf("probe stream-record slot51 %s words", which);
    for (int i = 0; i < 8; ++i) {
      std::printf(" %#llx", static_cast<unsigned long long>(static_cast<const std::uint64_t*>(record)[i]));
    }
    std::printf("\n");
    std::uint64_t value = 0;
    const CUresult read = recordValue(context, record, &value);
    std::printf("probe stream-record slot39 %s status %d value %#llx\n", which, static_cast<int>(read),
                static_cast<unsigned long long>(value));
  }
  return 0;
}

// Opens the driver and makes device 0's primary context current, in the process that probes
// (NVIDIA's driver does not carry CUDA state across fork, so every child starts afresh).
bool openDriver(Driver& driver, CUcontext& context) {
  driver.library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver.library == nullptr) {
    std::printf("error dlopen libcuda.so.1: %s\n", dlerror());
    return false;
  }
  auto init = driver.get<CUresult (*)(unsigned)>("cuInit");
  auto retain = driver.get<CUresult (*)(CUcontext*, CUdevice)>("cuDevicePrimaryCtxRetain");
  auto setCurrent = driver.get<CUresult (*)(CUcontext)>("cuCtxSetCurrent");
  if (init == nullptr || retain == nullptr || setCurrent == nullptr || init(0) != CUDA_SUCCESS ||
      retain(&context, 0) != CUDA_SUCCESS || setCurrent(context) != CUDA_SUCCESS) {
    std::printf("error no context on device 0\n");
    return false;
  }
  return true;
}

// Runs one probe in a child: a crash or a hang (10 s) is reported, and the next probe still runs.
void inChild(const char* name, int (*probe)(const Driver&, CUcontext)) {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    alarm(10);
    Driver driver;
    CUcontext context = nullptr;
    const int status = openDriver(driver, context) ? probe(driver, context) : 2;
    std::fflush(stdout);
    _exit(status);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) {
    std::printf("probe-exit %s signal %d\n", name, WTERMSIG(status));
  } else {
    std::printf("probe-exit %s status %d\n", name, WEXITSTATUS(status));
  }
}

} // namespace

int main() {
  void* library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  Dl_info self{};
  if (library == nullptr || dladdr(dlsym(library, "cuInit"), &self) == 0) {
    std::printf("error dlopen libcuda.so.1: %s\n", library == nullptr ? dlerror() : "no cuInit");
    return 1;
  }
  std::printf("driver-library %s\n", self.dli_fname); // dlopen only: no CUDA state before the forks
  inChild("module-visit", &moduleVisit);
  inChild("stream-record", &streamRecord);
  return 0;
}

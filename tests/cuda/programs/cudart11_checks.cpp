// The CUDA 11.8 runtime (Debian's libcudart11.0, NVIDIA's libcudart.so.11.8.89) on the shim: loaded
// with dlopen from the path given, so this program needs no CUDA 11 headers. Only entry points
// whose signatures are the same in every CUDA version are used (no cudaDeviceProp, whose layout
// changed). Prints pass/fail lines like the nvcc-built programs and "<key> <value>" facts.
//   cudart11_checks <path to libcudart.so.11.0>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <vector>

namespace {

using Error = int; // cudaError_t
using Stream = void*;
using Event = void*;

struct Runtime {
  Error (*getDeviceCount)(int*);
  Error (*driverGetVersion)(int*);
  Error (*runtimeGetVersion)(int*);
  Error (*deviceGetAttribute)(int*, int, int);
  Error (*setDevice)(int);
  Error (*malloc)(void**, size_t);
  Error (*free)(void*);
  Error (*memcpy)(void*, const void*, size_t, int);
  Error (*memcpyAsync)(void*, const void*, size_t, int, Stream);
  Error (*memset)(void*, int, size_t);
  Error (*memGetInfo)(size_t*, size_t*);
  Error (*streamCreate)(Stream*);
  Error (*streamSynchronize)(Stream);
  Error (*streamDestroy)(Stream);
  Error (*eventCreate)(Event*);
  Error (*eventRecord)(Event, Stream);
  Error (*eventSynchronize)(Event);
  Error (*eventElapsedTime)(float*, Event, Event);
  Error (*mallocHost)(void**, size_t);
  Error (*freeHost)(void*);
  const char* (*getErrorName)(Error);
};

template <typename T> bool load(void* library, const char* name, T& out) {
  out = reinterpret_cast<T>(dlsym(library, name));
  if (out == nullptr) {
    std::printf("fail symbol %s\n", name);
  }
  return out != nullptr;
}

int failures = 0;
void report(bool ok, const char* check, const char* detail = "") {
  std::printf("%s %s %s\n", ok ? "pass" : "fail", check, detail);
  failures += ok ? 0 : 1;
}

constexpr int kHostToDevice = 1, kDeviceToHost = 2, kDeviceToDevice = 3;
// cudaDeviceAttr values, stable since CUDA 5.
constexpr int kAttrMultiProcessorCount = 16, kAttrComputeMajor = 75, kAttrComputeMinor = 76, kAttrSharedOptin = 97,
              kAttrPciBus = 33, kAttrPciDevice = 34;

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::printf("usage: cudart11_checks <libcudart.so.11.0>\n");
    return 2;
  }
  void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    std::printf("fail dlopen %s\n", dlerror());
    return 1;
  }
  Runtime rt{};
  bool ok =
      load(library, "cudaGetDeviceCount", rt.getDeviceCount) &&
      load(library, "cudaDriverGetVersion", rt.driverGetVersion) &&
      load(library, "cudaRuntimeGetVersion", rt.runtimeGetVersion) &&
      load(library, "cudaDeviceGetAttribute", rt.deviceGetAttribute) && load(library, "cudaSetDevice", rt.setDevice) &&
      load(library, "cudaMalloc", rt.malloc) && load(library, "cudaFree", rt.free) &&
      load(library, "cudaMemcpy", rt.memcpy) && load(library, "cudaMemcpyAsync", rt.memcpyAsync) &&
      load(library, "cudaMemset", rt.memset) && load(library, "cudaMemGetInfo", rt.memGetInfo) &&
      load(library, "cudaStreamCreate", rt.streamCreate) &&
      load(library, "cudaStreamSynchronize", rt.streamSynchronize) &&
      load(library, "cudaStreamDestroy", rt.streamDestroy) && load(library, "cudaEventCreate", rt.eventCreate) &&
      load(library, "cudaEventRecord", rt.eventRecord) && load(library, "cudaEventSynchronize", rt.eventSynchronize) &&
      load(library, "cudaEventElapsedTime", rt.eventElapsedTime) && load(library, "cudaMallocHost", rt.mallocHost) &&
      load(library, "cudaFreeHost", rt.freeHost) && load(library, "cudaGetErrorName", rt.getErrorName);
  if (!ok) {
    return 1;
  }
  int runtime = 0, driver = 0, count = 0;
  rt.runtimeGetVersion(&runtime);
  rt.driverGetVersion(&driver);
  std::printf("runtime-version %d\ndriver-version %d\n", runtime, driver);
  const Error countStatus = rt.getDeviceCount(&count);
  if (countStatus != 0) {
    std::printf("device-count 0\nerror cudaGetDeviceCount %d %s\n", countStatus, rt.getErrorName(countStatus));
    return countStatus == 100 ? 0 : 1; // cudaErrorNoDevice
  }
  std::printf("device-count %d\n", count);
  for (int device = 0; device < count; ++device) {
    int major = 0, minor = 0, sms = 0, optin = 0, bus = 0, slot = 0;
    rt.deviceGetAttribute(&major, kAttrComputeMajor, device);
    rt.deviceGetAttribute(&minor, kAttrComputeMinor, device);
    rt.deviceGetAttribute(&sms, kAttrMultiProcessorCount, device);
    rt.deviceGetAttribute(&optin, kAttrSharedOptin, device);
    rt.deviceGetAttribute(&bus, kAttrPciBus, device);
    rt.deviceGetAttribute(&slot, kAttrPciDevice, device);
    std::printf("%d cc %d.%d\n%d sms %d\n%d smem-optin %d\n%d pci %02x:%02x\n", device, major, minor, device, sms,
                device, optin, device, bus, slot);
  }
  report(rt.setDevice(0) == 0, "set-device");

  // Byte-exact round trips host -> device -> device -> host.
  for (size_t bytes : {size_t{1}, size_t{4097}, (size_t{1} << 20) + 3, size_t{64} << 20}) {
    std::vector<unsigned char> source(bytes), result(bytes, 0);
    for (size_t i = 0; i < bytes; ++i) {
      source[i] = static_cast<unsigned char>(i * 37 + 11);
    }
    void* a = nullptr;
    void* b = nullptr;
    const bool alloc = rt.malloc(&a, bytes) == 0 && rt.malloc(&b, bytes) == 0;
    const bool copied = alloc && rt.memcpy(a, source.data(), bytes, kHostToDevice) == 0 &&
                        rt.memcpy(b, a, bytes, kDeviceToDevice) == 0 &&
                        rt.memcpy(result.data(), b, bytes, kDeviceToHost) == 0;
    char name[64];
    std::snprintf(name, sizeof name, "roundtrip-%zu", bytes);
    report(copied && source == result, name);
    rt.free(a);
    rt.free(b);
  }

  // Memset, memory information, async copies on a stream with pinned memory, event timing.
  void* buffer = nullptr;
  size_t freeBefore = 0, total = 0, freeDuring = 0;
  rt.memGetInfo(&freeBefore, &total);
  report(rt.malloc(&buffer, size_t{32} << 20) == 0, "malloc-32MiB");
  rt.memGetInfo(&freeDuring, &total);
  report(freeBefore - freeDuring == (size_t{32} << 20), "mem-info-follows-malloc");
  std::vector<unsigned char> check(4096);
  report(rt.memset(buffer, 0x5a, 4096) == 0 && rt.memcpy(check.data(), buffer, 4096, kDeviceToHost) == 0 &&
             check[0] == 0x5a && check[4095] == 0x5a,
         "memset");
  Stream stream = nullptr;
  Event start = nullptr, stop = nullptr;
  unsigned char* pinned = nullptr;
  report(rt.streamCreate(&stream) == 0 && rt.eventCreate(&start) == 0 && rt.eventCreate(&stop) == 0 &&
             rt.mallocHost(reinterpret_cast<void**>(&pinned), size_t{64} << 20) == 0,
         "stream-event-pinned");
  // Out of the first pinned half and back into the second: a source queued for an async copy is
  // not touched until the stream is synchronized (CUDA reads pinned memory when the copy runs).
  constexpr size_t kHalf = size_t{32} << 20;
  std::memset(pinned, 0x77, kHalf);
  std::memset(pinned + kHalf, 0, kHalf);
  rt.eventRecord(start, stream);
  rt.memcpyAsync(buffer, pinned, kHalf, kHostToDevice, stream);
  rt.memcpyAsync(pinned + kHalf, buffer, kHalf, kDeviceToHost, stream);
  rt.eventRecord(stop, stream);
  report(rt.streamSynchronize(stream) == 0 && rt.eventSynchronize(stop) == 0, "stream-synchronize");
  report(pinned[kHalf] == 0x77 && pinned[2 * kHalf - 1] == 0x77, "async-roundtrip");
  float ms = 0;
  report(rt.eventElapsedTime(&ms, start, stop) == 0 && ms > 0, "event-elapsed");
  rt.freeHost(pinned);
  rt.streamDestroy(stream);
  rt.free(buffer);
  std::printf("%s %d failure(s)\n", failures == 0 ? "ok" : "failed", failures);
  return failures == 0 ? 0 : 1;
}

// Memory behaviour through NVIDIA's CUDA runtime and driver API: byte-exact round trips from 1 byte
// to 256 MiB (sync, and async on several streams), every memset form, event timing, and a captured
// graph of copies, a memset and a kernel, memory pools, batched and 3D peer copies. Prints "pass <check>" / "fail
// <check> <detail>"; exit code 0 only when every check passed. With VGPU_EXPECT_SIMULATED=1 kernel results are not
// checked (the simulated device validates and counts kernels but does not run them).
#include "check_report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda.h>
#include <cuda_runtime.h>
#include <vector>

namespace {

void fillPattern(std::vector<unsigned char>& data, unsigned seed) {
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<unsigned char>((i * 131u + seed * 7u + (i >> 13)) & 0xff);
  }
}

__global__ void scale(float* data, float factor, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    data[i] *= factor;
  }
}

void roundTrips() {
  const size_t sizes[] = {1, 3, 4096, (size_t{1} << 20) + 7, size_t{64} << 20, size_t{256} << 20};
  // VGPU_ROUND_TRIP_MAX_BYTES caps the sizes where a test runs the program many times over (every
  // device profile): the large sizes do not depend on the profile.
  const char* cap = std::getenv("VGPU_ROUND_TRIP_MAX_BYTES");
  const size_t maxBytes = cap != nullptr ? std::strtoull(cap, nullptr, 10) : ~size_t{0};
  for (size_t bytes : sizes) {
    if (bytes > maxBytes) {
      continue;
    }
    std::vector<unsigned char> source(bytes), result(bytes, 0);
    fillPattern(source, static_cast<unsigned>(bytes));
    void* a = nullptr;
    void* b = nullptr;
    if (!check::ok(cudaMalloc(&a, bytes), "malloc-a") || !check::ok(cudaMalloc(&b, bytes), "malloc-b")) {
      return;
    }
    check::ok(cudaMemcpy(a, source.data(), bytes, cudaMemcpyHostToDevice), "h2d");
    check::ok(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice), "d2d");
    check::ok(cudaMemcpy(result.data(), b, bytes, cudaMemcpyDeviceToHost), "d2h");
    char name[64];
    std::snprintf(name, sizeof name, "roundtrip-sync-%zu", bytes);
    check::report(std::memcmp(source.data(), result.data(), bytes) == 0, name);
    cudaFree(a);
    cudaFree(b);
  }
}

void asyncStreams() {
  constexpr int kStreams = 4;
  constexpr size_t kBytes = size_t{8} << 20;
  cudaStream_t streams[kStreams];
  unsigned char* pinnedIn[kStreams];
  unsigned char* pinnedOut[kStreams];
  void* device[kStreams];
  for (int s = 0; s < kStreams; ++s) {
    check::ok(cudaStreamCreateWithFlags(&streams[s], cudaStreamNonBlocking), "stream-create");
    check::ok(cudaMallocHost(reinterpret_cast<void**>(&pinnedIn[s]), kBytes), "malloc-host");
    check::ok(cudaMallocHost(reinterpret_cast<void**>(&pinnedOut[s]), kBytes), "malloc-host");
    check::ok(cudaMalloc(&device[s], kBytes), "malloc");
    for (size_t i = 0; i < kBytes; ++i) {
      pinnedIn[s][i] = static_cast<unsigned char>(i * 7 + s);
    }
    std::memset(pinnedOut[s], 0, kBytes);
  }
  for (int s = 0; s < kStreams; ++s) {
    check::ok(cudaMemcpyAsync(device[s], pinnedIn[s], kBytes, cudaMemcpyHostToDevice, streams[s]), "h2d-async");
    check::ok(cudaMemcpyAsync(pinnedOut[s], device[s], kBytes, cudaMemcpyDeviceToHost, streams[s]), "d2h-async");
  }
  bool same = true;
  for (int s = 0; s < kStreams; ++s) {
    check::ok(cudaStreamSynchronize(streams[s]), "stream-sync");
    same = same && std::memcmp(pinnedIn[s], pinnedOut[s], kBytes) == 0;
    cudaFree(device[s]);
    cudaFreeHost(pinnedIn[s]);
    cudaFreeHost(pinnedOut[s]);
    cudaStreamDestroy(streams[s]);
  }
  check::report(same, "roundtrip-async-4-streams");
}

void memsets() {
  constexpr size_t kCount = 4099;
  CUdeviceptr buffer = 0;
  if (!check::ok(cuMemAlloc(&buffer, kCount * 4), "cuMemAlloc")) {
    return;
  }
  std::vector<unsigned char> bytes(kCount);
  check::ok(cuMemsetD8(buffer, 0xab, kCount), "cuMemsetD8");
  check::ok(cuMemcpyDtoH(bytes.data(), buffer, kCount), "dtoh");
  bool ok = true;
  for (unsigned char b : bytes) {
    ok = ok && b == 0xab;
  }
  check::report(ok, "memset-d8");

  std::vector<unsigned short> shorts(kCount);
  check::ok(cuMemsetD16(buffer, 0x1234, kCount), "cuMemsetD16");
  check::ok(cuMemcpyDtoH(shorts.data(), buffer, kCount * 2), "dtoh");
  ok = true;
  for (unsigned short v : shorts) {
    ok = ok && v == 0x1234;
  }
  check::report(ok, "memset-d16");

  std::vector<unsigned int> words(kCount);
  check::ok(cuMemsetD32(buffer, 0xdeadbeef, kCount), "cuMemsetD32");
  check::ok(cuMemcpyDtoH(words.data(), buffer, kCount * 4), "dtoh");
  ok = true;
  for (unsigned int v : words) {
    ok = ok && v == 0xdeadbeefu;
  }
  check::report(ok, "memset-d32");

  // 2D: 7 rows of 10 elements in a pitch of 64 bytes; the gaps between rows stay untouched.
  constexpr size_t kPitch = 64, kRows = 7, kWidth = 10;
  check::ok(cuMemsetD8(buffer, 0, kPitch * kRows), "clear");
  check::ok(cuMemsetD2D16(buffer, kPitch, 0xbeef, kWidth, kRows), "cuMemsetD2D16");
  std::vector<unsigned char> plane(kPitch * kRows);
  check::ok(cuMemcpyDtoH(plane.data(), buffer, plane.size()), "dtoh");
  ok = true;
  for (size_t row = 0; row < kRows; ++row) {
    for (size_t x = 0; x < kPitch; x += 2) {
      unsigned short v;
      std::memcpy(&v, &plane[row * kPitch + x], 2);
      ok = ok && v == (x / 2 < kWidth ? 0xbeef : 0);
    }
  }
  check::report(ok, "memset-2d16");
  check::ok(cuMemsetD2D8(buffer, kPitch, 0x5a, 2 * kWidth, kRows), "cuMemsetD2D8"); // bytes 0..19 of each row
  check::ok(cuMemsetD2D32(buffer, kPitch, 0x01020304, 4, kRows), "cuMemsetD2D32");
  check::ok(cuMemcpyDtoH(plane.data(), buffer, plane.size()), "dtoh");
  unsigned first;
  std::memcpy(&first, &plane[kPitch], 4);
  check::report(first == 0x01020304u && plane[kPitch + 16] == 0x5a, "memset-2d8-2d32");

  check::ok(cudaMemset(reinterpret_cast<void*>(buffer), 0x7f, 100), "cudaMemset");
  check::ok(cuMemsetD8Async(buffer + 100, 0x11, 10, nullptr), "cuMemsetD8Async");
  check::ok(cuCtxSynchronize(), "sync");
  check::ok(cuMemcpyDtoH(bytes.data(), buffer, 110), "dtoh");
  check::report(bytes[0] == 0x7f && bytes[99] == 0x7f && bytes[100] == 0x11 && bytes[109] == 0x11,
                "memset-runtime-and-async");

  // Misaligned 32-bit memset is refused, not performed byte-wise.
  check::report(cuMemsetD32(buffer + 1, 0, 4) == CUDA_ERROR_INVALID_VALUE, "memset-d32-misaligned-refused");
  cuMemFree(buffer);
}

void eventTiming() {
  cudaEvent_t start, stop;
  check::ok(cudaEventCreate(&start), "event-create");
  check::ok(cudaEventCreate(&stop), "event-create");
  const size_t bytes = size_t{64} << 20;
  void* device = nullptr;
  std::vector<unsigned char> host(bytes, 1);
  check::ok(cudaMalloc(&device, bytes), "malloc");
  check::ok(cudaEventRecord(start), "record");
  for (int i = 0; i < 4; ++i) {
    check::ok(cudaMemcpy(device, host.data(), bytes, cudaMemcpyHostToDevice), "h2d");
  }
  check::ok(cudaEventRecord(stop), "record");
  check::ok(cudaEventSynchronize(stop), "event-sync");
  float ms = 0;
  check::ok(cudaEventElapsedTime(&ms, start, stop), "elapsed");
  char detail[64];
  std::snprintf(detail, sizeof detail, "%.3f ms", ms);
  check::report(ms > 0.0f, "event-elapsed-positive", detail);
  cudaEvent_t untimed;
  check::ok(cudaEventCreateWithFlags(&untimed, cudaEventDisableTiming), "event-create");
  check::ok(cudaEventRecord(untimed), "record");
  check::report(cudaEventElapsedTime(&ms, start, untimed) != cudaSuccess, "event-disable-timing-refused");
  cudaGetLastError();
  cudaFree(device);
}

void capturedGraph(bool simulated) {
  constexpr int n = 1 << 16;
  std::vector<float> input(n), output(n, 0);
  for (int i = 0; i < n; ++i) {
    input[i] = static_cast<float>(i);
  }
  float* device = nullptr;
  float* scratch = nullptr;
  check::ok(cudaMalloc(&device, n * sizeof(float)), "malloc");
  check::ok(cudaMalloc(&scratch, n * sizeof(float)), "malloc");
  cudaStream_t stream;
  check::ok(cudaStreamCreate(&stream), "stream");
  cudaGraph_t graph;
  check::ok(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), "begin-capture");
  check::ok(cudaMemcpyAsync(device, input.data(), n * sizeof(float), cudaMemcpyHostToDevice, stream), "capture-h2d");
  check::ok(cudaMemsetAsync(scratch, 0x3f, n * sizeof(float), stream), "capture-memset");
  scale<<<(n + 255) / 256, 256, 0, stream>>>(device, 2.0f, n);
  check::ok(cudaGetLastError(), "capture-launch");
  check::ok(cudaMemcpyAsync(output.data(), device, n * sizeof(float), cudaMemcpyDeviceToHost, stream), "capture-d2h");
  check::ok(cudaStreamEndCapture(stream, &graph), "end-capture");
  size_t nodes = 0;
  check::ok(cudaGraphGetNodes(graph, nullptr, &nodes), "graph-nodes");
  char detail[32];
  std::snprintf(detail, sizeof detail, "%zu nodes", nodes);
  check::report(nodes == 4, "graph-captured-4-nodes", detail);
  // Nothing ran while capturing.
  check::report(output[1] == 0.0f, "graph-capture-did-not-execute");
  cudaGraphExec_t exec;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  check::ok(cudaGraphLaunch(exec, stream), "graph-launch");
  check::ok(cudaStreamSynchronize(stream), "sync");
  const float expected = simulated ? 5.0f : 10.0f; // the simulated device does not run the kernel
  check::report(output[5] == expected && output[n - 1] == (simulated ? 1.0f : 2.0f) * static_cast<float>(n - 1),
                "graph-launch-results");
  std::vector<float> memsetResult(4);
  check::ok(cudaMemcpy(memsetResult.data(), scratch, sizeof(float) * 4, cudaMemcpyDeviceToHost), "d2h");
  unsigned bits;
  std::memcpy(&bits, &memsetResult[3], 4);
  check::report(bits == 0x3f3f3f3fu, "graph-memset-node");
  // A clone is an independent graph with the same nodes: it runs the same work, and each original
  // node is found in it.
  cudaGraph_t clone;
  check::ok(cudaGraphClone(&clone, graph), "graph-clone");
  size_t cloneNodes = 0;
  check::ok(cudaGraphGetNodes(clone, nullptr, &cloneNodes), "clone-nodes");
  std::vector<cudaGraphNode_t> originals(nodes);
  check::ok(cudaGraphGetNodes(graph, originals.data(), &nodes), "graph-nodes");
  cudaGraphNode_t found = nullptr;
  check::report(cloneNodes == nodes && cudaGraphNodeFindInClone(&found, originals[0], clone) == cudaSuccess &&
                    found != nullptr && found != originals[0],
                "graph-clone-nodes");
  std::fill(output.begin(), output.end(), 0.0f);
  cudaGraphExec_t cloneExec;
  check::ok(cudaGraphInstantiate(&cloneExec, clone, 0), "instantiate-clone");
  check::ok(cudaGraphLaunch(cloneExec, stream), "clone-launch");
  check::ok(cudaStreamSynchronize(stream), "sync");
  check::report(output[5] == expected, "graph-clone-launch-results");
  // The topology API on the clone: a capture of four operations on one stream is a chain of three
  // edges; an edge added by hand shows in both nodes' lists and goes again when removed.
  size_t edges = 0;
  check::ok(cudaGraphGetEdges(clone, nullptr, nullptr, nullptr, &edges), "graph-edges");
  std::vector<cudaGraphNode_t> cloned(cloneNodes);
  check::ok(cudaGraphGetNodes(clone, cloned.data(), &cloneNodes), "clone-nodes");
  size_t before = 0, after = 0, dependents = 0;
  check::ok(cudaGraphNodeGetDependencies(cloned[3], nullptr, nullptr, &before), "node-dependencies");
  const bool added = cudaGraphAddDependencies(clone, &cloned[0], &cloned[3], nullptr, 1) == cudaSuccess;
  check::ok(cudaGraphNodeGetDependencies(cloned[3], nullptr, nullptr, &after), "node-dependencies");
  check::ok(cudaGraphNodeGetDependentNodes(cloned[0], nullptr, nullptr, &dependents), "node-dependents");
  const bool removed = cudaGraphRemoveDependencies(clone, &cloned[0], &cloned[3], nullptr, 1) == cudaSuccess;
  size_t restored = 0;
  check::ok(cudaGraphGetEdges(clone, nullptr, nullptr, nullptr, &restored), "graph-edges");
  char edgeDetail[64];
  std::snprintf(edgeDetail, sizeof edgeDetail, "edges %zu deps %zu->%zu dependents %zu", edges, before, after,
                dependents);
  check::report(edges == 3 && added && after == before + 1 && dependents == 2 && removed && restored == 3,
                "graph-edges-api", edgeDetail);
  cudaGraphExecDestroy(cloneExec);
  cudaGraphDestroy(clone);
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  cudaStreamDestroy(stream);
  cudaFree(device);
  cudaFree(scratch);
}

void countHostCall(void* counter) {
  ++*static_cast<int*>(counter);
}

// Host, event record/wait and child graph nodes: their parameters read back as added, change in
// place, a node of another kind is refused, and the graph runs with the changed parameters.
void graphNodeParameters() {
  cudaGraph_t graph = nullptr;
  cudaGraph_t child = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  check::ok(cudaGraphCreate(&child, 0), "graph-create");
  cudaEvent_t first = nullptr;
  cudaEvent_t second = nullptr;
  check::ok(cudaEventCreate(&first), "event-create");
  check::ok(cudaEventCreate(&second), "event-create");
  int counter = 0;
  int other = 0;
  const cudaHostNodeParams host{countHostCall, &counter};
  cudaGraphNode_t hostNode = nullptr, recordNode = nullptr, waitNode = nullptr, childNode = nullptr, empty = nullptr;
  check::ok(cudaGraphAddHostNode(&hostNode, graph, nullptr, 0, &host), "add-host-node");
  check::ok(cudaGraphAddEventRecordNode(&recordNode, graph, &hostNode, 1, first), "add-event-record-node");
  check::ok(cudaGraphAddEventWaitNode(&waitNode, graph, &recordNode, 1, first), "add-event-wait-node");
  check::ok(cudaGraphAddEmptyNode(&empty, child, nullptr, 0), "add-empty-node");
  check::ok(cudaGraphAddChildGraphNode(&childNode, graph, &waitNode, 1, child), "add-child-graph-node");

  cudaHostNodeParams read{};
  bool hostOk = cudaGraphHostNodeGetParams(hostNode, &read) == cudaSuccess && read.fn == countHostCall &&
                read.userData == &counter;
  const cudaHostNodeParams changed{countHostCall, &other};
  hostOk = hostOk && cudaGraphHostNodeSetParams(hostNode, &changed) == cudaSuccess &&
           cudaGraphHostNodeGetParams(hostNode, &read) == cudaSuccess && read.userData == &other;
  check::report(hostOk, "graph-host-node-params");

  cudaEvent_t recorded = nullptr, awaited = nullptr;
  bool eventsOk = cudaGraphEventRecordNodeGetEvent(recordNode, &recorded) == cudaSuccess && recorded == first &&
                  cudaGraphEventWaitNodeGetEvent(waitNode, &awaited) == cudaSuccess && awaited == first;
  eventsOk = eventsOk && cudaGraphEventRecordNodeSetEvent(recordNode, second) == cudaSuccess &&
             cudaGraphEventWaitNodeSetEvent(waitNode, second) == cudaSuccess &&
             cudaGraphEventRecordNodeGetEvent(recordNode, &recorded) == cudaSuccess && recorded == second &&
             cudaGraphEventWaitNodeGetEvent(waitNode, &awaited) == cudaSuccess && awaited == second;
  check::report(eventsOk, "graph-event-node-events");

  // NVIDIA's driver embeds a copy of the child graph: compare what it holds, not the handle.
  cudaGraph_t embedded = nullptr;
  size_t embeddedNodes = 0;
  const bool childOk = cudaGraphChildGraphNodeGetGraph(childNode, &embedded) == cudaSuccess && embedded != nullptr &&
                       cudaGraphGetNodes(embedded, nullptr, &embeddedNodes) == cudaSuccess && embeddedNodes == 1;
  check::report(childOk, "graph-child-node-graph");

  cudaEvent_t none = nullptr;
  cudaGraph_t noGraph = nullptr;
  const bool refused = cudaGraphHostNodeGetParams(recordNode, &read) != cudaSuccess &&
                       cudaGraphEventRecordNodeGetEvent(waitNode, &none) != cudaSuccess &&
                       cudaGraphEventWaitNodeGetEvent(hostNode, &none) != cudaSuccess &&
                       cudaGraphChildGraphNodeGetGraph(hostNode, &noGraph) != cudaSuccess;
  (void)cudaGetLastError(); // the refusals above are expected
  check::report(refused, "graph-node-kind-refused");

  cudaGraphExec_t exec = nullptr;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  check::ok(cudaGraphLaunch(exec, nullptr), "graph-launch");
  check::ok(cudaDeviceSynchronize(), "sync");
  char detail[48];
  std::snprintf(detail, sizeof detail, "counter %d other %d", counter, other);
  check::report(counter == 0 && other == 1 && cudaEventQuery(second) == cudaSuccess, "graph-node-params-launch",
                detail);
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  cudaGraphDestroy(child);
  cudaEventDestroy(first);
  cudaEventDestroy(second);
}

void memoryInfo() {
  size_t freeBefore = 0, total = 0, freeAfter = 0;
  check::ok(cudaMemGetInfo(&freeBefore, &total), "mem-info");
  void* p = nullptr;
  check::ok(cudaMalloc(&p, size_t{512} << 20), "malloc");
  check::ok(cudaMemGetInfo(&freeAfter, &total), "mem-info");
  check::report(freeBefore - freeAfter >= (size_t{512} << 20), "mem-info-follows-malloc");
  cudaFree(p);
  void* huge = nullptr;
  check::report(cudaMalloc(&huge, total + (size_t{1} << 30)) == cudaErrorMemoryAllocation, "over-allocation-refused");
  cudaGetLastError();
}

// Stream-ordered allocation (cudaMallocAsync / cudaFreeAsync) from the device's default pool and
// from an explicit pool: the memory holds data in stream order, the pools' figures follow it, and
// the release threshold is kept.
void hostPools(cudaStream_t stream, cudaMemPool_t devicePool);

void memoryPools() {
  cudaStream_t stream;
  check::ok(cudaStreamCreate(&stream), "stream");
  cudaMemPool_t pool = nullptr;
  check::ok(cudaDeviceGetDefaultMemPool(&pool, 0), "default-pool");
  constexpr size_t kBytes = size_t{4} << 20;
  void* p = nullptr;
  check::report(cudaMallocAsync(&p, kBytes, stream) == cudaSuccess && p != nullptr, "malloc-async");
  std::vector<unsigned char> in(kBytes), out(kBytes, 0);
  fillPattern(in, 7);
  check::ok(cudaMemcpyAsync(p, in.data(), kBytes, cudaMemcpyHostToDevice, stream), "h2d-async");
  check::ok(cudaMemcpyAsync(out.data(), p, kBytes, cudaMemcpyDeviceToHost, stream), "d2h-async");
  cuuint64_t used = 0;
  check::ok(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used), "pool-used");
  check::report(used >= kBytes, "pool-used-follows-malloc-async");
  check::report(cudaFreeAsync(p, stream) == cudaSuccess, "free-async");
  check::ok(cudaStreamSynchronize(stream), "sync");
  check::report(in == out, "malloc-async-data");
  cuuint64_t after = 0;
  check::ok(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &after), "pool-used");
  check::report(after + kBytes <= used, "pool-used-follows-free-async");
  cuuint64_t threshold = size_t{64} << 20, thresholdRead = 0;
  check::report(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold) == cudaSuccess &&
                    cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &thresholdRead) == cudaSuccess &&
                    thresholdRead == threshold,
                "pool-release-threshold");
  check::report(cudaMemPoolTrimTo(pool, 0) == cudaSuccess, "pool-trim");

  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.location.type = cudaMemLocationTypeDevice;
  props.location.id = 0;
  cudaMemPool_t own = nullptr;
  void* q = nullptr;
  const bool created = cudaMemPoolCreate(&own, &props) == cudaSuccess;
  check::report(created && cudaMallocFromPoolAsync(&q, kBytes, own, stream) == cudaSuccess, "explicit-pool-alloc");
  cuuint64_t ownUsed = 0;
  check::ok(cudaMemPoolGetAttribute(own, cudaMemPoolAttrUsedMemCurrent, &ownUsed), "explicit-pool-used");
  check::report(ownUsed >= kBytes, "explicit-pool-used");
  check::ok(cudaFreeAsync(q, stream), "explicit-pool-free");
  check::ok(cudaStreamSynchronize(stream), "sync");
  // The CUDA 13 forms by location and allocation type: a device's pinned pools are its pools.
  cudaMemLocation device0{};
  device0.type = cudaMemLocationTypeDevice;
  device0.id = 0;
  cudaMemPool_t byLocation = nullptr;
  cudaMemPool_t current = nullptr;
  check::report(cudaMemGetDefaultMemPool(&byLocation, &device0, cudaMemAllocationTypePinned) == cudaSuccess &&
                    byLocation == pool,
                "default-pool-by-location");
  check::report(created && cudaMemSetMemPool(&device0, cudaMemAllocationTypePinned, own) == cudaSuccess &&
                    cudaMemGetMemPool(&current, &device0, cudaMemAllocationTypePinned) == cudaSuccess &&
                    current == own && cudaDeviceGetMemPool(&current, 0) == cudaSuccess && current == own,
                "set-pool-by-location");
  cudaMemSetMemPool(&device0, cudaMemAllocationTypePinned, pool);
  cudaMemLocation missing = device0;
  missing.id = 9;
  check::report(cudaMemGetMemPool(&current, &missing, cudaMemAllocationTypePinned) != cudaSuccess,
                "pool-by-location-missing-device-refused");
  cudaGetLastError();
  hostPools(stream, pool);
  check::report(cudaMemPoolDestroy(own) == cudaSuccess, "explicit-pool-destroy");
  cudaStreamDestroy(stream);
}

// Pools of pinned host memory (CUDA 13's host locations): the host's default pool, explicit ones of
// the host and of a NUMA node, allocations the host reads and writes directly and copies move, freed
// in stream order; a host pool is no device's pool, and managed pools are not offered.
void hostPools(cudaStream_t stream, cudaMemPool_t devicePool) {
  cudaMemLocation host{};
  host.type = cudaMemLocationTypeHost;
  cudaMemPool_t hostPool = nullptr;
  cudaMemPool_t current = nullptr;
  check::report(cudaMemGetDefaultMemPool(&hostPool, &host, cudaMemAllocationTypePinned) == cudaSuccess &&
                    hostPool != nullptr && hostPool != devicePool,
                "host-pool-default");
  check::report(cudaMemGetMemPool(&current, &host, cudaMemAllocationTypePinned) == cudaSuccess && current == hostPool,
                "host-pool-current");
  check::report(cudaDeviceSetMemPool(0, hostPool) != cudaSuccess, "host-pool-not-a-device-pool");
  cudaGetLastError();
  int* values = nullptr;
  int* device = nullptr;
  const bool allocated =
      cudaMallocFromPoolAsync(reinterpret_cast<void**>(&values), 4096, hostPool, stream) == cudaSuccess &&
      cudaStreamSynchronize(stream) == cudaSuccess;
  cudaPointerAttributes attributes{};
  check::report(allocated && cudaPointerGetAttributes(&attributes, values) == cudaSuccess &&
                    attributes.type == cudaMemoryTypeHost,
                "host-pool-allocation-is-host-memory");
  if (allocated && check::ok(cudaMalloc(&device, 4096), "host-pool-device-side")) {
    values[0] = 41; // the host writes it directly
    values[1] = 0;
    size_t used = 0;
    check::report(cudaMemcpyAsync(device, values, sizeof(int), cudaMemcpyHostToDevice, stream) == cudaSuccess &&
                      cudaMemcpyAsync(values + 1, device, sizeof(int), cudaMemcpyDeviceToHost, stream) == cudaSuccess &&
                      cudaStreamSynchronize(stream) == cudaSuccess && values[1] == 41,
                  "host-pool-memory-copies");
    check::report(cudaMemPoolGetAttribute(hostPool, cudaMemPoolAttrUsedMemCurrent, &used) == cudaSuccess &&
                      used >= 4096,
                  "host-pool-used");
    check::report(cudaFreeAsync(values, stream) == cudaSuccess && cudaStreamSynchronize(stream) == cudaSuccess &&
                      cudaMemPoolGetAttribute(hostPool, cudaMemPoolAttrUsedMemCurrent, &used) == cudaSuccess &&
                      used == 0,
                  "host-pool-free-async");
    cudaFree(device);
  }
  cudaMemPoolProps properties{};
  properties.allocType = cudaMemAllocationTypePinned;
  properties.location.type = cudaMemLocationTypeHost;
  cudaMemPool_t own = nullptr;
  void* made = nullptr;
  check::report(cudaMemPoolCreate(&own, &properties) == cudaSuccess &&
                    cudaMallocFromPoolAsync(&made, 1024, own, stream) == cudaSuccess &&
                    cudaFreeAsync(made, stream) == cudaSuccess && cudaStreamSynchronize(stream) == cudaSuccess &&
                    cudaMemPoolDestroy(own) == cudaSuccess,
                "host-pool-explicit");
  properties.location.type = cudaMemLocationTypeHostNuma;
  properties.location.id = 0;
  check::report(cudaMemPoolCreate(&own, &properties) == cudaSuccess && cudaMemPoolDestroy(own) == cudaSuccess,
                "host-numa-pool");
  properties.location.id = 999;
  check::report(cudaMemPoolCreate(&own, &properties) != cudaSuccess, "host-numa-pool-missing-node-refused");
  cudaGetLastError();
  cudaMemLocation device0{};
  device0.type = cudaMemLocationTypeDevice;
  cudaMemPool_t managed = nullptr;
  const cudaError_t managedPool = cudaMemGetDefaultMemPool(&managed, &device0, cudaMemAllocationTypeManaged);
  std::printf("info managed-pool-default %d\n", static_cast<int>(managedPool)); // the native run shows
  cudaGetLastError();
}

// cudaMemcpyBatchAsync (what vLLM-style KV-cache swaps use): a batch of host→device (from a stack
// buffer, read during the call), device→device and device→host copies with two attribute sets;
// refused batches copy nothing. cudaMemcpy3DPeer on one device: a 2D region.
// A 3D batch (cudaMemcpy3DBatchAsync, CUDA 12.8): a 8 x 4 x 3 box out of a host volume of 16-byte
// rows and 6-row layers into tightly packed device memory, and back into a zeroed host volume of the
// source's shape: the box's bytes move, the rest stays zero; array operands and zero extents are refused.
void batched3DCopies() {
  constexpr size_t kRow = 16, kRows = 6, kLayers = 3, kWidth = 8, kHeight = 4;
  std::vector<unsigned char> volume(kRow * kRows * kLayers);
  fillPattern(volume, 21);
  std::vector<unsigned char> back(volume.size(), 0);
  unsigned char* packed = nullptr;
  cudaMalloc(&packed, kWidth * kHeight * kLayers);
  cudaStream_t stream = nullptr;
  cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
  const auto operand = [](void* pointer, size_t rowLength, size_t layerHeight) {
    cudaMemcpy3DOperand made{};
    made.type = cudaMemcpyOperandTypePointer;
    made.op.ptr.ptr = pointer;
    made.op.ptr.rowLength = rowLength;
    made.op.ptr.layerHeight = layerHeight;
    return made;
  };
  cudaMemcpy3DBatchOp ops[2] = {};
  ops[0].src = operand(volume.data(), kRow, kRows);
  ops[0].dst = operand(packed, 0, 0);
  ops[0].extent = make_cudaExtent(kWidth, kHeight, kLayers);
  ops[0].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
  const cudaError_t up = cudaMemcpy3DBatchAsync(1, ops, 0, stream);
  ops[1].src = operand(packed, 0, 0);
  ops[1].dst = operand(back.data(), kRow, kRows);
  ops[1].extent = ops[0].extent;
  ops[1].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
  const cudaError_t down = cudaMemcpy3DBatchAsync(1, &ops[1], 0, stream);
  bool same = up == cudaSuccess && down == cudaSuccess && cudaStreamSynchronize(stream) == cudaSuccess;
  for (size_t z = 0; same && z < kLayers; ++z) {
    for (size_t y = 0; same && y < kRows; ++y) {
      for (size_t x = 0; same && x < kRow; ++x) {
        const size_t at = (z * kRows + y) * kRow + x;
        same = back[at] == (x < kWidth && y < kHeight ? volume[at] : 0);
      }
    }
  }
  check::report(same, "memcpy-3d-batch-box");
  cudaMemcpy3DBatchOp zero = ops[0];
  zero.extent.depth = 0;
  check::report(cudaMemcpy3DBatchAsync(1, &zero, 0, stream) == cudaErrorInvalidValue,
                "memcpy-3d-batch-zero-extent-refused");
  cudaGetLastError();
  cudaMemcpy3DBatchOp shortRows = ops[0];
  shortRows.src.op.ptr.rowLength = kWidth - 1;
  check::report(cudaMemcpy3DBatchAsync(1, &shortRows, 0, stream) == cudaErrorInvalidValue,
                "memcpy-3d-batch-short-rows-refused");
  cudaGetLastError();
  check::report(cudaMemcpy3DBatchAsync(1, ops, 0, cudaStreamLegacy) != cudaSuccess,
                "memcpy-3d-batch-legacy-stream-refused");
  cudaGetLastError();
  cudaStreamDestroy(stream);
  cudaFree(packed);
}

void batchedCopies() {
  constexpr std::size_t kBytes = 4096;
  cudaStream_t stream = nullptr;
  cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
  unsigned char* a = nullptr;
  unsigned char* b = nullptr;
  cudaMalloc(&a, kBytes);
  cudaMalloc(&b, kBytes);
  std::vector<unsigned char> back(kBytes, 0);
  {
    std::vector<unsigned char> source(kBytes);
    fillPattern(source, 9);
    void* dsts[] = {a, b, back.data()};
    const void* srcs[] = {source.data(), a, b};
    size_t sizes[] = {kBytes, kBytes, kBytes};
    cudaMemcpyAttributes attributes[2] = {};
    attributes[0].srcAccessOrder = cudaMemcpySrcAccessOrderDuringApiCall;
    attributes[1].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
    size_t firsts[] = {0, 1};
    check::ok(cudaMemcpyBatchAsync(dsts, srcs, sizes, 3, attributes, firsts, 2, stream), "memcpy-batch");
    check::ok(cudaStreamSynchronize(stream), "sync");
    check::report(back == source, "memcpy-batch-round-trip");

    std::vector<unsigned char> untouched(kBytes, 0);
    void* refusedDsts[] = {untouched.data()};
    const void* refusedSrcs[] = {a};
    size_t oneSize[] = {kBytes};
    size_t badFirst[] = {1};
    check::report(cudaMemcpyBatchAsync(refusedDsts, refusedSrcs, oneSize, 1, attributes, badFirst, 1, stream) !=
                      cudaSuccess,
                  "memcpy-batch-bad-attribute-index-refused");
    cudaMemcpyAttributes invalid{};
    size_t zero[] = {0};
    check::report(cudaMemcpyBatchAsync(refusedDsts, refusedSrcs, oneSize, 1, &invalid, zero, 1, stream) != cudaSuccess,
                  "memcpy-batch-invalid-access-order-refused");
    check::report(cudaMemcpyBatchAsync(refusedDsts, refusedSrcs, oneSize, 1, attributes, zero, 1, nullptr) !=
                      cudaSuccess,
                  "memcpy-batch-legacy-stream-refused");
    cudaStreamSynchronize(stream);
    check::report(std::all_of(untouched.begin(), untouched.end(), [](unsigned char c) { return c == 0; }),
                  "memcpy-batch-refusals-copy-nothing");
  }

  // 3D peer copy on one device: a 16×8 region from a (pitch 64) to b (pitch 32).
  cudaMemset(b, 0, kBytes);
  cudaMemcpy3DPeerParms peer{};
  peer.srcPtr = make_cudaPitchedPtr(a, 64, 16, 8);
  peer.dstPtr = make_cudaPitchedPtr(b, 32, 16, 8);
  peer.srcDevice = 0;
  peer.dstDevice = 0;
  peer.extent = make_cudaExtent(16, 8, 1);
  check::ok(cudaMemcpy3DPeer(&peer), "memcpy-3d-peer");
  std::vector<unsigned char> source(kBytes), region(kBytes);
  cudaMemcpy(source.data(), a, kBytes, cudaMemcpyDeviceToHost);
  cudaMemcpy(region.data(), b, kBytes, cudaMemcpyDeviceToHost);
  bool same = true;
  for (int row = 0; row < 8; ++row) {
    same = same && std::memcmp(&region[row * 32], &source[row * 64], 16) == 0 && region[row * 32 + 16] == 0;
  }
  check::report(same, "memcpy-3d-peer-region");
  cudaFree(a);
  cudaFree(b);
  cudaStreamDestroy(stream);
}

} // namespace

int main() {
  const bool simulated = std::getenv("VGPU_EXPECT_SIMULATED") != nullptr;
  if (!check::ok(cudaSetDevice(0), "set-device")) {
    return 1;
  }
  roundTrips();
  asyncStreams();
  memsets();
  eventTiming();
  capturedGraph(simulated);
  memoryPools();
  graphNodeParameters();
  memoryInfo();
  batchedCopies();
  batched3DCopies();
  return check::finish();
}

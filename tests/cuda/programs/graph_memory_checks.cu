// Graph memory nodes through NVIDIA's CUDA runtime: allocation and free nodes added explicitly and
// by capturing cudaMallocAsync/cudaFreeAsync, data through the allocation, the rules the driver
// documents (one instantiation at a time, no relaunch while an allocation lives unless
// auto-free-on-launch, no clone, no child graph, no node removal, free only what an allocation
// node returned, once) and the device's graph memory attributes; and the same node kinds added
// through cudaGraphAddNode. Prints "pass <check>" /
// "fail <check> <detail>"; exit code 0 only when every check passed.
#include "check_report.h"

#include <cstdio>
#include <cstring>
#include <cuda_runtime.h>
#include <vector>

namespace {

constexpr size_t kBytes = size_t{3} << 20; // not a multiple of the 2 MiB granularity

std::vector<unsigned char> pattern(unsigned seed) {
  std::vector<unsigned char> data(kBytes);
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<unsigned char>((i * 37u + seed * 11u + (i >> 12)) & 0xff);
  }
  return data;
}

cudaMemAllocNodeParams allocParams() {
  cudaMemAllocNodeParams params{};
  params.poolProps.allocType = cudaMemAllocationTypePinned;
  params.poolProps.location.type = cudaMemLocationTypeDevice;
  params.poolProps.location.id = 0;
  params.bytesize = kBytes;
  return params;
}

unsigned long long graphMemAttribute(cudaGraphMemAttributeType attribute) {
  unsigned long long value = ~0ull;
  check::ok(cudaDeviceGetGraphMemAttribute(0, attribute, &value), "graph-mem-attribute");
  return value;
}

// alloc -> copy in -> copy out -> free, built node by node: the data goes through the allocation on
// every launch, the figures follow it, and the graph obeys the memory-node rules.
void explicitNodes(cudaStream_t stream) {
  cudaGraph_t graph = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaMemAllocNodeParams params = allocParams();
  cudaGraphNode_t alloc = nullptr, copyIn = nullptr, copyOut = nullptr, release = nullptr;
  const bool added = cudaGraphAddMemAllocNode(&alloc, graph, nullptr, 0, &params) == cudaSuccess;
  check::report(added && params.dptr != nullptr, "graph-alloc-node-address");
  if (!added) {
    return;
  }
  cudaMemAllocNodeParams read{};
  cudaGraphNodeType type{};
  check::report(cudaGraphMemAllocNodeGetParams(alloc, &read) == cudaSuccess && read.dptr == params.dptr &&
                    read.bytesize == kBytes && read.poolProps.location.id == 0 &&
                    cudaGraphNodeGetType(alloc, &type) == cudaSuccess && type == cudaGraphNodeTypeMemAlloc,
                "graph-alloc-node-params");

  std::vector<unsigned char> in = pattern(1), out(kBytes, 0);
  check::ok(cudaGraphAddMemcpyNode1D(&copyIn, graph, &alloc, 1, params.dptr, in.data(), kBytes, cudaMemcpyHostToDevice),
            "add-copy-in");
  check::ok(
      cudaGraphAddMemcpyNode1D(&copyOut, graph, &copyIn, 1, out.data(), params.dptr, kBytes, cudaMemcpyDeviceToHost),
      "add-copy-out");
  check::ok(cudaGraphAddMemFreeNode(&release, graph, &copyOut, 1, params.dptr), "add-free-node");
  void* freed = nullptr;
  check::report(cudaGraphMemFreeNodeGetParams(release, &freed) == cudaSuccess && freed == params.dptr &&
                    cudaGraphNodeGetType(release, &type) == cudaSuccess && type == cudaGraphNodeTypeMemFree,
                "graph-free-node-params");

  // The driver's rules for graphs with memory nodes.
  cudaGraphNode_t twice = nullptr, stray = nullptr;
  check::report(cudaGraphAddMemFreeNode(&twice, graph, &release, 1, params.dptr) == cudaErrorInvalidValue,
                "graph-free-twice-refused");
  int local = 0;
  check::report(cudaGraphAddMemFreeNode(&stray, graph, nullptr, 0, &local) == cudaErrorInvalidValue,
                "graph-free-foreign-address-refused");
  cudaGraph_t clone = nullptr, parent = nullptr;
  check::report(cudaGraphClone(&clone, graph) != cudaSuccess, "graph-memory-clone-refused");
  check::ok(cudaGraphCreate(&parent, 0), "graph-create");
  cudaGraphNode_t child = nullptr;
  check::report(cudaGraphAddChildGraphNode(&child, parent, nullptr, 0, graph) != cudaSuccess,
                "graph-memory-child-refused");
  check::report(cudaGraphDestroyNode(copyOut) != cudaSuccess, "graph-memory-node-removal-refused");
  cudaGraphDestroy(parent);

  const unsigned long long usedBefore = graphMemAttribute(cudaGraphMemAttrUsedMemCurrent);
  cudaGraphExec_t exec = nullptr, second = nullptr;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  check::report(cudaGraphInstantiate(&second, graph, 0) != cudaSuccess, "graph-memory-one-instantiation");
  bool same = true;
  for (unsigned launch = 0; launch < 3 && same; ++launch) {
    const std::vector<unsigned char> next = pattern(10 + launch);
    std::memcpy(in.data(), next.data(), kBytes); // the copy node reads this buffer: keep its address
    check::ok(cudaGraphLaunch(exec, stream), "graph-launch");
    check::ok(cudaStreamSynchronize(stream), "sync");
    same = out == in;
  }
  check::report(same, "graph-alloc-node-data-every-launch");
  check::report(graphMemAttribute(cudaGraphMemAttrUsedMemCurrent) == usedBefore &&
                    graphMemAttribute(cudaGraphMemAttrUsedMemHigh) >= usedBefore + kBytes,
                "graph-mem-used-follows-nodes");
  unsigned long long zero = 0;
  check::report(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemHigh, &zero) == cudaSuccess &&
                    graphMemAttribute(cudaGraphMemAttrUsedMemHigh) == graphMemAttribute(cudaGraphMemAttrUsedMemCurrent),
                "graph-mem-high-reset");
  unsigned long long nonzero = 1;
  check::report(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemCurrent, &zero) != cudaSuccess &&
                    cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemHigh, &nonzero) != cudaSuccess,
                "graph-mem-attribute-set-refused");
  check::report(cudaDeviceGraphMemTrim(0) == cudaSuccess, "graph-mem-trim");
  check::ok(cudaGraphExecDestroy(exec), "exec-destroy");
  check::report(cudaGraphInstantiate(&second, graph, 0) == cudaSuccess, "graph-memory-instantiate-after-destroy");
  cudaGraphExecDestroy(second);
  cudaGraphDestroy(graph);
}

// An allocation the graph does not free outlives the launch: stream work after it may use it, a
// relaunch is refused until it is freed (cudaFreeAsync or cudaFree), and auto-free-on-launch frees
// it on relaunch instead.
void allocationOutlivesLaunch(cudaStream_t stream) {
  cudaGraph_t graph = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaMemAllocNodeParams params = allocParams();
  cudaGraphNode_t alloc = nullptr;
  if (!check::ok(cudaGraphAddMemAllocNode(&alloc, graph, nullptr, 0, &params), "add-alloc-node")) {
    return;
  }
  cudaGraphExec_t exec = nullptr;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  const unsigned long long usedBefore = graphMemAttribute(cudaGraphMemAttrUsedMemCurrent);
  check::ok(cudaGraphLaunch(exec, stream), "graph-launch");
  std::vector<unsigned char> in = pattern(3), out(kBytes, 0);
  check::ok(cudaMemcpyAsync(params.dptr, in.data(), kBytes, cudaMemcpyHostToDevice, stream), "h2d-after-graph");
  check::ok(cudaMemcpyAsync(out.data(), params.dptr, kBytes, cudaMemcpyDeviceToHost, stream), "d2h-after-graph");
  check::ok(cudaStreamSynchronize(stream), "sync");
  check::report(out == in, "graph-allocation-used-after-launch");
  check::report(graphMemAttribute(cudaGraphMemAttrUsedMemCurrent) >= usedBefore + kBytes, "graph-mem-used-while-live");
  check::report(cudaGraphLaunch(exec, stream) == cudaErrorInvalidValue, "graph-relaunch-while-live-refused");
  check::ok(cudaFreeAsync(params.dptr, stream), "free-async-graph-allocation");
  check::ok(cudaStreamSynchronize(stream), "sync");
  check::report(graphMemAttribute(cudaGraphMemAttrUsedMemCurrent) == usedBefore, "graph-mem-used-after-free-async");
  check::report(cudaGraphLaunch(exec, stream) == cudaSuccess, "graph-relaunch-after-free-async");
  check::ok(cudaStreamSynchronize(stream), "sync");
  check::report(cudaFree(params.dptr) == cudaSuccess && cudaGraphLaunch(exec, stream) == cudaSuccess,
                "graph-relaunch-after-cudafree");
  check::ok(cudaStreamSynchronize(stream), "sync");
  check::ok(cudaFree(params.dptr), "free");
  cudaGraphExecDestroy(exec);

  check::ok(cudaGraphInstantiateWithFlags(&exec, graph, cudaGraphInstantiateFlagAutoFreeOnLaunch),
            "instantiate-auto-free");
  bool relaunched = true;
  for (int launch = 0; launch < 3 && relaunched; ++launch) {
    relaunched = cudaGraphLaunch(exec, stream) == cudaSuccess && cudaStreamSynchronize(stream) == cudaSuccess;
  }
  // One allocation lives after three launches (rounded up to the granularity), not three.
  const unsigned long long used = graphMemAttribute(cudaGraphMemAttrUsedMemCurrent);
  check::report(relaunched && used >= usedBefore + kBytes && used < usedBefore + 2 * kBytes,
                "graph-auto-free-on-launch");
  check::ok(cudaFree(params.dptr), "free");
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
}

// cudaMallocAsync and cudaFreeAsync captured into a graph become allocation and free nodes.
void capturedAllocation(cudaStream_t stream) {
  std::vector<unsigned char> in = pattern(5), out(kBytes, 0);
  void* pointer = nullptr;
  check::ok(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), "begin-capture");
  check::ok(cudaMallocAsync(&pointer, kBytes, stream), "captured-malloc-async");
  check::ok(cudaMemcpyAsync(pointer, in.data(), kBytes, cudaMemcpyHostToDevice, stream), "captured-h2d");
  check::ok(cudaMemcpyAsync(out.data(), pointer, kBytes, cudaMemcpyDeviceToHost, stream), "captured-d2h");
  check::ok(cudaFreeAsync(pointer, stream), "captured-free-async");
  cudaGraph_t graph = nullptr;
  check::ok(cudaStreamEndCapture(stream, &graph), "end-capture");
  size_t count = 0;
  check::ok(cudaGraphGetNodes(graph, nullptr, &count), "graph-nodes");
  std::vector<cudaGraphNode_t> nodes(count);
  check::ok(cudaGraphGetNodes(graph, nodes.data(), &count), "graph-nodes");
  int allocs = 0, frees = 0;
  for (cudaGraphNode_t node : nodes) {
    cudaGraphNodeType type{};
    cudaGraphNodeGetType(node, &type);
    allocs += type == cudaGraphNodeTypeMemAlloc;
    frees += type == cudaGraphNodeTypeMemFree;
  }
  char detail[64];
  std::snprintf(detail, sizeof detail, "nodes=%zu allocs=%d frees=%d", count, allocs, frees);
  check::report(count == 4 && allocs == 1 && frees == 1, "capture-malloc-async-nodes", detail);
  check::report(out[0] == 0 && out[kBytes - 1] == 0, "capture-did-not-execute");
  cudaGraphExec_t exec = nullptr;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  check::ok(cudaGraphLaunch(exec, stream), "graph-launch");
  check::ok(cudaStreamSynchronize(stream), "sync");
  check::report(out == in, "capture-malloc-async-data");
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);

  // Captured without its free: the allocation outlives the graph's launch, and cudaFree ends it.
  check::ok(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), "begin-capture");
  check::ok(cudaMallocAsync(&pointer, kBytes, stream), "captured-malloc-async");
  check::ok(cudaStreamEndCapture(stream, &graph), "end-capture");
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  check::ok(cudaGraphLaunch(exec, stream), "graph-launch");
  check::ok(cudaMemsetAsync(pointer, 0x5a, kBytes, stream), "memset-after-graph");
  unsigned char last = 0;
  check::ok(
      cudaMemcpyAsync(&last, static_cast<unsigned char*>(pointer) + kBytes - 1, 1, cudaMemcpyDeviceToHost, stream),
      "d2h-after-graph");
  check::ok(cudaStreamSynchronize(stream), "sync");
  check::report(last == 0x5a && cudaFree(pointer) == cudaSuccess, "capture-allocation-freed-by-cudafree");
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
}

void countCalls(void* counter) {
  ++*static_cast<int*>(counter);
}

// The same kinds added through cudaGraphAddNode (one call, a union of parameters): alloc -> memset
// -> copy out -> free, then a host node; the copy brings the memset's bytes back, every launch.
void genericAddNode(cudaStream_t stream) {
  cudaGraph_t graph = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaGraphNodeParams alloc{};
  alloc.type = cudaGraphNodeTypeMemAlloc;
  alloc.alloc.poolProps.allocType = cudaMemAllocationTypePinned;
  alloc.alloc.poolProps.location.type = cudaMemLocationTypeDevice;
  alloc.alloc.poolProps.location.id = 0;
  alloc.alloc.bytesize = kBytes;
  cudaGraphNode_t allocNode = nullptr, memsetNode = nullptr, copyNode = nullptr, freeNode = nullptr, hostNode = nullptr;
  if (!check::ok(cudaGraphAddNode(&allocNode, graph, nullptr, nullptr, 0, &alloc), "add-node-alloc")) {
    return;
  }
  void* pointer = alloc.alloc.dptr;
  cudaGraphNodeParams memset{};
  memset.type = cudaGraphNodeTypeMemset;
  memset.memset.dst = pointer;
  memset.memset.value = 0x5a;
  memset.memset.elementSize = 1;
  memset.memset.width = kBytes;
  memset.memset.height = 1;
  check::ok(cudaGraphAddNode(&memsetNode, graph, &allocNode, nullptr, 1, &memset), "add-node-memset");
  std::vector<unsigned char> out(kBytes, 0);
  cudaGraphNodeParams copy{};
  copy.type = cudaGraphNodeTypeMemcpy;
  copy.memcpy.copyParams.srcPtr = make_cudaPitchedPtr(pointer, kBytes, kBytes, 1);
  copy.memcpy.copyParams.dstPtr = make_cudaPitchedPtr(out.data(), kBytes, kBytes, 1);
  copy.memcpy.copyParams.extent = make_cudaExtent(kBytes, 1, 1);
  copy.memcpy.copyParams.kind = cudaMemcpyDeviceToHost;
  check::ok(cudaGraphAddNode(&copyNode, graph, &memsetNode, nullptr, 1, &copy), "add-node-memcpy");
  cudaGraphNodeParams release{};
  release.type = cudaGraphNodeTypeMemFree;
  release.free.dptr = pointer;
  check::ok(cudaGraphAddNode(&freeNode, graph, &copyNode, nullptr, 1, &release), "add-node-free");
  int calls = 0;
  cudaGraphNodeParams host{};
  host.type = cudaGraphNodeTypeHost;
  host.host.fn = countCalls;
  host.host.userData = &calls;
  check::ok(cudaGraphAddNode(&hostNode, graph, &freeNode, nullptr, 1, &host), "add-node-host");
  cudaGraphExec_t exec = nullptr;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  bool same = true;
  for (int launch = 0; launch < 2; ++launch) {
    std::memset(out.data(), 0, kBytes);
    check::ok(cudaGraphLaunch(exec, stream), "graph-launch");
    check::ok(cudaStreamSynchronize(stream), "sync");
    same = same && out[0] == 0x5a && out[kBytes - 1] == 0x5a;
  }
  char detail[32];
  std::snprintf(detail, sizeof detail, "host-calls=%d", calls);
  check::report(same && calls == 2, "graph-add-node-generic", detail);
  cudaGraphNodeParams semaphore{}; // external semaphores are not built
  semaphore.type = cudaGraphNodeTypeExtSemaphoreSignal;
  cudaGraphNode_t refused = nullptr;
  check::report(cudaGraphAddNode(&refused, graph, nullptr, nullptr, 0, &semaphore) == cudaErrorNotSupported,
                "graph-add-node-unbuilt-kind-refused");
  cudaGetLastError();
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
}

} // namespace

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device")) {
    return 1;
  }
  cudaStream_t stream = nullptr;
  check::ok(cudaStreamCreate(&stream), "stream");
  explicitNodes(stream);
  allocationOutlivesLaunch(stream);
  capturedAllocation(stream);
  genericAddNode(stream);
  cudaStreamDestroy(stream);
  return check::finish();
}

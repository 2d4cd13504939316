// Graphs whose nodes change after they are built or instantiated, as frameworks replaying one
// graph with new arguments use them: memcpy and memset node parameters read back and set, an
// executable's kernel, memset, memcpy, host, event and child graph nodes set in place, nodes
// disabled and enabled, and the changes the driver refuses; capture into an existing graph and
// changed capture dependencies, the generic node setters, user objects, the DOT dump and kernel
// node attributes. Copies, memsets and host nodes
// run on the simulated device too, so their effects are checked everywhere; a kernel's result only where kernels run
// (check_report.h).
#include "check_report.h"

#include <cstdio>
#include <cuda_runtime.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kCount = 64;

__global__ void addValue(int* data, int value) {
  data[threadIdx.x] += value;
}

__global__ void setValue(int* data, int value) {
  data[threadIdx.x] = value;
}

int hostCalls[3] = {};
void countFirst(void*) {
  ++hostCalls[0];
}
void countSecond(void*) {
  ++hostCalls[1];
}
void countChild(void*) {
  ++hostCalls[2];
}

std::vector<int> fetch(const int* device) {
  std::vector<int> host(kCount);
  cudaMemcpy(host.data(), device, kCount * sizeof(int), cudaMemcpyDeviceToHost);
  return host;
}

bool all(const std::vector<int>& values, int expected) {
  for (int value : values) {
    if (value != expected) {
      return false;
    }
  }
  return true;
}

cudaMemsetParams memsetOf(int* dst, int value) {
  cudaMemsetParams params{};
  params.dst = dst;
  params.value = static_cast<unsigned>(value);
  params.elementSize = sizeof(int);
  params.width = kCount;
  params.height = 1;
  return params;
}

cudaMemsetParamsV2 memsetV2Of(int* dst, int value) {
  const cudaMemsetParams params = memsetOf(dst, value);
  cudaMemsetParamsV2 v2{};
  v2.dst = params.dst;
  v2.value = params.value;
  v2.elementSize = params.elementSize;
  v2.width = params.width;
  v2.height = params.height;
  return v2;
}

cudaKernelNodeParams kernelOf(void** arguments) {
  cudaKernelNodeParams params{};
  params.func = reinterpret_cast<void*>(addValue);
  params.gridDim = dim3(1);
  params.blockDim = dim3(kCount);
  params.kernelParams = arguments;
  return params;
}

// memset(a, 7) → kernel a += value → copy a → b → host node, then a child graph holding a host node.
void nodeParameters(cudaStream_t stream) {
  int* a = nullptr;
  int* b = nullptr;
  int* c = nullptr;
  cudaMalloc(&a, kCount * sizeof(int));
  cudaMalloc(&b, kCount * sizeof(int));
  cudaMalloc(&c, kCount * sizeof(int));
  cudaMemset(b, 0, kCount * sizeof(int));
  cudaMemset(c, 0, kCount * sizeof(int));

  cudaGraph_t graph = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaGraphNode_t memsetNode = nullptr, kernelNode = nullptr, copyNode = nullptr, hostNode = nullptr;
  cudaGraphNode_t recordNode = nullptr, childNode = nullptr;
  const cudaMemsetParams fill = memsetOf(a, 7);
  check::ok(cudaGraphAddMemsetNode(&memsetNode, graph, nullptr, 0, &fill), "add-memset-node");
  int value = 1;
  void* arguments[] = {&a, &value};
  const cudaKernelNodeParams kernel = kernelOf(arguments);
  check::ok(cudaGraphAddKernelNode(&kernelNode, graph, &memsetNode, 1, &kernel), "add-kernel-node");
  check::ok(
      cudaGraphAddMemcpyNode1D(&copyNode, graph, &kernelNode, 1, b, a, kCount * sizeof(int), cudaMemcpyDeviceToDevice),
      "add-memcpy-node");
  cudaHostNodeParams host{countFirst, nullptr};
  check::ok(cudaGraphAddHostNode(&hostNode, graph, &copyNode, 1, &host), "add-host-node");
  cudaEvent_t first = nullptr, second = nullptr;
  cudaEventCreate(&first);
  cudaEventCreate(&second);
  check::ok(cudaGraphAddEventRecordNode(&recordNode, graph, &hostNode, 1, first), "add-event-record-node");
  cudaGraph_t child = nullptr;
  cudaGraphCreate(&child, 0);
  cudaGraphNode_t childHost = nullptr;
  cudaHostNodeParams childParams{countChild, nullptr};
  cudaGraphAddHostNode(&childHost, child, nullptr, 0, &childParams);
  check::ok(cudaGraphAddChildGraphNode(&childNode, graph, &recordNode, 1, child), "add-child-graph-node");

  // Parameters read back as they were set, and changed in the graph.
  cudaMemsetParams readFill{};
  check::ok(cudaGraphMemsetNodeGetParams(memsetNode, &readFill), "memset-node-get");
  check::report(readFill.dst == a && readFill.value == 7 && readFill.elementSize == sizeof(int) &&
                    readFill.width == kCount && readFill.height == 1,
                "memset-node-params-read-back");
  cudaMemcpy3DParms readCopy{};
  check::ok(cudaGraphMemcpyNodeGetParams(copyNode, &readCopy), "memcpy-node-get");
  check::report(readCopy.dstPtr.ptr == b && readCopy.srcPtr.ptr == a && readCopy.extent.width == kCount * sizeof(int) &&
                    readCopy.extent.height == 1 && readCopy.extent.depth == 1,
                "memcpy-node-params-read-back");
  const cudaMemsetParams fillEight = memsetOf(a, 8);
  check::ok(cudaGraphMemsetNodeSetParams(memsetNode, &fillEight), "memset-node-set");
  check::ok(cudaGraphMemsetNodeGetParams(memsetNode, &readFill), "memset-node-get");
  check::report(readFill.value == 8, "memset-node-set-read-back");
  cudaMemsetParams badFill = memsetOf(a, 1);
  badFill.elementSize = 3;
  check::report(cudaGraphMemsetNodeSetParams(memsetNode, &badFill) != cudaSuccess, "memset-node-bad-element-refused");
  check::ok(cudaGraphMemsetNodeGetParams(memsetNode, &readFill), "memset-node-get");
  check::report(readFill.value == 8 && readFill.elementSize == sizeof(int), "memset-node-unchanged-after-refusal");

  cudaGraphExec_t exec = nullptr;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  check::ok(cudaGraphLaunch(exec, stream), "launch");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  std::vector<int> copied = fetch(b);
  check::result("launch-kernel-result", all(copied, 9), "b is not 8 + 1");
  check::report(all(copied, check::simulated() ? 8 : 9), "launch-memset-copied");
  check::report(hostCalls[0] == 1 && hostCalls[2] == 1, "launch-host-nodes-ran");
  check::report(cudaEventQuery(first) == cudaSuccess, "launch-event-recorded");

  // The executable changed in place: memset value, kernel argument, copy destination, host
  // function, recorded event and child graph.
  const cudaMemsetParams fillTwenty = memsetOf(a, 20);
  check::ok(cudaGraphExecMemsetNodeSetParams(exec, memsetNode, &fillTwenty), "exec-memset-set");
  value = 2;
  check::ok(cudaGraphExecKernelNodeSetParams(exec, kernelNode, &kernel), "exec-kernel-set");
  check::ok(cudaGraphExecMemcpyNodeSetParams1D(exec, copyNode, c, a, kCount * sizeof(int), cudaMemcpyDeviceToDevice),
            "exec-memcpy-set");
  cudaHostNodeParams secondHost{countSecond, nullptr};
  check::ok(cudaGraphExecHostNodeSetParams(exec, hostNode, &secondHost), "exec-host-set");
  check::ok(cudaGraphExecEventRecordNodeSetEvent(exec, recordNode, second), "exec-event-set");
  cudaGraph_t sameShape = nullptr;
  cudaGraphCreate(&sameShape, 0);
  cudaGraphNode_t sameShapeHost = nullptr;
  cudaHostNodeParams sameShapeParams{countFirst, nullptr};
  cudaGraphAddHostNode(&sameShapeHost, sameShape, nullptr, 0, &sameShapeParams);
  check::ok(cudaGraphExecChildGraphNodeSetParams(exec, childNode, sameShape), "exec-child-set");
  check::ok(cudaGraphLaunch(exec, stream), "launch-updated");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  copied = fetch(c);
  check::result("updated-kernel-result", all(copied, 22), "c is not 20 + 2");
  check::report(all(copied, check::simulated() ? 20 : 22), "updated-memset-copied-to-new-destination");
  check::report(all(fetch(b), check::simulated() ? 8 : 9), "updated-old-destination-untouched");
  check::report(hostCalls[0] == 2 && hostCalls[1] == 1 && hostCalls[2] == 1, "updated-host-functions-ran");
  check::report(cudaEventQuery(second) == cudaSuccess, "updated-event-recorded");

  // The graph itself is unchanged by the executable's updates.
  check::ok(cudaGraphMemsetNodeGetParams(memsetNode, &readFill), "memset-node-get");
  check::report(readFill.value == 8, "graph-unchanged-by-exec-updates");

  // Disabled nodes run as empty ones: the memset is skipped, so a stays as the copy left it.
  cudaMemset(a, 0x55, kCount * sizeof(int));
  unsigned enabled = 1;
  check::ok(cudaGraphNodeSetEnabled(exec, memsetNode, 0), "node-disable");
  check::ok(cudaGraphNodeGetEnabled(exec, memsetNode, &enabled), "node-get-enabled");
  check::report(enabled == 0, "node-reported-disabled");
  check::ok(cudaGraphLaunch(exec, stream), "launch-disabled");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::report(all(fetch(c), check::simulated() ? 0x55555555 : 0x55555557), "disabled-memset-skipped");
  check::ok(cudaGraphNodeSetEnabled(exec, memsetNode, 1), "node-enable");
  check::ok(cudaGraphLaunch(exec, stream), "launch-enabled");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::report(all(fetch(c), check::simulated() ? 20 : 22), "enabled-memset-runs-again");

  // What the driver refuses, leaving the executable as it was.
  check::report(cudaGraphNodeSetEnabled(exec, hostNode, 0) != cudaSuccess, "host-node-cannot-be-disabled");
  check::report(cudaGraphExecKernelNodeSetParams(exec, memsetNode, &kernel) != cudaSuccess,
                "kernel-params-on-memset-node-refused");
  check::report(cudaGraphExecMemcpyNodeSetParams1D(exec, copyNode, c, fetch(a).data(), kCount * sizeof(int),
                                                   cudaMemcpyHostToDevice) != cudaSuccess,
                "memcpy-changing-memory-kind-refused");
  cudaGraph_t otherShape = nullptr;
  cudaGraphCreate(&otherShape, 0);
  cudaGraphNode_t otherNodes[2] = {};
  cudaGraphAddHostNode(&otherNodes[0], otherShape, nullptr, 0, &sameShapeParams);
  cudaGraphAddHostNode(&otherNodes[1], otherShape, nullptr, 0, &sameShapeParams);
  check::report(cudaGraphExecChildGraphNodeSetParams(exec, childNode, otherShape) != cudaSuccess,
                "child-graph-of-other-shape-refused");
  cudaGraph_t unrelated = nullptr;
  cudaGraphCreate(&unrelated, 0);
  cudaGraphNode_t stranger = nullptr;
  cudaGraphAddMemsetNode(&stranger, unrelated, nullptr, 0, &fill);
  check::report(cudaGraphExecMemsetNodeSetParams(exec, stranger, &fill) != cudaSuccess,
                "node-of-another-graph-refused");
  check::ok(cudaGraphLaunch(exec, stream), "launch-after-refusals");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::report(hostCalls[1] == 4 && all(fetch(c), check::simulated() ? 20 : 22), "executable-unchanged-by-refusals");

  // cudaGraphExecUpdate from a graph of the same topology with other parameters.
  check::ok(cudaGraphMemsetNodeSetParams(memsetNode, &fillTwenty), "memset-node-set");
  cudaGraphExecUpdateResultInfo info{};
  check::ok(cudaGraphExecUpdate(exec, graph, &info), "exec-update");
  check::report(info.result == cudaGraphExecUpdateSuccess, "exec-update-success");

  cudaGraphExecDestroy(exec);
  for (cudaGraph_t destroyed : {graph, child, sameShape, otherShape, unrelated}) {
    cudaGraphDestroy(destroyed);
  }
  cudaEventDestroy(first);
  cudaEventDestroy(second);
  cudaFree(a);
  cudaFree(b);
  cudaFree(c);
}

int destroyedObjects = 0;
void destroyObject(void* counter) {
  ++*static_cast<int*>(counter);
}

// Capture into an existing graph, the capture's dependencies changed mid-capture, the generic
// node setters, user objects kept alive by graphs and executables, and the DOT dump.
void captureAndObjects(cudaStream_t stream) {
  int* a = nullptr;
  cudaMalloc(&a, kCount * sizeof(int));
  cudaGraph_t graph = nullptr;
  cudaGraphCreate(&graph, 0);
  cudaGraphNode_t first = nullptr;
  const cudaMemsetParams fill = memsetOf(a, 3);
  cudaGraphAddMemsetNode(&first, graph, nullptr, 0, &fill);

  check::ok(cudaStreamBeginCaptureToGraph(stream, graph, &first, nullptr, 1, cudaStreamCaptureModeGlobal),
            "capture-to-graph-begin");
  cudaMemsetAsync(a, 4, kCount * sizeof(int), stream);
  cudaStreamCaptureStatus captureStatus = cudaStreamCaptureStatusNone;
  check::ok(cudaStreamIsCapturing(stream, &captureStatus), "capture-status");
  // From here the next work depends on nothing: it becomes a second root.
  check::ok(cudaStreamUpdateCaptureDependencies(stream, nullptr, nullptr, 0, cudaStreamSetCaptureDependencies),
            "capture-dependencies-set");
  cudaMemsetAsync(a, 5, kCount * sizeof(int), stream);
  cudaGraph_t captured = nullptr;
  check::ok(cudaStreamEndCapture(stream, &captured), "capture-to-graph-end");
  std::size_t nodes = 0, roots = 0;
  cudaGraphGetNodes(graph, nullptr, &nodes);
  cudaGraphGetRootNodes(graph, nullptr, &roots);
  check::report(captureStatus == cudaStreamCaptureStatusActive && captured == graph && nodes == 3 && roots == 2,
                "capture-into-existing-graph");
  std::vector<cudaGraphNode_t> all(nodes);
  cudaGraphGetNodes(graph, all.data(), &nodes);
  std::size_t dependencies = 0;
  if (nodes == 3) {
    cudaGraphNodeGetDependencies(all[1], nullptr, nullptr, &dependencies);
  }
  check::report(dependencies == 1, "captured-node-depends-on-given-node");
  check::report(cudaStreamUpdateCaptureDependencies(stream, &first, nullptr, 1, cudaStreamAddCaptureDependencies) !=
                    cudaSuccess,
                "capture-dependencies-outside-capture-refused");

  // The generic setters, on the graph and on an executable.
  cudaGraphNodeParams generic{};
  generic.type = cudaGraphNodeTypeMemset;
  generic.memset = memsetV2Of(a, 6);
  check::ok(cudaGraphNodeSetParams(first, &generic), "generic-node-set");
  cudaMemsetParams read{};
  cudaGraphMemsetNodeGetParams(first, &read);
  check::report(read.value == 6, "generic-node-set-read-back");
  generic.type = cudaGraphNodeTypeKernel;
  check::report(cudaGraphNodeSetParams(first, &generic) != cudaSuccess, "generic-node-set-other-kind-refused");

  // A user object moved into the graph: the executable keeps it alive after the graph is gone.
  cudaUserObject_t object = nullptr;
  check::ok(cudaUserObjectCreate(&object, &destroyedObjects, destroyObject, 1, cudaUserObjectNoDestructorSync),
            "user-object-create");
  check::ok(cudaGraphRetainUserObject(graph, object, 1, cudaGraphUserObjectMove), "graph-retain-user-object");
  check::report(cudaGraphReleaseUserObject(graph, object, 2) != cudaSuccess, "graph-release-too-many-refused");
  cudaGraphExec_t exec = nullptr;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate");
  generic.type = cudaGraphNodeTypeMemset;
  generic.memset = memsetV2Of(a, 9);
  check::ok(cudaGraphExecNodeSetParams(exec, first, &generic), "generic-exec-node-set");

  char path[] = "/tmp/vgpu-graph-dot-XXXXXX";
  const int descriptor = mkstemp(path);
  check::ok(cudaGraphDebugDotPrint(graph, path, 0), "debug-dot-print");
  std::FILE* dot = descriptor >= 0 ? fdopen(descriptor, "r") : nullptr;
  std::string text;
  for (int c = dot != nullptr ? std::fgetc(dot) : EOF; c != EOF; c = std::fgetc(dot)) {
    text.push_back(static_cast<char>(c));
  }
  if (dot != nullptr) {
    std::fclose(dot);
  }
  unlink(path);
  check::report(text.rfind("digraph", 0) == 0 && text.find("MEMSET") != std::string::npos &&
                    text.find("n0 -> n1") != std::string::npos,
                "debug-dot-print-content");

  cudaGraphDestroy(graph);
  check::report(destroyedObjects == 0, "user-object-alive-with-executable");
  check::ok(cudaGraphLaunch(exec, stream), "launch");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  cudaGraphExecDestroy(exec);
  check::report(destroyedObjects == 1, "user-object-destroyed-with-last-reference");
  check::report(cudaUserObjectRelease(object, 1) != cudaSuccess, "user-object-released-after-destruction-refused");
  cudaFree(a);
}

// A kernel node's launch attributes: kept, reported, copied, checked, and kept when the node's
// parameters change.
void kernelAttributes() {
  int* a = nullptr;
  cudaMalloc(&a, kCount * sizeof(int));
  cudaGraph_t graph = nullptr;
  cudaGraphCreate(&graph, 0);
  int value = 1;
  void* arguments[] = {&a, &value};
  const cudaKernelNodeParams kernel = kernelOf(arguments);
  cudaGraphNode_t first = nullptr, second = nullptr, memset = nullptr;
  cudaGraphAddKernelNode(&first, graph, nullptr, 0, &kernel);
  cudaGraphAddKernelNode(&second, graph, nullptr, 0, &kernel);
  const cudaMemsetParams fill = memsetOf(a, 0);
  cudaGraphAddMemsetNode(&memset, graph, nullptr, 0, &fill);

  cudaKernelNodeAttrValue set{};
  set.priority = -1;
  check::ok(cudaGraphKernelNodeSetAttribute(first, cudaLaunchAttributePriority, &set), "kernel-attribute-set");
  set = cudaKernelNodeAttrValue{};
  set.cooperative = 1;
  check::ok(cudaGraphKernelNodeSetAttribute(first, cudaLaunchAttributeCooperative, &set), "kernel-attribute-set");
  cudaKernelNodeAttrValue got{};
  cudaGraphKernelNodeGetAttribute(first, cudaLaunchAttributePriority, &got);
  const bool priority = got.priority == -1;
  cudaGraphKernelNodeGetAttribute(first, cudaLaunchAttributeCooperative, &got);
  check::report(priority && got.cooperative == 1, "kernel-attributes-read-back");

  int maxWindow = 0;
  cudaDeviceGetAttribute(&maxWindow, cudaDevAttrMaxAccessPolicyWindowSize, 0);
  set = cudaKernelNodeAttrValue{};
  set.accessPolicyWindow.base_ptr = a;
  set.accessPolicyWindow.num_bytes = static_cast<std::size_t>(maxWindow) + 1;
  set.accessPolicyWindow.hitRatio = 0.5f;
  set.accessPolicyWindow.hitProp = cudaAccessPropertyPersisting;
  set.accessPolicyWindow.missProp = cudaAccessPropertyStreaming;
  check::report(cudaGraphKernelNodeSetAttribute(first, cudaLaunchAttributeAccessPolicyWindow, &set) != cudaSuccess,
                "kernel-window-beyond-device-refused");
  set = cudaKernelNodeAttrValue{};
  set.clusterDim.x = 2;
  set.clusterDim.y = 1;
  set.clusterDim.z = 1;
  check::report(cudaGraphKernelNodeSetAttribute(first, cudaLaunchAttributeClusterDimension, &set) != cudaSuccess,
                "kernel-cluster-not-dividing-grid-refused");
  set = cudaKernelNodeAttrValue{};
  set.syncPolicy = cudaSyncPolicySpin;
  check::report(cudaGraphKernelNodeSetAttribute(first, cudaLaunchAttributeSynchronizationPolicy, &set) != cudaSuccess,
                "stream-only-attribute-refused");
  check::report(cudaGraphKernelNodeSetAttribute(memset, cudaLaunchAttributePriority, &set) != cudaSuccess,
                "attribute-on-memset-node-refused");

  check::ok(cudaGraphKernelNodeCopyAttributes(second, first), "kernel-attributes-copy");
  cudaGraphKernelNodeGetAttribute(second, cudaLaunchAttributePriority, &got);
  check::report(got.priority == -1, "kernel-attributes-copied");
  value = 3;
  check::ok(cudaGraphKernelNodeSetParams(first, &kernel), "kernel-node-set-params");
  cudaGraphKernelNodeGetAttribute(first, cudaLaunchAttributeCooperative, &got);
  check::report(got.cooperative == 1, "kernel-attributes-kept-by-new-params");
  cudaGraphDestroy(graph);
  cudaFree(a);
}

// A graph of memset → kernel; `kernel` picks the kernel's function, `copyInstead` makes the first
// node a copy.
cudaGraph_t twoNodeGraph(int* a, void* function, bool copyInstead, cudaGraphNode_t* first) {
  static int value = 4;
  static int* target = nullptr;
  target = a;
  static void* arguments[] = {&target, &value};
  cudaGraph_t graph = nullptr;
  cudaGraphCreate(&graph, 0);
  if (copyInstead) {
    cudaGraphAddMemcpyNode1D(first, graph, nullptr, 0, a + kCount / 2, a, kCount / 2 * sizeof(int),
                             cudaMemcpyDeviceToDevice);
  } else {
    const cudaMemsetParams fill = memsetOf(a, 1);
    cudaGraphAddMemsetNode(first, graph, nullptr, 0, &fill);
  }
  cudaKernelNodeParams kernel = kernelOf(arguments);
  kernel.func = function;
  cudaGraphNode_t second = nullptr;
  cudaGraphAddKernelNode(&second, graph, first, 1, &kernel);
  return graph;
}

// cudaGraphExecUpdate beyond parameters: a kernel's function may change (same context); a node's
// kind or the node count may not, and the result says which node broke the rule.
void wholeGraphUpdates(cudaStream_t stream) {
  int* a = nullptr;
  cudaMalloc(&a, kCount * sizeof(int));
  cudaGraphNode_t node = nullptr;
  cudaGraph_t original = twoNodeGraph(a, reinterpret_cast<void*>(addValue), false, &node);
  cudaGraphExec_t exec = nullptr;
  check::ok(cudaGraphInstantiate(&exec, original, 0), "instantiate");
  cudaGraph_t otherFunction = twoNodeGraph(a, reinterpret_cast<void*>(setValue), false, &node);
  cudaGraphExecUpdateResultInfo info{};
  check::report(cudaGraphExecUpdate(exec, otherFunction, &info) == cudaSuccess &&
                    info.result == cudaGraphExecUpdateSuccess,
                "exec-update-kernel-function-changed");
  check::ok(cudaGraphLaunch(exec, stream), "launch-updated-function");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::result("exec-update-new-function-ran", all(fetch(a), 4), "the new kernel did not set 4");
  cudaGraphNode_t replaced = nullptr;
  cudaGraph_t otherKind = twoNodeGraph(a, reinterpret_cast<void*>(addValue), true, &replaced);
  info = cudaGraphExecUpdateResultInfo{};
  check::report(cudaGraphExecUpdate(exec, otherKind, &info) == cudaErrorGraphExecUpdateFailure &&
                    info.result == cudaGraphExecUpdateErrorNodeTypeChanged && info.errorNode == replaced,
                "exec-update-node-kind-changed-refused");
  cudaGraph_t bigger = twoNodeGraph(a, reinterpret_cast<void*>(addValue), false, &node);
  cudaGraphNode_t extra = nullptr;
  cudaGraphAddEmptyNode(&extra, bigger, nullptr, 0);
  info = cudaGraphExecUpdateResultInfo{};
  check::report(cudaGraphExecUpdate(exec, bigger, &info) == cudaErrorGraphExecUpdateFailure &&
                    info.result == cudaGraphExecUpdateErrorTopologyChanged && info.errorNode == nullptr,
                "exec-update-node-count-changed-refused");
  cudaGraphExecDestroy(exec);
  for (cudaGraph_t graph : {original, otherFunction, otherKind, bigger}) {
    cudaGraphDestroy(graph);
  }
  cudaFree(a);
}

// A graph of device work only (memsets, copies, a kernel, a fork and a join, an event): the kind a
// backend runs whole (through vgpud: one frame per launch, a driver graph on the GPU). Its results,
// set parameters, disabled nodes and an update must be those of the same graph replayed.
void deviceWorkGraph(cudaStream_t stream) {
  int* a = nullptr;
  int* b = nullptr;
  int* c = nullptr;
  cudaMalloc(&a, kCount * sizeof(int));
  cudaMalloc(&b, kCount * sizeof(int));
  cudaMalloc(&c, kCount * sizeof(int));
  cudaMemset(b, 0, kCount * sizeof(int));
  cudaEvent_t done = nullptr;
  cudaEventCreate(&done);
  const auto build = [&](int fillA, int fillC, cudaGraphNode_t* fillNode, cudaGraphNode_t* copyNode) {
    cudaGraph_t graph = nullptr;
    cudaGraphCreate(&graph, 0);
    const cudaMemsetParams fill = memsetOf(a, fillA);
    cudaGraphAddMemsetNode(fillNode, graph, nullptr, 0, &fill);
    int value = 1;
    void* arguments[] = {&a, &value};
    const cudaKernelNodeParams kernel = kernelOf(arguments);
    cudaGraphNode_t kernelNode = nullptr, cNode = nullptr, join = nullptr, record = nullptr;
    cudaGraphAddKernelNode(&kernelNode, graph, fillNode, 1, &kernel);
    cudaGraphAddMemcpyNode1D(copyNode, graph, &kernelNode, 1, b, a, kCount * sizeof(int), cudaMemcpyDeviceToDevice);
    const cudaMemsetParams fillThird = memsetOf(c, fillC);
    cudaGraphAddMemsetNode(&cNode, graph, &kernelNode, 1, &fillThird);
    const cudaGraphNode_t both[] = {*copyNode, cNode};
    cudaGraphAddEmptyNode(&join, graph, both, 2);
    cudaGraphAddEventRecordNode(&record, graph, &join, 1, done);
    return graph;
  };
  // The kernel adds 1 where kernels run; a copy of a then holds fill + 1 there, fill elsewhere.
  const int added = check::simulated() ? 0 : 1;
  cudaGraphNode_t fillNode = nullptr, copyNode = nullptr;
  cudaGraph_t graph = build(2, 3, &fillNode, &copyNode);
  cudaGraphExec_t exec = nullptr;
  check::ok(cudaGraphInstantiate(&exec, graph, 0), "device-graph-instantiate");
  for (int i = 0; i < 20; ++i) {
    check::ok(cudaGraphLaunch(exec, stream), "device-graph-launch");
  }
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::report(all(fetch(b), 2 + added) && all(fetch(c), 3) && cudaEventQuery(done) == cudaSuccess,
                "device-graph-results");
  const cudaMemsetParams five = memsetOf(a, 5);
  check::ok(cudaGraphExecMemsetNodeSetParams(exec, fillNode, &five), "device-graph-exec-set");
  check::ok(cudaGraphLaunch(exec, stream), "device-graph-launch");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::report(all(fetch(b), 5 + added), "device-graph-exec-set-params");
  const cudaMemsetParams six = memsetOf(a, 6);
  check::ok(cudaGraphExecMemsetNodeSetParams(exec, fillNode, &six), "device-graph-exec-set");
  check::ok(cudaGraphNodeSetEnabled(exec, copyNode, 0), "device-graph-disable");
  check::ok(cudaGraphLaunch(exec, stream), "device-graph-launch");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::report(all(fetch(b), 5 + added), "device-graph-disabled-copy-skipped");
  check::ok(cudaGraphNodeSetEnabled(exec, copyNode, 1), "device-graph-enable");
  check::ok(cudaGraphLaunch(exec, stream), "device-graph-launch");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::report(all(fetch(b), 6 + added), "device-graph-enabled-copy-runs");
  cudaGraphNode_t otherFill = nullptr, otherCopy = nullptr;
  cudaGraph_t updated = build(8, 9, &otherFill, &otherCopy);
  cudaGraphExecUpdateResultInfo info{};
  check::ok(cudaGraphExecUpdate(exec, updated, &info), "device-graph-exec-update");
  check::ok(cudaGraphLaunch(exec, stream), "device-graph-launch");
  check::ok(cudaStreamSynchronize(stream), "synchronize");
  check::report(all(fetch(b), 8 + added) && all(fetch(c), 9), "device-graph-updated-results");
  // Instantiated and uploaded in one call (cudaGraphInstantiateWithParams), then launched.
  cudaGraphInstantiateParams params{};
  params.flags = cudaGraphInstantiateFlagUpload;
  params.uploadStream = stream;
  cudaGraphExec_t uploaded = nullptr;
  const cudaError_t withParams = cudaGraphInstantiateWithParams(&uploaded, graph, &params);
  check::report(withParams == cudaSuccess && params.result_out == cudaGraphInstantiateSuccess &&
                    params.errNode_out == nullptr && cudaGraphLaunch(uploaded, stream) == cudaSuccess &&
                    cudaStreamSynchronize(stream) == cudaSuccess && all(fetch(b), 2 + added),
                "instantiate-with-params-upload");
  cudaGraphExecDestroy(uploaded);
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  cudaGraphDestroy(updated);
  cudaEventDestroy(done);
  cudaFree(a);
  cudaFree(b);
  cudaFree(c);
}

} // namespace

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device")) {
    return check::finish();
  }
  cudaStream_t stream = nullptr;
  check::ok(cudaStreamCreate(&stream), "stream-create");
  nodeParameters(stream);
  captureAndObjects(stream);
  kernelAttributes();
  wholeGraphUpdates(stream);
  deviceWorkGraph(stream);
  cudaStreamDestroy(stream);
  return check::finish();
}

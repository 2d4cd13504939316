// Conditional graph nodes through NVIDIA's CUDA runtime (cudaGraphConditionalHandleCreate and
// cudaGraphAddNode with a conditional node): IF with and without ELSE, SWITCH and WHILE decided by
// the handle's default value, nested conditionals, and the refusals. Each body writes a marker with
// a memset node; the markers read back say which bodies ran. Where kernels run (vgpud's cuda
// backend) the graphs run whole in the executor's driver, which decides; elsewhere the shim does.
// An endless WHILE (a value only a kernel could change) is refused where kernels do not run, and
// not launched where they do. Prints "pass <check>" / "fail <check> <detail>"; exit code 0 only when
// every check passed.
#include "check_report.h"

#include <cstdio>
#include <cuda_runtime.h>
#include <vector>

namespace {

constexpr size_t kSlot = 16;  // bytes each marker covers
constexpr size_t kSlots = 16; // markers in the buffer
unsigned char* device = nullptr;

void addMarker(cudaGraph_t graph, size_t slot, unsigned char value, const cudaGraphNode_t* after = nullptr) {
  cudaMemsetParams memset{};
  memset.dst = device + slot * kSlot;
  memset.value = value;
  memset.elementSize = 1;
  memset.width = kSlot;
  memset.height = 1;
  cudaGraphNode_t node = nullptr;
  check::ok(cudaGraphAddMemsetNode(&node, graph, after, after != nullptr ? 1 : 0, &memset), "add-memset-node");
}

cudaError_t addConditional(cudaGraphNode_t* node, cudaGraph_t graph, cudaGraphConditionalHandle handle,
                           cudaGraphConditionalNodeType type, unsigned size, cudaGraph_t** bodies) {
  cudaGraphNodeParams params{};
  params.type = cudaGraphNodeTypeConditional;
  params.conditional.handle = handle;
  params.conditional.type = type;
  params.conditional.size = size;
  const cudaError_t status = cudaGraphAddNode(node, graph, nullptr, nullptr, 0, &params);
  *bodies = params.conditional.phGraph_out;
  return status;
}

std::vector<unsigned char> launchAndRead(cudaGraph_t graph, cudaError_t* launched = nullptr) {
  check::ok(cudaMemset(device, 0, kSlot * kSlots), "clear");
  cudaGraphExec_t exec = nullptr;
  std::vector<unsigned char> markers(kSlots, 0xff);
  if (!check::ok(cudaGraphInstantiate(&exec, graph, 0), "instantiate")) {
    return markers;
  }
  const cudaError_t status = cudaGraphLaunch(exec, nullptr);
  const cudaError_t synchronized = cudaDeviceSynchronize(); // an executor's refusal may come here
  if (launched != nullptr) {
    *launched = status != cudaSuccess ? status : synchronized;
    cudaGetLastError();
  } else {
    check::ok(status, "graph-launch");
    check::ok(synchronized, "graph-synchronize");
  }
  std::vector<unsigned char> bytes(kSlot * kSlots);
  check::ok(cudaMemcpy(bytes.data(), device, bytes.size(), cudaMemcpyDeviceToHost), "read-markers");
  for (size_t i = 0; i < kSlots; ++i) {
    markers[i] = bytes[i * kSlot];
  }
  cudaGraphExecDestroy(exec);
  return markers;
}

// IF with ELSE, decided by the default value: 1 runs the IF body, 0 the ELSE body.
void ifElse(unsigned defaultValue, const char* check) {
  cudaGraph_t graph = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaGraphConditionalHandle handle = 0;
  check::ok(cudaGraphConditionalHandleCreate(&handle, graph, defaultValue, cudaGraphCondAssignDefault), "handle");
  cudaGraphNode_t node = nullptr;
  cudaGraph_t* bodies = nullptr;
  if (!check::ok(addConditional(&node, graph, handle, cudaGraphCondTypeIf, 2, &bodies), "add-if-else")) {
    return;
  }
  addMarker(bodies[0], 0, 0x11);
  addMarker(bodies[1], 1, 0x22);
  const std::vector<unsigned char> markers = launchAndRead(graph);
  char detail[48];
  std::snprintf(detail, sizeof detail, "if=%#x else=%#x", markers[0], markers[1]);
  check::report(defaultValue != 0 ? markers[0] == 0x11 && markers[1] == 0 : markers[0] == 0 && markers[1] == 0x22,
                check, detail);
  cudaGraphDestroy(graph);
}

} // namespace

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device") ||
      !check::ok(cudaMalloc(reinterpret_cast<void**>(&device), kSlot * kSlots), "malloc")) {
    return 1;
  }
  cudaGraph_t graph = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaGraphConditionalHandle handle = 0;
  check::ok(cudaGraphConditionalHandleCreate(&handle, graph, 1, cudaGraphCondAssignDefault), "handle");
  cudaGraphDestroy(graph);

  ifElse(1, "conditional-if-taken");
  ifElse(0, "conditional-else-taken");

  // SWITCH of three bodies with the value 2; a second SWITCH whose value 5 is past its bodies runs none.
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaGraphConditionalHandle two = 0, five = 0;
  check::ok(cudaGraphConditionalHandleCreate(&two, graph, 2, cudaGraphCondAssignDefault), "handle");
  check::ok(cudaGraphConditionalHandleCreate(&five, graph, 5, cudaGraphCondAssignDefault), "handle");
  cudaGraphNode_t node = nullptr;
  cudaGraph_t* bodies = nullptr;
  if (check::ok(addConditional(&node, graph, two, cudaGraphCondTypeSwitch, 3, &bodies), "add-switch")) {
    for (size_t i = 0; i < 3; ++i) {
      addMarker(bodies[i], 2 + i, static_cast<unsigned char>(0x30 + i));
    }
  }
  cudaGraphNodeType type{};
  check::report(cudaGraphNodeGetType(node, &type) == cudaSuccess && type == cudaGraphNodeTypeConditional,
                "conditional-node-type");
  if (check::ok(addConditional(&node, graph, five, cudaGraphCondTypeSwitch, 2, &bodies), "add-switch")) {
    addMarker(bodies[0], 5, 0x50);
    addMarker(bodies[1], 6, 0x51);
  }
  std::vector<unsigned char> markers = launchAndRead(graph);
  check::report(markers[2] == 0 && markers[3] == 0 && markers[4] == 0x32 && markers[5] == 0 && markers[6] == 0,
                "conditional-switch-chooses-by-value");
  cudaGraph_t clone = nullptr;
  check::report(cudaGraphClone(&clone, graph) == cudaErrorNotSupported, "conditional-clone-refused");
  cudaGetLastError();
  cudaGraphDestroy(graph);

  // WHILE whose value is 0 runs nothing; an IF nested in an IF body runs when both are taken; a
  // handle without the default flag starts at 0, so its IF is not taken.
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaGraphConditionalHandle zero = 0, one = 0, unset = 0;
  check::ok(cudaGraphConditionalHandleCreate(&zero, graph, 0, cudaGraphCondAssignDefault), "handle");
  check::ok(cudaGraphConditionalHandleCreate(&one, graph, 1, cudaGraphCondAssignDefault), "handle");
  check::ok(cudaGraphConditionalHandleCreate(&unset, graph, 1, 0), "handle");
  if (check::ok(addConditional(&node, graph, zero, cudaGraphCondTypeWhile, 1, &bodies), "add-while")) {
    addMarker(bodies[0], 7, 0x70);
  }
  if (check::ok(addConditional(&node, graph, one, cudaGraphCondTypeIf, 1, &bodies), "add-if")) {
    addMarker(bodies[0], 8, 0x80);
    cudaGraphNode_t inner = nullptr;
    cudaGraph_t* innerBodies = nullptr;
    if (check::ok(addConditional(&inner, bodies[0], one, cudaGraphCondTypeIf, 1, &innerBodies), "add-nested-if")) {
      addMarker(innerBodies[0], 9, 0x90);
    }
  }
  if (check::ok(addConditional(&node, graph, unset, cudaGraphCondTypeIf, 1, &bodies), "add-if")) {
    addMarker(bodies[0], 10, 0xa0);
  }
  markers = launchAndRead(graph);
  check::report(markers[7] == 0, "conditional-while-zero-runs-nothing");
  check::report(markers[8] == 0x80 && markers[9] == 0x90, "conditional-nested-if");
  check::report(markers[10] == 0, "conditional-without-default-starts-at-zero");
  cudaGraphDestroy(graph);

  // Refusals: an IF of three bodies, a handle of another graph, a body with a host node, and (the
  // simulated device does not run the kernels that could end it) a WHILE whose value is 1.
  cudaGraph_t other = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  check::ok(cudaGraphCreate(&other, 0), "graph-create");
  cudaGraphConditionalHandle mine = 0, theirs = 0;
  check::ok(cudaGraphConditionalHandleCreate(&mine, graph, 1, cudaGraphCondAssignDefault), "handle");
  check::ok(cudaGraphConditionalHandleCreate(&theirs, other, 1, cudaGraphCondAssignDefault), "handle");
  check::report(addConditional(&node, graph, mine, cudaGraphCondTypeIf, 3, &bodies) == cudaErrorInvalidValue,
                "conditional-if-of-three-refused");
  cudaGetLastError();
  check::report(addConditional(&node, graph, theirs, cudaGraphCondTypeIf, 1, &bodies) == cudaErrorInvalidValue,
                "conditional-foreign-handle-refused");
  cudaGetLastError();
  cudaGraphDestroy(other);
  cudaGraph_t hostBody = nullptr;
  if (check::ok(addConditional(&node, graph, mine, cudaGraphCondTypeIf, 1, &bodies), "add-if")) {
    hostBody = bodies[0];
    cudaHostNodeParams host{};
    host.fn = [](void*) {};
    cudaGraphNode_t hostNode = nullptr;
    check::ok(cudaGraphAddHostNode(&hostNode, hostBody, nullptr, 0, &host), "add-host-node");
  }
  cudaGraphExec_t exec = nullptr;
  check::report(cudaGraphInstantiate(&exec, graph, 0) != cudaSuccess, "conditional-body-host-node-refused");
  cudaGetLastError();
  check::report(cudaGraphDestroy(hostBody) == cudaErrorInvalidValue, "conditional-body-owned-by-node");
  cudaGetLastError();
  cudaGraphDestroy(graph);

  // An executable keeps its own copy of the graph, handles included: the graph may go before a launch.
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaGraphConditionalHandle kept = 0;
  check::ok(cudaGraphConditionalHandleCreate(&kept, graph, 1, cudaGraphCondAssignDefault), "handle");
  if (check::ok(addConditional(&node, graph, kept, cudaGraphCondTypeIf, 1, &bodies), "add-if")) {
    addMarker(bodies[0], 12, 0xc0);
  }
  check::ok(cudaMemset(device, 0, kSlot * kSlots), "clear");
  cudaGraphExec_t keptExec = nullptr;
  check::ok(cudaGraphInstantiate(&keptExec, graph, 0), "instantiate");
  cudaGraphDestroy(graph);
  check::ok(cudaGraphLaunch(keptExec, nullptr), "graph-launch");
  check::ok(cudaDeviceSynchronize(), "graph-synchronize");
  unsigned char keptMarker = 0;
  check::ok(cudaMemcpy(&keptMarker, device + 12 * kSlot, 1, cudaMemcpyDeviceToHost), "read-marker");
  check::report(keptMarker == 0xc0, "conditional-graph-destroyed-before-launch");
  cudaGraphExecDestroy(keptExec);

  if (!check::simulated()) {
    check::skip("conditional-endless-while-refused", "a GPU runs a WHILE whose value nothing changes forever");
    cudaFree(device);
    return check::finish();
  }
  check::ok(cudaGraphCreate(&graph, 0), "graph-create");
  cudaGraphConditionalHandle endless = 0;
  check::ok(cudaGraphConditionalHandleCreate(&endless, graph, 1, cudaGraphCondAssignDefault), "handle");
  if (check::ok(addConditional(&node, graph, endless, cudaGraphCondTypeWhile, 1, &bodies), "add-while")) {
    addMarker(bodies[0], 11, 0xb0);
  }
  cudaError_t launched = cudaSuccess;
  markers = launchAndRead(graph, &launched);
  check::report(launched == cudaErrorNotSupported && markers[11] == 0, "conditional-endless-while-refused");
  cudaGraphDestroy(graph);

  cudaFree(device);
  return check::finish();
}

// CUDA graph conditional nodes decided on the GPU, as decoding loops use them (NeMo's greedy
// decoding, torch.cond in CUDA graphs): a WHILE node whose body kernel counts and sets the
// condition with cudaGraphSetConditional until five iterations, then an IF node that a kernel opens.
// Through vgpud the graph runs whole in the executor's driver, whose handles replace the
// application's in the kernels' parameters (docs/wire-protocol.md, GraphCreate). Three launches:
// the WHILE runs 5, then 1 and 1 iterations (its handle is reset to 1 at each launch, and the
// counter is then past 5), so the counter ends at 7 and the IF body has run three times. The time
// line is milliseconds per launch. On the simulated device kernels do not run: the graph is built
// and instantiated, and not launched (its WHILE could never end).
#include "check_report.h"

namespace {

constexpr int kLaunches = 3;

__global__ void step(int* counter, cudaGraphConditionalHandle loop) {
  const int count = ++*counter;
  cudaGraphSetConditional(loop, count < 5 ? 1 : 0);
}

__global__ void open(cudaGraphConditionalHandle gate) {
  cudaGraphSetConditional(gate, 1);
}

__global__ void mark(int* marks) {
  ++*marks;
}

cudaGraphNode_t addConditional(cudaGraph_t graph, cudaGraphNode_t after, cudaGraphConditionalHandle handle,
                               cudaGraphConditionalNodeType type, cudaGraph_t* body) {
  cudaGraphNodeParams params{};
  params.type = cudaGraphNodeTypeConditional;
  params.conditional.handle = handle;
  params.conditional.type = type;
  params.conditional.size = 1;
  cudaGraphNode_t node = nullptr;
  if (check::ok(cudaGraphAddNode(&node, graph, after != nullptr ? &after : nullptr, nullptr, after != nullptr ? 1 : 0,
                                 &params),
                "conditional_loop-add-conditional")) {
    *body = params.conditional.phGraph_out[0];
  }
  return node;
}

cudaGraphNode_t addKernel(cudaGraph_t graph, cudaGraphNode_t after, void* function, void** arguments) {
  cudaKernelNodeParams params{};
  params.func = function;
  params.gridDim = dim3(1);
  params.blockDim = dim3(1);
  params.kernelParams = arguments;
  cudaGraphNode_t node = nullptr;
  check::ok(
      cudaGraphAddKernelNode(&node, graph, after != nullptr ? &after : nullptr, after != nullptr ? 1 : 0, &params),
      "conditional_loop-add-kernel");
  return node;
}

} // namespace

int main() {
  int* counters = nullptr; // [0]: the loop's count, [1]: the IF body's runs
  if (!check::ok(cudaMalloc(&counters, 2 * sizeof(int)), "conditional_loop-malloc") ||
      !check::ok(cudaMemset(counters, 0, 2 * sizeof(int)), "conditional_loop-memset")) {
    return check::finish();
  }
  cudaGraph_t graph = nullptr;
  check::ok(cudaGraphCreate(&graph, 0), "conditional_loop-graph-create");
  cudaGraphConditionalHandle loop = 0, gate = 0;
  const bool handles = check::ok(cudaGraphConditionalHandleCreate(&loop, graph, 1, cudaGraphCondAssignDefault),
                                 "conditional_loop-handle") &&
                       check::ok(cudaGraphConditionalHandleCreate(&gate, graph, 0, cudaGraphCondAssignDefault),
                                 "conditional_loop-handle");
  cudaGraph_t loopBody = nullptr, gateBody = nullptr;
  cudaGraphNode_t whileNode = addConditional(graph, nullptr, loop, cudaGraphCondTypeWhile, &loopBody);
  int* loopCount = counters;
  int* marks = counters + 1;
  void* stepArguments[] = {&loopCount, &loop};
  void* openArguments[] = {&gate};
  void* markArguments[] = {&marks};
  cudaGraphNode_t opener = addKernel(graph, whileNode, reinterpret_cast<void*>(open), openArguments);
  addConditional(graph, opener, gate, cudaGraphCondTypeIf, &gateBody);
  if (loopBody != nullptr && gateBody != nullptr) {
    addKernel(loopBody, nullptr, reinterpret_cast<void*>(step), stepArguments);
    addKernel(gateBody, nullptr, reinterpret_cast<void*>(mark), markArguments);
  }
  cudaGraphExec_t exec = nullptr;
  const bool built = handles && loopBody != nullptr && gateBody != nullptr &&
                     check::ok(cudaGraphInstantiate(&exec, graph, 0), "conditional_loop-instantiate");
  check::report(built, "conditional_loop-built");
  if (!built || check::simulated()) {
    check::skip("conditional_loop-result", "kernels do not run on the simulated device");
    return check::finish();
  }
  cudaStream_t stream = nullptr;
  check::ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "conditional_loop-stream");
  cudaEvent_t start = nullptr, stop = nullptr;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start, stream);
  bool launched = true;
  for (int i = 0; i < kLaunches; ++i) {
    launched = check::ok(cudaGraphLaunch(exec, stream), "conditional_loop-launch") && launched;
  }
  cudaEventRecord(stop, stream);
  launched = check::ok(cudaStreamSynchronize(stream), "conditional_loop-synchronize") && launched;
  float milliseconds = 0;
  cudaEventElapsedTime(&milliseconds, start, stop);
  check::time("conditional_loop-per-launch", milliseconds / kLaunches);
  int host[2] = {0, 0};
  check::ok(cudaMemcpy(host, counters, sizeof host, cudaMemcpyDeviceToHost), "conditional_loop-read");
  char detail[64];
  std::snprintf(detail, sizeof detail, "count %d (want 7), IF body runs %d (want 3)", host[0], host[1]);
  check::result("conditional_loop-result", launched && host[0] == 7 && host[1] == kLaunches, detail);
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  cudaFree(counters);
  return check::finish();
}

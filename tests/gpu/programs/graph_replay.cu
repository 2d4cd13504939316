// CUDA graphs as ggml uses them for token generation: a stream capture of a host→device copy, three
// kernels and a device→host copy becomes a graph, is instantiated once and replayed kReplays times.
// Each replay adds 2·(x + 1) to an accumulator, so after the replays it holds kReplays·2·(x + 1),
// exact in integers, which is checked; the time line is milliseconds per replay.
#include "check_report.h"

#include <vector>

namespace {

constexpr int kCount = 64 << 10;
constexpr int kReplays = 200;

__global__ void plusOne(const int* in, int* out, int count) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < count) {
    out[i] = in[i] + 1;
  }
}

__global__ void twice(int* data, int count) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < count) {
    data[i] *= 2;
  }
}

__global__ void accumulate(const int* in, int* sum, int count) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < count) {
    sum[i] += in[i];
  }
}

} // namespace

int main() {
  const size_t bytes = sizeof(int) * kCount;
  int* hostIn = nullptr;
  int* hostOut = nullptr;
  int* deviceIn = nullptr;
  int* deviceTemp = nullptr;
  int* deviceSum = nullptr;
  cudaStream_t stream = nullptr;
  if (!check::ok(cudaMallocHost(reinterpret_cast<void**>(&hostIn), bytes), "graph_replay-malloc-host") ||
      !check::ok(cudaMallocHost(reinterpret_cast<void**>(&hostOut), bytes), "graph_replay-malloc-host") ||
      !check::ok(cudaMalloc(&deviceIn, bytes), "graph_replay-malloc") ||
      !check::ok(cudaMalloc(&deviceTemp, bytes), "graph_replay-malloc") ||
      !check::ok(cudaMalloc(&deviceSum, bytes), "graph_replay-malloc") ||
      !check::ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "graph_replay-stream-create")) {
    return check::finish();
  }
  for (int i = 0; i < kCount; ++i) {
    hostIn[i] = i % 1000;
    hostOut[i] = -1;
  }

  cudaGraph_t graph = nullptr;
  cudaGraphExec_t instance = nullptr;
  const int blocks = (kCount + 255) / 256;
  bool captured = check::ok(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), "graph_replay-begin-capture");
  if (captured) {
    check::ok(cudaMemcpyAsync(deviceIn, hostIn, bytes, cudaMemcpyHostToDevice, stream), "graph_replay-capture-h2d");
    plusOne<<<blocks, 256, 0, stream>>>(deviceIn, deviceTemp, kCount);
    twice<<<blocks, 256, 0, stream>>>(deviceTemp, kCount);
    accumulate<<<blocks, 256, 0, stream>>>(deviceTemp, deviceSum, kCount);
    check::ok(cudaGetLastError(), "graph_replay-capture-launch");
    check::ok(cudaMemcpyAsync(hostOut, deviceSum, bytes, cudaMemcpyDeviceToHost, stream), "graph_replay-capture-d2h");
    captured = check::ok(cudaStreamEndCapture(stream, &graph), "graph_replay-end-capture");
  }
  size_t nodes = 0;
  if (captured && check::ok(cudaGraphGetNodes(graph, nullptr, &nodes), "graph_replay-get-nodes")) {
    if (nodes == 5) {
      check::pass("graph_replay-captured-5-nodes");
    } else {
      char detail[48];
      std::snprintf(detail, sizeof detail, "%zu nodes", nodes);
      check::fail("graph_replay-captured-5-nodes", detail);
    }
  }
  if (captured && check::ok(cudaGraphInstantiate(&instance, graph, 0), "graph_replay-instantiate") &&
      // Warm-up (uploads the graph), then a zeroed accumulator for the measured replays.
      check::ok(cudaGraphLaunch(instance, stream), "graph_replay-launch") &&
      check::ok(cudaStreamSynchronize(stream), "graph_replay-sync") &&
      check::ok(cudaMemsetAsync(deviceSum, 0, bytes, stream), "graph_replay-memset")) {
    const check::Stopwatch watch;
    bool launched = true;
    for (int replay = 0; replay < kReplays && launched; ++replay) {
      launched = check::ok(cudaGraphLaunch(instance, stream), "graph_replay-launch");
    }
    if (launched && check::ok(cudaStreamSynchronize(stream), "graph_replay-sync")) {
      check::time("graph_replay-per-replay", watch.milliseconds() / kReplays);
      check::pass("graph_replay-200-replays-api");
      int wrong = 0;
      for (int i = 0; i < kCount; ++i) {
        wrong += hostOut[i] == kReplays * 2 * (hostIn[i] + 1) ? 0 : 1;
      }
      char detail[64];
      std::snprintf(detail, sizeof detail, "%d of %d elements wrong", wrong, kCount);
      check::result("graph_replay-result", wrong == 0, detail);
    }
  }
  if (instance != nullptr) {
    check::ok(cudaGraphExecDestroy(instance), "graph_replay-exec-destroy");
  }
  if (graph != nullptr) {
    check::ok(cudaGraphDestroy(graph), "graph_replay-destroy");
  }
  check::ok(cudaStreamDestroy(stream), "graph_replay-stream-destroy");
  check::ok(cudaFree(deviceIn), "graph_replay-free");
  check::ok(cudaFree(deviceTemp), "graph_replay-free");
  check::ok(cudaFree(deviceSum), "graph_replay-free");
  check::ok(cudaFreeHost(hostIn), "graph_replay-free-host");
  check::ok(cudaFreeHost(hostOut), "graph_replay-free-host");
  return check::finish();
}

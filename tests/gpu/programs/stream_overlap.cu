// Copies overlapping kernels: 64 MiB of floats in 16 chunks, each chunk copied host→device from
// pinned memory, transformed by a kernel and copied back with cudaMemcpyAsync, the chunks spread
// over 4 streams; then the same work on one stream. Both are timed (after a warm-up) and both
// results checked. On a GPU with separate copy engines the 4-stream time is the shorter one.
#include "check_report.h"

#include <cstring>

namespace {

constexpr int kChunks = 16;
constexpr int kChunkCount = 1 << 20; // floats per chunk
constexpr int kCount = kChunks * kChunkCount;
constexpr int kStreams = 4;
constexpr int kDistinctInputs = 1000; // input i is i % kDistinctInputs

// Enough arithmetic per element that the kernel takes about as long as a chunk's copies.
__global__ void transform(const float* in, float* out, int count) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < count) {
    float value = in[i];
    for (int step = 0; step < 64; ++step) {
      value = value * 0.5f + 1.0f; // exact in float for the small inputs used here
    }
    out[i] = value;
  }
}

float expected(float input) {
  float value = input;
  for (int step = 0; step < 64; ++step) {
    value = value * 0.5f + 1.0f;
  }
  return value;
}

struct Buffers {
  float* hostIn = nullptr;
  float* hostOut = nullptr;
  float* deviceIn = nullptr;
  float* deviceOut = nullptr;
};

// Issues every chunk, chunk c on streams[c % streamCount], and waits for all of them.
bool run(const Buffers& buffers, cudaStream_t* streams, int streamCount, const char* name) {
  const size_t chunkBytes = sizeof(float) * kChunkCount;
  for (int chunk = 0; chunk < kChunks; ++chunk) {
    cudaStream_t stream = streams[chunk % streamCount];
    const size_t offset = static_cast<size_t>(chunk) * kChunkCount;
    if (!check::ok(cudaMemcpyAsync(buffers.deviceIn + offset, buffers.hostIn + offset, chunkBytes,
                                   cudaMemcpyHostToDevice, stream),
                   name)) {
      return false;
    }
    transform<<<kChunkCount / 256, 256, 0, stream>>>(buffers.deviceIn + offset, buffers.deviceOut + offset,
                                                     kChunkCount);
    if (!check::ok(cudaGetLastError(), name) ||
        !check::ok(cudaMemcpyAsync(buffers.hostOut + offset, buffers.deviceOut + offset, chunkBytes,
                                   cudaMemcpyDeviceToHost, stream),
                   name)) {
      return false;
    }
  }
  for (int s = 0; s < streamCount; ++s) {
    if (!check::ok(cudaStreamSynchronize(streams[s]), name)) {
      return false;
    }
  }
  return true;
}

void verify(const Buffers& buffers, const char* name) {
  float table[kDistinctInputs];
  for (int value = 0; value < kDistinctInputs; ++value) {
    table[value] = expected(static_cast<float>(value));
  }
  int wrong = 0;
  for (int i = 0; i < kCount; ++i) {
    wrong += buffers.hostOut[i] == table[i % kDistinctInputs] ? 0 : 1;
  }
  char detail[64];
  std::snprintf(detail, sizeof detail, "%d of %d elements wrong", wrong, kCount);
  check::result(name, wrong == 0, detail);
}

// Warm-up, then a timed run with a cleared output, then its check.
void measure(const Buffers& buffers, cudaStream_t* streams, int streamCount, const char* name) {
  char label[64];
  std::snprintf(label, sizeof label, "%s-api", name);
  if (!run(buffers, streams, streamCount, label)) {
    return;
  }
  std::memset(buffers.hostOut, 0, sizeof(float) * kCount);
  const check::Stopwatch watch;
  if (!run(buffers, streams, streamCount, label)) {
    return;
  }
  check::time(name, watch.milliseconds());
  check::pass(label);
  std::snprintf(label, sizeof label, "%s-result", name);
  verify(buffers, label);
}

} // namespace

int main() {
  Buffers buffers;
  const size_t bytes = sizeof(float) * kCount;
  if (!check::ok(cudaMallocHost(reinterpret_cast<void**>(&buffers.hostIn), bytes), "stream_overlap-malloc-host") ||
      !check::ok(cudaMallocHost(reinterpret_cast<void**>(&buffers.hostOut), bytes), "stream_overlap-malloc-host") ||
      !check::ok(cudaMalloc(&buffers.deviceIn, bytes), "stream_overlap-malloc") ||
      !check::ok(cudaMalloc(&buffers.deviceOut, bytes), "stream_overlap-malloc")) {
    return check::finish();
  }
  for (int i = 0; i < kCount; ++i) {
    buffers.hostIn[i] = static_cast<float>(i % kDistinctInputs);
  }
  cudaStream_t streams[kStreams] = {};
  bool created = true;
  for (cudaStream_t& stream : streams) {
    created =
        created && check::ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "stream_overlap-stream-create");
  }
  if (created) {
    measure(buffers, streams, kStreams, "stream_overlap-4-streams");
    measure(buffers, streams, 1, "stream_overlap-1-stream");
  }
  for (cudaStream_t stream : streams) {
    if (stream != nullptr) {
      check::ok(cudaStreamDestroy(stream), "stream_overlap-stream-destroy");
    }
  }
  check::ok(cudaFree(buffers.deviceIn), "stream_overlap-free");
  check::ok(cudaFree(buffers.deviceOut), "stream_overlap-free");
  check::ok(cudaFreeHost(buffers.hostIn), "stream_overlap-free-host");
  check::ok(cudaFreeHost(buffers.hostOut), "stream_overlap-free-host");
  return check::finish();
}

// Stream memory operations through NVIDIA's driver API as cuda.h names them (cuStreamWaitValue32/64,
// cuStreamWriteValue32/64, cuStreamBatchMemOp: the _v2 entry points): writes land in device and
// pinned host memory in stream order, every wait condition (cyclic GEQ, EQ, AND, NOR) releases when
// it holds, a batch runs in order, batch memory-operation graph nodes (captured or added) run and
// take new parameters, and bad input gets the driver's refusal. Where the device runs
// work asynchronously (a GPU), a wait holds its stream until another stream writes the word; on the
// simulated device, which runs work as it is submitted, a wait that is not met then is refused.
// Prints "pass <check>" / "fail <check> <detail>" (check_report.h). VGPU_EXPECT_PINNED_UNSHARED=1: pinned
// memory is not shared with the executor (vgpud over TCP without a guest region), so operations on it
// are expected to be refused.
#include "check_report.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cuda.h>
#include <cuda_runtime.h>
#include <vector>

namespace {

bool deviceAttribute(CUdevice_attribute attribute) {
  int value = 0;
  return cuDeviceGetAttribute(&value, attribute, 0) == CUDA_SUCCESS && value != 0;
}

std::uint32_t read32(CUdeviceptr address) {
  std::uint32_t value = 0;
  cuMemcpyDtoH(&value, address, sizeof value);
  return value;
}

std::uint64_t read64(CUdeviceptr address) {
  std::uint64_t value = 0;
  cuMemcpyDtoH(&value, address, sizeof value);
  return value;
}

// Whether a wait on `stream` was refused as the simulated device refuses one it cannot meet: at the
// call, or (through vgpud, where it travels asynchronously) at the stream's next synchronization.
bool refusedUnmet(CUresult call, CUstream stream) {
  const CUresult synchronized = cuStreamSynchronize(stream);
  return call == CUDA_ERROR_NOT_SUPPORTED || (call == CUDA_SUCCESS && synchronized == CUDA_ERROR_NOT_SUPPORTED);
}

void writesAndWaits(CUstream stream, CUdeviceptr words) {
  const CUdeviceptr word32 = words;
  const CUdeviceptr word64 = words + 8;
  cuMemsetD8(words, 0, 64);
  check::report(cuStreamWriteValue32(stream, word32, 0xdeadbeefu, CU_STREAM_WRITE_VALUE_DEFAULT) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS && read32(word32) == 0xdeadbeefu,
                "write-value-32");
  const bool wide = deviceAttribute(CU_DEVICE_ATTRIBUTE_CAN_USE_64_BIT_STREAM_MEM_OPS);
  const CUresult write64 = cuStreamWriteValue64(stream, word64, 0x0123456789abcdefull, CU_STREAM_WRITE_VALUE_DEFAULT);
  if (wide) {
    check::report(write64 == CUDA_SUCCESS && cuStreamSynchronize(stream) == CUDA_SUCCESS &&
                      read64(word64) == 0x0123456789abcdefull,
                  "write-value-64");
  } else {
    check::report(write64 == CUDA_ERROR_NOT_SUPPORTED, "write-value-64-not-offered");
  }
  check::report(cuStreamWriteValue32(stream, word32, 7, CU_STREAM_WRITE_VALUE_NO_MEMORY_BARRIER) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS && read32(word32) == 7,
                "write-value-no-barrier");

  // Conditions that hold release at once: 7 >= 5, 7 == 7, 7 & 4, ~(7 | ~0xf) = 0x8 != 0, and the
  // cyclic comparison (int32)(7 - 0xfffffff0) = 23 >= 0.
  check::report(cuStreamWaitValue32(stream, word32, 5, CU_STREAM_WAIT_VALUE_GEQ) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS,
                "wait-geq-met");
  check::report(cuStreamWaitValue32(stream, word32, 0xfffffff0u, CU_STREAM_WAIT_VALUE_GEQ) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS,
                "wait-geq-cyclic-met");
  check::report(cuStreamWaitValue32(stream, word32, 7, CU_STREAM_WAIT_VALUE_EQ) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS,
                "wait-eq-met");
  check::report(cuStreamWaitValue32(stream, word32, 4, CU_STREAM_WAIT_VALUE_AND) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS,
                "wait-and-met");
  const CUresult nor = cuStreamWaitValue32(stream, word32, ~0xfu, CU_STREAM_WAIT_VALUE_NOR);
  if (deviceAttribute(CU_DEVICE_ATTRIBUTE_CAN_USE_STREAM_WAIT_VALUE_NOR)) {
    check::report(nor == CUDA_SUCCESS && cuStreamSynchronize(stream) == CUDA_SUCCESS, "wait-nor-met");
  } else {
    check::report(nor == CUDA_ERROR_NOT_SUPPORTED, "wait-nor-not-offered");
  }
  if (wide) {
    check::report(cuStreamWaitValue64(stream, word64, 0x0123456789abcdefull, CU_STREAM_WAIT_VALUE_EQ) == CUDA_SUCCESS &&
                      cuStreamSynchronize(stream) == CUDA_SUCCESS,
                  "wait-64-eq-met");
  }

  // Stream order: a memset queued before a write is overwritten by it; one queued after wins.
  cuMemsetD32Async(word32, 1, 1, stream);
  cuStreamWriteValue32(stream, word32, 2, 0);
  check::report(cuStreamSynchronize(stream) == CUDA_SUCCESS && read32(word32) == 2, "write-after-memset-in-order");
  cuStreamWriteValue32(stream, word32, 3, 0);
  cuMemsetD32Async(word32, 4, 1, stream);
  check::report(cuStreamSynchronize(stream) == CUDA_SUCCESS && read32(word32) == 4, "memset-after-write-in-order");
}

void batches(CUstream stream, CUdeviceptr words) {
  cuMemsetD8(words, 0, 64);
  CUstreamBatchMemOpParams ops[4] = {};
  ops[0].writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_32;
  ops[0].writeValue.address = words;
  ops[0].writeValue.value = 41;
  ops[1].memoryBarrier.operation = CU_STREAM_MEM_OP_BARRIER;
  ops[1].memoryBarrier.flags = CU_STREAM_MEMORY_BARRIER_TYPE_GPU;
  ops[2].waitValue.operation = CU_STREAM_MEM_OP_WAIT_VALUE_32;
  ops[2].waitValue.address = words;
  ops[2].waitValue.value = 41;
  ops[2].waitValue.flags = CU_STREAM_WAIT_VALUE_EQ;
  ops[3].writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_32;
  ops[3].writeValue.address = words + 4;
  ops[3].writeValue.value = 42;
  check::report(cuStreamBatchMemOp(stream, 4, ops, 0) == CUDA_SUCCESS && cuStreamSynchronize(stream) == CUDA_SUCCESS &&
                    read32(words) == 41 && read32(words + 4) == 42,
                "batch-in-order");

  std::vector<CUstreamBatchMemOpParams> many(256);
  for (CUstreamBatchMemOpParams& op : many) {
    op.writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_32;
    op.writeValue.address = words + 16;
    op.writeValue.value = 9;
  }
  check::report(cuStreamBatchMemOp(stream, 256, many.data(), 0) == CUDA_ERROR_INVALID_VALUE, "batch-256-refused");
  check::report(cuStreamBatchMemOp(stream, 255, many.data(), 0) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS && read32(words + 16) == 9,
                "batch-255");
  check::report(cuStreamBatchMemOp(stream, 1, ops, 1) == CUDA_ERROR_INVALID_VALUE, "batch-flags-refused");
  check::report(cuStreamBatchMemOp(stream, 1, nullptr, 0) == CUDA_ERROR_INVALID_VALUE, "batch-null-refused");
  // A refused batch runs none of its operations: the write before the misaligned one stays undone.
  CUstreamBatchMemOpParams refused[2] = {};
  refused[0].writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_32;
  refused[0].writeValue.address = words + 20;
  refused[0].writeValue.value = 5;
  refused[1].writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_32;
  refused[1].writeValue.address = words + 26;
  check::report(cuStreamBatchMemOp(stream, 2, refused, 0) == CUDA_ERROR_INVALID_VALUE &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS && read32(words + 20) == 0,
                "batch-refused-runs-nothing");
  CUstreamBatchMemOpParams flush = {};
  flush.flushRemoteWrites.operation = CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES;
  if (!deviceAttribute(CU_DEVICE_ATTRIBUTE_CAN_FLUSH_REMOTE_WRITES)) {
    check::report(cuStreamBatchMemOp(stream, 1, &flush, 0) == CUDA_ERROR_NOT_SUPPORTED,
                  "flush-remote-writes-not-offered");
  }
}

void refusals(CUstream stream, CUdeviceptr words) {
  check::report(cuStreamWriteValue32(stream, words + 2, 1, 0) == CUDA_ERROR_INVALID_VALUE, "misaligned-32-refused");
  check::report(cuStreamWriteValue64(stream, words + 4, 1, 0) == CUDA_ERROR_INVALID_VALUE, "misaligned-64-refused");
  check::report(cuStreamWriteValue32(stream, words, 1, 0x10) == CUDA_ERROR_INVALID_VALUE, "write-flags-refused");
  check::report(cuStreamWaitValue32(stream, words, 1, 0x10) == CUDA_ERROR_INVALID_VALUE, "wait-flags-refused");
  check::report(cuStreamWriteValue32(stream, 0, 1, 0) == CUDA_ERROR_INVALID_VALUE, "null-address-refused");
  std::uint32_t pageable = 0;
  check::report(cuStreamWriteValue32(stream, reinterpret_cast<CUdeviceptr>(&pageable), 1, 0) ==
                    CUDA_ERROR_INVALID_VALUE,
                "pageable-refused");
  void* managed = nullptr;
  if (cudaMallocManaged(&managed, 64) == cudaSuccess) {
    check::report(cuStreamWriteValue32(stream, reinterpret_cast<CUdeviceptr>(managed), 1, 0) ==
                      CUDA_ERROR_INVALID_VALUE,
                  "managed-refused");
    cudaFree(managed);
  } else {
    cudaGetLastError();
    std::printf("info managed-refused not checked: no managed memory here\n");
  }
}

// Batch memory-operation graph nodes: captured stream operations and nodes added explicitly (also
// through cuGraphAddNode), their parameters read back and changed in the graph and in an
// executable, and what an executable may not change.
void graphNodes(CUstream stream, CUdeviceptr words) {
  cuMemsetD8(words, 0, 64);
  CUstream capturing = nullptr;
  cuStreamCreate(&capturing, CU_STREAM_NON_BLOCKING);
  CUgraph graph = nullptr;
  bool captured = cuStreamBeginCapture(capturing, CU_STREAM_CAPTURE_MODE_RELAXED) == CUDA_SUCCESS &&
                  cuStreamWriteValue32(capturing, words, 21, 0) == CUDA_SUCCESS &&
                  cuStreamWaitValue32(capturing, words, 21, CU_STREAM_WAIT_VALUE_EQ) == CUDA_SUCCESS;
  captured = cuStreamEndCapture(capturing, &graph) == CUDA_SUCCESS && captured;
  size_t count = 0;
  CUgraphNode nodes[4] = {};
  CUgraphNodeType type = CU_GRAPH_NODE_TYPE_EMPTY;
  captured = captured && cuGraphGetNodes(graph, nullptr, &count) == CUDA_SUCCESS && count == 2 &&
             cuGraphGetNodes(graph, nodes, &count) == CUDA_SUCCESS &&
             cuGraphNodeGetType(nodes[0], &type) == CUDA_SUCCESS && type == CU_GRAPH_NODE_TYPE_BATCH_MEM_OP;
  CUgraphExec exec = nullptr;
  captured = captured && cuGraphInstantiate(&exec, graph, 0) == CUDA_SUCCESS &&
             cuGraphLaunch(exec, stream) == CUDA_SUCCESS && cuStreamSynchronize(stream) == CUDA_SUCCESS &&
             read32(words) == 21;
  check::report(captured, "capture-into-graph-nodes");
  if (exec != nullptr) {
    cuGraphExecDestroy(exec);
  }
  if (graph != nullptr) {
    cuGraphDestroy(graph);
  }
  cuStreamDestroy(capturing);

  CUcontext context = nullptr;
  cuCtxGetCurrent(&context);
  CUstreamBatchMemOpParams ops[2] = {};
  ops[0].writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_32;
  ops[0].writeValue.address = words + 4;
  ops[0].writeValue.value = 7;
  ops[1].writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_32;
  ops[1].writeValue.address = words + 8;
  ops[1].writeValue.value = 8;
  CUDA_BATCH_MEM_OP_NODE_PARAMS params{};
  params.ctx = context;
  params.count = 2;
  params.paramArray = ops;
  cuGraphCreate(&graph, 0);
  CUgraphNode node = nullptr;
  const bool added = check::ok(cuGraphAddBatchMemOpNode(&node, graph, nullptr, 0, &params), "batch-node-add");
  ops[0].writeValue.value = 99; // the node keeps its own copy
  CUDA_BATCH_MEM_OP_NODE_PARAMS got{};
  check::report(added && cuGraphBatchMemOpNodeGetParams(node, &got) == CUDA_SUCCESS && got.count == 2 &&
                    got.ctx == context && got.paramArray != ops && got.paramArray[0].writeValue.value == 7,
                "batch-node-params-read-back");
  check::report(added && cuGraphInstantiate(&exec, graph, 0) == CUDA_SUCCESS &&
                    cuGraphLaunch(exec, stream) == CUDA_SUCCESS && cuStreamSynchronize(stream) == CUDA_SUCCESS &&
                    read32(words + 4) == 7 && read32(words + 8) == 8,
                "batch-node-runs");
  // An executable's operations may take new addresses and values, not new types or counts.
  ops[0].writeValue.value = 17;
  check::report(cuGraphExecBatchMemOpNodeSetParams(exec, node, &params) == CUDA_SUCCESS &&
                    cuGraphLaunch(exec, stream) == CUDA_SUCCESS && cuStreamSynchronize(stream) == CUDA_SUCCESS &&
                    read32(words + 4) == 17,
                "batch-node-exec-set-params");
  CUstreamBatchMemOpParams changed[2] = {ops[0], ops[1]};
  changed[1].waitValue.operation = CU_STREAM_MEM_OP_WAIT_VALUE_32;
  changed[1].waitValue.flags = CU_STREAM_WAIT_VALUE_GEQ;
  CUDA_BATCH_MEM_OP_NODE_PARAMS otherTypes = params;
  otherTypes.paramArray = changed;
  CUDA_BATCH_MEM_OP_NODE_PARAMS fewer = params;
  fewer.count = 1;
  check::report(cuGraphExecBatchMemOpNodeSetParams(exec, node, &otherTypes) == CUDA_ERROR_INVALID_VALUE &&
                    cuGraphExecBatchMemOpNodeSetParams(exec, node, &fewer) == CUDA_ERROR_INVALID_VALUE,
                "batch-node-exec-type-or-count-change-refused");
  ops[0].writeValue.value = 12;
  check::report(cuGraphBatchMemOpNodeSetParams(node, &params) == CUDA_SUCCESS &&
                    cuGraphBatchMemOpNodeGetParams(node, &got) == CUDA_SUCCESS &&
                    got.paramArray[0].writeValue.value == 12,
                "batch-node-set-params");
  // The one call for every kind, and the refusals.
  CUgraphNodeParams generic{};
  generic.type = CU_GRAPH_NODE_TYPE_BATCH_MEM_OP;
  generic.memOp.ctx = context;
  generic.memOp.count = 1;
  generic.memOp.paramArray = ops;
  CUgraphNode genericNode = nullptr;
  check::report(cuGraphAddNode(&genericNode, graph, nullptr, nullptr, 0, &generic) == CUDA_SUCCESS &&
                    cuGraphNodeGetType(genericNode, &type) == CUDA_SUCCESS && type == CU_GRAPH_NODE_TYPE_BATCH_MEM_OP,
                "batch-node-through-add-node");
  CUgraphNode refused = nullptr;
  CUDA_BATCH_MEM_OP_NODE_PARAMS bad = params;
  bad.flags = 1;
  const bool flagsRefused = cuGraphAddBatchMemOpNode(&refused, graph, nullptr, 0, &bad) == CUDA_ERROR_INVALID_VALUE;
  bad = params;
  bad.count = 256;
  const bool countRefused = cuGraphAddBatchMemOpNode(&refused, graph, nullptr, 0, &bad) == CUDA_ERROR_INVALID_VALUE;
  CUstreamBatchMemOpParams misaligned = ops[0];
  misaligned.writeValue.address = words + 2;
  bad = params;
  bad.count = 1;
  bad.paramArray = &misaligned;
  const bool alignmentRefused = cuGraphAddBatchMemOpNode(&refused, graph, nullptr, 0, &bad) == CUDA_ERROR_INVALID_VALUE;
  check::report(flagsRefused && countRefused && alignmentRefused &&
                    cuGraphAddBatchMemOpNode(&refused, graph, nullptr, 0, nullptr) == CUDA_ERROR_INVALID_VALUE,
                "batch-node-bad-params-refused");
  if (exec != nullptr) {
    cuGraphExecDestroy(exec);
  }
  cuGraphDestroy(graph);
}

void pinnedHost(CUstream stream) {
  void* host = nullptr;
  if (!check::ok(cudaMallocHost(&host, 64), "pinned-alloc")) {
    return;
  }
  auto* words = static_cast<volatile std::uint32_t*>(host);
  words[0] = 0;
  words[1] = 5;
  void* device = nullptr;
  check::ok(cudaHostGetDevicePointer(&device, host, 0), "pinned-device-pointer");
  const auto address = reinterpret_cast<CUdeviceptr>(device);
  const char* unshared = std::getenv("VGPU_EXPECT_PINNED_UNSHARED");
  if (unshared != nullptr && unshared[0] == '1') {
    // Through vgpud over a network without a shared region, pinned memory stays in this process,
    // where vgpud's GPU cannot reach it: refused, never faked.
    check::report(cuStreamWriteValue32(stream, address, 1, 0) == CUDA_ERROR_NOT_SUPPORTED && words[0] == 0,
                  "pinned-host-unreachable-refused");
    cudaFreeHost(host);
    return;
  }
  check::report(cuStreamWriteValue32(stream, address, 0x5151u, 0) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS && words[0] == 0x5151u,
                "pinned-host-write");
  check::report(cuStreamWaitValue32(stream, address + 4, 5, CU_STREAM_WAIT_VALUE_EQ) == CUDA_SUCCESS &&
                    cuStreamSynchronize(stream) == CUDA_SUCCESS,
                "pinned-host-wait-met");
  // The host releases a stream that waits on pinned memory (a GPU only: the simulated device
  // refuses a wait that is not met when submitted).
  words[2] = 0;
  const CUresult wait = cuStreamWaitValue32(stream, address + 8, 1, CU_STREAM_WAIT_VALUE_EQ);
  if (check::simulated()) {
    check::report(refusedUnmet(wait, stream), "unmet-wait-refused-simulated");
  } else {
    cuStreamWriteValue32(stream, address + 12, 77, 0);
    const bool heldBack = cuStreamQuery(stream) == CUDA_ERROR_NOT_READY && words[3] != 77;
    words[2] = 1; // the host's write releases the stream
    check::report(wait == CUDA_SUCCESS && heldBack && cuStreamSynchronize(stream) == CUDA_SUCCESS && words[3] == 77,
                  "host-releases-waiting-stream");
  }
  cudaFreeHost(host);
}

// One stream waits for a word another stream writes (a GPU only).
void crossStream(CUstream stream, CUdeviceptr words) {
  if (check::simulated()) {
    check::skip("cross-stream-release", "the simulated device runs work as it is submitted");
    return;
  }
  cuMemsetD8(words, 0, 64);
  CUstream other = nullptr;
  cuStreamCreate(&other, CU_STREAM_NON_BLOCKING);
  cuStreamWaitValue32(stream, words, 1, CU_STREAM_WAIT_VALUE_GEQ);
  cuStreamWriteValue32(stream, words + 4, 99, 0);
  const bool heldBack = cuStreamQuery(stream) == CUDA_ERROR_NOT_READY;
  cuStreamWriteValue32(other, words, 1, 0);
  check::report(heldBack && cuStreamSynchronize(stream) == CUDA_SUCCESS && read32(words + 4) == 99,
                "cross-stream-release");
  cuStreamDestroy(other);
}

} // namespace

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device") || !check::ok(cudaFree(nullptr), "context")) {
    return 1;
  }
  std::printf("info 64-bit %d nor %d flush %d\n", deviceAttribute(CU_DEVICE_ATTRIBUTE_CAN_USE_64_BIT_STREAM_MEM_OPS),
              deviceAttribute(CU_DEVICE_ATTRIBUTE_CAN_USE_STREAM_WAIT_VALUE_NOR),
              deviceAttribute(CU_DEVICE_ATTRIBUTE_CAN_FLUSH_REMOTE_WRITES));
  CUstream stream = nullptr;
  CUdeviceptr words = 0;
  if (!check::ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "stream") ||
      !check::ok(cuMemAlloc(&words, 64), "alloc")) {
    return check::finish();
  }
  writesAndWaits(stream, words);
  batches(stream, words);
  refusals(stream, words);
  graphNodes(stream, words);
  pinnedHost(stream);
  crossStream(stream, words);
  // The default stream takes them too.
  check::report(cuStreamWriteValue32(nullptr, words, 11, 0) == CUDA_SUCCESS && cuCtxSynchronize() == CUDA_SUCCESS &&
                    read32(words) == 11,
                "default-stream-write");
  if (check::simulated()) {
    // A wait that cannot be met is refused rather than holding the stream's thread for ever.
    cuMemsetD8(words, 0, 64);
    check::report(refusedUnmet(cuStreamWaitValue32(stream, words, 1, CU_STREAM_WAIT_VALUE_EQ), stream),
                  "unmet-device-wait-refused-simulated");
  }
  cuMemFree(words);
  cuStreamDestroy(stream);
  return check::finish();
}

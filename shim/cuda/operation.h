// One unit of stream work — a kernel launch, copy, memset, host function, event record/wait, a
// graph allocation's start or end, or a conditional node's choice among its bodies —
// as data. Every asynchronous API call builds an Operation and submits it: on a stream that is
// being captured it becomes a graph node, otherwise it runs on the backend. Graph launches replay
// the same Operations, so captured and direct work take one path.
#pragma once

#include "backend/execution_backend.h"

#include <cuda.h>

struct CUfunc_st;
#include <memory>
#include <vector>

namespace vgpu::cuda {

struct CaptureState;

struct Operation {
  enum class Kind {
    Empty,
    Kernel,
    Copy,
    Memset,
    Host,
    EventRecord,
    EventWait,
    GraphAlloc,
    GraphFree,
    Conditional,
    MemoryOperations
  };
  Kind kind = Kind::Empty;

  // Kernel
  CUfunction function = nullptr;
  LaunchConfig launch;
  std::vector<std::uint8_t> parameters;
  // Copy
  CopyEndpoint copyDst;
  CopyEndpoint copySrc;
  std::size_t widthBytes = 0;
  std::size_t height = 1;
  // Memset
  CUdeviceptr memsetDst = 0;
  std::size_t memsetPitch = 0;
  std::uint32_t memsetValue = 0;
  unsigned memsetElementSize = 1;
  std::size_t memsetWidthElements = 0;
  // Host function
  void (*hostFn)(void*) = nullptr;
  void* hostUserData = nullptr;
  // Event record / wait
  CUevent event = nullptr;
  // Graph allocation / free: the allocation node's address (graph_memory.h)
  CUdeviceptr graphMemory = 0;
  // Conditional: the handle whose value chooses, the kind of choice, and (once instantiated) each
  // body's operations in order (graph_conditionals.h)
  CUgraphConditionalHandle conditionalHandle = 0;
  CUgraphConditionalNodeType conditionalType = CU_GRAPH_COND_TYPE_IF;
  std::shared_ptr<const std::vector<std::vector<Operation>>> conditionalBodies;
  // Stream memory operations (a batch memory-operation node, stream_memory_operations.h): what the
  // backend runs, and the caller's entries and context as the node's parameters report them
  std::vector<StreamMemoryOperation> memoryOperations;
  std::vector<CUstreamBatchMemOpParams> memoryOperationParams;
  CUcontext memoryOperationContext = nullptr;
};

// Where submitted work goes: the validated stream (nullptr for a default stream) and its
// backend id, plus the capture it belongs to, if any.
struct StreamTarget {
  CUstream stream = nullptr;
  CUcontext context = nullptr;
  BackendStream backend = 0;
  std::shared_ptr<CaptureState> capture;
};

// Resolves a stream argument (0, CU_STREAM_LEGACY, CU_STREAM_PER_THREAD or a handle) against
// the current context. INVALID_HANDLE for unknown or destroyed streams, INVALID_CONTEXT when a
// default stream is used without a current context.
CUresult resolveStream(CUstream stream, StreamTarget& out);

// Packs a launch's parameters (kernelParams pointers or the `extra` buffer) into the buffer the
// kernel's metadata describes; INVALID_VALUE when they cannot match it.
CUresult packParameters(const CUfunc_st& function, void** kernelParams, void** extra, std::vector<std::uint8_t>& out);
// A CUfunction, or the function behind a CUkernel passed as one; nullptr when neither.
CUfunction resolveFunction(CUfunction function);

// Runs the operation on the backend now.
CUresult executeOperation(const Operation& operation, BackendStream stream, bool async);

// Captures the operation into the stream's graph when it is capturing, else executes it.
CUresult submit(const StreamTarget& target, Operation operation, bool async);

} // namespace vgpu::cuda

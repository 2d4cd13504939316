// Graphs of device work that vgpud runs whole: created and updated with one round trip each, then
// launched with one asynchronous frame per launch instead of one per node. Kernel nodes are checked
// here as launches are; vgpud checks the rest (handles, memory, dependencies) as its calls do. A
// copy's host side travels as the pinned region vgpud shares and an offset. A graph whose request
// would not fit one frame, or that copies pageable memory, is refused (NOT_SUPPORTED), and the
// driver layer replays it node by node.
#include "remote/remote_backend.h"

#include "backend/backend_wire.h"

#include "vgpu/wire_calls.h"

namespace vgpu::cuda::remote {

using wire::Call;

namespace {

// Every kernel node, conditional bodies included.
template <typename Check> CUresult checkKernels(std::span<const GraphNodeWork> nodes, Check& check) {
  for (const GraphNodeWork& node : nodes) {
    if (node.kind == GraphNodeWork::Kind::Kernel) {
      if (const CUresult status = check(node); status != CUDA_SUCCESS) {
        return status;
      }
    }
    for (const std::vector<GraphNodeWork>& body : node.bodies) {
      if (const CUresult status = checkKernels(std::span<const GraphNodeWork>(body), check); status != CUDA_SUCCESS) {
        return status;
      }
    }
  }
  return CUDA_SUCCESS;
}

} // namespace

template <typename Request>
CUresult RemoteBackend::graphRequest(std::span<const GraphNodeWork> nodes,
                                     std::span<const GraphConditionalHandle> handles, Request& request,
                                     std::vector<std::uint8_t>& payload) const {
  if (nodes.empty()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  auto check = [this](const GraphNodeWork& node) { return checkLaunch(node.function, node.launch, node.parameters); };
  if (const CUresult status = checkKernels(nodes, check); status != CUDA_SUCCESS) {
    return status;
  }
  // A copy's host side must be pinned memory vgpud shares (hostAlloc, or registered); pageable
  // memory is this process's alone, so such a graph is replayed.
  const bool travels = graphToWire(nodes, handles, request.nodes, request.handles,
                                   [this](const void* address, std::size_t bytes, std::uint64_t& offset) {
                                     return sharedHostRegion(address, bytes, offset);
                                   });
  if (!travels) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  payload = wire::encode(request);
  return payload.size() > wire::kMaxPayload ? CUDA_ERROR_NOT_SUPPORTED : CUDA_SUCCESS;
}

CUresult RemoteBackend::graphCreate(int device, std::span<const GraphNodeWork> nodes, BackendGraph& out,
                                    std::span<const GraphConditionalHandle> handles) {
  const std::lock_guard lock(mutex_);
  if (device < 0 || device >= deviceCount()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  wire::RequestOf<Call::GraphCreate> request;
  request.device = device;
  std::vector<std::uint8_t> payload;
  if (const CUresult status = graphRequest(nodes, handles, request, payload); status != CUDA_SUCCESS) {
    return status;
  }
  std::vector<std::uint8_t> fields;
  const CUresult status = call(Call::GraphCreate, payload, fields);
  wire::ReplyOf<Call::GraphCreate> reply;
  wire::decode(std::span<const std::uint8_t>(fields), reply);
  out = status == CUDA_SUCCESS ? reply.handle : 0;
  return status == CUDA_SUCCESS && out == 0 ? CUDA_ERROR_UNKNOWN : status;
}

CUresult RemoteBackend::graphUpdate(BackendGraph graph, std::span<const GraphNodeWork> nodes,
                                    std::span<const GraphConditionalHandle> handles) {
  const std::lock_guard lock(mutex_);
  wire::RequestOf<Call::GraphUpdate> request;
  request.graph = graph;
  std::vector<std::uint8_t> payload;
  if (const CUresult status = graphRequest(nodes, handles, request, payload); status != CUDA_SUCCESS) {
    return status;
  }
  std::vector<std::uint8_t> fields;
  return call(Call::GraphUpdate, payload, fields);
}

CUresult RemoteBackend::graphLaunch(BackendGraph graph, BackendStream stream) {
  const std::lock_guard lock(mutex_);
  if (!knownStream(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return postDefined<Call::GraphLaunch>({graph, stream});
}

CUresult RemoteBackend::graphDestroy(BackendGraph graph) {
  const std::lock_guard lock(mutex_);
  return postDefined<Call::GraphDestroy>({graph});
}

} // namespace vgpu::cuda::remote

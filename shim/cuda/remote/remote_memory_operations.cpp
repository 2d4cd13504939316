// Stream memory operations through vgpud: each word is device memory (its address is the GPU's) or
// pinned host memory vgpud shares (a region and an offset, which vgpud maps and its GPU reaches);
// memory that stays in this process (pageable, or registered here) cannot be reached by the GPU,
// so such a batch is refused (NOT_SUPPORTED, logged once).
#include "remote/remote_backend.h"

#include "vgpu/log.h"
#include "vgpu/wire_calls.h"

#include <atomic>

namespace vgpu::cuda::remote {

using wire::Call;

CUresult RemoteBackend::streamMemoryOperations(BackendStream stream,
                                               std::span<const StreamMemoryOperation> operations) {
  const std::lock_guard lock(mutex_);
  if (!knownStream(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (operations.empty() || operations.size() > kMaxStreamMemoryOperations) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  wire::RequestOf<Call::StreamMemoryOperations> request;
  request.stream = stream;
  request.operations.items.reserve(operations.size());
  for (const StreamMemoryOperation& operation : operations) {
    wire::calls::MemoryOperationField& field = request.operations.items.emplace_back();
    field.kind = static_cast<std::uint8_t>(operation.kind);
    field.flags = operation.flags;
    field.value = operation.value;
    field.address = operation.address;
    if (operation.host != nullptr) {
      std::uint64_t offset = 0;
      field.region = sharedHostRegion(operation.host, operation.wordBytes(), offset);
      if (field.region == 0) {
        static std::atomic<bool> reported{false};
        if (!reported.exchange(true)) {
          log::write(log::Level::Warn, "remote",
                     "a stream memory operation names host memory vgpud's GPU cannot reach (only pinned "
                     "memory from cuMemHostAlloc/cudaMallocHost is shared with it): CUDA_ERROR_NOT_SUPPORTED");
        }
        return CUDA_ERROR_NOT_SUPPORTED;
      }
      field.address = offset;
    }
  }
  if (memoryOperationsAnswered_) {
    return postDefined<Call::StreamMemoryOperations>(request);
  }
  // A round trip until vgpud has taken one: an older vgpud does not know the call, and an unknown
  // call must not travel asynchronously (NOT_SUPPORTED here, and the session goes on).
  const CUresult status = callDefined<Call::StreamMemoryOperations>(request);
  memoryOperationsAnswered_ = status != CUDA_ERROR_NOT_SUPPORTED;
  return status;
}

} // namespace vgpu::cuda::remote

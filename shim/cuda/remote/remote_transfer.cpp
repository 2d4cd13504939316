// RemoteBackend's data path: copies (small ones inline in the frame, large ones through the
// shared-memory region in slots, pipelined so this side fills one slot while vgpud drains
// another), memsets, and kernel launches (checked here against the kernel's metadata and the
// device snapshot, then queued without waiting).
#include "remote/remote_backend.h"

#include "backend/backend_wire.h"

#include "vgpu/wire_calls.h"

#include <algorithm>
#include <cstring>
#include <deque>

namespace vgpu::cuda::remote {
namespace {

using wire::Call;
using wire::calls::kHostInline;
using wire::calls::kHostRegion;
using wire::calls::kHostShared;

constexpr std::size_t kInlineBytes = std::size_t{64} * 1024; // copies up to this size travel in the frame
// A piece of a copy in a frame (tcp): as large as vgpud takes inline (a frame's payload less room for
// the fields), so a 64 MiB copy is 65 frames.
constexpr std::size_t kInlinePiece = wire::kMaxPayload - 4096;
constexpr std::size_t kSlots = 16;                             // shared-memory slots in flight
constexpr std::size_t kMaxRowsPerFrame = std::size_t{1} << 20; // vgpud's bound for one frame
// Where a piece starts in its shared-memory slot. A piece is copied twice, once into the slot and
// once out of it (here and in vgpud), and memmove is 15 to 25 times slower when its destination
// lies 1 to 31 bytes after its source modulo 4096 (128 KiB on the AMD EPYC hosts here: 47–81 µs
// instead of 3 µs; 4 KiB aliasing of loads with the stores just made). Heap buffers routinely sit
// 16 bytes into a page (glibc's large blocks) while device memory is page-aligned, which is that
// case exactly. So the piece starts at its source's offset within a page, making the first copy's
// distance 0, and 64 bytes further when that would leave the second copy's distance in the slow
// range. bench_vgpud measures it ("copies to and from a buffer 16 bytes into a page").
constexpr std::size_t kPage = 4096;
constexpr std::size_t kStagingRoom = 2 * kPage; // room a slot keeps for the phase below

std::size_t stagingPhase(std::uintptr_t from, std::uintptr_t to) {
  const std::size_t phase = from % kPage;
  const std::size_t distance = (to - from) % kPage; // the second copy's distance at that phase
  return distance >= 1 && distance < 32 ? phase + 64 : phase;
}

// Splits a copy for slots of `slot` bytes, keeping room for the phase when the slots are large
// enough to afford it.
bool phasedSlots(std::size_t slot) {
  return slot >= 16 * kStagingRoom;
}

int attributeOf(const RemoteDevice& device, CUdevice_attribute id, int fallback) {
  const auto index = static_cast<std::size_t>(id) - 1;
  if (index < device.snapshot.attributes.size() && device.snapshot.attributes[index].result == 0) {
    return device.snapshot.attributes[index].value;
  }
  return fallback;
}

// A piece of a copy: `rows` rows of `width` bytes starting at (row, column).
struct Piece {
  std::size_t row = 0;
  std::size_t column = 0;
  std::size_t rows = 0;
  std::size_t width = 0;
};

// Splits a width × height copy into pieces of at most `limit` bytes: whole rows when a row fits,
// else slices of one row.
std::vector<Piece> splitCopy(std::size_t width, std::size_t height, std::size_t limit) {
  std::vector<Piece> pieces;
  if (width <= limit) {
    const std::size_t rowsPerPiece = limit / width;
    for (std::size_t row = 0; row < height; row += rowsPerPiece) {
      pieces.push_back({row, 0, std::min(rowsPerPiece, height - row), width});
    }
    return pieces;
  }
  for (std::size_t row = 0; row < height; ++row) {
    for (std::size_t column = 0; column < width; column += limit) {
      pieces.push_back({row, column, 1, std::min(limit, width - column)});
    }
  }
  return pieces;
}

void gather(std::uint8_t* packed, const std::uint8_t* src, std::size_t srcPitch, const Piece& piece) {
  for (std::size_t r = 0; r < piece.rows; ++r) {
    std::memcpy(packed + r * piece.width, src + (piece.row + r) * srcPitch + piece.column, piece.width);
  }
}

void scatter(std::uint8_t* dst, std::size_t dstPitch, const std::uint8_t* packed, const Piece& piece) {
  for (std::size_t r = 0; r < piece.rows; ++r) {
    std::memcpy(dst + (piece.row + r) * dstPitch + piece.column, packed + r * piece.width, piece.width);
  }
}

} // namespace

CUresult RemoteBackend::copyToDevice(CUdeviceptr dst, std::size_t dstPitch, const std::uint8_t* src,
                                     std::size_t srcPitch, std::size_t width, std::size_t height, BackendStream stream,
                                     bool async) {
  const std::size_t total = width * height;
  if (total > kInlineBytes) {
    connection_.attachOfferedRegion();
  }
  if (total > kInlineBytes && connection_.sharedSize() == 0) {
    // No shared memory (tcp): inline pieces, queued; a synchronous copy waits on its last piece,
    // a synchronizing call that also reports an earlier piece's failure.
    // Each piece is written straight from the caller's rows when they are contiguous (one gathering
    // write, no copy here), and no piece waits for a reply: the frames stream back to back.
    const std::vector<Piece> pieces = splitCopy(width, height, kInlinePiece);
    std::vector<std::uint8_t> packed;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      const Piece& piece = pieces[i];
      std::span<const std::uint8_t> data(src + piece.row * srcPitch + piece.column, piece.rows * piece.width);
      if (piece.rows > 1 && srcPitch != piece.width) {
        packed.resize(piece.rows * piece.width);
        gather(packed.data(), src, srcPitch, piece);
        data = packed;
      }
      const wire::RequestOf<Call::CopyHostToDevice> request{
          {dst + piece.row * dstPitch + piece.column, dstPitch, stream, piece.width, piece.rows},
          kHostInline,
          {data},
          0,
          0};
      std::vector<std::uint8_t> fields;
      const auto trailing = wire::encodeLeavingTrailingBytes(fields, request); // the data, sent from where it lies
      if (!trailing) {
        return connection_.fail("a copy's definition does not end in its data");
      }
      const bool wait = !async && i + 1 == pieces.size();
      std::uint64_t requestId = 0;
      CUresult status =
          connection_.sendGathered(Call::CopyHostToDevice, fields, *trailing, wait ? &requestId : nullptr);
      if (status == CUDA_SUCCESS && wait) {
        std::vector<std::uint8_t> reply;
        status = connection_.receive(requestId, reply);
      }
      if (status != CUDA_SUCCESS) {
        return status;
      }
    }
    return CUDA_SUCCESS;
  }
  if (total <= kInlineBytes) {
    std::vector<std::uint8_t> packed;
    std::span<const std::uint8_t> data(src, total);
    if (height > 1 && srcPitch != width) {
      packed.resize(total);
      gather(packed.data(), src, srcPitch, {0, 0, height, width});
      data = packed;
    }
    const std::vector<std::uint8_t> payload = wire::encode(
        wire::RequestOf<Call::CopyHostToDevice>{{dst, dstPitch, stream, width, height}, kHostInline, {data}, 0, 0});
    if (async) {
      return post(Call::CopyHostToDevice, payload); // the data is in the frame: the caller may reuse src
    }
    std::vector<std::uint8_t> fields;
    return call(Call::CopyHostToDevice, payload, fields);
  }
  // Through shared memory: complete before returning (the slots are reused), async or not.
  const std::size_t slot = connection_.sharedSize() / kSlots;
  const bool phased = phasedSlots(slot);
  const std::vector<Piece> pieces = splitCopy(width, height, phased ? slot - kStagingRoom : slot);
  std::deque<std::uint64_t> inFlight;
  CUresult first = CUDA_SUCCESS;
  std::vector<std::uint8_t> fields;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (inFlight.size() == kSlots) {
      const CUresult status = connection_.receive(inFlight.front(), fields);
      inFlight.pop_front();
      first = first == CUDA_SUCCESS ? status : first;
      if (status == kConnectionLost) {
        return status;
      }
    }
    const Piece& piece = pieces[i];
    const CUdeviceptr to = dst + piece.row * dstPitch + piece.column;
    const std::size_t offset =
        (i % kSlots) * slot +
        (phased ? stagingPhase(reinterpret_cast<std::uintptr_t>(src + piece.row * srcPitch + piece.column), to) : 0);
    gather(connection_.shared() + offset, src, srcPitch, piece);
    const std::vector<std::uint8_t> payload = wire::encode(wire::RequestOf<Call::CopyHostToDevice>{
        {to, dstPitch, stream, piece.width, piece.rows}, kHostShared, {}, offset, 0});
    std::uint64_t requestId = 0;
    if (const CUresult status = connection_.send(Call::CopyHostToDevice, payload, requestId); status != CUDA_SUCCESS) {
      return status;
    }
    inFlight.push_back(requestId);
  }
  for (std::uint64_t requestId : inFlight) {
    const CUresult status = connection_.receive(requestId, fields);
    first = first == CUDA_SUCCESS ? status : first;
  }
  return first;
}

CUresult RemoteBackend::copyToHost(std::uint8_t* dst, std::size_t dstPitch, CUdeviceptr src, std::size_t srcPitch,
                                   std::size_t width, std::size_t height, BackendStream stream) {
  const std::size_t total = width * height;
  if (total > kInlineBytes) {
    connection_.attachOfferedRegion();
  }
  const bool inlined = total <= kInlineBytes || connection_.sharedSize() == 0; // tcp: replies carry the data
  const std::size_t slot = inlined ? std::min(total, kInlinePiece) : connection_.sharedSize() / kSlots;
  const bool phased = !inlined && phasedSlots(slot);
  const std::vector<Piece> pieces =
      splitCopy(width, height, std::max<std::size_t>(phased ? slot - kStagingRoom : slot, 1));
  auto slotOffset = [&](std::size_t index) {
    const Piece& piece = pieces[index];
    const auto to = reinterpret_cast<std::uintptr_t>(dst + piece.row * dstPitch + piece.column);
    return (index % kSlots) * slot + (phased ? stagingPhase(src + piece.row * srcPitch + piece.column, to) : 0);
  };
  struct Pending {
    std::uint64_t requestId;
    std::size_t piece;
  };
  std::deque<Pending> inFlight;
  CUresult first = CUDA_SUCCESS;
  auto complete = [&]() {
    const Pending pending = inFlight.front();
    inFlight.pop_front();
    const Piece& piece = pieces[pending.piece];
    if (inlined && first == CUDA_SUCCESS && (piece.rows == 1 || dstPitch == piece.width)) {
      // Contiguous rows: received straight into the destination.
      const CUresult status = connection_.receiveInto(
          pending.requestId, {dst + piece.row * dstPitch + piece.column, piece.rows * piece.width});
      first = first == CUDA_SUCCESS ? status : first;
      return status;
    }
    std::span<const std::uint8_t> fields; // in the connection's receive buffer: no copy until the scatter
    const CUresult status = connection_.receiveView(pending.requestId, fields);
    if (status == CUDA_SUCCESS && first == CUDA_SUCCESS) {
      wire::Reader reader(fields);
      wire::ReplyOf<Call::CopyDeviceToHost> reply;
      const std::size_t inlineBytes = inlined ? piece.rows * piece.width : 0; // else in shared memory
      if (!wire::decode(reader, reply) || !reader.atEnd() || reply.data.value.size() != inlineBytes) {
        first = connection_.fail("a copy's reply of the wrong size");
        return first;
      }
      scatter(dst, dstPitch, inlined ? reply.data.value.data() : connection_.shared() + slotOffset(pending.piece),
              piece);
    }
    first = first == CUDA_SUCCESS ? status : first;
    return status;
  };
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (inFlight.size() == kSlots && complete() == kConnectionLost) {
      return kConnectionLost;
    }
    const Piece& piece = pieces[i];
    const std::vector<std::uint8_t> payload = wire::encode(wire::RequestOf<Call::CopyDeviceToHost>{
        {src + piece.row * srcPitch + piece.column, srcPitch, stream, piece.width, piece.rows},
        inlined ? kHostInline : kHostShared,
        std::uint64_t{slotOffset(i)},
        0});
    std::uint64_t requestId = 0;
    if (const CUresult status = connection_.send(Call::CopyDeviceToHost, payload, requestId); status != CUDA_SUCCESS) {
      return status;
    }
    inFlight.push_back({requestId, i});
  }
  while (!inFlight.empty()) {
    if (complete() == kConnectionLost) {
      return kConnectionLost;
    }
  }
  return first;
}

CUresult RemoteBackend::copy(const CopyEndpoint& dst, const CopyEndpoint& src, std::size_t widthBytes,
                             std::size_t height, BackendStream stream, bool async) {
  const std::lock_guard lock(mutex_);
  if (connection_.lost()) {
    return kConnectionLost;
  }
  if (!knownStream(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (widthBytes == 0 || height == 0) {
    return CUDA_SUCCESS;
  }
  if (height > 1 && (dst.pitch < widthBytes || src.pitch < widthBytes)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::size_t dstPitch = height > 1 ? dst.pitch : widthBytes;
  const std::size_t srcPitch = height > 1 ? src.pitch : widthBytes;
  const std::size_t dstSpan = dstPitch * (height - 1) + widthBytes;
  const std::size_t srcSpan = srcPitch * (height - 1) + widthBytes;
  // Host-side memory known to the driver as "device" addresses (pinned, registered) is local.
  void* dstHost = dst.isDevice ? localHost(dst.device, dstSpan) : dst.host;
  void* srcHost = src.isDevice ? localHost(src.device, srcSpan) : src.host;
  if ((!dst.isDevice && dst.host == nullptr) || (!src.isDevice && src.host == nullptr)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (dstHost != nullptr && srcHost != nullptr) {
    // Host to host: ordered after the stream's earlier work, then done here.
    if (const CUresult status = callDefined<Call::StreamSynchronize>({stream}); status != CUDA_SUCCESS) {
      return status;
    }
    for (std::size_t row = 0; row < height; ++row) {
      std::memmove(static_cast<std::uint8_t*>(dstHost) + row * dstPitch,
                   static_cast<const std::uint8_t*>(srcHost) + row * srcPitch, widthBytes);
    }
    return CUDA_SUCCESS;
  }
  // Pinned memory shared with vgpud: one frame, vgpud moves the data in place (on a GPU: DMA from
  // the shared pages, which vgpud registers with the driver). Async copies either way are queued
  // without waiting, with CUDA's pinned-memory semantics: the bytes are read, or land, when the
  // copy runs in stream order, before the synchronizing call the program must make anyway; a
  // program may not refill a pinned source before then (as with NVIDIA's driver). Measured on an
  // H100: waiting here serialised every stream behind its copies.
  const bool packed = height == 1;
  const bool toDevice = srcHost != nullptr && dstHost == nullptr;
  const void* pinnedSide = toDevice ? srcHost : dstHost;
  std::uint64_t offset = 0;
  if (const std::uint64_t region = packed && (toDevice || (dstHost != nullptr && srcHost == nullptr))
                                       ? sharedHostRegion(pinnedSide, widthBytes, offset)
                                       : 0;
      region != 0) {
    // One frame: the device side, then the pinned region and the offset in it.
    if (toDevice) {
      const wire::RequestOf<Call::CopyHostToDevice> request{
          {dst.device, dstPitch, stream, widthBytes, 1}, kHostRegion, {}, offset, region};
      return async ? postDefined<Call::CopyHostToDevice>(request) : callDefined<Call::CopyHostToDevice>(request);
    }
    const wire::RequestOf<Call::CopyDeviceToHost> request{
        {src.device, srcPitch, stream, widthBytes, 1}, kHostRegion, offset, region};
    wire::ReplyOf<Call::CopyDeviceToHost> none; // the bytes land in the region
    return async ? postDefined<Call::CopyDeviceToHost>(request) : callDefined<Call::CopyDeviceToHost>(request, none);
  }
  if (srcHost != nullptr) {
    return copyToDevice(dst.device, dstPitch, static_cast<const std::uint8_t*>(srcHost), srcPitch, widthBytes, height,
                        stream, async);
  }
  if (dstHost != nullptr) {
    return copyToHost(static_cast<std::uint8_t*>(dstHost), dstPitch, src.device, srcPitch, widthBytes, height, stream);
  }
  // Device to device: in frames of at most kMaxRowsPerFrame rows (vgpud's bound).
  for (std::size_t row = 0; row < height; row += kMaxRowsPerFrame) {
    const std::size_t rows = std::min(kMaxRowsPerFrame, height - row);
    const wire::RequestOf<Call::CopyDeviceToDevice> request{
        dst.device + row * dstPitch, dstPitch, src.device + row * srcPitch, srcPitch, stream, widthBytes, rows};
    const CUresult status =
        async ? postDefined<Call::CopyDeviceToDevice>(request) : callDefined<Call::CopyDeviceToDevice>(request);
    if (status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::memset(CUdeviceptr dst, std::size_t pitch, std::uint32_t value, unsigned elementSize,
                               std::size_t widthElements, std::size_t height, BackendStream stream, bool async) {
  const std::lock_guard lock(mutex_);
  if (!knownStream(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (void* local = localHost(dst, 1); local != nullptr) {
    // Pinned or registered memory of this process (a unified address): filled here, after the
    // stream's earlier work, as the device would.
    const std::size_t rowBytes = widthElements * elementSize;
    if ((elementSize != 1 && elementSize != 2 && elementSize != 4) || (height > 1 && pitch < rowBytes) ||
        localHost(dst, (height > 1 ? pitch * (height - 1) : 0) + rowBytes) == nullptr) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (const CUresult status = callDefined<Call::StreamSynchronize>({stream}); status != CUDA_SUCCESS) {
      return status;
    }
    std::uint8_t bytes[4];
    std::memcpy(bytes, &value, sizeof bytes);
    for (std::size_t row = 0; row < height; ++row) {
      std::uint8_t* line = static_cast<std::uint8_t*>(local) + row * pitch;
      for (std::size_t i = 0; i < rowBytes; ++i) {
        line[i] = bytes[i % elementSize];
      }
    }
    return CUDA_SUCCESS;
  }
  for (std::size_t row = 0; row < std::max<std::size_t>(height, 1); row += kMaxRowsPerFrame) {
    const std::size_t rows = std::min(kMaxRowsPerFrame, height - row);
    const wire::RequestOf<Call::Memset> request{
        std::uint64_t{dst + row * pitch}, std::uint64_t{pitch}, value, std::uint32_t{elementSize},
        std::uint64_t{widthElements},     std::uint64_t{rows},  stream};
    const CUresult status = async ? postDefined<Call::Memset>(request) : callDefined<Call::Memset>(request);
    if (status != CUDA_SUCCESS || height == 0) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::checkLaunch(BackendFunction handle, const LaunchConfig& config,
                                    std::span<const std::uint8_t> parameters) const {
  const auto it = functions_.find(handle);
  if (it == functions_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const KernelInfo& info = it->second.info;
  const RemoteDevice& device = *devices_[static_cast<std::size_t>(it->second.device)];
  // The checks the driver makes before a launch reaches the GPU, made here so a bad launch fails
  // at once; the parameter buffer is exactly the size the module metadata gives.
  if (parameters.size() != info.parameterBufferSize) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const unsigned grid[3] = {config.gridX, config.gridY, config.gridZ};
  const unsigned block[3] = {config.blockX, config.blockY, config.blockZ};
  constexpr CUdevice_attribute kGridLimit[3] = {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y,
                                                CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z};
  constexpr CUdevice_attribute kBlockLimit[3] = {
      CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z};
  for (int axis = 0; axis < 3; ++axis) {
    if (grid[axis] == 0 || block[axis] == 0 ||
        grid[axis] > static_cast<unsigned>(attributeOf(device, kGridLimit[axis], 65535)) ||
        block[axis] > static_cast<unsigned>(attributeOf(device, kBlockLimit[axis], 1024))) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  if (static_cast<std::uint64_t>(block[0]) * block[1] * block[2] >
      static_cast<std::uint64_t>(info.maxThreadsPerBlock)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const int optin = attributeOf(device, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 49152);
  if (static_cast<std::uint64_t>(config.sharedMemBytes) + static_cast<std::uint64_t>(info.sharedSizeBytes) >
      static_cast<std::uint64_t>(optin)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::launch(BackendFunction handle, const LaunchConfig& config,
                               std::span<const std::uint8_t> parameters) {
  const std::lock_guard lock(mutex_);
  if (!knownStream(config.stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult status = checkLaunch(handle, config, parameters); status != CUDA_SUCCESS) {
    return status;
  }
  const wire::RequestOf<Call::LaunchEx> request = launchToWire(handle, config, parameters);
  return config.extended() ? postDefined<Call::LaunchEx>(request) : postDefined<Call::Launch>(request.launch);
}

} // namespace vgpu::cuda::remote

// Every call a session answers after hello (payloads: docs/wire-protocol.md, "Calls"). Handlers
// decode with a bounds-checked Reader, touch only the session's own backend and shared memory, and
// never take a host address from the client: host-side data travels inline or through the
// session's shared-memory region.
#include "session_calls.h"

#include "session.h"

#include "backend/backend_wire.h"
#include "backend/stream_attribute_wire.h"

#include "vgpu/log.h"
#include "vgpu/wire_calls.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace vgpu::daemon {
namespace {

using wire::Call;
using wire::Reader;
using wire::Writer;

// The request of a defined call (vgpu/wire_calls.h); nullopt when the payload is short.
template <Call C> std::optional<wire::RequestOf<C>> requestOf(Reader& request) {
  wire::RequestOf<C> decoded;
  if (!wire::decode(request, decoded)) {
    return std::nullopt;
  }
  return decoded;
}

constexpr std::size_t kMaxInline = wire::kMaxInlineBytes;
// One copy or memset frame covers at most this many rows and bytes (clients split larger ones):
// the simulated device resolves every row before it moves a byte, so the bound keeps a hostile
// frame from making it allocate without limit.
constexpr std::uint64_t kMaxRows = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxSpan = std::uint64_t{1} << 40;

// The rows × pitch footprint of a copy or memset side, refused when it exceeds the bounds.
bool shapeFits(std::uint64_t width, std::uint64_t height, std::uint64_t pitch) {
  if (height > kMaxRows || width > kMaxSpan) {
    return false;
  }
  return height <= 1 || (pitch <= kMaxSpan && pitch * (height - 1) + width <= kMaxSpan);
}

bool validDevice(Session& session, std::int32_t device) {
  return device >= 0 && device < session.deviceCount();
}

// Quota: the session's use on the device plus the request must stay within it.
bool overQuota(Session& session, int device, std::uint64_t bytes) {
  if (session.wouldExceedHostMemory(bytes)) {
    return true;
  }
  if (session.vramQuota() == 0) {
    return false;
  }
  cuda::MemoryUsage usage;
  session.backend().memUsage(device, usage);
  return usage.usedBytes + bytes > session.vramQuota() || bytes > session.vramQuota();
}

CUresult status(Session& session, Reader&, Writer& reply, bool) {
  const SessionRegistry::Totals totals = session.registry().totals();
  wire::encodeInto(reply, wire::ReplyOf<Call::Status>{totals.sessions, totals.deviceBytes, totals.hostBytes});
  return CUDA_SUCCESS;
}

// After an allocation: the session's figures refreshed, and the reply's fields (its size and id).
wire::ReplyOf<Call::MemAlloc> allocated(Session& session, CUdeviceptr pointer) {
  cuda::PointerInfo info;
  session.backend().pointerInfo(pointer, info);
  session.refreshFigures();
  return {pointer, info.size, info.allocationId};
}

CUresult memAlloc(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::MemAlloc>(request);
  if (!call || !validDevice(session, call->device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  const auto [device, bytes, managed] = *call;
  if (overQuota(session, device, bytes)) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  // Managed memory of vgpud's own process would be out of the client's reach: the client's
  // managed memory is its own memfd (ManagedAlloc).
  if (managed != 0) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  CUdeviceptr pointer = 0;
  const CUresult result = session.backend().memAlloc(device, bytes, pointer);
  if (result != CUDA_SUCCESS) {
    return result;
  }
  wire::encodeInto(reply, allocated(session, pointer));
  return CUDA_SUCCESS;
}

// What a managed-memory call may not pass: the device, a size, the quota (as for device memory).
CUresult managedAllowed(Session& session, bool decoded, int device, std::uint64_t bytes) {
  return !decoded || !validDevice(session, device) ? CUDA_ERROR_INVALID_DEVICE
         : bytes == 0                              ? CUDA_ERROR_INVALID_VALUE
         : overQuota(session, device, bytes)       ? CUDA_ERROR_OUT_OF_MEMORY
                                                   : CUDA_SUCCESS;
}

CUresult managedRefused(Session& session, std::uint64_t bytes, CUresult result, const std::string& error) {
  log::writef(log::Level::Info, "vgpud", "session %llu: managed memory of %llu bytes refused: %s",
              static_cast<unsigned long long>(session.id()), static_cast<unsigned long long>(bytes), error.c_str());
  return result;
}

// The client's managed memory: its memfd, which came with the frame, mapped here and made managed
// memory of the backend at our mapping's address, where the client maps it too.
CUresult managedAlloc(Session& session, Reader& request, Writer& reply, bool) {
  FileDescriptor memfd = session.takeReceivedDescriptor(); // whatever the answer: the frame brought it
  const auto call = requestOf<Call::ManagedAlloc>(request);
  const int device = call ? call->device : -1;
  const std::uint64_t bytes = call ? call->bytes : 0;
  CUdeviceptr pointer = 0;
  std::string error = "bad device, size or quota";
  CUresult result = managedAllowed(session, call.has_value(), device, bytes);
  if (result == CUDA_SUCCESS) {
    result = session.allocateManaged(device, bytes, std::move(memfd), pointer, error);
  }
  if (result != CUDA_SUCCESS) {
    return managedRefused(session, bytes, result, error);
  }
  wire::encodeInto(reply, allocated(session, pointer));
  return CUDA_SUCCESS;
}

// A network session's managed memory: a slice of its guest region, which the guest maps from its BAR
// at our address of the slice.
CUresult regionManagedAlloc(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::RegionManagedAlloc>(request);
  const int device = call ? call->device : -1;
  const std::uint64_t bytes = call ? call->bytes : 0;
  RegionSlice slice;
  CUdeviceptr pointer = 0;
  std::string error = "bad device, size or quota";
  CUresult result = managedAllowed(session, call.has_value(), device, bytes);
  if (result == CUDA_SUCCESS) {
    result = session.allocateManagedInGuestRegion(device, bytes, slice, pointer, error);
  }
  if (result != CUDA_SUCCESS) {
    return managedRefused(session, bytes, result, error);
  }
  const auto made = allocated(session, pointer);
  wire::encodeInto(reply, wire::ReplyOf<Call::RegionManagedAlloc>{pointer, made.size, made.allocationId, slice.offset});
  return CUDA_SUCCESS;
}

CUresult memFree(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::MemFree>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUresult result = session.backend().memFree(call->handle);
  if (result == CUDA_SUCCESS) {
    session.forgetManaged(call->handle);
  }
  session.refreshFigures();
  return result;
}

CUresult memGetInfo(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::MemGetInfo>(request);
  if (!call || !validDevice(session, call->device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  const int device = call->device;
  std::size_t freeBytes = 0;
  std::size_t totalBytes = 0;
  const CUresult result = session.backend().memGetInfo(device, freeBytes, totalBytes);
  if (session.vramQuota() != 0 && session.vramQuota() < totalBytes) {
    // A tenant sees its quota as the device's memory.
    const std::size_t used = totalBytes - freeBytes;
    totalBytes = session.vramQuota();
    freeBytes = used >= totalBytes ? 0 : totalBytes - used;
  }
  wire::encodeInto(reply, wire::ReplyOf<Call::MemGetInfo>{freeBytes, totalBytes});
  return result;
}

CUresult pointerInfo(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::PointerInfo>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  cuda::PointerInfo info;
  const CUresult result = session.backend().pointerInfo(call->handle, info);
  wire::encodeInto(reply, cuda::pointerInfoToWire(info));
  return result;
}

CUresult memUsage(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::MemUsage>(request);
  cuda::MemoryUsage usage;
  const CUresult result = call && validDevice(session, call->device) ? session.backend().memUsage(call->device, usage)
                                                                     : CUDA_ERROR_INVALID_DEVICE;
  wire::encodeInto(reply, cuda::memoryUsageToWire(usage));
  return result;
}

CUresult resetPeaks(Session& session, Reader&, Writer&, bool) {
  session.backend().resetMemoryPeaks();
  return CUDA_SUCCESS;
}

CUresult registerHost(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::RegisterHost>(request);
  std::string error;
  const std::uint64_t id = call ? session.registerHostRegion(call->bytes, error) : 0;
  if (id == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  wire::encodeInto(reply, wire::ReplyOf<Call::RegisterHost>{id});
  return CUDA_SUCCESS;
}

// A network session's bulk-data slice in its guest's shared-memory region: the client proves it
// reads the region by naming the id vgpud wrote into the region's header.
CUresult attachRegion(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::AttachRegion>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  RegionId id{};
  std::memcpy(id.data(), &call->regionIdLow, 8);
  std::memcpy(id.data() + 8, &call->regionIdHigh, 8);
  RegionSlice slice;
  std::string error;
  if (const CUresult status = session.attachGuestRegion(id, call->stagingBytes, slice, error); status != CUDA_SUCCESS) {
    log::writef(log::Level::Warn, "vgpud", "session %llu: guest region refused: %s",
                static_cast<unsigned long long>(session.id()), error.c_str());
    return status;
  }
  wire::encodeInto(reply, wire::ReplyOf<Call::AttachRegion>{slice.offset, slice.bytes});
  return CUDA_SUCCESS;
}

// Pinned host memory of a guest: a slice of its region, addressed by the client at that offset
// of its mapping and by frames as a host region (source 2).
CUresult regionAlloc(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::RegionAlloc>(request);
  if (!call || call->bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  RegionSlice slice;
  const std::uint64_t id = session.allocateInGuestRegion(call->bytes, slice);
  if (id == 0) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  wire::encodeInto(reply, wire::ReplyOf<Call::RegionAlloc>{id, slice.offset, slice.bytes});
  return CUDA_SUCCESS;
}

CUresult unregisterHost(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::UnregisterHost>(request);
  return call && session.unregisterHostRegion(call->handle) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult physicalCreate(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::PhysicalCreate>(request);
  if (!call || !validDevice(session, call->device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (overQuota(session, call->device, call->bytes)) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  cuda::BackendPhysical handle = 0;
  const CUresult result = session.backend().physicalCreate(call->device, call->bytes, handle);
  session.refreshFigures();
  wire::encodeInto(reply, wire::ReplyOf<Call::PhysicalCreate>{handle});
  return result;
}
CUresult physicalRelease(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::PhysicalRelease>(request);
  const CUresult result = call ? session.backend().physicalRelease(call->handle) : CUDA_ERROR_INVALID_HANDLE;
  session.refreshFigures();
  return result;
}
CUresult addressReserve(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::AddressReserve>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUdeviceptr out = 0;
  const CUresult result = session.backend().addressReserve(call->bytes, call->alignment, call->fixed, out);
  wire::encodeInto(reply, wire::ReplyOf<Call::AddressReserve>{out});
  return result;
}
CUresult addressFree(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::AddressFree>(request);
  return call ? session.backend().addressFree(call->address, call->bytes) : CUDA_ERROR_INVALID_VALUE;
}
CUresult mapRange(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::Map>(request);
  return call ? session.backend().map(call->address, call->bytes, call->offset, call->physical)
              : CUDA_ERROR_INVALID_VALUE;
}
CUresult unmapRange(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::Unmap>(request);
  return call ? session.backend().unmap(call->address, call->bytes) : CUDA_ERROR_INVALID_VALUE;
}
CUresult setAccess(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::SetAccess>(request);
  return call ? session.backend().setAccess(call->address, call->bytes, call->device, call->readWrite != 0)
              : CUDA_ERROR_INVALID_VALUE;
}

// True for a shape within the bounds of one frame; false leaves the frame well formed (the caller
// answers CUDA_ERROR_INVALID_VALUE and the connection stays open).
bool copyShapeFits(const wire::calls::DeviceRows& rows) {
  return shapeFits(rows.width, rows.rows, rows.width) && shapeFits(rows.width, rows.rows, rows.pitch);
}

// The bytes of a host region a copy names (kHostShared: the session's shared-memory region;
// kHostRegion: a pinned region), `bytes` long; shorter where the range is not the session's.
std::span<std::uint8_t> hostRange(Session& session, std::uint8_t place, std::uint64_t region, std::uint64_t offset,
                                  std::uint64_t bytes) {
  return place == wire::calls::kHostShared ? session.sharedBytes(offset, bytes)
                                           : session.hostRegionBytes(region, offset, bytes);
}

// Inline data is used where it lies in the receive buffer, which stays put while the call runs:
// both backends have taken the bytes of a copy from pageable memory when their copy returns (the
// cuda backend's host side is pageable to the driver), async or not.
CUresult copyHostToDevice(Session& session, Reader& request, Writer&, bool async) {
  const auto call = requestOf<Call::CopyHostToDevice>(request);
  if (!call || call->place > wire::calls::kHostRegion) {
    request.fail();
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto& [to, place, inlineData, offset, region] = *call;
  // The packed rows' size (0 for rows out of bounds, which are refused below): what inline data must hold.
  const std::uint64_t bytes = shapeFits(to.width, to.rows, to.width) ? to.width * to.rows : 0;
  std::span<std::uint8_t> data;
  if (place == wire::calls::kHostInline) {
    if (inlineData.value.size() != bytes) {
      request.fail(); // the frame's own length disagrees with its shape
      return CUDA_ERROR_INVALID_VALUE;
    }
    data = {const_cast<std::uint8_t*>(inlineData.value.data()), inlineData.value.size()}; // read only: the source
  } else {
    data = hostRange(session, place, region, offset, bytes);
  }
  if (!copyShapeFits(to) || data.size() != bytes) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  cuda::CopyEndpoint destination{true, to.address, nullptr, to.pitch};
  cuda::CopyEndpoint source{false, 0, data.data(), to.width};
  // A slot of the hello region is reused by the client as soon as this frame is handled: the copy
  // must have taken its bytes by then, even where the region is pinned for DMA (cuda backend).
  return session.backend().copy(destination, source, to.width, to.rows, to.stream,
                                async && place != wire::calls::kHostShared);
}

CUresult copyDeviceToHost(Session& session, Reader& request, Writer& reply, bool async) {
  const auto call = requestOf<Call::CopyDeviceToHost>(request);
  if (!call || call->place > wire::calls::kHostRegion) {
    request.fail();
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto& [from, place, offset, region] = *call;
  if (!copyShapeFits(from)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::uint64_t bytes = from.width * from.rows;
  std::span<std::uint8_t> data;
  if (place == wire::calls::kHostInline) {
    if (bytes > kMaxInline) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    // The reply's one field (CopyToHostReply::data), reserved so the copy writes it in place.
    data = reply.reserveBytes(static_cast<std::uint32_t>(bytes));
  } else {
    data = hostRange(session, place, region, offset, bytes);
    if (data.size() != bytes) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    wire::encodeInto(reply, wire::ReplyOf<Call::CopyDeviceToHost>{}); // no data in the frame
  }
  cuda::CopyEndpoint destination{false, 0, data.data(), from.width};
  cuda::CopyEndpoint source{true, from.address, nullptr, from.pitch};
  // Into the hello region or inline: the client reads the bytes as soon as this frame is answered.
  return session.backend().copy(destination, source, from.width, from.rows, from.stream,
                                async && place == wire::calls::kHostRegion);
}

CUresult copyDeviceToDevice(Session& session, Reader& request, Writer&, bool async) {
  const auto call = requestOf<Call::CopyDeviceToDevice>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto& [dst, dstPitch, src, srcPitch, stream, width, rows] = *call;
  if (!shapeFits(width, rows, width) || !shapeFits(width, rows, dstPitch) || !shapeFits(width, rows, srcPitch)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return session.backend().copy({true, dst, nullptr, dstPitch}, {true, src, nullptr, srcPitch}, width, rows, stream,
                                async);
}

CUresult memsetCall(Session& session, Reader& request, Writer&, bool async) {
  const auto call = requestOf<Call::Memset>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto& [dst, pitch, value, elementSize, width, height, stream] = *call;
  if (elementSize == 0 || elementSize > 4 || width > kMaxSpan || !shapeFits(width * elementSize, height, pitch)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return session.backend().memset(dst, pitch, value, elementSize, width, height, stream, async);
}

CUresult streamCreate(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::StreamCreate>(request);
  if (!call || !validDevice(session, call->device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  cuda::BackendStream stream = 0;
  const CUresult result = session.backend().streamCreate(call->device, call->flags, call->priority, stream);
  wire::encodeInto(reply, wire::ReplyOf<Call::StreamCreate>{stream});
  return result;
}

// The calls that name one handle and answer nothing but their result: a short payload names no
// handle the backend knows.
template <Call C, CUresult (cuda::ExecutionBackend::*Method)(std::uint64_t)>
CUresult onHandle(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<C>(request);
  return call ? (session.backend().*Method)(call->handle) : CUDA_ERROR_INVALID_HANDLE;
}

CUresult streamWaitEvent(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::StreamWaitEvent>(request);
  return call ? session.backend().streamWaitEvent(call->stream, call->event) : CUDA_ERROR_INVALID_HANDLE;
}

CUresult streamSetAttribute(Session& session, Reader& request, Writer&, bool) {
  cuda::StreamAttributeRequest attribute;
  if (!cuda::decodeStreamAttribute(request, attribute)) {
    return CUDA_ERROR_INVALID_VALUE; // an id that is not a stream attribute (the payload is not read further)
  }
  return session.backend().streamSetAttribute(attribute.stream, attribute.id, attribute.value);
}

CUresult eventCreate(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::EventCreate>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  cuda::BackendEvent event = 0;
  const CUresult result = session.backend().eventCreate(call->flags, event);
  wire::encodeInto(reply, wire::ReplyOf<Call::EventCreate>{event});
  return result;
}
CUresult eventRecord(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::EventRecord>(request);
  return call ? session.backend().eventRecord(call->event, call->stream) : CUDA_ERROR_INVALID_HANDLE;
}
CUresult eventElapsed(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::EventElapsed>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  float milliseconds = 0;
  const CUresult result = session.backend().eventElapsed(call->start, call->end, milliseconds);
  wire::encodeInto(reply, wire::ReplyOf<Call::EventElapsed>{milliseconds});
  return result;
}
CUresult deviceSynchronize(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::DeviceSynchronize>(request);
  return call ? session.backend().deviceSynchronize(call->device) : CUDA_ERROR_INVALID_DEVICE;
}

// Module images arrive in parts, inline or through shared memory; the last part loads the whole
// image. Every part is answered with the reply's fields (module 0 until the last).
CUresult moduleLoad(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::ModuleLoad>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto& [device, last, place, inlineData, offset, length] = *call;
  std::span<const std::uint8_t> part = inlineData.value;
  bool valid = true;
  if (place != wire::calls::kHostInline) {
    part = session.sharedBytes(offset, length);
    valid = place == wire::calls::kHostShared && part.size() == length;
  }
  std::vector<std::uint8_t>& staging = session.moduleStaging();
  if (!valid || staging.size() + part.size() > session.bounds().moduleBytes) {
    staging = {}; // its memory too, not only its size
    session.refreshFigures();
    return valid ? CUDA_ERROR_OUT_OF_MEMORY : CUDA_ERROR_INVALID_VALUE;
  }
  if (session.wouldExceedHostMemory(part.size())) {
    staging = {};
    session.refreshFigures();
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  staging.insert(staging.end(), part.begin(), part.end());
  session.refreshFigures();
  if (last == 0) {
    wire::encodeInto(reply, wire::ReplyOf<Call::ModuleLoad>{});
    return CUDA_SUCCESS;
  }
  std::vector<std::uint8_t> image;
  image.swap(staging);
  if (!validDevice(session, device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  cuda::BackendModule module = 0;
  std::string error;
  const CUresult result = session.backend().moduleLoad(device, image, module, error);
  if (result == CUDA_SUCCESS) {
    session.countModule(module, image.size());
  }
  session.refreshFigures();
  error.resize(std::min(error.size(), wire::calls::kMaxLoaderLog)); // within the reply's bound
  wire::encodeInto(reply, wire::ReplyOf<Call::ModuleLoad>{module, {std::move(error)}});
  return result;
}

CUresult moduleUnload(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::ModuleUnload>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const auto module = call->handle;
  const CUresult result = session.backend().moduleUnload(module);
  if (result == CUDA_SUCCESS) {
    session.countModule(module, 0);
  }
  session.refreshFigures();
  return result;
}

CUresult moduleFunction(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::ModuleFunction>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  cuda::BackendFunction function = 0;
  const cuda::KernelInfo* info = nullptr;
  const CUresult result = session.backend().moduleFunction(call->module, call->name.value, function, info);
  if (result != CUDA_SUCCESS || info == nullptr) {
    return result == CUDA_SUCCESS ? CUDA_ERROR_UNKNOWN : result;
  }
  wire::encodeInto(reply, cuda::kernelInfoToWire(function, *info));
  return CUDA_SUCCESS;
}

CUresult moduleFunctions(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::ModuleFunctions>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  std::vector<std::string> names;
  const CUresult result = session.backend().moduleFunctions(call->handle, names);
  wire::ReplyOf<Call::ModuleFunctions> listed;
  for (std::string& name : names) {
    listed.names.items.push_back({std::move(name)});
  }
  wire::encodeInto(reply, listed);
  return result;
}

CUresult moduleGlobal(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::ModuleGlobal>(request);
  cuda::GlobalInfo global;
  const CUresult result =
      call ? session.backend().moduleGlobal(call->module, call->name.value, global) : CUDA_ERROR_INVALID_VALUE;
  wire::encodeInto(reply, wire::ReplyOf<Call::ModuleGlobal>{global.address, global.size});
  return result;
}

// What vgpud checks of a launch's attributes itself: a cluster has at most 16 blocks on any GPU so
// far, the grid must be a whole number of them, and the scheduling policy one the driver knows.
bool launchAttributesValid(const cuda::LaunchConfig& config) {
  constexpr std::uint64_t kMaxClusterBlocks = 16;
  return config.clusterSchedulingPolicy <= CU_CLUSTER_SCHEDULING_POLICY_LOAD_BALANCING && config.clusterX != 0 &&
         config.clusterY != 0 && config.clusterZ != 0 &&
         std::uint64_t{config.clusterX} * config.clusterY * config.clusterZ <= kMaxClusterBlocks &&
         config.gridX % config.clusterX == 0 && config.gridY % config.clusterY == 0 &&
         config.gridZ % config.clusterZ == 0;
}

CUresult launchEx(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::LaunchEx>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const cuda::LaunchConfig config = cuda::launchConfigFromWire(*call);
  if (!launchAttributesValid(config)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return session.backend().launch(call->launch.function, config, call->launch.parameters.value);
}

CUresult launch(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::Launch>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return session.backend().launch(call->function, cuda::launchConfigFromWire(*call), call->parameters.value);
}

// Dependencies only on earlier nodes of the same list (so no cycle can be sent) and none twice,
// kernel attributes as for LaunchEx, in the graph's nodes and every body's; `bytes` adds up what
// they hold.
bool graphShapeValid(std::span<const cuda::GraphNodeWork> nodes, std::uint64_t& bytes) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::vector<std::uint32_t> sorted = nodes[i].dependencies;
    std::sort(sorted.begin(), sorted.end());
    if ((!sorted.empty() && sorted.back() >= i) || std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end() ||
        (nodes[i].kind == cuda::GraphNodeWork::Kind::Kernel && !launchAttributesValid(nodes[i].launch))) {
      return false;
    }
    bytes += sizeof(cuda::GraphNodeWork) + nodes[i].parameters.size() + sorted.size() * sizeof(std::uint32_t);
    for (const std::vector<cuda::GraphNodeWork>& body : nodes[i].bodies) {
      if (!graphShapeValid(body, bytes)) {
        return false;
      }
    }
  }
  return true;
}

// A graph's nodes and conditional handles, checked for what no single call would check: the shape
// (graphFromWire, graphShapeValid), a copy's host side within one of the session's pinned regions
// (`regions` receives them: the graph goes when one of them does). The backend checks handles,
// device memory and parameters as its own calls do. `bytes`: what the graph holds in vgpud, counted
// against graph-limit.
struct GraphRequest {
  std::vector<cuda::GraphNodeWork> nodes;
  std::vector<cuda::GraphConditionalHandle> handles;
  std::vector<std::uint64_t> regions;
  std::uint64_t bytes = 0;
};

template <typename Request> CUresult graphRequestOf(Session& session, const Request& call, GraphRequest& out) {
  const auto hostOf = [&](std::uint64_t region, std::uint64_t offset, std::uint64_t length) -> void* {
    const std::span<std::uint8_t> span = session.hostRegionBytes(region, offset, length);
    if (span.empty() && length != 0) {
      return nullptr;
    }
    out.regions.push_back(region);
    return span.data();
  };
  if (call.nodes.items.empty() || !cuda::graphFromWire(call.nodes, call.handles, out.nodes, out.handles, hostOf) ||
      !graphShapeValid(out.nodes, out.bytes)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  out.bytes += out.handles.size() * sizeof(cuda::GraphConditionalHandle);
  return CUDA_SUCCESS;
}

CUresult graphCreate(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::GraphCreate>(request);
  if (!call || !validDevice(session, call->device)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  GraphRequest graph;
  if (const CUresult status = graphRequestOf(session, *call, graph); status != CUDA_SUCCESS) {
    return status;
  }
  if (!session.graphFits(0, graph.bytes)) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  cuda::BackendGraph made = 0;
  const CUresult result = session.backend().graphCreate(call->device, graph.nodes, made, graph.handles);
  if (result == CUDA_SUCCESS) {
    session.countGraph(made, graph.bytes, std::move(graph.regions));
  }
  wire::encodeInto(reply, wire::ReplyOf<Call::GraphCreate>{made});
  return result;
}

CUresult graphUpdate(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::GraphUpdate>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  GraphRequest graph;
  if (const CUresult status = graphRequestOf(session, *call, graph); status != CUDA_SUCCESS) {
    return status;
  }
  if (!session.graphFits(call->graph, graph.bytes)) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  const CUresult result = session.backend().graphUpdate(call->graph, graph.nodes, graph.handles);
  if (result == CUDA_SUCCESS) {
    session.countGraph(call->graph, graph.bytes, std::move(graph.regions));
  }
  return result;
}

CUresult graphLaunch(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::GraphLaunch>(request);
  return call ? session.backend().graphLaunch(call->graph, call->stream) : CUDA_ERROR_INVALID_VALUE;
}

CUresult graphDestroy(Session& session, Reader& request, Writer&, bool) {
  const auto call = requestOf<Call::GraphDestroy>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUresult result = session.backend().graphDestroy(call->handle);
  if (result == CUDA_SUCCESS) {
    session.countGraph(call->handle, 0);
  }
  return result;
}

// Stream memory operations: device words by their address (the backend checks them against the
// session's memory), host words in a pinned region the session registered, by offset.
CUresult streamMemoryOperations(Session& session, Reader& request, Writer&, bool) {
  using Kind = cuda::StreamMemoryOperation::Kind;
  const auto call = requestOf<Call::StreamMemoryOperations>(request);
  if (!call || call->operations.items.empty()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::vector<cuda::StreamMemoryOperation> operations;
  operations.reserve(call->operations.items.size());
  for (const wire::calls::MemoryOperationField& field : call->operations.items) {
    if (field.kind > static_cast<std::uint8_t>(Kind::Barrier)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    cuda::StreamMemoryOperation& operation = operations.emplace_back();
    operation.kind = static_cast<Kind>(field.kind);
    operation.flags = field.flags;
    operation.value = field.value;
    operation.address = field.address;
    if (field.region != 0 && operation.kind != Kind::Barrier) {
      const std::span<std::uint8_t> word = session.hostRegionBytes(field.region, field.address, operation.wordBytes());
      if (word.empty()) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      operation.host = word.data();
      operation.address = 0;
    }
  }
  return session.backend().streamMemoryOperations(call->stream, operations);
}

// Tensor maps: the description checked as the driver layer checks it (every documented rule),
// then encoded by the session's executor for the device named.
CUresult tensorMapEncode(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::TensorMapEncode>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!validDevice(session, call->device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  cuda::TensorMapDescription description;
  if (!cuda::tensorMapFromWire(*call, description) || cuda::checkTensorMap(description) != CUDA_SUCCESS) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUtensorMap map{};
  const CUresult result = session.backend().tensorMapEncode(call->device, description, map);
  if (result == CUDA_SUCCESS) {
    wire::encodeInto(reply, wire::ReplyOf<Call::TensorMapEncode>{cuda::tensorMapWords(map)});
  }
  return result;
}

// Texture objects: the description checked as the driver layer checks it, then made by the
// session's executor, which also checks that its memory is the session's on that device.
CUresult textureObjectCreate(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::TextureObjectCreate>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!validDevice(session, call->device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  cuda::TextureDescription description;
  if (!cuda::textureFromWire(*call, description) || cuda::checkTexture(description) != CUDA_SUCCESS) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::uint64_t object = 0;
  const CUresult result = session.backend().textureObjectCreate(call->device, description, object);
  if (result == CUDA_SUCCESS) {
    wire::encodeInto(reply, wire::ReplyOf<Call::TextureObjectCreate>{object});
  }
  return result;
}

CUresult tensorMapReplaceAddress(Session& session, Reader& request, Writer& reply, bool) {
  const auto call = requestOf<Call::TensorMapReplaceAddress>(request);
  if (!call) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!validDevice(session, call->device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  CUtensorMap map{};
  if (!cuda::tensorMapFromWords(call->map, map)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUresult result = session.backend().tensorMapReplaceAddress(call->device, map, call->address);
  if (result == CUDA_SUCCESS) {
    wire::encodeInto(reply, wire::ReplyOf<Call::TensorMapReplaceAddress>{cuda::tensorMapWords(map)});
  }
  return result;
}

CUresult counters(Session& session, Reader&, Writer& reply, bool) {
  wire::encodeInto(reply, cuda::countersToWire(session.backend().counters()));
  return CUDA_SUCCESS;
}

constexpr std::array kCalls = {
    CallEntry{Call::Status, status, false},
    CallEntry{Call::MemAlloc, memAlloc, false, true},
    CallEntry{Call::MemFree, memFree, false},
    CallEntry{Call::MemGetInfo, memGetInfo, false},
    CallEntry{Call::PointerInfo, pointerInfo, false},
    CallEntry{Call::MemUsage, memUsage, false},
    CallEntry{Call::ResetPeaks, resetPeaks, false},
    CallEntry{Call::ManagedAlloc, managedAlloc, false},
    CallEntry{Call::RegionManagedAlloc, regionManagedAlloc, false},
    CallEntry{Call::RegisterHost, registerHost, false},
    CallEntry{Call::UnregisterHost, unregisterHost, false},
    CallEntry{Call::AttachRegion, attachRegion, false},
    CallEntry{Call::RegionAlloc, regionAlloc, false, true},
    CallEntry{Call::PhysicalCreate, physicalCreate, false, true},
    CallEntry{Call::PhysicalRelease, physicalRelease, false},
    CallEntry{Call::AddressReserve, addressReserve, false},
    CallEntry{Call::AddressFree, addressFree, false},
    CallEntry{Call::Map, mapRange, false},
    CallEntry{Call::Unmap, unmapRange, false},
    CallEntry{Call::SetAccess, setAccess, false},
    CallEntry{Call::CopyHostToDevice, copyHostToDevice, true},
    CallEntry{Call::CopyDeviceToHost, copyDeviceToHost, true},
    CallEntry{Call::CopyDeviceToDevice, copyDeviceToDevice, true},
    CallEntry{Call::Memset, memsetCall, true},
    CallEntry{Call::StreamCreate, streamCreate, false},
    CallEntry{Call::StreamDestroy, onHandle<Call::StreamDestroy, &cuda::ExecutionBackend::streamDestroy>, false},
    CallEntry{Call::StreamSynchronize, onHandle<Call::StreamSynchronize, &cuda::ExecutionBackend::streamSynchronize>,
              true},
    CallEntry{Call::StreamQuery, onHandle<Call::StreamQuery, &cuda::ExecutionBackend::streamQuery>, true},
    CallEntry{Call::StreamWaitEvent, streamWaitEvent, false},
    CallEntry{Call::StreamSetAttribute, streamSetAttribute, false},
    CallEntry{Call::EventCreate, eventCreate, false},
    CallEntry{Call::EventDestroy, onHandle<Call::EventDestroy, &cuda::ExecutionBackend::eventDestroy>, false},
    CallEntry{Call::EventRecord, eventRecord, false},
    CallEntry{Call::EventQuery, onHandle<Call::EventQuery, &cuda::ExecutionBackend::eventQuery>, true},
    CallEntry{Call::EventSynchronize, onHandle<Call::EventSynchronize, &cuda::ExecutionBackend::eventSynchronize>,
              true},
    CallEntry{Call::EventElapsed, eventElapsed, false},
    CallEntry{Call::DeviceSynchronize, deviceSynchronize, true},
    CallEntry{Call::ModuleLoad, moduleLoad, false, true},
    CallEntry{Call::ModuleUnload, moduleUnload, false},
    CallEntry{Call::ModuleFunction, moduleFunction, false},
    CallEntry{Call::ModuleFunctions, moduleFunctions, false},
    CallEntry{Call::ModuleGlobal, moduleGlobal, false},
    CallEntry{Call::Launch, launch, false, true},
    CallEntry{Call::LaunchEx, launchEx, false, true},
    CallEntry{Call::GraphCreate, graphCreate, false, true},
    CallEntry{Call::GraphUpdate, graphUpdate, false},
    CallEntry{Call::GraphLaunch, graphLaunch, false, true},
    CallEntry{Call::GraphDestroy, graphDestroy, false},
    CallEntry{Call::StreamMemoryOperations, streamMemoryOperations, false},
    CallEntry{Call::TensorMapEncode, tensorMapEncode, false},
    CallEntry{Call::TensorMapReplaceAddress, tensorMapReplaceAddress, false},
    CallEntry{Call::TextureObjectCreate, textureObjectCreate, false},
    CallEntry{Call::TextureObjectDestroy,
              onHandle<Call::TextureObjectDestroy, &cuda::ExecutionBackend::textureObjectDestroy>, false},
    CallEntry{Call::Counters, counters, false},
};

} // namespace

const CallEntry* findCall(std::uint16_t call) {
  const auto it = std::find_if(kCalls.begin(), kCalls.end(), [call](const CallEntry& entry) {
    return static_cast<std::uint16_t>(entry.call) == call;
  });
  return it == kCalls.end() ? nullptr : &*it;
}

} // namespace vgpu::daemon

// The execution backend's structs as vgpud's replies carry them (vgpu/wire_calls.h), converted in
// one place for both sides: vgpud fills a reply from its backend's struct, the shim's remote
// backend turns the reply back into the same struct. A field added to one side and not here
// fails test_vgpud_sessions' round trips.
#pragma once

#include "backend/execution_backend.h"

#include "vgpu/wire_calls.h"

#include <algorithm>
#include <bit>
#include <iterator>

namespace vgpu::cuda {

// One batch of stream memory operations fits one StreamMemoryOperations call; one map fills a reply.
static_assert(sizeof(CUtensorMap::opaque) / sizeof(std::uint64_t) == wire::calls::kTensorMapWords);
static_assert(kMaxStreamMemoryOperations == wire::calls::kMaxStreamMemoryOperations);

using ModuleFunctionReply = wire::ReplyOf<wire::Call::ModuleFunction>;

inline ModuleFunctionReply kernelInfoToWire(BackendFunction function, const KernelInfo& info) {
  ModuleFunctionReply reply;
  reply.function = function;
  reply.name.value = info.name;
  for (const KernelParameter& parameter : info.parameters) {
    reply.parameters.items.push_back({parameter.offset, parameter.size});
  }
  reply.parameterBufferSize = info.parameterBufferSize;
  reply.maxThreadsPerBlock = info.maxThreadsPerBlock;
  reply.sharedSizeBytes = info.sharedSizeBytes;
  reply.constSizeBytes = info.constSizeBytes;
  reply.localSizeBytes = info.localSizeBytes;
  reply.numRegs = info.numRegs;
  reply.fromPtx = info.fromPtx ? 1 : 0;
  return reply;
}

inline KernelInfo kernelInfoFromWire(ModuleFunctionReply reply) {
  KernelInfo info;
  info.name = std::move(reply.name.value);
  for (const wire::calls::KernelParameterField& parameter : reply.parameters.items) {
    info.parameters.push_back({parameter.offset, parameter.size});
  }
  info.parameterBufferSize = reply.parameterBufferSize;
  info.maxThreadsPerBlock = reply.maxThreadsPerBlock;
  info.sharedSizeBytes = reply.sharedSizeBytes;
  info.constSizeBytes = reply.constSizeBytes;
  info.localSizeBytes = reply.localSizeBytes;
  info.numRegs = reply.numRegs;
  info.fromPtx = reply.fromPtx != 0;
  return info;
}

// PointerInfo: everything but the host address, which is the asking process's own.
inline wire::ReplyOf<wire::Call::PointerInfo> pointerInfoToWire(const PointerInfo& info) {
  return {static_cast<std::uint8_t>(info.kind), info.base, info.size, static_cast<std::int32_t>(info.device),
          info.allocationId};
}

inline PointerInfo pointerInfoFromWire(const wire::ReplyOf<wire::Call::PointerInfo>& reply) {
  PointerInfo info;
  info.kind = static_cast<MemoryKind>(reply.kind);
  info.base = reply.base;
  info.size = reply.size;
  info.device = reply.device;
  info.allocationId = reply.allocationId;
  return info;
}

inline wire::ReplyOf<wire::Call::MemUsage> memoryUsageToWire(const MemoryUsage& usage) {
  return {usage.usedBytes, usage.totalBytes, usage.peakBytes, usage.allocationCount};
}

inline MemoryUsage memoryUsageFromWire(const wire::ReplyOf<wire::Call::MemUsage>& reply) {
  return {reply.usedBytes, reply.totalBytes, reply.peakBytes, reply.allocationCount};
}

inline wire::ReplyOf<wire::Call::Counters> countersToWire(const BackendCounters& counters) {
  return {counters.kernelLaunches, counters.bytesHostToDevice, counters.bytesDeviceToHost, counters.bytesDeviceToDevice,
          counters.memsets};
}

inline BackendCounters countersFromWire(const wire::ReplyOf<wire::Call::Counters>& reply) {
  return {reply.kernelLaunches, reply.bytesHostToDevice, reply.bytesDeviceToHost, reply.bytesDeviceToDevice,
          reply.memsets};
}

using LaunchExRequest = wire::RequestOf<wire::Call::LaunchEx>;

// A launch as LaunchEx carries it (Launch is its first part); `parameters` is viewed, not copied.
inline LaunchExRequest launchToWire(BackendFunction function, const LaunchConfig& config,
                                    std::span<const std::uint8_t> parameters) {
  LaunchExRequest request;
  request.launch = {function,      config.gridX,  config.gridY,          config.gridZ,  config.blockX,
                    config.blockY, config.blockZ, config.sharedMemBytes, config.stream, {parameters}};
  request.clusterX = config.clusterX;
  request.clusterY = config.clusterY;
  request.clusterZ = config.clusterZ;
  request.cooperative = config.cooperative ? 1 : 0;
  request.programmaticSerialization = config.programmaticSerialization ? 1 : 0;
  request.clusterSchedulingPolicy = config.clusterSchedulingPolicy;
  return request;
}

// Launch's fields; for a plain Launch the extras keep their defaults (no cluster, not cooperative).
inline LaunchConfig launchConfigFromWire(const wire::calls::LaunchRequest& launch) {
  LaunchConfig config;
  config.gridX = launch.gridX;
  config.gridY = launch.gridY;
  config.gridZ = launch.gridZ;
  config.blockX = launch.blockX;
  config.blockY = launch.blockY;
  config.blockZ = launch.blockZ;
  config.sharedMemBytes = launch.sharedMemBytes;
  config.stream = launch.stream;
  return config;
}

inline LaunchConfig launchConfigFromWire(const LaunchExRequest& request) {
  LaunchConfig config = launchConfigFromWire(request.launch);
  config.clusterX = request.clusterX;
  config.clusterY = request.clusterY;
  config.clusterZ = request.clusterZ;
  config.cooperative = request.cooperative != 0;
  config.programmaticSerialization = request.programmaticSerialization != 0;
  config.clusterSchedulingPolicy = request.clusterSchedulingPolicy;
  return config;
}

using GraphNodeList = wire::List<wire::calls::GraphNodeField, wire::calls::kMaxGraphNodes>;
using GraphHandleList = wire::List<wire::calls::GraphHandleField, wire::calls::kMaxGraphHandles>;

// How deep conditional bodies may nest in a graph that travels (the driver layer orders at most 16
// levels of child graphs; conditional nodes inside conditional bodies are rarer still).
inline constexpr std::uint32_t kMaxGraphNesting = 8;
inline constexpr std::uint32_t kMaxConditionalBodies = 1024;

namespace detail {

template <typename RegionOf>
bool appendGraphNodes(std::span<const GraphNodeWork> nodes, std::uint32_t parent, std::uint32_t body,
                      GraphNodeList& out, RegionOf& regionOf) {
  for (const GraphNodeWork& node : nodes) {
    if (out.items.size() >= wire::calls::kMaxGraphNodes) {
      return false;
    }
    const auto index = static_cast<std::uint32_t>(out.items.size());
    wire::calls::GraphNodeField& field = out.items.emplace_back();
    field.kind = static_cast<std::uint8_t>(node.kind);
    field.parent = parent;
    field.body = body;
    field.dependencies.items = node.dependencies;
    field.kernel = launchToWire(node.function, node.launch, node.parameters);
    field.destination = node.destination;
    field.destinationPitch = node.destinationPitch;
    field.source = node.source;
    field.sourcePitch = node.sourcePitch;
    field.widthBytes = node.widthBytes;
    field.height = node.height;
    field.value = node.value;
    field.elementSize = node.elementSize;
    field.widthElements = node.widthElements;
    field.event = node.event;
    field.conditionalType = node.conditionalType;
    field.handle = node.handle;
    field.bodyCount = static_cast<std::uint32_t>(node.bodies.size());
    const std::size_t destinationBytes = rowsFootprint(node.widthBytes, node.height, node.destinationPitch);
    if (node.hostDestination != nullptr &&
        (field.destinationRegion = regionOf(node.hostDestination, destinationBytes, field.destination)) == 0) {
      return false;
    }
    const std::size_t sourceBytes = rowsFootprint(node.widthBytes, node.height, node.sourcePitch);
    if (node.hostSource != nullptr &&
        (field.sourceRegion = regionOf(node.hostSource, sourceBytes, field.source)) == 0) {
      return false;
    }
    // `field` is not used past here: the bodies' nodes grow the list.
    for (std::uint32_t b = 0; b < node.bodies.size(); ++b) {
      if (!appendGraphNodes(std::span<const GraphNodeWork>(node.bodies[b]), index + 1, b, out, regionOf)) {
        return false;
      }
    }
  }
  return true;
}

} // namespace detail

// A graph's nodes and conditional handles both ways; the parameters of kernel nodes are viewed
// from `nodes`, which must outlive the encoded request. Conditional bodies are flattened after
// their node (GraphNodeField). A copy's host side travels as a pinned region and an offset:
// `regionOf(address, bytes, offset)` gives the region (0: none, and the graph cannot travel), and
// `hostOf(region, offset, bytes)` the address on the other side (nullptr: not the peer's region).
template <typename RegionOf>
bool graphToWire(std::span<const GraphNodeWork> nodes, std::span<const GraphConditionalHandle> handles,
                 GraphNodeList& out, GraphHandleList& outHandles, RegionOf&& regionOf) {
  out.items.clear();
  outHandles.items.clear();
  for (const GraphConditionalHandle& handle : handles) {
    outHandles.items.push_back({handle.value, handle.defaultValue, handle.flags});
  }
  return handles.size() <= wire::calls::kMaxGraphHandles && detail::appendGraphNodes(nodes, 0, 0, out, regionOf);
}

// False for a kind this side does not know (a newer peer's), a host side not in one of the peer's
// regions, or a shape that is not a tree of bodies under conditional nodes (a parent after its
// child, a body past the node's count, nesting past kMaxGraphNesting, a handle not in the list):
// the graph is refused, not guessed at. Dependencies are the caller's to check, per body.
template <typename HostOf>
bool graphFromWire(const GraphNodeList& fields, const GraphHandleList& handleFields, std::vector<GraphNodeWork>& out,
                   std::vector<GraphConditionalHandle>& handles, HostOf&& hostOf) {
  out.clear();
  handles.clear();
  for (const wire::calls::GraphHandleField& handle : handleFields.items) {
    if (handle.flags != 0 && handle.flags != CU_GRAPH_COND_ASSIGN_DEFAULT) {
      return false;
    }
    handles.push_back({handle.value, handle.defaultValue, handle.flags});
  }
  const std::size_t count = fields.items.size();
  std::vector<GraphNodeWork> flat(count);
  std::vector<std::uint32_t> depth(count, 0);
  std::size_t bodies = 0; // all nodes' together: a SWITCH's bodies are allocated before they are filled
  // Bounds that keep a host side's footprint from overflowing before the region check.
  constexpr std::uint64_t kMaxRows = std::uint64_t{1} << 20;
  constexpr std::uint64_t kMaxSpan = std::uint64_t{1} << 40;
  for (std::size_t i = 0; i < count; ++i) {
    const wire::calls::GraphNodeField& field = fields.items[i];
    if (field.kind > static_cast<std::uint8_t>(GraphNodeWork::Kind::Conditional)) {
      return false;
    }
    GraphNodeWork& node = flat[i];
    node.kind = static_cast<GraphNodeWork::Kind>(field.kind);
    if (field.parent != 0) {
      const std::uint32_t parent = field.parent - 1;
      if (parent >= i || flat[parent].kind != GraphNodeWork::Kind::Conditional ||
          field.body >= fields.items[parent].bodyCount || depth[parent] + 1 > kMaxGraphNesting) {
        return false;
      }
      depth[i] = depth[parent] + 1;
    }
    const bool conditional = node.kind == GraphNodeWork::Kind::Conditional;
    if ((conditional &&
         (field.handle >= handles.size() || field.bodyCount == 0 || field.bodyCount > kMaxConditionalBodies ||
          field.conditionalType > CU_GRAPH_COND_TYPE_SWITCH)) ||
        (!conditional && field.bodyCount != 0) || (bodies += field.bodyCount) > wire::calls::kMaxGraphNodes) {
      return false;
    }
    node.dependencies = field.dependencies.items;
    node.function = field.kernel.launch.function;
    node.launch = launchConfigFromWire(field.kernel);
    node.parameters.assign(field.kernel.launch.parameters.value.begin(), field.kernel.launch.parameters.value.end());
    node.destination = field.destination;
    node.destinationPitch = field.destinationPitch;
    node.source = field.source;
    node.sourcePitch = field.sourcePitch;
    node.widthBytes = field.widthBytes;
    node.height = field.height;
    node.value = field.value;
    node.elementSize = field.elementSize;
    node.widthElements = field.widthElements;
    node.event = field.event;
    node.conditionalType = field.conditionalType;
    node.handle = field.handle;
    node.bodies.resize(field.bodyCount);
    const bool hostSides = field.destinationRegion != 0 || field.sourceRegion != 0;
    if (hostSides &&
        (node.kind != GraphNodeWork::Kind::Copy || field.height > kMaxRows || field.widthBytes > kMaxSpan ||
         field.destinationPitch > kMaxSpan || field.sourcePitch > kMaxSpan)) {
      return false;
    }
    if (field.destinationRegion != 0) {
      node.destination = 0;
      node.hostDestination = hostOf(field.destinationRegion, field.destination,
                                    rowsFootprint(field.widthBytes, field.height, field.destinationPitch));
      if (node.hostDestination == nullptr) {
        return false;
      }
    }
    if (field.sourceRegion != 0) {
      node.source = 0;
      node.hostSource =
          hostOf(field.sourceRegion, field.source, rowsFootprint(field.widthBytes, field.height, field.sourcePitch));
      if (node.hostSource == nullptr) {
        return false;
      }
    }
  }
  // Every node's descendants come after it: from the last node back, each moves into its parent's
  // body (in reverse, set right when the parent is reached) or into the graph's own list.
  for (std::size_t i = count; i-- > 0;) {
    for (std::vector<GraphNodeWork>& body : flat[i].bodies) {
      std::reverse(body.begin(), body.end());
    }
    const wire::calls::GraphNodeField& field = fields.items[i];
    (field.parent == 0 ? out : flat[field.parent - 1].bodies[field.body]).push_back(std::move(flat[i]));
  }
  std::reverse(out.begin(), out.end());
  return true;
}

// A texture object's description as TextureObjectCreate carries it, and back; false when a
// list's length is not its own (a hostile or broken peer).
inline wire::calls::TextureObjectCreateRequest textureToWire(int device, const TextureDescription& d) {
  wire::calls::TextureObjectCreateRequest out;
  out.device = device;
  out.resourceType = d.resourceType;
  out.address = d.address;
  out.format = d.format;
  out.channels = d.channels;
  out.width = d.width;
  out.height = d.height;
  out.depth = d.depth;
  out.pitch = d.pitch;
  out.arrayFlags = d.arrayFlags;
  out.addressMode.items.assign(d.addressMode.begin(), d.addressMode.end());
  out.filterMode = d.filterMode;
  out.flags = d.flags;
  out.maxAnisotropy = d.maxAnisotropy;
  out.mipmapFilterMode = d.mipmapFilterMode;
  out.mipmapLevelBias = std::bit_cast<std::uint32_t>(d.mipmapLevelBias);
  out.minMipmapLevelClamp = std::bit_cast<std::uint32_t>(d.minMipmapLevelClamp);
  out.maxMipmapLevelClamp = std::bit_cast<std::uint32_t>(d.maxMipmapLevelClamp);
  for (const float component : d.borderColor) {
    out.borderColor.items.push_back(std::bit_cast<std::uint32_t>(component));
  }
  out.hasView = d.hasView ? 1 : 0;
  out.viewFormat = d.viewFormat;
  out.firstLayer = d.firstLayer;
  out.lastLayer = d.lastLayer;
  return out;
}

inline bool textureFromWire(const wire::calls::TextureObjectCreateRequest& in, TextureDescription& d) {
  if (in.addressMode.items.size() != d.addressMode.size() || in.borderColor.items.size() != d.borderColor.size() ||
      in.hasView > 1) {
    return false;
  }
  d = TextureDescription{};
  d.resourceType = in.resourceType;
  d.address = in.address;
  d.format = in.format;
  d.channels = in.channels;
  d.width = in.width;
  d.height = in.height;
  d.depth = in.depth;
  d.pitch = in.pitch;
  d.arrayFlags = in.arrayFlags;
  std::copy(in.addressMode.items.begin(), in.addressMode.items.end(), d.addressMode.begin());
  d.filterMode = in.filterMode;
  d.flags = in.flags;
  d.maxAnisotropy = in.maxAnisotropy;
  d.mipmapFilterMode = in.mipmapFilterMode;
  d.mipmapLevelBias = std::bit_cast<float>(in.mipmapLevelBias);
  d.minMipmapLevelClamp = std::bit_cast<float>(in.minMipmapLevelClamp);
  d.maxMipmapLevelClamp = std::bit_cast<float>(in.maxMipmapLevelClamp);
  for (std::size_t i = 0; i < d.borderColor.size(); ++i) {
    d.borderColor[i] = std::bit_cast<float>(in.borderColor.items[i]);
  }
  d.hasView = in.hasView != 0;
  d.viewFormat = in.viewFormat;
  d.firstLayer = in.firstLayer;
  d.lastLayer = in.lastLayer;
  return true;
}

// A tensor map's description as TensorMapEncode carries it, and back; false when a list's length
// is not the one the rank gives the form (a hostile or broken peer).
inline wire::calls::TensorMapEncodeRequest tensorMapToWire(int device, const TensorMapDescription& d) {
  wire::calls::TensorMapEncodeRequest out;
  out.device = device;
  out.im2col = d.im2col ? 1 : 0;
  out.dataType = d.dataType;
  out.rank = d.rank;
  out.address = d.address;
  const std::uint32_t rank = std::min(d.rank, kMaxTensorRank);
  out.globalDim.items.assign(d.globalDim.begin(), d.globalDim.begin() + rank);
  out.globalStrides.items.assign(d.globalStrides.begin(), d.globalStrides.begin() + (rank > 0 ? rank - 1 : 0));
  out.elementStrides.items.assign(d.elementStrides.begin(), d.elementStrides.begin() + rank);
  if (d.im2col) {
    const std::uint32_t spatial = rank > 2 ? rank - 2 : 0;
    out.lowerCorner.items.assign(d.lowerCorner.begin(), d.lowerCorner.begin() + spatial);
    out.upperCorner.items.assign(d.upperCorner.begin(), d.upperCorner.begin() + spatial);
  } else {
    out.boxDim.items.assign(d.boxDim.begin(), d.boxDim.begin() + rank);
  }
  out.channelsPerPixel = d.channelsPerPixel;
  out.pixelsPerColumn = d.pixelsPerColumn;
  out.interleave = d.interleave;
  out.swizzle = d.swizzle;
  out.l2Promotion = d.l2Promotion;
  out.oobFill = d.oobFill;
  return out;
}

inline bool tensorMapFromWire(const wire::calls::TensorMapEncodeRequest& in, TensorMapDescription& d) {
  const std::uint32_t rank = in.rank;
  const bool im2col = in.im2col != 0;
  const std::size_t spatial = im2col && rank > 2 ? rank - 2 : 0;
  if (rank == 0 || rank > kMaxTensorRank || in.im2col > 1 || in.globalDim.items.size() != rank ||
      in.globalStrides.items.size() != rank - 1 || in.elementStrides.items.size() != rank ||
      in.boxDim.items.size() != (im2col ? 0 : rank) || in.lowerCorner.items.size() != spatial ||
      in.upperCorner.items.size() != spatial) {
    return false;
  }
  d = TensorMapDescription{};
  d.im2col = im2col;
  d.dataType = in.dataType;
  d.rank = rank;
  d.address = in.address;
  std::copy(in.globalDim.items.begin(), in.globalDim.items.end(), d.globalDim.begin());
  std::copy(in.globalStrides.items.begin(), in.globalStrides.items.end(), d.globalStrides.begin());
  std::copy(in.elementStrides.items.begin(), in.elementStrides.items.end(), d.elementStrides.begin());
  std::copy(in.boxDim.items.begin(), in.boxDim.items.end(), d.boxDim.begin());
  std::copy(in.lowerCorner.items.begin(), in.lowerCorner.items.end(), d.lowerCorner.begin());
  std::copy(in.upperCorner.items.begin(), in.upperCorner.items.end(), d.upperCorner.begin());
  d.channelsPerPixel = in.channelsPerPixel;
  d.pixelsPerColumn = in.pixelsPerColumn;
  d.interleave = in.interleave;
  d.swizzle = in.swizzle;
  d.l2Promotion = in.l2Promotion;
  d.oobFill = in.oobFill;
  return true;
}

// An encoded map as its words, and back (false unless exactly kTensorMapWords).
inline wire::List<std::uint64_t, wire::calls::kTensorMapWords> tensorMapWords(const CUtensorMap& map) {
  wire::List<std::uint64_t, wire::calls::kTensorMapWords> out;
  out.items.assign(std::begin(map.opaque), std::end(map.opaque));
  return out;
}

inline bool tensorMapFromWords(const wire::List<std::uint64_t, wire::calls::kTensorMapWords>& words, CUtensorMap& map) {
  if (words.items.size() != wire::calls::kTensorMapWords) {
    return false;
  }
  std::copy(words.items.begin(), words.items.end(), std::begin(map.opaque));
  return true;
}

} // namespace vgpu::cuda

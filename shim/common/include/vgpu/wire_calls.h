// One definition per vgpud call: the request's and the reply's fields, in wire order. The shim
// encodes requests and decodes replies with them, vgpud decodes requests and encodes replies with
// them, so a field is written once for both sides and test_wire_calls round-trips every
// definition. Each message lists its fields in visit(); encode() and decode() walk that list. A
// field may depend on one read before it (where a copy's host bytes are): visit() tests the earlier
// field, which decode() has already filled in by then.
#pragma once

#include "vgpu/wire_codec.h"
#include "vgpu/wire_frame.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace vgpu::wire {

// A text field (u32 length + bytes) of at most Max bytes: a longer one does not decode.
template <std::size_t Max> struct Text {
  std::string value;
  bool operator==(const Text&) const = default;
};

// A list field (u32 count, then each element) of at most MaxCount elements; an element is a
// number, a Text or a message with its own visit().
template <typename Element, std::size_t MaxCount> struct List {
  std::vector<Element> items;
  bool operator==(const List&) const = default;
};

// A block of bytes (u32 length + bytes) of at most Max bytes, decoded as a view into the payload
// (no copy; valid while the payload is): a launch's parameter buffer.
template <std::size_t Max> struct Bytes {
  std::span<const std::uint8_t> value;
  bool operator==(const Bytes& other) const { return std::ranges::equal(value, other.value); }
};

// Inline data in a frame leaves room for the call's other fields within kMaxPayload.
inline constexpr std::size_t kMaxInlineBytes = kMaxPayload - 4096;

template <typename Field> struct IsText : std::false_type {};
template <std::size_t Max> struct IsText<Text<Max>> : std::true_type { static constexpr std::size_t max = Max; };
template <typename Field> struct IsBytes : std::false_type {};
template <std::size_t Max> struct IsBytes<Bytes<Max>> : std::true_type { static constexpr std::size_t max = Max; };
template <typename Field> struct IsList : std::false_type {};
template <typename Element, std::size_t MaxCount> struct IsList<List<Element, MaxCount>> : std::true_type {
  static constexpr std::size_t maxCount = MaxCount;
};

template <typename Message> void encodeInto(Writer& writer, const Message& message);
template <typename Message> bool decode(Reader& reader, Message& message);

template <typename Field> void encodeField(Writer& writer, const Field& field) {
  if constexpr (IsText<Field>::value) {
    writer.string(field.value);
  } else if constexpr (IsBytes<Field>::value) {
    writer.bytes(field.value);
  } else if constexpr (IsList<Field>::value) {
    writer.put(static_cast<std::uint32_t>(field.items.size()));
    for (const auto& item : field.items) {
      encodeField(writer, item);
    }
  } else if constexpr (std::is_arithmetic_v<Field>) {
    writer.put(field);
  } else {
    encodeInto(writer, field);
  }
}

template <typename Field> void decodeField(Reader& reader, Field& field) {
  if constexpr (IsText<Field>::value) {
    field.value = reader.string(IsText<Field>::max);
  } else if constexpr (IsBytes<Field>::value) {
    field.value = reader.bytes(IsBytes<Field>::max);
  } else if constexpr (IsList<Field>::value) {
    const auto count = reader.get<std::uint32_t>();
    if (count > IsList<Field>::maxCount) {
      reader.fail();
      return;
    }
    field.items.clear();
    for (std::uint32_t i = 0; i < count && !reader.failed(); ++i) { // a short payload ends the loop
      field.items.emplace_back();
      decodeField(reader, field.items.back());
    }
  } else if constexpr (std::is_arithmetic_v<Field>) {
    field = reader.get<Field>();
  } else {
    decode(reader, field);
  }
}

// The message's fields, written in order.
template <typename Message> void encodeInto(Writer& writer, const Message& message) {
  Message::visit(message, [&writer](const auto& field) { encodeField(writer, field); });
}

template <typename Message> std::vector<std::uint8_t> encode(const Message& message) {
  std::vector<std::uint8_t> out;
  Writer writer(out);
  encodeInto(writer, message);
  return out;
}

// Reads the message's fields in order; false when the payload is short or a bound is exceeded
// (the fields read so far are kept, the rest are zero). Trailing bytes are left to the caller
// (reader.atEnd()).
template <typename Message> bool decode(Reader& reader, Message& message) {
  Message::visit(message, [&reader](auto& field) { decodeField(reader, field); });
  return !reader.failed();
}

template <typename Message> bool decode(std::span<const std::uint8_t> payload, Message& message) {
  Reader reader(payload);
  return decode(reader, message);
}

// Encodes the message into `out` except the bytes of its last field, a Bytes field, of which only
// the length is written: the caller sends those bytes from where they lie (a gathering write), so
// bulk data is not copied into the frame first. Returns them; nullopt when the message's last
// visited field is not a Bytes field (nothing is sent then: a program error, not a peer's).
template <typename Message>
std::optional<std::span<const std::uint8_t>> encodeLeavingTrailingBytes(std::vector<std::uint8_t>& out,
                                                                        const Message& message) {
  Writer writer(out);
  std::optional<std::span<const std::uint8_t>> trailing;
  bool fieldAfterBytes = false;
  Message::visit(message, [&](const auto& field) {
    using Field = std::decay_t<decltype(field)>;
    fieldAfterBytes = fieldAfterBytes || trailing.has_value();
    if constexpr (IsBytes<Field>::value) {
      writer.put(static_cast<std::uint32_t>(field.value.size()));
      trailing = field.value;
    } else {
      encodeField(writer, field);
    }
  });
  if (fieldAfterBytes) {
    return std::nullopt;
  }
  return trailing;
}

namespace calls {

struct Empty {
  template <typename Self, typename Visit> static void visit(Self&, Visit&&) {}
  bool operator==(const Empty&) const = default;
};

// A request naming one device, or one stream or event handle.
struct DeviceRequest {
  std::int32_t device = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) { field(self.device); }
  bool operator==(const DeviceRequest&) const = default;
};

struct HandleMessage {
  std::uint64_t handle = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) { field(self.handle); }
  bool operator==(const HandleMessage&) const = default;
};

struct StatusReply {
  std::uint32_t sessions = 0;
  std::uint64_t deviceBytes = 0;
  std::uint64_t hostBytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.sessions);
    field(self.deviceBytes);
    field(self.hostBytes);
  }
  bool operator==(const StatusReply&) const = default;
};

struct MemAllocRequest {
  std::int32_t device = 0;
  std::uint64_t bytes = 0;
  std::uint8_t managed = 0; // refused by vgpud: managed memory is ManagedAlloc's, over the client's memfd
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.bytes);
    field(self.managed);
  }
  bool operator==(const MemAllocRequest&) const = default;
};

struct MemAllocReply {
  std::uint64_t pointer = 0;
  std::uint64_t size = 0;
  std::uint64_t allocationId = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.pointer);
    field(self.size);
    field(self.allocationId);
  }
  bool operator==(const MemAllocReply&) const = default;
};

struct MemGetInfoReply {
  std::uint64_t freeBytes = 0;
  std::uint64_t totalBytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.freeBytes);
    field(self.totalBytes);
  }
  bool operator==(const MemGetInfoReply&) const = default;
};

struct PointerInfoReply {
  std::uint8_t kind = 0; // cuda::MemoryKind
  std::uint64_t base = 0;
  std::uint64_t size = 0;
  std::int32_t device = 0;
  std::uint64_t allocationId = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.kind);
    field(self.base);
    field(self.size);
    field(self.device);
    field(self.allocationId);
  }
  bool operator==(const PointerInfoReply&) const = default;
};

struct MemUsageReply {
  std::uint64_t usedBytes = 0;
  std::uint64_t totalBytes = 0;
  std::uint64_t peakBytes = 0;
  std::uint64_t allocationCount = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.usedBytes);
    field(self.totalBytes);
    field(self.peakBytes);
    field(self.allocationCount);
  }
  bool operator==(const MemUsageReply&) const = default;
};

struct StreamCreateRequest {
  std::int32_t device = 0;
  std::uint32_t flags = 0;
  std::int32_t priority = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.flags);
    field(self.priority);
  }
  bool operator==(const StreamCreateRequest&) const = default;
};

struct StreamEventRequest { // StreamWaitEvent: the stream waits for the event
  std::uint64_t stream = 0;
  std::uint64_t event = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.stream);
    field(self.event);
  }
  bool operator==(const StreamEventRequest&) const = default;
};

struct EventCreateRequest {
  std::uint32_t flags = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) { field(self.flags); }
  bool operator==(const EventCreateRequest&) const = default;
};

struct EventRecordRequest {
  std::uint64_t event = 0;
  std::uint64_t stream = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.event);
    field(self.stream);
  }
  bool operator==(const EventRecordRequest&) const = default;
};

struct EventElapsedRequest {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.start);
    field(self.end);
  }
  bool operator==(const EventElapsedRequest&) const = default;
};

struct EventElapsedReply {
  float milliseconds = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) { field(self.milliseconds); }
  bool operator==(const EventElapsedReply&) const = default;
};

struct PhysicalCreateRequest {
  std::int32_t device = 0;
  std::uint64_t bytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.bytes);
  }
  bool operator==(const PhysicalCreateRequest&) const = default;
};

// The client's managed memory: a sealed memfd of `bytes` (whole pages) travels with the frame;
// vgpud maps it where its kernel chooses, and the reply's pointer is that address, at which the
// client maps the memfd too (MemAllocReply).
struct ManagedAllocRequest {
  std::int32_t device = 0;
  std::uint64_t bytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.bytes);
  }
  bool operator==(const ManagedAllocRequest&) const = default;
};

struct AddressReserveRequest {
  std::uint64_t bytes = 0;
  std::uint64_t alignment = 0;
  std::uint64_t fixed = 0; // the address asked for, 0: any
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.bytes);
    field(self.alignment);
    field(self.fixed);
  }
  bool operator==(const AddressReserveRequest&) const = default;
};

struct RangeRequest { // AddressFree, Unmap: a range of the session's address space
  std::uint64_t address = 0;
  std::uint64_t bytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.address);
    field(self.bytes);
  }
  bool operator==(const RangeRequest&) const = default;
};

struct MapRequest {
  std::uint64_t address = 0;
  std::uint64_t bytes = 0;
  std::uint64_t offset = 0;
  std::uint64_t physical = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.address);
    field(self.bytes);
    field(self.offset);
    field(self.physical);
  }
  bool operator==(const MapRequest&) const = default;
};

struct SetAccessRequest {
  std::uint64_t address = 0;
  std::uint64_t bytes = 0;
  std::int32_t device = 0;
  std::uint8_t readWrite = 0; // 1: read and write, 0: no access
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.address);
    field(self.bytes);
    field(self.device);
    field(self.readWrite);
  }
  bool operator==(const SetAccessRequest&) const = default;
};

struct RegisterHostRequest { // also RegionAlloc's; RegisterHost's sealed memfd travels with the frame
  std::uint64_t bytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) { field(self.bytes); }
  bool operator==(const RegisterHostRequest&) const = default;
};

struct MemsetRequest { // one frame covers at most a bounded number of rows; the shim splits larger ones
  std::uint64_t destination = 0;
  std::uint64_t pitch = 0;
  std::uint32_t value = 0;
  std::uint32_t elementSize = 0; // 1, 2 or 4
  std::uint64_t widthElements = 0;
  std::uint64_t rows = 0;
  std::uint64_t stream = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.destination);
    field(self.pitch);
    field(self.value);
    field(self.elementSize);
    field(self.widthElements);
    field(self.rows);
    field(self.stream);
  }
  bool operator==(const MemsetRequest&) const = default;
};

inline constexpr std::size_t kMaxSymbolName = 4096; // a kernel's or a global's name

struct SymbolRequest { // ModuleFunction, ModuleGlobal: a name in a loaded module
  std::uint64_t module = 0;
  Text<kMaxSymbolName> name;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.module);
    field(self.name);
  }
  bool operator==(const SymbolRequest&) const = default;
};

struct KernelParameterField {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.offset);
    field(self.size);
  }
  bool operator==(const KernelParameterField&) const = default;
};

inline constexpr std::size_t kMaxKernelParameters = 4096; // 32 KiB of parameters, 8 bytes apart at least
inline constexpr std::size_t kMaxModuleFunctions = 1u << 16;

struct ModuleFunctionReply {
  std::uint64_t function = 0;
  Text<kMaxSymbolName> name;
  List<KernelParameterField, kMaxKernelParameters> parameters;
  std::uint32_t parameterBufferSize = 0;
  std::int32_t maxThreadsPerBlock = 0;
  std::int32_t sharedSizeBytes = 0;
  std::int32_t constSizeBytes = 0;
  std::int32_t localSizeBytes = 0;
  std::int32_t numRegs = 0;
  std::uint8_t fromPtx = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.function);
    field(self.name);
    field(self.parameters);
    field(self.parameterBufferSize);
    field(self.maxThreadsPerBlock);
    field(self.sharedSizeBytes);
    field(self.constSizeBytes);
    field(self.localSizeBytes);
    field(self.numRegs);
    field(self.fromPtx);
  }
  bool operator==(const ModuleFunctionReply&) const = default;
};

struct ModuleFunctionsReply {
  List<Text<kMaxSymbolName>, kMaxModuleFunctions> names;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) { field(self.names); }
  bool operator==(const ModuleFunctionsReply&) const = default;
};

struct ModuleGlobalReply {
  std::uint64_t address = 0;
  std::uint64_t size = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.address);
    field(self.size);
  }
  bool operator==(const ModuleGlobalReply&) const = default;
};

struct AttachRegionRequest {      // the id vgpud wrote into the region's header proves the client reads it
  std::uint64_t regionIdLow = 0;  // bytes 0..7 of the 16-byte id
  std::uint64_t regionIdHigh = 0; // bytes 8..15
  std::uint64_t stagingBytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.regionIdLow);
    field(self.regionIdHigh);
    field(self.stagingBytes);
  }
  bool operator==(const AttachRegionRequest&) const = default;
};

struct RegionSliceReply { // AttachRegion: offset, bytes
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.offset);
    field(self.bytes);
  }
  bool operator==(const RegionSliceReply&) const = default;
};

struct RegionAllocReply {
  std::uint64_t id = 0;
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.id);
    field(self.offset);
    field(self.bytes);
  }
  bool operator==(const RegionAllocReply&) const = default;
};

// RegionManagedAlloc: managed memory as a slice of the session's guest region, at vgpud's address
// of the slice, where the guest maps its BAR's bytes [offset, offset + bytes) too.
struct RegionManagedAllocReply {
  std::uint64_t pointer = 0;
  std::uint64_t size = 0;
  std::uint64_t allocationId = 0;
  std::uint64_t offset = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.pointer);
    field(self.size);
    field(self.allocationId);
    field(self.offset);
  }
  bool operator==(const RegionManagedAllocReply&) const = default;
};

struct CountersReply {
  std::uint64_t kernelLaunches = 0;
  std::uint64_t bytesHostToDevice = 0;
  std::uint64_t bytesDeviceToHost = 0;
  std::uint64_t bytesDeviceToDevice = 0;
  std::uint64_t memsets = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.kernelLaunches);
    field(self.bytesHostToDevice);
    field(self.bytesDeviceToHost);
    field(self.bytesDeviceToDevice);
    field(self.memsets);
  }
  bool operator==(const CountersReply&) const = default;
};

// A kernel launch: the function, its grid and block, dynamic shared memory, stream and the packed
// parameter buffer (exactly the size the module's metadata gives, checked by both sides).
struct LaunchRequest {
  std::uint64_t function = 0;
  std::uint32_t gridX = 0;
  std::uint32_t gridY = 0;
  std::uint32_t gridZ = 0;
  std::uint32_t blockX = 0;
  std::uint32_t blockY = 0;
  std::uint32_t blockZ = 0;
  std::uint32_t sharedMemBytes = 0;
  std::uint64_t stream = 0;
  Bytes<kMaxInlineBytes> parameters;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.function);
    field(self.gridX);
    field(self.gridY);
    field(self.gridZ);
    field(self.blockX);
    field(self.blockY);
    field(self.blockZ);
    field(self.sharedMemBytes);
    field(self.stream);
    field(self.parameters);
  }
  bool operator==(const LaunchRequest&) const = default;
};

// cuLaunchKernelEx's attributes beyond a plain launch.
struct LaunchExRequest {
  LaunchRequest launch;
  std::uint32_t clusterX = 1;
  std::uint32_t clusterY = 1;
  std::uint32_t clusterZ = 1;
  std::uint8_t cooperative = 0;
  std::uint8_t programmaticSerialization = 0;
  std::uint8_t clusterSchedulingPolicy = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.launch);
    field(self.clusterX);
    field(self.clusterY);
    field(self.clusterZ);
    field(self.cooperative);
    field(self.programmaticSerialization);
    field(self.clusterSchedulingPolicy);
  }
  bool operator==(const LaunchExRequest&) const = default;
};

// A graph run whole by vgpud (GraphCreate, GraphUpdate): its nodes in a topological order, each
// naming the earlier nodes it runs after. Every field travels for every kind (those a kind does not
// use are zero), so one node's encoding does not depend on its kind. A conditional node's bodies
// follow it in the same flat list: their nodes name it as `parent` (its index + 1; 0: the graph's
// own nodes) and the body they belong to, and their dependencies index nodes of that body.
inline constexpr std::size_t kMaxGraphNodes = 1u << 16;
inline constexpr std::size_t kMaxGraphHandles = 1u << 10;

struct GraphNodeField {
  std::uint8_t kind = 0; // cuda::GraphNodeWork::Kind
  std::uint32_t parent = 0;
  std::uint32_t body = 0;
  List<std::uint32_t, kMaxGraphNodes> dependencies;
  LaunchExRequest kernel;              // launch.stream unused
  std::uint64_t destination = 0;       // a device address, or an offset in destinationRegion
  std::uint64_t destinationRegion = 0; // 0: device memory; else a pinned host region (RegisterHost, RegionAlloc)
  std::uint64_t destinationPitch = 0;
  std::uint64_t source = 0;
  std::uint64_t sourceRegion = 0;
  std::uint64_t sourcePitch = 0;
  std::uint64_t widthBytes = 0;
  std::uint64_t height = 0;
  std::uint32_t value = 0;
  std::uint32_t elementSize = 0;
  std::uint64_t widthElements = 0;
  std::uint64_t event = 0;
  std::uint8_t conditionalType = 0; // Conditional: CUgraphConditionalNodeType
  std::uint32_t handle = 0;         // an index into the request's handles
  std::uint32_t bodyCount = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.kind);
    field(self.parent);
    field(self.body);
    field(self.dependencies);
    field(self.kernel);
    field(self.destination);
    field(self.destinationRegion);
    field(self.destinationPitch);
    field(self.source);
    field(self.sourceRegion);
    field(self.sourcePitch);
    field(self.widthBytes);
    field(self.height);
    field(self.value);
    field(self.elementSize);
    field(self.widthElements);
    field(self.event);
    field(self.conditionalType);
    field(self.handle);
    field(self.bodyCount);
  }
  bool operator==(const GraphNodeField&) const = default;
};

// A conditional handle the graph's kernels were given, and how vgpud creates its own for it.
struct GraphHandleField {
  std::uint64_t value = 0;
  std::uint32_t defaultValue = 0;
  std::uint32_t flags = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.value);
    field(self.defaultValue);
    field(self.flags);
  }
  bool operator==(const GraphHandleField&) const = default;
};

struct GraphCreateRequest {
  std::int32_t device = 0;
  List<GraphNodeField, kMaxGraphNodes> nodes;
  List<GraphHandleField, kMaxGraphHandles> handles;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.nodes);
    field(self.handles);
  }
  bool operator==(const GraphCreateRequest&) const = default;
};

struct GraphUpdateRequest {
  std::uint64_t graph = 0;
  List<GraphNodeField, kMaxGraphNodes> nodes;
  List<GraphHandleField, kMaxGraphHandles> handles;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.graph);
    field(self.nodes);
    field(self.handles);
  }
  bool operator==(const GraphUpdateRequest&) const = default;
};

struct GraphLaunchRequest {
  std::uint64_t graph = 0;
  std::uint64_t stream = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.graph);
    field(self.stream);
  }
  bool operator==(const GraphLaunchRequest&) const = default;
};

inline constexpr std::size_t kMaxStreamMemoryOperations = 255; // cuStreamBatchMemOp: fewer than 256

// One stream memory operation: a 32- or 64-bit word waited on or written, or a barrier.
struct MemoryOperationField {
  std::uint8_t kind = 0; // cuda::StreamMemoryOperation::Kind
  std::uint32_t flags = 0;
  std::uint64_t address = 0; // a device address, or an offset in `region`
  std::uint64_t region = 0;  // 0: device memory; else a pinned host region (RegisterHost, RegionAlloc)
  std::uint64_t value = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.kind);
    field(self.flags);
    field(self.address);
    field(self.region);
    field(self.value);
  }
  bool operator==(const MemoryOperationField&) const = default;
};

struct StreamMemoryOperationsRequest {
  std::uint64_t stream = 0;
  List<MemoryOperationField, kMaxStreamMemoryOperations> operations;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.stream);
    field(self.operations);
  }
  bool operator==(const StreamMemoryOperationsRequest&) const = default;
};

inline constexpr std::size_t kTensorMapWords = 16; // CUtensorMap: 128 opaque bytes

// A tensor map's description (cuTensorMapEncodeTiled, cuTensorMapEncodeIm2col): each list holds
// as many entries as the rank gives its form (the shim's backend_wire.h converts both ways).
struct TensorMapEncodeRequest {
  std::int32_t device = 0;
  std::uint8_t im2col = 0;
  std::uint32_t dataType = 0;
  std::uint32_t rank = 0;
  std::uint64_t address = 0;
  List<std::uint64_t, 5> globalDim;
  List<std::uint64_t, 4> globalStrides;
  List<std::uint32_t, 5> boxDim; // tiled
  List<std::uint32_t, 5> elementStrides;
  List<std::int32_t, 3> lowerCorner; // im2col
  List<std::int32_t, 3> upperCorner; // im2col
  std::uint32_t channelsPerPixel = 0;
  std::uint32_t pixelsPerColumn = 0;
  std::uint32_t interleave = 0;
  std::uint32_t swizzle = 0;
  std::uint32_t l2Promotion = 0;
  std::uint32_t oobFill = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.im2col);
    field(self.dataType);
    field(self.rank);
    field(self.address);
    field(self.globalDim);
    field(self.globalStrides);
    field(self.boxDim);
    field(self.elementStrides);
    field(self.lowerCorner);
    field(self.upperCorner);
    field(self.channelsPerPixel);
    field(self.pixelsPerColumn);
    field(self.interleave);
    field(self.swizzle);
    field(self.l2Promotion);
    field(self.oobFill);
  }
  bool operator==(const TensorMapEncodeRequest&) const = default;
};

struct TensorMapReply { // the encoded map: kTensorMapWords words
  List<std::uint64_t, kTensorMapWords> map;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) { field(self.map); }
  bool operator==(const TensorMapReply&) const = default;
};

// A texture object's description (the shim's backend/texture_description.h): the resource's
// device memory (linear, pitched 2D, or a CUDA array the shim keeps as pitched memory, with its
// extents and flags), CUDA_TEXTURE_DESC's fields (floats as their IEEE-754 bits) and a view's
// format and layers.
struct TextureObjectCreateRequest {
  std::int32_t device = 0;
  std::uint32_t resourceType = 0;
  std::uint64_t address = 0;
  std::uint32_t format = 0;
  std::uint32_t channels = 0;
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t depth = 0;
  std::uint64_t pitch = 0;
  std::uint32_t arrayFlags = 0;
  List<std::uint32_t, 3> addressMode;
  std::uint32_t filterMode = 0;
  std::uint32_t flags = 0;
  std::uint32_t maxAnisotropy = 0;
  std::uint32_t mipmapFilterMode = 0;
  std::uint32_t mipmapLevelBias = 0;
  std::uint32_t minMipmapLevelClamp = 0;
  std::uint32_t maxMipmapLevelClamp = 0;
  List<std::uint32_t, 4> borderColor;
  std::uint8_t hasView = 0;
  std::uint32_t viewFormat = 0;
  std::uint32_t firstLayer = 0;
  std::uint32_t lastLayer = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.resourceType);
    field(self.address);
    field(self.format);
    field(self.channels);
    field(self.width);
    field(self.height);
    field(self.depth);
    field(self.pitch);
    field(self.arrayFlags);
    field(self.addressMode);
    field(self.filterMode);
    field(self.flags);
    field(self.maxAnisotropy);
    field(self.mipmapFilterMode);
    field(self.mipmapLevelBias);
    field(self.minMipmapLevelClamp);
    field(self.maxMipmapLevelClamp);
    field(self.borderColor);
    field(self.hasView);
    field(self.viewFormat);
    field(self.firstLayer);
    field(self.lastLayer);
  }
  bool operator==(const TextureObjectCreateRequest&) const = default;
};

struct TensorMapReplaceAddressRequest {
  std::int32_t device = 0;
  List<std::uint64_t, kTensorMapWords> map;
  std::uint64_t address = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.map);
    field(self.address);
  }
  bool operator==(const TensorMapReplaceAddressRequest&) const = default;
};

// Where a copy's host bytes, or a module image's part, travel: in the frame, in the session's
// shared-memory region (the hello region or a guest's ivshmem slice) at an offset, or at an offset
// in a pinned host region registered with vgpud (RegionAlloc, RegisterHost).
inline constexpr std::uint8_t kHostInline = 0;
inline constexpr std::uint8_t kHostShared = 1;
inline constexpr std::uint8_t kHostRegion = 2;

// The device side of a host copy: `rows` rows of `width` bytes at `address`, `pitch` apart, in
// stream order on `stream`. The host side is packed rows (width apart).
struct DeviceRows {
  std::uint64_t address = 0;
  std::uint64_t pitch = 0;
  std::uint64_t stream = 0;
  std::uint64_t width = 0;
  std::uint64_t rows = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.address);
    field(self.pitch);
    field(self.stream);
    field(self.width);
    field(self.rows);
  }
  bool operator==(const DeviceRows&) const = default;
};

// One frame covers at most a bounded number of rows and inline bytes; the shim splits larger copies.
struct CopyToDeviceRequest {
  DeviceRows destination;
  std::uint8_t place = kHostInline;
  Bytes<kMaxInlineBytes> data; // kHostInline: the packed rows, last in the frame
  std::uint64_t offset = 0;    // kHostShared, kHostRegion
  std::uint64_t region = 0;    // kHostRegion
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.destination);
    field(self.place);
    if (self.place == kHostInline) {
      field(self.data);
      return;
    }
    field(self.offset);
    if (self.place == kHostRegion) {
      field(self.region);
    }
  }
  bool operator==(const CopyToDeviceRequest&) const = default;
};

struct CopyToHostRequest {
  DeviceRows source;
  std::uint8_t place = kHostInline;
  std::uint64_t offset = 0; // kHostShared, kHostRegion (sent, and unused, for kHostInline)
  std::uint64_t region = 0; // kHostRegion
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.source);
    field(self.place);
    field(self.offset);
    if (self.place == kHostRegion) {
      field(self.region);
    }
  }
  bool operator==(const CopyToHostRequest&) const = default;
};

struct CopyToHostReply {
  Bytes<kMaxInlineBytes> data; // kHostInline: the packed rows; empty where they went to shared memory
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) { field(self.data); }
  bool operator==(const CopyToHostReply&) const = default;
};

struct CopyDeviceToDeviceRequest {
  std::uint64_t destination = 0;
  std::uint64_t destinationPitch = 0;
  std::uint64_t source = 0;
  std::uint64_t sourcePitch = 0;
  std::uint64_t stream = 0;
  std::uint64_t width = 0;
  std::uint64_t rows = 0;
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.destination);
    field(self.destinationPitch);
    field(self.source);
    field(self.sourcePitch);
    field(self.stream);
    field(self.width);
    field(self.rows);
  }
  bool operator==(const CopyDeviceToDeviceRequest&) const = default;
};

// A module image arrives in parts, appended until the last loads the whole image.
struct ModuleLoadRequest {
  std::int32_t device = 0;
  std::uint8_t last = 0;
  std::uint8_t place = kHostInline; // kHostInline or kHostShared
  Bytes<kMaxInlineBytes> data;      // kHostInline: the part
  std::uint64_t offset = 0;         // kHostShared: where the part lies
  std::uint64_t length = 0;         // kHostShared: its length
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.device);
    field(self.last);
    field(self.place);
    if (self.place == kHostInline) {
      field(self.data);
      return;
    }
    field(self.offset);
    field(self.length);
  }
  bool operator==(const ModuleLoadRequest&) const = default;
};

inline constexpr std::size_t kMaxLoaderLog = 4096;

struct ModuleLoadReply {
  std::uint64_t module = 0; // 0 until the last part
  Text<kMaxLoaderLog> log;  // the loader's message (a failure carries no fields: docs/wire-protocol.md)
  template <typename Self, typename Visit> static void visit(Self& self, Visit&& field) {
    field(self.module);
    field(self.log);
  }
  bool operator==(const ModuleLoadReply&) const = default;
};

} // namespace calls

// The request and reply of each defined call.
template <Call C> struct CallDefinition; // not defined: the call has a codec of its own (kCallsWithOwnCodec)

// Every defined call: X(call, request, reply).
#define VGPU_WIRE_CALLS(X)                                                                                             \
  X(Status, Empty, StatusReply)                                                                                        \
  X(MemAlloc, MemAllocRequest, MemAllocReply)                                                                          \
  X(MemFree, HandleMessage, Empty)                                                                                     \
  X(MemGetInfo, DeviceRequest, MemGetInfoReply)                                                                        \
  X(PointerInfo, HandleMessage, PointerInfoReply)                                                                      \
  X(MemUsage, DeviceRequest, MemUsageReply)                                                                            \
  X(ResetPeaks, Empty, Empty)                                                                                          \
  X(StreamCreate, StreamCreateRequest, HandleMessage)                                                                  \
  X(StreamDestroy, HandleMessage, Empty)                                                                               \
  X(StreamSynchronize, HandleMessage, Empty)                                                                           \
  X(StreamQuery, HandleMessage, Empty)                                                                                 \
  X(StreamWaitEvent, StreamEventRequest, Empty)                                                                        \
  X(EventCreate, EventCreateRequest, HandleMessage)                                                                    \
  X(EventDestroy, HandleMessage, Empty)                                                                                \
  X(EventRecord, EventRecordRequest, Empty)                                                                            \
  X(EventQuery, HandleMessage, Empty)                                                                                  \
  X(EventSynchronize, HandleMessage, Empty)                                                                            \
  X(EventElapsed, EventElapsedRequest, EventElapsedReply)                                                              \
  X(DeviceSynchronize, DeviceRequest, Empty)                                                                           \
  X(RegisterHost, RegisterHostRequest, HandleMessage)                                                                  \
  X(UnregisterHost, HandleMessage, Empty)                                                                              \
  X(PhysicalCreate, PhysicalCreateRequest, HandleMessage)                                                              \
  X(PhysicalRelease, HandleMessage, Empty)                                                                             \
  X(AddressReserve, AddressReserveRequest, HandleMessage)                                                              \
  X(AddressFree, RangeRequest, Empty)                                                                                  \
  X(Map, MapRequest, Empty)                                                                                            \
  X(Unmap, RangeRequest, Empty)                                                                                        \
  X(SetAccess, SetAccessRequest, Empty)                                                                                \
  X(CopyHostToDevice, CopyToDeviceRequest, Empty)                                                                      \
  X(CopyDeviceToHost, CopyToHostRequest, CopyToHostReply)                                                              \
  X(CopyDeviceToDevice, CopyDeviceToDeviceRequest, Empty)                                                              \
  X(ModuleLoad, ModuleLoadRequest, ModuleLoadReply)                                                                    \
  X(ModuleUnload, HandleMessage, Empty)                                                                                \
  X(Counters, Empty, CountersReply)                                                                                    \
  X(Memset, MemsetRequest, Empty)                                                                                      \
  X(AttachRegion, AttachRegionRequest, RegionSliceReply)                                                               \
  X(RegionAlloc, RegisterHostRequest, RegionAllocReply)                                                                \
  X(ModuleGlobal, SymbolRequest, ModuleGlobalReply)                                                                    \
  X(ModuleFunction, SymbolRequest, ModuleFunctionReply)                                                                \
  X(ModuleFunctions, HandleMessage, ModuleFunctionsReply)                                                              \
  X(Launch, LaunchRequest, Empty)                                                                                      \
  X(LaunchEx, LaunchExRequest, Empty)                                                                                  \
  X(GraphCreate, GraphCreateRequest, HandleMessage)                                                                    \
  X(GraphUpdate, GraphUpdateRequest, Empty)                                                                            \
  X(GraphLaunch, GraphLaunchRequest, Empty)                                                                            \
  X(GraphDestroy, HandleMessage, Empty)                                                                                \
  X(StreamMemoryOperations, StreamMemoryOperationsRequest, Empty)                                                      \
  X(TensorMapEncode, TensorMapEncodeRequest, TensorMapReply)                                                           \
  X(TensorMapReplaceAddress, TensorMapReplaceAddressRequest, TensorMapReply)                                           \
  X(TextureObjectCreate, TextureObjectCreateRequest, HandleMessage)                                                    \
  X(TextureObjectDestroy, HandleMessage, Empty)                                                                        \
  X(ManagedAlloc, ManagedAllocRequest, MemAllocReply)                                                                  \
  X(RegionManagedAlloc, ManagedAllocRequest, RegionManagedAllocReply)

#define VGPU_WIRE_CALL_DEFINITION(name, request, reply)                                                                \
  template <> struct CallDefinition<Call::name> {                                                                      \
    using Request = calls::request;                                                                                    \
    using Reply = calls::reply;                                                                                        \
  };
VGPU_WIRE_CALLS(VGPU_WIRE_CALL_DEFINITION)
#undef VGPU_WIRE_CALL_DEFINITION

// The defined calls, for code that walks them all (the fuzz target's decoders).
#define VGPU_WIRE_CALL_ID(name, request, reply) Call::name,
inline constexpr std::array kDefinedCalls{VGPU_WIRE_CALLS(VGPU_WIRE_CALL_ID)};
#undef VGPU_WIRE_CALL_ID

template <Call C> using RequestOf = typename CallDefinition<C>::Request;
template <Call C> using ReplyOf = typename CallDefinition<C>::Reply;

// Calls with a codec of their own, one struct with encode and decode used by both sides and
// round-tripped by its own test: Version and Error (wire_frame.h), Hello (wire_hello.h),
// StreamSetAttribute (backend/stream_attribute_wire.h, whose values depend on the attribute).
inline constexpr std::array kCallsWithOwnCodec{Call::Version, Call::Hello, Call::StreamSetAttribute, Call::Error};

} // namespace vgpu::wire

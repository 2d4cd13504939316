// Frames of the vgpud wire protocol (docs/wire-protocol.md): a fixed 24-byte little-endian header
// followed by a payload, and the table of call ids. The decoder validates every field before
// anything trusts the length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::wire {

inline constexpr std::uint32_t kMagic = 0x55504756; // "VGPU" in little-endian byte order
inline constexpr std::uint16_t kProtocolVersion = 2;
// The oldest version this build can negotiate down to (hello carries both ends' ranges).
inline constexpr std::uint16_t kMinProtocolVersion = 2;
inline constexpr std::size_t kHeaderSize = 24;
// Bulk data travels through shared memory; frames carry control data only.
inline constexpr std::uint32_t kMaxPayload = 1u << 20;

// Header flags.
inline constexpr std::uint32_t kFlagAsync = 1; // no reply: an error is kept for the next synchronizing call

// Every call: request and reply payloads are specified in docs/wire-protocol.md.
enum class Call : std::uint16_t {
  Version = 1, // request: empty; reply: VersionReply
  Hello = 2,   // first request of a session: version range, expected devices; reply: snapshot
  Status = 3,  // daemon-wide figures: sessions, device bytes in use
  MemAlloc = 10,
  MemFree = 11,
  MemGetInfo = 12,
  PointerInfo = 13,
  MemUsage = 14,
  ResetPeaks = 15,
  RegisterHost = 16, // a pinned host region (sealed memfd, SCM_RIGHTS with the frame)
  UnregisterHost = 17,
  AttachRegion = 18, // a network session's staging slice in its guest's shared-memory region
  RegionAlloc = 19,  // pinned host memory in that region
  PhysicalCreate = 20,
  PhysicalRelease = 21,
  AddressReserve = 22,
  AddressFree = 23,
  Map = 24,
  Unmap = 25,
  SetAccess = 26,
  ManagedAlloc = 27, // managed memory over the client's sealed memfd (SCM_RIGHTS with the frame), mapped at one address
  RegionManagedAlloc = 28, // managed memory in a network session's guest region, mapped at one address
  CopyHostToDevice = 30,
  CopyDeviceToHost = 31,
  CopyDeviceToDevice = 32,
  Memset = 33,
  StreamCreate = 40,
  StreamDestroy = 41,
  StreamSynchronize = 42,
  StreamQuery = 43,
  StreamWaitEvent = 44,
  StreamSetAttribute = 45, // one stream attribute (shim/cuda/backend/stream_attribute_wire.h), asynchronous
  EventCreate = 50,
  EventDestroy = 51,
  EventRecord = 52,
  EventQuery = 53,
  EventSynchronize = 54,
  EventElapsed = 55,
  DeviceSynchronize = 56,
  ModuleLoad = 60,
  ModuleUnload = 61,
  ModuleFunction = 62,
  ModuleFunctions = 63,
  ModuleGlobal = 64,
  Launch = 70,
  LaunchEx = 71,                // Launch plus thread-block cluster dimensions and the cooperative flag
  GraphCreate = 72,             // a graph of device work vgpud runs whole (GraphNodeField)
  GraphUpdate = 73,             // its nodes replaced, same topology
  GraphLaunch = 74,             // asynchronous, like Launch
  GraphDestroy = 75,            // asynchronous
  StreamMemoryOperations = 76,  // words waited on or written in stream order (MemoryOperationField), asynchronous
  TensorMapEncode = 77,         // a tensor map encoded by the executor's driver
  TensorMapReplaceAddress = 78, // its global address replaced
  Counters = 80,
  TextureObjectCreate = 81,  // a texture object made by the executor (TextureObjectCreateRequest)
  TextureObjectDestroy = 82, // one the session made
  Error = 0xffff,            // reply only: ErrorReply
};

struct Header {
  std::uint32_t magic = kMagic;
  std::uint16_t version = kProtocolVersion;
  std::uint16_t call = 0;
  std::uint32_t payloadLength = 0;
  std::uint32_t flags = 0;
  std::uint64_t requestId = 0;
};

enum class DecodeStatus {
  Ok,
  NeedMore,        // fewer than kHeaderSize bytes
  BadMagic,        // not a vgpu frame
  BadVersion,      // a protocol version this side does not speak (out is still filled in)
  PayloadTooLarge, // payloadLength above kMaxPayload
};

std::string_view describe(DecodeStatus status);

void encodeHeader(const Header& header, std::span<std::uint8_t, kHeaderSize> out);
DecodeStatus decodeHeader(std::span<const std::uint8_t> in, Header& out);

// A whole frame (header + payload) ready to send.
std::vector<std::uint8_t> makeFrame(Call call, std::uint64_t requestId, std::span<const std::uint8_t> payload);
// Appends a frame to a send buffer (batching: several frames go out in one write).
void appendFrame(std::vector<std::uint8_t>& buffer, Call call, std::uint64_t requestId, std::uint32_t flags,
                 std::span<const std::uint8_t> payload, std::uint16_t version = kProtocolVersion);

struct VersionReply {
  std::uint16_t protocolVersion = kProtocolVersion;
  std::string daemonVersion;
};
std::vector<std::uint8_t> encodeVersionReply(const VersionReply& reply);
bool decodeVersionReply(std::span<const std::uint8_t> payload, VersionReply& out);

// The codes of an Error reply (docs/wire-protocol.md, "Errors").
enum class ProtocolError : std::uint32_t {
  UnknownCall = 1,          // a call id this vgpud does not know
  VersionMismatch = 2,      // no protocol version both ends speak
  SharedMemory = 3,         // hello's shared-memory region is missing or unusable
  DeviceSetup = 4,          // hello's devices cannot be served (unknown profile, too many, no GPU)
  HelloFirst = 5,           // a call that needs a session came before hello
  AuthenticationFailed = 6, // a TCP/vsock hello presented a wrong token
  LimitReached = 7,         // a limit of vgpud's refused the session (docs/security.md)
};

struct ErrorReply {
  std::uint32_t code = 0;
  std::string message;
};
std::vector<std::uint8_t> encodeErrorReply(const ErrorReply& reply);
bool decodeErrorReply(std::span<const std::uint8_t> payload, ErrorReply& out);

} // namespace vgpu::wire

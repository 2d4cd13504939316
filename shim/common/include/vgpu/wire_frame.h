// Frames of the vgpud wire protocol (docs/wire-protocol.md): a fixed 24-byte little-endian header
// followed by a payload. The decoder validates every field before anything trusts the length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::wire {

inline constexpr std::uint32_t kMagic = 0x55504756; // "VGPU" in little-endian byte order
inline constexpr std::uint16_t kProtocolVersion = 1;
inline constexpr std::size_t kHeaderSize = 24;
// Bulk data travels through shared memory; frames carry control data only.
inline constexpr std::uint32_t kMaxPayload = 1u << 20;

enum class Call : std::uint16_t {
  Version = 1,    // request: empty; reply: VersionReply
  Error = 0xffff, // reply only: ErrorReply
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
  BadVersion,      // a protocol version this side does not speak
  PayloadTooLarge, // payloadLength above kMaxPayload
};

std::string_view describe(DecodeStatus status);

void encodeHeader(const Header& header, std::span<std::uint8_t, kHeaderSize> out);
DecodeStatus decodeHeader(std::span<const std::uint8_t> in, Header& out);

// A whole frame (header + payload) ready to send.
std::vector<std::uint8_t> makeFrame(Call call, std::uint64_t requestId, std::span<const std::uint8_t> payload);

struct VersionReply {
  std::uint16_t protocolVersion = kProtocolVersion;
  std::string daemonVersion;
};
std::vector<std::uint8_t> encodeVersionReply(const VersionReply& reply);
bool decodeVersionReply(std::span<const std::uint8_t> payload, VersionReply& out);

struct ErrorReply {
  std::uint32_t code = 0;
  std::string message;
};
std::vector<std::uint8_t> encodeErrorReply(const ErrorReply& reply);
bool decodeErrorReply(std::span<const std::uint8_t> payload, ErrorReply& out);

} // namespace vgpu::wire

// Encoding and validation of vgpud wire-protocol frames.
#include "vgpu/wire_frame.h"

#include <bit>
#include <cstring>

static_assert(std::endian::native == std::endian::little,
              "the wire protocol is little-endian; a big-endian port needs byte swaps here");

namespace vgpu::wire {
namespace {

template <typename T> void put(std::uint8_t* out, std::size_t offset, T value) {
  std::memcpy(out + offset, &value, sizeof value);
}
template <typename T> T get(const std::uint8_t* in, std::size_t offset) {
  T value;
  std::memcpy(&value, in + offset, sizeof value);
  return value;
}

} // namespace

std::string_view describe(DecodeStatus status) {
  switch (status) {
  case DecodeStatus::Ok: return "ok";
  case DecodeStatus::NeedMore: return "incomplete frame header";
  case DecodeStatus::BadMagic: return "not a vgpu frame (bad magic)";
  case DecodeStatus::BadVersion: return "unsupported protocol version";
  case DecodeStatus::PayloadTooLarge: return "payload larger than the protocol allows";
  }
  return "unknown decode status";
}

void encodeHeader(const Header& header, std::span<std::uint8_t, kHeaderSize> out) {
  put(out.data(), 0, header.magic);
  put(out.data(), 4, header.version);
  put(out.data(), 6, header.call);
  put(out.data(), 8, header.payloadLength);
  put(out.data(), 12, header.flags);
  put(out.data(), 16, header.requestId);
}

DecodeStatus decodeHeader(std::span<const std::uint8_t> in, Header& out) {
  if (in.size() < kHeaderSize) {
    return DecodeStatus::NeedMore;
  }
  Header header;
  header.magic = get<std::uint32_t>(in.data(), 0);
  header.version = get<std::uint16_t>(in.data(), 4);
  header.call = get<std::uint16_t>(in.data(), 6);
  header.payloadLength = get<std::uint32_t>(in.data(), 8);
  header.flags = get<std::uint32_t>(in.data(), 12);
  header.requestId = get<std::uint64_t>(in.data(), 16);
  if (header.magic != kMagic) {
    return DecodeStatus::BadMagic;
  }
  if (header.payloadLength > kMaxPayload) {
    return DecodeStatus::PayloadTooLarge;
  }
  out = header;
  // Filled in anyway: the receiver answers an Error stamped with the peer's version.
  return header.version == kProtocolVersion ? DecodeStatus::Ok : DecodeStatus::BadVersion;
}

std::vector<std::uint8_t> makeFrame(Call call, std::uint64_t requestId, std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> frame(kHeaderSize + payload.size());
  Header header;
  header.call = static_cast<std::uint16_t>(call);
  header.payloadLength = static_cast<std::uint32_t>(payload.size());
  header.requestId = requestId;
  encodeHeader(header, std::span<std::uint8_t, kHeaderSize>(frame.data(), kHeaderSize));
  if (!payload.empty()) {
    std::memcpy(frame.data() + kHeaderSize, payload.data(), payload.size());
  }
  return frame;
}

void appendFrame(std::vector<std::uint8_t>& buffer, Call call, std::uint64_t requestId, std::uint32_t flags,
                 std::span<const std::uint8_t> payload, std::uint16_t version) {
  const std::size_t at = buffer.size();
  buffer.resize(at + kHeaderSize + payload.size());
  Header header;
  header.version = version;
  header.call = static_cast<std::uint16_t>(call);
  header.payloadLength = static_cast<std::uint32_t>(payload.size());
  header.flags = flags;
  header.requestId = requestId;
  encodeHeader(header, std::span<std::uint8_t, kHeaderSize>(buffer.data() + at, kHeaderSize));
  if (!payload.empty()) {
    std::memcpy(buffer.data() + at + kHeaderSize, payload.data(), payload.size());
  }
}

// Payload layout: u16 protocol version, u16 string length, string bytes.
std::vector<std::uint8_t> encodeVersionReply(const VersionReply& reply) {
  const auto length =
      static_cast<std::uint16_t>(reply.daemonVersion.size() > 0xffff ? 0xffff : reply.daemonVersion.size());
  std::vector<std::uint8_t> out(4 + length);
  put(out.data(), 0, reply.protocolVersion);
  put(out.data(), 2, length);
  std::memcpy(out.data() + 4, reply.daemonVersion.data(), length);
  return out;
}

bool decodeVersionReply(std::span<const std::uint8_t> payload, VersionReply& out) {
  if (payload.size() < 4) {
    return false;
  }
  const auto length = get<std::uint16_t>(payload.data(), 2);
  if (payload.size() != 4u + length) {
    return false;
  }
  out.protocolVersion = get<std::uint16_t>(payload.data(), 0);
  out.daemonVersion.assign(reinterpret_cast<const char*>(payload.data() + 4), length);
  return true;
}

// Payload layout: u32 code, u32 message length, message bytes.
std::vector<std::uint8_t> encodeErrorReply(const ErrorReply& reply) {
  const auto length = static_cast<std::uint32_t>(reply.message.size() > 4096 ? 4096 : reply.message.size());
  std::vector<std::uint8_t> out(8 + length);
  put(out.data(), 0, reply.code);
  put(out.data(), 4, length);
  std::memcpy(out.data() + 8, reply.message.data(), length);
  return out;
}

bool decodeErrorReply(std::span<const std::uint8_t> payload, ErrorReply& out) {
  if (payload.size() < 8) {
    return false;
  }
  const auto length = get<std::uint32_t>(payload.data(), 4);
  if (payload.size() - 8 != length) {
    return false;
  }
  out.code = get<std::uint32_t>(payload.data(), 0);
  out.message.assign(reinterpret_cast<const char*>(payload.data() + 8), length);
  return true;
}

} // namespace vgpu::wire

// libFuzzer entry point for the wire protocol's decoders (docs/wire-protocol.md): any bytes as a frame
// header, then the rest as the payload of each reply and request that has a decoder: the codecs of
// their own and every call's definition (vgpu/wire_calls.h, kDefinedCalls). Built only
// with clang (preset fuzz, tests/vgpud/CMakeLists.txt); seeded with tests/data/vgpud/*.frame.
// test_vgpud_fuzz covers whole sessions with a deterministic mutation loop in every build.
#include "vgpu/wire_calls.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace {

// The request and the reply of each defined call, decoded from the same payload.
template <std::size_t... Index>
void decodeDefinitions(std::span<const std::uint8_t> payload, std::index_sequence<Index...>) {
  (
      [payload] {
        constexpr vgpu::wire::Call call = vgpu::wire::kDefinedCalls[Index];
        vgpu::wire::RequestOf<call> request;
        static_cast<void>(vgpu::wire::decode(payload, request));
        vgpu::wire::ReplyOf<call> reply;
        static_cast<void>(vgpu::wire::decode(payload, reply));
      }(),
      ...);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  vgpu::wire::Header header;
  if (vgpu::wire::decodeHeader(bytes, header) == vgpu::wire::DecodeStatus::NeedMore) {
    return 0;
  }
  const auto payload = bytes.subspan(vgpu::wire::kHeaderSize);
  vgpu::wire::HelloRequest hello;
  static_cast<void>(vgpu::wire::decodeHello(payload, hello));
  vgpu::wire::HelloReply helloReply;
  static_cast<void>(vgpu::wire::decodeHelloReply(payload, helloReply));
  vgpu::wire::VersionReply versionReply;
  static_cast<void>(vgpu::wire::decodeVersionReply(payload, versionReply));
  vgpu::wire::ErrorReply errorReply;
  static_cast<void>(vgpu::wire::decodeErrorReply(payload, errorReply));
  decodeDefinitions(payload, std::make_index_sequence<vgpu::wire::kDefinedCalls.size()>{});
  return 0;
}

// vgpud wire frames: round trips, and every way a header can be invalid.
#include <catch2/catch.hpp>

#include "vgpu/wire_frame.h"

#include <cstring>
#include <random>

using namespace vgpu::wire;

TEST_CASE("a version request frame round-trips through the header codec") {
  const auto frame = makeFrame(Call::Version, 42, {});
  REQUIRE(frame.size() == kHeaderSize);
  Header header;
  REQUIRE(decodeHeader(frame, header) == DecodeStatus::Ok);
  CHECK(header.magic == kMagic);
  CHECK(header.version == kProtocolVersion);
  CHECK(header.call == static_cast<std::uint16_t>(Call::Version));
  CHECK(header.payloadLength == 0);
  CHECK(header.requestId == 42);
}

TEST_CASE("invalid headers are rejected with their reason") {
  auto frame = makeFrame(Call::Version, 1, {});
  Header header;
  CHECK(decodeHeader(std::span(frame).first(kHeaderSize - 1), header) == DecodeStatus::NeedMore);

  auto badMagic = frame;
  badMagic[0] ^= 0xff;
  CHECK(decodeHeader(badMagic, header) == DecodeStatus::BadMagic);

  auto badVersion = frame;
  badVersion[4] = 0x7f;
  CHECK(decodeHeader(badVersion, header) == DecodeStatus::BadVersion);

  auto tooLarge = frame;
  const std::uint32_t length = kMaxPayload + 1;
  std::memcpy(tooLarge.data() + 8, &length, sizeof length);
  CHECK(decodeHeader(tooLarge, header) == DecodeStatus::PayloadTooLarge);
  CHECK_FALSE(describe(DecodeStatus::PayloadTooLarge).empty());
}

TEST_CASE("version and error replies round-trip; truncated payloads are refused") {
  VersionReply version{kProtocolVersion, "0.1.0"};
  const auto encoded = encodeVersionReply(version);
  VersionReply decoded;
  REQUIRE(decodeVersionReply(encoded, decoded));
  CHECK(decoded.protocolVersion == kProtocolVersion);
  CHECK(decoded.daemonVersion == "0.1.0");
  CHECK_FALSE(decodeVersionReply(std::span(encoded).first(encoded.size() - 1), decoded));
  CHECK_FALSE(decodeVersionReply({}, decoded));

  ErrorReply error{7, "unknown call"};
  const auto encodedError = encodeErrorReply(error);
  ErrorReply decodedError;
  REQUIRE(decodeErrorReply(encodedError, decodedError));
  CHECK(decodedError.code == 7);
  CHECK(decodedError.message == "unknown call");
  CHECK_FALSE(decodeErrorReply(std::span(encodedError).first(5), decodedError));
}

TEST_CASE("random bytes never decode into an oversized or foreign frame") {
  std::mt19937 random(1234);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> bytes(kHeaderSize);
    for (auto& b : bytes) {
      b = static_cast<std::uint8_t>(byte(random));
    }
    if (round % 2 == 0) { // half the time, a valid magic and version so the length check is reached
      std::memcpy(bytes.data(), &kMagic, 4);
      std::memcpy(bytes.data() + 4, &kProtocolVersion, 2);
    }
    Header header;
    if (decodeHeader(bytes, header) == DecodeStatus::Ok) {
      CHECK(header.payloadLength <= kMaxPayload);
      CHECK(header.magic == kMagic);
    }
  }
}

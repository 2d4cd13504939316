// The LZ4 block decoder: literal runs, overlapping matches, extended lengths, and every kind of
// bad block (cut-off lengths, offsets before the start, output beyond the expected size).
#include "module_test_support.h"

#include "vgpu/module/decompress.h"

#include <catch2/catch.hpp>

using vgpu::module::decodeLz4Block;
using vgpu::module::test::Bytes;

TEST_CASE("LZ4 block with literals only decodes to those bytes", "[lz4]") {
  const Bytes block = {0x30, 'a', 'b', 'c'};
  const auto out = decodeLz4Block(block, 3);
  REQUIRE(out.ok());
  CHECK(out.value() == Bytes{'a', 'b', 'c'});
}

TEST_CASE("LZ4 overlapping match repeats the last byte", "[lz4]") {
  // 1 literal 'x', match distance 1 length 4+2=6, then a last literal run of one byte 'y'.
  const Bytes block = {0x12, 'x', 0x01, 0x00, 0x10, 'y'};
  const auto out = decodeLz4Block(block, 8);
  REQUIRE(out.ok());
  CHECK(out.value() == Bytes{'x', 'x', 'x', 'x', 'x', 'x', 'x', 'y'});
}

TEST_CASE("LZ4 extended literal and match lengths", "[lz4]") {
  Bytes block = {0xff, 0x00}; // 15 + 0 literals, match length 15 + ...
  for (int i = 0; i < 15; ++i) {
    block.push_back(static_cast<std::uint8_t>('a' + i));
  }
  block.insert(block.end(), {0x0f, 0x00, 0xff, 0x01}); // distance 15, match 15 + 255 + 1 + 4 = 275
  block.insert(block.end(), {0x00});                   // empty last literal run
  const auto out = decodeLz4Block(block, 15 + 275);
  REQUIRE(out.ok());
  REQUIRE(out.value().size() == 290);
  for (std::size_t i = 0; i < out.value().size(); ++i) {
    CHECK(out.value()[i] == static_cast<std::uint8_t>('a' + i % 15));
  }
}

TEST_CASE("LZ4 bad blocks are errors, never reads or writes out of bounds", "[lz4]") {
  struct Bad {
    const char* what;
    Bytes block;
    std::size_t expected;
    const char* message;
  };
  const Bad cases[] = {
      {"literal run past input", {0x50, 'a', 'b'}, 5, "runs past the input"},
      {"extended length cut off", {0xf0, 0xff}, 300, "literal length"},
      {"offset zero", {0x10, 'a', 0x00, 0x00}, 10, "match offset 0"},
      {"offset before start", {0x10, 'a', 0x05, 0x00, 0x00}, 10, "points before the output start"},
      {"offset cut off", {0x10, 'a', 0x01}, 10, "match offset cut off"},
      {"match beyond expected size", {0x1f, 'a', 0x01, 0x00, 0xff, 0xff, 0x10}, 20, "expected size"},
      {"literals beyond expected size", {0x40, 'a', 'b', 'c', 'd'}, 2, "exceed the expected size"},
      {"too short output", {0x20, 'a', 'b'}, 3, "produced 2 bytes, expected 3"},
  };
  for (const Bad& bad : cases) {
    INFO(bad.what);
    const auto out = decodeLz4Block(bad.block, bad.expected);
    REQUIRE_FALSE(out.ok());
    CHECK_THAT(out.error(), Catch::Contains(bad.message));
  }
}

TEST_CASE("LZ4 decompression bomb is bounded by the expected size", "[lz4]") {
  // A match of 255 * 1000 bytes from 2 KiB of input: refused at the expected size of 4096.
  Bytes block = {0x1f, 'z', 0x01, 0x00};
  block.insert(block.end(), 1000, 0xff);
  block.push_back(0x00);
  block.push_back(0x00);
  const auto out = decodeLz4Block(block, 4096);
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.error(), Catch::Contains("match length"));
}

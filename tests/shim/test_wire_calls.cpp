// The shared call definitions (vgpu/wire_calls.h): every defined call's request and reply survive
// an encode/decode round trip field by field, a payload one byte short is refused, bounds on text
// and lists hold, and every call of the protocol is defined or has a codec of its own — so a new
// call without a definition, or a definition that loses a field, fails here. Fields that depend on
// an earlier one (where a copy's host bytes travel) round-trip in every variant.
#include <catch2/catch.hpp>

#include "vgpu/wire_calls.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

using namespace vgpu::wire;

namespace {

// Distinct, non-zero values in every field (two elements in every list), so a field dropped or
// swapped cannot round-trip.
template <typename Field> void fill(Field& field, std::uint8_t& next) {
  if constexpr (IsText<Field>::value) {
    field.value = std::string(next++, 'n');
  } else if constexpr (IsBytes<Field>::value) {
    // A view, as the codec decodes it: the bytes live as long as the test.
    static std::vector<std::vector<std::uint8_t>> storage;
    storage.emplace_back(next, static_cast<std::uint8_t>(next));
    ++next;
    field.value = storage.back();
  } else if constexpr (IsList<Field>::value) {
    field.items.resize(2);
    for (auto& item : field.items) {
      fill(item, next);
    }
  } else if constexpr (std::is_floating_point_v<Field>) {
    field = static_cast<Field>(next++) + Field(0.5);
  } else if constexpr (std::is_arithmetic_v<Field>) {
    field = static_cast<Field>(next++);
  } else {
    Field::visit(field, [&next](auto& inner) { fill(inner, next); });
  }
}

// The encoded size computed from the field list, independently of the encoder.
template <typename Field> std::size_t sizeOf(const Field& field) {
  if constexpr (IsText<Field>::value || IsBytes<Field>::value) {
    return sizeof(std::uint32_t) + field.value.size();
  } else if constexpr (IsList<Field>::value) {
    std::size_t bytes = sizeof(std::uint32_t);
    for (const auto& item : field.items) {
      bytes += sizeOf(item);
    }
    return bytes;
  } else if constexpr (std::is_arithmetic_v<Field>) {
    return sizeof field;
  } else {
    std::size_t bytes = 0;
    Field::visit(field, [&bytes](const auto& inner) { bytes += sizeOf(inner); });
    return bytes;
  }
}

// Encodes, decodes and compares one message: the size is the field list's, the payload is read
// whole, and one byte short it does not decode. Returns the encoded size.
template <typename Message> std::size_t checkRoundTrip(const Message& original) {
  const std::vector<std::uint8_t> payload = encode(original);
  CHECK(payload.size() == sizeOf(original));
  Message decoded;
  Reader reader(payload);
  REQUIRE(decode(reader, decoded));
  CHECK(reader.atEnd());
  CHECK(decoded == original);
  if (!payload.empty()) {
    Message shortened;
    CHECK_FALSE(decode(std::span(payload).first(payload.size() - 1), shortened));
  }
  return payload.size();
}

template <typename Message> void roundTrips(std::uint8_t seed) {
  Message original;
  fill(original, seed);
  checkRoundTrip(original);
}

template <Call C> void callRoundTrips() {
  INFO("call " << static_cast<int>(C));
  roundTrips<RequestOf<C>>(0x11);
  roundTrips<ReplyOf<C>>(0x41);
}

template <Call C, typename = void> struct IsDefined : std::false_type {};
template <Call C> struct IsDefined<C, std::void_t<typename CallDefinition<C>::Request>> : std::true_type {};

// Round-trips the definitions among `Calls` (every value of the Call enum, wire_frame.h); returns
// the defined ones, and every call in `every`.
template <Call... Calls> std::set<int> definedAndRoundTripped(std::vector<Call>& every) {
  every = {Calls...};
  std::set<int> defined;
  (
      [&defined] {
        if constexpr (IsDefined<Calls>::value) {
          callRoundTrips<Calls>();
          defined.insert(static_cast<int>(Calls));
        }
      }(),
      ...);
  return defined;
}

template <typename List> bool listed(const List& list, Call call) {
  return std::find(list.begin(), list.end(), call) != list.end();
}

} // namespace

TEST_CASE("wire calls: every definition round-trips, and every call is defined, has its own codec or is listed") {
  std::vector<Call> everyCall;
  const std::set<int> defined = definedAndRoundTripped<
      Call::Version, Call::Hello, Call::Status, Call::MemAlloc, Call::MemFree, Call::MemGetInfo, Call::PointerInfo,
      Call::MemUsage, Call::ResetPeaks, Call::RegisterHost, Call::UnregisterHost, Call::AttachRegion, Call::RegionAlloc,
      Call::PhysicalCreate, Call::PhysicalRelease, Call::AddressReserve, Call::AddressFree, Call::Map, Call::Unmap,
      Call::SetAccess, Call::ManagedAlloc, Call::RegionManagedAlloc, Call::CopyHostToDevice, Call::CopyDeviceToHost,
      Call::CopyDeviceToDevice, Call::Memset, Call::StreamCreate, Call::StreamDestroy, Call::StreamSynchronize,
      Call::StreamQuery, Call::StreamWaitEvent, Call::StreamSetAttribute, Call::EventCreate, Call::EventDestroy,
      Call::EventRecord, Call::EventQuery, Call::EventSynchronize, Call::EventElapsed, Call::DeviceSynchronize,
      Call::ModuleLoad, Call::ModuleUnload, Call::ModuleFunction, Call::ModuleFunctions, Call::ModuleGlobal,
      Call::Launch, Call::LaunchEx, Call::GraphCreate, Call::GraphUpdate, Call::GraphLaunch, Call::GraphDestroy,
      Call::StreamMemoryOperations, Call::TensorMapEncode, Call::TensorMapReplaceAddress, Call::Counters,
      Call::TextureObjectCreate, Call::TextureObjectDestroy, Call::Error>(everyCall);
  CHECK(defined.size() == 53);
  CHECK(defined.size() == kDefinedCalls.size()); // the list the fuzz target walks
  for (const Call call : kDefinedCalls) {
    CHECK(defined.count(static_cast<int>(call)) == 1);
  }
  for (const Call call : everyCall) {
    INFO("call " << static_cast<int>(call));
    const int places =
        (defined.count(static_cast<int>(call)) == 1 ? 1 : 0) + (listed(kCallsWithOwnCodec, call) ? 1 : 0);
    CHECK(places == 1); // exactly one of the two
  }
  CHECK(defined.size() + kCallsWithOwnCodec.size() == everyCall.size());
}

template <typename Message> void sameAfterRoundTrip(const Message& original, std::size_t expectedSize) {
  CHECK(checkRoundTrip(original) == expectedSize);
}

TEST_CASE("wire calls: a copy's host side and a module image's part round-trip in every place") {
  const std::vector<std::uint8_t> rows{1, 2, 3, 4, 5, 6};
  const calls::DeviceRows device{0x7000, 3, 9, 3, 2};
  constexpr std::size_t kRows = 5 * 8;
  // Inline: the packed rows (u32 length + bytes) and nothing after them.
  sameAfterRoundTrip(RequestOf<Call::CopyHostToDevice>{device, calls::kHostInline, {rows}, 0, 0}, kRows + 1 + 4 + 6);
  // Shared memory: an offset; a pinned region: the offset and the region.
  sameAfterRoundTrip(RequestOf<Call::CopyHostToDevice>{device, calls::kHostShared, {}, 4096, 0}, kRows + 1 + 8);
  sameAfterRoundTrip(RequestOf<Call::CopyHostToDevice>{device, calls::kHostRegion, {}, 4096, 12}, kRows + 1 + 16);
  sameAfterRoundTrip(RequestOf<Call::CopyDeviceToHost>{device, calls::kHostInline, 0, 0}, kRows + 1 + 8);
  sameAfterRoundTrip(RequestOf<Call::CopyDeviceToHost>{device, calls::kHostShared, 8192, 0}, kRows + 1 + 8);
  sameAfterRoundTrip(RequestOf<Call::CopyDeviceToHost>{device, calls::kHostRegion, 8192, 12}, kRows + 1 + 16);
  sameAfterRoundTrip(ReplyOf<Call::CopyDeviceToHost>{{rows}}, 4 + 6);
  sameAfterRoundTrip(ReplyOf<Call::CopyDeviceToHost>{}, 4); // the rows went through shared memory
  sameAfterRoundTrip(RequestOf<Call::ModuleLoad>{0, 1, calls::kHostInline, {rows}, 0, 0}, 4 + 1 + 1 + 4 + 6);
  sameAfterRoundTrip(RequestOf<Call::ModuleLoad>{0, 0, calls::kHostShared, {}, 0, 65536}, 4 + 1 + 1 + 16);

  // A field that does not belong to the place is not sent, so it does not come back.
  RequestOf<Call::CopyHostToDevice> mixed{device, calls::kHostShared, {rows}, 4096, 12};
  RequestOf<Call::CopyHostToDevice> decoded;
  REQUIRE(decode(std::span<const std::uint8_t>(encode(mixed)), decoded));
  CHECK(decoded.data.value.empty());
  CHECK(decoded.region == 0);
  CHECK(decoded.offset == 4096);
}

TEST_CASE("wire calls: a copy's inline rows can be sent from where they lie") {
  const std::vector<std::uint8_t> rows(1000, 0x5a);
  const RequestOf<Call::CopyHostToDevice> request{{0x7000, 1000, 0, 1000, 1}, calls::kHostInline, {rows}, 0, 0};
  std::vector<std::uint8_t> fields;
  const auto trailing = encodeLeavingTrailingBytes(fields, request);
  REQUIRE(trailing.has_value());
  CHECK(trailing->data() == rows.data()); // a view of the caller's bytes, not a copy
  CHECK(trailing->size() == rows.size());
  // The fields and the trailing bytes together are exactly the whole encoding.
  std::vector<std::uint8_t> whole = fields;
  whole.insert(whole.end(), trailing->begin(), trailing->end());
  CHECK(whole == encode(request));
  // A message whose last field is not bytes cannot be sent this way.
  std::vector<std::uint8_t> unused;
  CHECK_FALSE(encodeLeavingTrailingBytes(unused, RequestOf<Call::CopyHostToDevice>{{}, calls::kHostShared, {}, 1, 0})
                  .has_value());
}

TEST_CASE("wire calls: text and list fields longer than their bounds do not decode") {
  RequestOf<Call::ModuleGlobal> tooLong{7, {std::string(calls::kMaxSymbolName + 1, 'x')}};
  RequestOf<Call::ModuleGlobal> decoded;
  CHECK_FALSE(decode(std::span<const std::uint8_t>(encode(tooLong)), decoded));
  RequestOf<Call::ModuleGlobal> longest{7, {std::string(calls::kMaxSymbolName, 'x')}};
  REQUIRE(decode(std::span<const std::uint8_t>(encode(longest)), decoded));
  CHECK(decoded == longest);

  // A count past the bound is refused before any element is read (no allocation for it).
  std::vector<std::uint8_t> payload;
  Writer writer(payload);
  writer.put(static_cast<std::uint32_t>(calls::kMaxModuleFunctions + 1));
  ReplyOf<Call::ModuleFunctions> functions;
  CHECK_FALSE(decode(std::span<const std::uint8_t>(payload), functions));
  CHECK(functions.names.items.empty());
  // A count the payload cannot hold stops at the end of the payload.
  payload.clear();
  Writer(payload).put(std::uint32_t{1000});
  CHECK_FALSE(decode(std::span<const std::uint8_t>(payload), functions));
  CHECK(functions.names.items.size() <= 1);
}

TEST_CASE("wire calls: a launch's parameter buffer is a bounded view into the frame, never a copy") {
  const std::vector<std::uint8_t> parameters{1, 2, 3, 4, 5, 6, 7, 8};
  RequestOf<Call::Launch> launch{77, 2, 1, 1, 128, 1, 1, 0, 9, {parameters}};
  const std::vector<std::uint8_t> payload = encode(launch);
  RequestOf<Call::Launch> decoded;
  REQUIRE(decode(std::span<const std::uint8_t>(payload), decoded));
  CHECK(decoded == launch);
  CHECK(decoded.parameters.value.data() == payload.data() + payload.size() - parameters.size());
  // A length past the bound does not decode, whatever follows.
  std::vector<std::uint8_t> tooLong(payload.begin(),
                                    payload.end() - static_cast<std::ptrdiff_t>(parameters.size()) - 4);
  Writer(tooLong).put(static_cast<std::uint32_t>(kMaxInlineBytes + 1));
  CHECK_FALSE(decode(std::span<const std::uint8_t>(tooLong), decoded));
}

TEST_CASE("wire calls: the encoding is the documented one (little-endian fields in order, no padding)") {
  const std::vector<std::uint8_t> payload = encode(RequestOf<Call::MemAlloc>{3, 0x0102030405060708ULL, 0});
  const std::vector<std::uint8_t> expected{3, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 0};
  CHECK(payload == expected);
  ReplyOf<Call::EventElapsed> elapsed;
  const float value = 1.25F;
  std::vector<std::uint8_t> bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  REQUIRE(decode(std::span<const std::uint8_t>(bytes), elapsed));
  CHECK(elapsed.milliseconds == 1.25F);
}

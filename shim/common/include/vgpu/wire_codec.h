// Payload encoding for the vgpud wire protocol (docs/wire-protocol.md): little-endian integers,
// strings and byte blocks as u32 length + bytes. The Reader never reads past its span: any short
// or oversized field sets failed() and every later read returns zero, so a decoder checks once at
// the end (plus atEnd() to refuse trailing bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace vgpu::wire {

class Writer {
public:
  explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}

  template <typename T> void put(T value) {
    static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
    const std::size_t at = out_.size();
    out_.resize(at + sizeof value);
    std::memcpy(out_.data() + at, &value, sizeof value);
  }
  void bytes(std::span<const std::uint8_t> data) {
    put(static_cast<std::uint32_t>(data.size()));
    out_.insert(out_.end(), data.begin(), data.end());
  }
  void string(std::string_view text) {
    bytes(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
  // A length-prefixed block of `length` bytes the caller fills in place (a large reply's data is
  // written once, where it is sent from). Valid until the next write.
  std::span<std::uint8_t> reserveBytes(std::uint32_t length) {
    put(length);
    const std::size_t at = out_.size();
    out_.resize(at + length);
    return {out_.data() + at, length};
  }

private:
  std::vector<std::uint8_t>& out_;
};

class Reader {
public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}

  template <typename T> T get() {
    static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
    T value{};
    if (failed_ || in_.size() - position_ < sizeof value) {
      failed_ = true;
      return T{};
    }
    std::memcpy(&value, in_.data() + position_, sizeof value);
    position_ += sizeof value;
    return value;
  }
  // A length-prefixed block, viewed in place; at most maxBytes long.
  std::span<const std::uint8_t> bytes(std::size_t maxBytes) {
    const auto length = get<std::uint32_t>();
    if (failed_ || length > maxBytes || in_.size() - position_ < length) {
      failed_ = true;
      return {};
    }
    const auto view = in_.subspan(position_, length);
    position_ += length;
    return view;
  }
  std::string string(std::size_t maxBytes) {
    const auto view = bytes(maxBytes);
    return std::string(reinterpret_cast<const char*>(view.data()), view.size());
  }
  bool failed() const { return failed_; }
  bool atEnd() const { return !failed_ && position_ == in_.size(); }
  // Marks the payload invalid (a decoder found a bad value, not only a short one).
  void fail() { failed_ = true; }

private:
  std::span<const std::uint8_t> in_;
  std::size_t position_ = 0;
  bool failed_ = false;
};

} // namespace vgpu::wire

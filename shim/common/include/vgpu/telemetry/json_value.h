// A small JSON document model for shim code that must read replies (the NVML shim reading other
// processes' control sockets). The shim cannot use Qt or a JSON library (it loads into other
// people's processes with NEEDED kept to libc/libstdc++), so this is a strict, depth-limited
// recursive-descent parser: one line of hostile input can neither exhaust the stack nor be
// half-accepted. Numbers keep their integer value when they are integers (byte counts above 2^53).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vgpu::telemetry {

class JsonValue {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }

  // Members of an object (nullptr when absent or when this is not an object).
  const JsonValue* member(std::string_view name) const;
  // Elements of an array (empty for anything else).
  const std::vector<JsonValue>& elements() const;

  std::optional<std::string_view> asString() const;
  std::optional<bool> asBool() const;
  // Integers only: a number with a fraction or exponent, or out of range, is nullopt.
  std::optional<std::int64_t> asInt() const;
  std::optional<std::uint64_t> asUnsigned() const;
  std::optional<double> asDouble() const;

  // Convenience: member(name)->asX(), nullopt when absent or of another type.
  std::optional<std::string_view> stringAt(std::string_view name) const;
  std::optional<std::int64_t> intAt(std::string_view name) const;
  std::optional<std::uint64_t> unsignedAt(std::string_view name) const;

private:
  friend class JsonParser;
  Kind kind_ = Kind::Null;
  bool boolean_ = false;
  bool integral_ = false;
  bool negative_ = false;
  std::uint64_t magnitude_ = 0; // integers: absolute value
  double number_ = 0;
  std::string text_; // strings (unescaped UTF-8)
  std::vector<JsonValue> elements_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

struct JsonParseResult {
  std::optional<JsonValue> value;
  std::string error; // "<what> at byte N" when value is empty
};

// Parses exactly one JSON value (surrounding whitespace allowed, nothing else). Nesting deeper
// than 64 levels is refused.
JsonParseResult parseJson(std::string_view text);

} // namespace vgpu::telemetry

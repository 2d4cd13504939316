// The result type of every module-image parser: a value, or an error that says whether the input
// is malformed (a precise message naming the header, field and offset) or uses a feature this
// parser does not support (e.g. an unknown compression), so callers can tell the two apart.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace vgpu::module {

enum class ParseErrorKind {
  Malformed,   // the bytes contradict the format (bad magic, sizes beyond the buffer, ...)
  Unsupported, // well-formed as far as we can tell, but uses something we cannot read
};

template <typename T> class ParseResult {
public:
  static ParseResult success(T value) {
    ParseResult result;
    result.value_ = std::move(value);
    return result;
  }
  static ParseResult failure(ParseErrorKind kind, std::string message) { return ParseResult(kind, std::move(message)); }
  // Carries another result's error over (for parsers that delegate).
  template <typename U> static ParseResult failureFrom(const ParseResult<U>& other) {
    return failure(other.errorKind(), other.error());
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const std::string& error() const { return error_; }
  ParseErrorKind errorKind() const { return kind_; }

private:
  ParseResult() = default;
  ParseResult(ParseErrorKind kind, std::string message) : error_(std::move(message)), kind_(kind) {}
  std::optional<T> value_;
  std::string error_;
  ParseErrorKind kind_ = ParseErrorKind::Malformed;
};

} // namespace vgpu::module

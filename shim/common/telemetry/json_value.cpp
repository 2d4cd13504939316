// The strict JSON parser behind JsonValue (RFC 8259 grammar; depth-limited; no exceptions
// escape, so a bad line is an error value, never a crash in the host process).
#include "vgpu/telemetry/json_value.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace vgpu::telemetry {

namespace {
constexpr int kMaxDepth = 64;
} // namespace

class JsonParser {
public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  JsonParseResult run() {
    JsonParseResult result;
    JsonValue value;
    skipSpace();
    if (parseValue(value, 0)) {
      skipSpace();
      if (pos_ == text_.size()) {
        result.value = std::move(value);
        return result;
      }
      fail("trailing characters");
    }
    result.error = error_;
    return result;
  }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;

  bool fail(const char* what) {
    if (error_.empty()) {
      error_ = std::string(what) + " at byte " + std::to_string(pos_);
    }
    return false;
  }
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return atEnd() ? '\0' : text_[pos_]; }
  void skipSpace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) {
      ++pos_;
    }
  }
  bool expectLiteral(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) {
      return fail("invalid literal");
    }
    pos_ += word.size();
    return true;
  }

  bool parseValue(JsonValue& out, int depth) {
    if (depth > kMaxDepth) {
      return fail("nesting too deep");
    }
    switch (peek()) {
    case '{': return parseObject(out, depth);
    case '[': return parseArray(out, depth);
    case '"': out.kind_ = JsonValue::Kind::String; return parseString(out.text_);
    case 't':
      out.kind_ = JsonValue::Kind::Bool;
      out.boolean_ = true;
      return expectLiteral("true");
    case 'f':
      out.kind_ = JsonValue::Kind::Bool;
      out.boolean_ = false;
      return expectLiteral("false");
    case 'n': out.kind_ = JsonValue::Kind::Null; return expectLiteral("null");
    default: return parseNumber(out);
    }
  }

  bool parseObject(JsonValue& out, int depth) {
    out.kind_ = JsonValue::Kind::Object;
    ++pos_;
    skipSpace();
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        return fail("expected a member name");
      }
      std::string name;
      if (!parseString(name)) {
        return false;
      }
      skipSpace();
      if (peek() != ':') {
        return fail("expected ':'");
      }
      ++pos_;
      skipSpace();
      JsonValue value;
      if (!parseValue(value, depth + 1)) {
        return false;
      }
      out.members_.emplace_back(std::move(name), std::move(value));
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  bool parseArray(JsonValue& out, int depth) {
    out.kind_ = JsonValue::Kind::Array;
    ++pos_;
    skipSpace();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skipSpace();
      JsonValue value;
      if (!parseValue(value, depth + 1)) {
        return false;
      }
      out.elements_.push_back(std::move(value));
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  bool hex4(std::uint32_t& code) {
    if (text_.size() - pos_ < 4) {
      return fail("truncated \\u escape");
    }
    code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      code <<= 4U;
      if (c >= '0' && c <= '9') {
        code |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        code |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        code |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return fail("bad \\u escape");
      }
    }
    return true;
  }

  static void appendUtf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0U | (code >> 6U));
      out += static_cast<char>(0x80U | (code & 0x3FU));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0U | (code >> 12U));
      out += static_cast<char>(0x80U | ((code >> 6U) & 0x3FU));
      out += static_cast<char>(0x80U | (code & 0x3FU));
    } else {
      out += static_cast<char>(0xF0U | (code >> 18U));
      out += static_cast<char>(0x80U | ((code >> 12U) & 0x3FU));
      out += static_cast<char>(0x80U | ((code >> 6U) & 0x3FU));
      out += static_cast<char>(0x80U | (code & 0x3FU));
    }
  }

  bool parseEscape(std::string& out) {
    if (atEnd()) {
      return fail("unterminated string");
    }
    const char c = text_[pos_++];
    switch (c) {
    case '"': out += '"'; return true;
    case '\\': out += '\\'; return true;
    case '/': out += '/'; return true;
    case 'b': out += '\b'; return true;
    case 'f': out += '\f'; return true;
    case 'n': out += '\n'; return true;
    case 'r': out += '\r'; return true;
    case 't': out += '\t'; return true;
    case 'u': break;
    default: return fail("bad escape");
    }
    std::uint32_t code = 0;
    if (!hex4(code)) {
      return false;
    }
    if (code >= 0xD800 && code <= 0xDBFF) { // high surrogate: a low one must follow
      std::uint32_t low = 0;
      if (text_.substr(pos_, 2) != "\\u") {
        return fail("lone surrogate");
      }
      pos_ += 2;
      if (!hex4(low)) {
        return false;
      }
      if (low < 0xDC00 || low > 0xDFFF) {
        return fail("lone surrogate");
      }
      code = 0x10000 + ((code - 0xD800) << 10U) + (low - 0xDC00);
    } else if (code >= 0xDC00 && code <= 0xDFFF) {
      return fail("lone surrogate");
    }
    appendUtf8(out, code);
    return true;
  }

  bool parseString(std::string& out) {
    ++pos_; // opening quote
    while (!atEnd()) {
      const char c = text_[pos_++];
      if (c == '"') {
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return fail("control character in string");
      }
      if (c == '\\') {
        if (!parseEscape(out)) {
          return false;
        }
        continue;
      }
      out += c;
    }
    return fail("unterminated string");
  }

  bool digits() {
    const std::size_t start = pos_;
    while (!atEnd() && peek() >= '0' && peek() <= '9') {
      ++pos_;
    }
    return pos_ > start;
  }

  bool parseNumber(JsonValue& out) {
    const std::size_t start = pos_;
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++pos_;
    }
    const std::size_t integerStart = pos_;
    if (!digits()) {
      return fail("unexpected character");
    }
    if (text_[integerStart] == '0' && pos_ - integerStart > 1) {
      return fail("leading zero");
    }
    const std::size_t integerEnd = pos_;
    bool integral = true;
    if (peek() == '.') {
      ++pos_;
      integral = false;
      if (!digits()) {
        return fail("digits expected after '.'");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      integral = false;
      if (peek() == '+' || peek() == '-') {
        ++pos_;
      }
      if (!digits()) {
        return fail("digits expected in exponent");
      }
    }
    out.kind_ = JsonValue::Kind::Number;
    const std::string literal(text_.substr(start, pos_ - start));
    errno = 0;
    out.number_ = std::strtod(literal.c_str(), nullptr);
    out.negative_ = negative;
    if (integral) {
      std::uint64_t magnitude = 0;
      bool fits = true;
      for (std::size_t i = integerStart; i < integerEnd; ++i) {
        const auto digit = static_cast<std::uint64_t>(text_[i] - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
          fits = false;
          break;
        }
        magnitude = magnitude * 10 + digit;
      }
      out.integral_ = fits;
      out.magnitude_ = fits ? magnitude : 0;
    }
    return true;
  }
};

JsonParseResult parseJson(std::string_view text) {
  return JsonParser(text).run();
}

const JsonValue* JsonValue::member(std::string_view name) const {
  for (const auto& [key, value] : members_) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

const std::vector<JsonValue>& JsonValue::elements() const {
  // Function-local and never destroyed: a namespace-scope vector would need a static constructor
  // (its destructor's registration), which the shims must not have (test_shim_elf).
  static const auto* const noElements = new std::vector<JsonValue>;
  return kind_ == Kind::Array ? elements_ : *noElements;
}

std::optional<std::string_view> JsonValue::asString() const {
  if (kind_ != Kind::String) {
    return std::nullopt;
  }
  return std::string_view(text_);
}

std::optional<bool> JsonValue::asBool() const {
  if (kind_ != Kind::Bool) {
    return std::nullopt;
  }
  return boolean_;
}

std::optional<std::int64_t> JsonValue::asInt() const {
  if (kind_ != Kind::Number || !integral_) {
    return std::nullopt;
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!negative_) {
    return magnitude_ <= kMax ? std::optional<std::int64_t>(static_cast<std::int64_t>(magnitude_)) : std::nullopt;
  }
  if (magnitude_ <= kMax) {
    return -static_cast<std::int64_t>(magnitude_);
  }
  if (magnitude_ == kMax + 1) {
    return std::numeric_limits<std::int64_t>::min();
  }
  return std::nullopt;
}

std::optional<std::uint64_t> JsonValue::asUnsigned() const {
  if (kind_ != Kind::Number || !integral_ || (negative_ && magnitude_ != 0)) {
    return std::nullopt;
  }
  return magnitude_;
}

std::optional<double> JsonValue::asDouble() const {
  if (kind_ != Kind::Number) {
    return std::nullopt;
  }
  return number_;
}

std::optional<std::string_view> JsonValue::stringAt(std::string_view name) const {
  const JsonValue* value = member(name);
  return value != nullptr ? value->asString() : std::nullopt;
}

std::optional<std::int64_t> JsonValue::intAt(std::string_view name) const {
  const JsonValue* value = member(name);
  return value != nullptr ? value->asInt() : std::nullopt;
}

std::optional<std::uint64_t> JsonValue::unsignedAt(std::string_view name) const {
  const JsonValue* value = member(name);
  return value != nullptr ? value->asUnsigned() : std::nullopt;
}

} // namespace vgpu::telemetry

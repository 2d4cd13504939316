// The tolerant request reader: a recursive-descent check of one JSON value (depth-limited, so a
// hostile line cannot exhaust the socket thread's stack) that keeps only the top-level "cmd",
// "interval_ms" and "level" members. Everything else in a well-formed object is ignored.
#include "vgpu/telemetry/request.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace vgpu::telemetry {
namespace {

constexpr int kMaxDepth = 32;

struct CommandName {
  std::string_view name;
  Command command;
};
constexpr std::array kCommands{
    CommandName{"hello", Command::Hello},
    CommandName{"snapshot", Command::Snapshot},
    CommandName{"subscribe", Command::Subscribe},
    CommandName{"reset-peaks", Command::ResetPeaks},
    CommandName{"set-log-level", Command::SetLogLevel},
};

struct LevelName {
  std::string_view name;
  log::Level level;
};
constexpr std::array kLevels{
    LevelName{"off", log::Level::Off},   LevelName{"error", log::Level::Error}, LevelName{"warn", log::Level::Warn},
    LevelName{"info", log::Level::Info}, LevelName{"debug", log::Level::Debug},
};

class Reader {
public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::string error; // first problem found, with its byte offset

  void skipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' || text_[pos_] == '\n')) {
      ++pos_;
    }
  }
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return atEnd() ? '\0' : text_[pos_]; }

  bool fail(const char* what) {
    if (error.empty()) {
      error = std::string(what) + " at byte " + std::to_string(pos_);
    }
    return false;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) {
      return fail("invalid literal");
    }
    pos_ += word.size();
    return true;
  }

  bool string(std::string* out) {
    ++pos_; // opening quote
    while (!atEnd()) {
      const auto c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return fail("control character in string");
      }
      if (c != '\\') {
        if (out != nullptr) {
          *out += static_cast<char>(c);
        }
        continue;
      }
      if (atEnd()) {
        break;
      }
      const char escape = text_[pos_++];
      switch (escape) {
      case '"':
      case '\\':
      case '/':
        if (out != nullptr) {
          *out += escape;
        }
        break;
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        if (out != nullptr) {
          *out += ' ';
        }
        break;
      case 'u':
        for (int k = 0; k < 4; ++k) {
          if (atEnd() || std::isxdigit(static_cast<unsigned char>(text_[pos_])) == 0) {
            return fail("bad \\u escape");
          }
          ++pos_;
        }
        if (out != nullptr) {
          *out += '?'; // command names are ASCII: an escaped character never matches one
        }
        break;
      default: return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }

  bool number(std::optional<double>* out) {
    const std::size_t start = pos_;
    if (peek() == '-') {
      ++pos_;
    }
    if (peek() == '0') {
      ++pos_;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') {
        ++pos_;
      }
    } else {
      return fail("bad number");
    }
    if (peek() == '.') {
      ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) {
        return fail("bad number");
      }
      while (peek() >= '0' && peek() <= '9') {
        ++pos_;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') {
        ++pos_;
      }
      if (!(peek() >= '0' && peek() <= '9')) {
        return fail("bad number");
      }
      while (peek() >= '0' && peek() <= '9') {
        ++pos_;
      }
    }
    if (out != nullptr) {
      const std::string digits(text_.substr(start, pos_ - start));
      *out = std::strtod(digits.c_str(), nullptr);
    }
    return true;
  }

  // Any value; `depth` counts the containers around it.
  bool value(int depth) {
    skipSpace();
    switch (peek()) {
    case '{': return object(depth + 1, false);
    case '[': return array(depth + 1);
    case '"': return string(nullptr);
    case 't': return literal("true");
    case 'f': return literal("false");
    case 'n': return literal("null");
    default: return number(nullptr);
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) {
      return fail("nesting too deep");
    }
    ++pos_;
    skipSpace();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      if (!value(depth)) {
        return false;
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return fail("expected , or ]");
    }
  }

  // The top-level object records the members the protocol knows.
  bool object(int depth, bool topLevel) {
    if (depth > kMaxDepth) {
      return fail("nesting too deep");
    }
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
      if (!string(&name)) {
        return false;
      }
      skipSpace();
      if (peek() != ':') {
        return fail("expected :");
      }
      ++pos_;
      skipSpace();
      if (topLevel && name == "cmd" && peek() == '"') {
        cmd.emplace();
        if (!string(&*cmd)) {
          return false;
        }
      } else if (topLevel && name == "level" && peek() == '"') {
        level.emplace();
        if (!string(&*level)) {
          return false;
        }
      } else if (topLevel && name == "interval_ms" && (peek() == '-' || (peek() >= '0' && peek() <= '9'))) {
        if (!number(&intervalMs)) {
          return false;
        }
      } else {
        if (topLevel && name == "cmd") {
          cmdNotString = true;
        }
        if (topLevel && name == "interval_ms") {
          intervalNotNumber = true;
        }
        if (!value(depth)) {
          return false;
        }
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return fail("expected , or }");
    }
  }

  std::optional<std::string> cmd;
  std::optional<double> intervalMs;
  std::optional<std::string> level;
  bool cmdNotString = false;
  bool intervalNotNumber = false;

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

ParsedRequest failure(std::string code, std::string message) {
  ParsedRequest result;
  result.errorCode = std::move(code);
  result.errorMessage = std::move(message);
  return result;
}

} // namespace

ParsedRequest parseRequest(std::string_view line) {
  Reader reader(line);
  reader.skipSpace();
  if (reader.atEnd()) {
    return failure("malformed-json", "empty line");
  }
  if (reader.peek() != '{') {
    if (!reader.value(0)) {
      return failure("malformed-json", reader.error);
    }
    return failure("not-an-object", "a request is a JSON object");
  }
  if (!reader.object(1, true)) {
    return failure("malformed-json", reader.error);
  }
  reader.skipSpace();
  if (!reader.atEnd()) {
    return failure("malformed-json", "trailing characters after the object");
  }
  if (!reader.cmd) {
    return failure("missing-cmd", reader.cmdNotString ? "\"cmd\" must be a string" : "no \"cmd\" member");
  }
  ParsedRequest result;
  for (const CommandName& entry : kCommands) {
    if (entry.name == *reader.cmd) {
      result.command = entry.command;
      result.ok = true;
    }
  }
  if (!result.ok) {
    return failure("unknown-cmd", "unknown command \"" + *reader.cmd + "\"");
  }
  if (result.command == Command::Subscribe) {
    const std::string range = "interval_ms must be an integer from " + std::to_string(kMinIntervalMs) + " to " +
                              std::to_string(kMaxIntervalMs);
    if (!reader.intervalMs || reader.intervalNotNumber) {
      return failure("bad-interval", range);
    }
    const double interval = *reader.intervalMs;
    if (std::floor(interval) != interval || interval < static_cast<double>(kMinIntervalMs) ||
        interval > static_cast<double>(kMaxIntervalMs)) {
      return failure("bad-interval", range);
    }
    result.intervalMs = static_cast<std::int64_t>(interval);
  }
  if (result.command == Command::SetLogLevel) {
    const auto known = std::find_if(kLevels.begin(), kLevels.end(), [&](const LevelName& entry) {
      return reader.level && entry.name == *reader.level;
    });
    if (known == kLevels.end()) {
      return failure("bad-level", "level must be one of off, error, warn, info, debug");
    }
    result.level = known->level;
    result.levelName = known->name;
  }
  return result;
}

std::string_view logLevelName(log::Level level) {
  for (const LevelName& entry : kLevels) {
    if (entry.level == level) {
      return entry.name;
    }
  }
  return "off";
}

} // namespace vgpu::telemetry

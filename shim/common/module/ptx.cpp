// Kernels and globals of PTX text, for modules that carry only PTX (JIT). A kernel is an `.entry`
// at module scope; its parameters `.param [.align A] .type [.ptr .space [.align P]] name[N]` are
// laid out as the driver lays out the parameter buffer: each at the next multiple of its alignment
// (the explicit .align, else the type's size). Globals are module-scope `.global` and `.const`
// declarations. `.target sm_XX` gives the architecture.
#include "vgpu/module/cubin.h"

#include "ptx_tokens.h"

#include <charconv>

namespace vgpu::module {
namespace {

using detail::PtxToken;
using Result = ParseResult<CubinInfo>;

struct TypeSize {
  std::string_view name;
  std::uint32_t size;
};
constexpr TypeSize kTypes[] = {
    {".b8", 1},  {".u8", 1},    {".s8", 1},     {".pred", 1},       {".b16", 2},     {".u16", 2},
    {".s16", 2}, {".f16", 2},   {".bf16", 2},   {".b32", 4},        {".u32", 4},     {".s32", 4},
    {".f32", 4}, {".f16x2", 4}, {".bf16x2", 4}, {".b64", 8},        {".u64", 8},     {".s64", 8},
    {".f64", 8}, {".b128", 16}, {".texref", 8}, {".samplerref", 8}, {".surfref", 8},
};
constexpr std::uint32_t kMaxParamBuffer = 32768;

std::optional<std::uint32_t> typeSize(std::string_view token) {
  for (const TypeSize& type : kTypes) {
    if (type.name == token) {
      return type.size;
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> number(std::string_view token) {
  std::uint64_t value = 0;
  int base = 10;
  if (token.starts_with("0x") || token.starts_with("0X")) {
    token.remove_prefix(2);
    base = 16;
  }
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value, base);
  if (error != std::errc() || end != token.data() + token.size()) {
    return std::nullopt;
  }
  return value;
}

class PtxParser {
public:
  explicit PtxParser(const std::vector<PtxToken>& tokens) : tokens_(tokens) {}

  Result parse() {
    int braces = 0;
    int parens = 0;
    while (pos_ < tokens_.size()) {
      const std::string_view t = tokens_[pos_].text;
      if (t == "{") {
        ++braces;
      } else if (t == "}") {
        --braces;
        if (braces < 0) {
          return fail("unbalanced '}'");
        }
        kernelBody_ = kernelBody_ && braces > 0;
      } else if (t == "(") {
        ++parens;
      } else if (t == ")") {
        --parens;
      } else if (braces > 0 && t == ".shared" && kernelBody_ && tokens_[pos_ - 1].text != ".extern") {
        if (std::string problem = readShared(); !problem.empty()) {
          return fail(problem);
        }
        continue;
      } else if (braces == 0 && parens == 0) {
        if (t == ".target") {
          readTarget();
        } else if (t == ".entry") {
          ++pos_;
          if (std::string problem = readEntry(); !problem.empty()) {
            return fail(problem);
          }
          continue;
        } else if ((t == ".global" || t == ".const") && !(pos_ > 0 && tokens_[pos_ - 1].text == ".extern")) {
          if (std::string problem = readGlobal(t == ".const"); !problem.empty()) {
            return fail(problem);
          }
          continue;
        }
      }
      ++pos_;
    }
    if (braces != 0) {
      return Result::failure(ParseErrorKind::Malformed, "PTX: unbalanced braces at the end of the text");
    }
    return Result::success(std::move(info_));
  }

private:
  std::string_view peek(std::size_t ahead = 0) const {
    return pos_ + ahead < tokens_.size() ? tokens_[pos_ + ahead].text : std::string_view();
  }
  std::size_t line() const {
    return pos_ < tokens_.size() ? tokens_[pos_].line : tokens_.empty() ? 0 : tokens_.back().line;
  }
  Result fail(const std::string& what) const {
    return Result::failure(ParseErrorKind::Malformed, "PTX line " + std::to_string(line()) + ": " + what);
  }

  void readTarget() {
    const std::string_view target = peek(1);
    if (target.starts_with("sm_") || target.starts_with("compute_")) {
      const std::string_view digits = target.substr(target.find('_') + 1);
      std::uint64_t value = 0;
      std::from_chars(digits.data(), digits.data() + digits.size(), value); // "90a" reads as 90
      info_.arch = static_cast<int>(value);
    }
  }

  // `[N]` suffixes after a name (several for multi-dimensional arrays); count is their product.
  std::string readDimensions(std::uint64_t& count) {
    count = 1;
    while (peek() == "[") {
      const auto n = number(peek(1));
      if (!n || peek(2) != "]") {
        return "array dimension '" + std::string(peek(1)) + "' is not a number in brackets";
      }
      count *= *n;
      if (*n == 0 || count > (std::uint64_t{1} << 40)) {
        return "array dimension " + std::string(peek(1)) + " is zero or too large";
      }
      pos_ += 3;
    }
    return {};
  }

  // Reads `.align N` at pos_ if present.
  std::string readAlign(std::optional<std::uint32_t>& align) {
    if (peek() != ".align") {
      return {};
    }
    const auto n = number(peek(1));
    if (!n || *n == 0 || *n > 4096 || (*n & (*n - 1)) != 0) {
      return "'.align " + std::string(peek(1)) + "' is not a power of two up to 4096";
    }
    align = static_cast<std::uint32_t>(*n);
    pos_ += 2;
    return {};
  }

  std::string readParam(KernelInfo& kernel, std::uint32_t& end) {
    if (peek() != ".param") {
      return "expected '.param' in the parameter list of " + kernel.name + ", found '" + std::string(peek()) + "'";
    }
    ++pos_;
    std::optional<std::uint32_t> align;
    if (std::string problem = readAlign(align); !problem.empty()) {
      return problem;
    }
    const auto elementSize = typeSize(peek());
    if (!elementSize) {
      return "unknown parameter type '" + std::string(peek()) + "' in " + kernel.name;
    }
    ++pos_;
    if (std::string problem = readAlign(align); !problem.empty()) { // `.param .b8 .align 8 x[24]` also occurs
      return problem;
    }
    if (peek() == ".ptr") { // pointee attributes: state space and alignment of what it points to
      ++pos_;
      while (peek().starts_with(".") && peek() != ".align") {
        ++pos_;
      }
      std::optional<std::uint32_t> pointee;
      if (std::string problem = readAlign(pointee); !problem.empty()) {
        return problem;
      }
    }
    ++pos_; // the parameter's name
    std::uint64_t count = 1;
    if (std::string problem = readDimensions(count); !problem.empty()) {
      return problem;
    }
    const std::uint64_t size = count * *elementSize;
    const std::uint32_t alignment = align.value_or(*elementSize);
    const std::uint64_t offset = (std::uint64_t{end} + alignment - 1) / alignment * alignment;
    if (offset + size > kMaxParamBuffer) {
      return "parameters of " + kernel.name + " exceed " + std::to_string(kMaxParamBuffer) + " bytes";
    }
    kernel.params.push_back({static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(size)});
    end = static_cast<std::uint32_t>(offset + size);
    return {};
  }

  std::string readEntry() {
    KernelInfo kernel;
    if (pos_ >= tokens_.size() || peek() == "(" || peek() == "{") {
      return "'.entry' without a name";
    }
    kernel.name = std::string(peek());
    ++pos_;
    std::uint32_t end = 0;
    if (peek() == "(") {
      ++pos_;
      while (peek() != ")") {
        if (std::string problem = readParam(kernel, end); !problem.empty()) {
          return problem;
        }
        if (peek() == ",") {
          ++pos_;
        } else if (peek() != ")") {
          return "expected ',' or ')' after a parameter of " + kernel.name + ", found '" + std::string(peek()) + "'";
        }
      }
      ++pos_;
    }
    kernel.paramBufferSize = end;
    // Performance directives up to the body: .maxntid x[, y[, z]] gives the block-size limit.
    while (pos_ < tokens_.size() && peek() != "{" && peek() != ";") {
      if (peek() == ".maxntid" || peek() == ".reqntid") {
        ++pos_;
        std::uint64_t product = 1;
        while (const auto n = number(peek())) {
          product *= *n;
          ++pos_;
          if (peek() != ",") {
            break;
          }
          ++pos_;
        }
        if (product > 0 && product <= 0xffffffffu) {
          kernel.maxThreadsPerBlock = static_cast<std::uint32_t>(product);
        }
        continue;
      }
      ++pos_;
    }
    info_.kernels.push_back(std::move(kernel));
    kernelBody_ = peek() == "{";
    sharedEnd_ = 0;
    return {};
  }

  // `.shared [.align N] [.v2|.v4] .type name[dims];` inside a kernel body: its static shared memory.
  std::string readShared() {
    ++pos_;
    std::optional<std::uint32_t> align;
    if (std::string problem = readAlign(align); !problem.empty()) {
      return problem;
    }
    std::uint64_t vector = 1;
    if (peek() == ".v2" || peek() == ".v4") {
      vector = peek() == ".v2" ? 2 : 4;
      ++pos_;
    }
    const auto elementSize = typeSize(peek());
    if (!elementSize) {
      return "unknown type '" + std::string(peek()) + "' of a .shared variable";
    }
    pos_ += 2; // type and name
    std::uint64_t count = 1;
    if (std::string problem = readDimensions(count); !problem.empty()) {
      return problem;
    }
    const std::uint64_t alignment = align.value_or(static_cast<std::uint32_t>(vector * *elementSize));
    sharedEnd_ = (sharedEnd_ + alignment - 1) / alignment * alignment + count * vector * *elementSize;
    info_.kernels.back().staticSharedSize =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(sharedEnd_, 0xffffffffu));
    return {};
  }

  // `.global|.const [.align N] [.v2|.v4] .type name[dims] [= ...];` at module scope.
  std::string readGlobal(bool constant) {
    ++pos_;
    std::optional<std::uint32_t> align;
    if (std::string problem = readAlign(align); !problem.empty()) {
      return problem;
    }
    std::uint64_t vector = 1;
    if (peek() == ".v2" || peek() == ".v4") {
      vector = peek() == ".v2" ? 2 : 4;
      ++pos_;
    }
    const auto elementSize = typeSize(peek());
    if (elementSize) {
      ++pos_;
      const std::string_view name = peek();
      ++pos_;
      std::uint64_t count = 1;
      if (std::string problem = readDimensions(count); !problem.empty()) {
        return problem;
      }
      info_.globals.push_back({std::string(name), count * vector * *elementSize, constant});
    }
    while (pos_ < tokens_.size() && peek() != ";") { // initializers, or a declaration we do not size
      ++pos_;
    }
    return {};
  }

  const std::vector<PtxToken>& tokens_;
  std::size_t pos_ = 0;
  CubinInfo info_;
  bool kernelBody_ = false;     // inside the body of the last .entry
  std::uint64_t sharedEnd_ = 0; // static shared bytes declared in that body so far
};

} // namespace

ParseResult<CubinInfo> parsePtx(std::span<const std::uint8_t> text) {
  std::vector<PtxToken> tokens;
  std::size_t errorLine = 0;
  if (!detail::tokenizePtx(text, tokens, errorLine)) {
    return Result::failure(ParseErrorKind::Malformed,
                           "PTX line " + std::to_string(errorLine) +
                               ": unterminated comment or string, or a byte that is not PTX");
  }
  return PtxParser(tokens).parse();
}

} // namespace vgpu::module

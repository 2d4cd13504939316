// Zstd decompression through the system's libzstd.so.1 (Debian's libzstd1, which dpkg itself
// needs, so it is present wherever the shim runs). Loaded with dlopen at the first Zstd entry, not
// linked: the shims may not add NEEDED libraries. The four functions used are libzstd's stable ABI.
#include "vgpu/module/decompress.h"

#include "byte_reader.h"

#include <dlfcn.h>

namespace vgpu::module {
namespace {

struct ZstdApi {
  using Decompress = std::size_t (*)(void*, std::size_t, const void*, std::size_t);
  using IsError = unsigned (*)(std::size_t);
  using ErrorName = const char* (*)(std::size_t);
  using FrameContentSize = unsigned long long (*)(const void*, std::size_t);
  Decompress decompress = nullptr;
  IsError isError = nullptr;
  ErrorName errorName = nullptr;
  FrameContentSize frameContentSize = nullptr;
  bool loaded() const { return decompress && isError && errorName && frameContentSize; }
};

template <typename F> F lookup(void* library, const char* name) {
  // POSIX guarantees object and function pointers convert through dlsym's void*.
  return reinterpret_cast<F>(dlsym(library, name));
}

const ZstdApi& zstd() {
  static const ZstdApi api = [] {
    ZstdApi result;
    void* library = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      return result;
    }
    result.decompress = lookup<ZstdApi::Decompress>(library, "ZSTD_decompress");
    result.isError = lookup<ZstdApi::IsError>(library, "ZSTD_isError");
    result.errorName = lookup<ZstdApi::ErrorName>(library, "ZSTD_getErrorName");
    result.frameContentSize = lookup<ZstdApi::FrameContentSize>(library, "ZSTD_getFrameContentSize");
    return result; // the library stays loaded for the life of the process
  }();
  return api;
}

using Bytes = std::vector<std::uint8_t>;
constexpr unsigned long long kContentSizeUnknown = ~0ULL;
constexpr unsigned long long kContentSizeError = ~0ULL - 1;

} // namespace

bool zstdAvailable() {
  return zstd().loaded();
}

ParseResult<Bytes> decodeZstdFrame(std::span<const std::uint8_t> src, std::size_t expectedSize) {
  const ZstdApi& api = zstd();
  if (!api.loaded()) {
    return ParseResult<Bytes>::failure(ParseErrorKind::Unsupported,
                                       "unsupported compression: Zstd entry, and libzstd.so.1 cannot be loaded");
  }
  const unsigned long long declared = api.frameContentSize(src.data(), src.size());
  if (declared == kContentSizeError) {
    return ParseResult<Bytes>::failure(ParseErrorKind::Malformed, "Zstd frame: invalid frame header");
  }
  if (declared != kContentSizeUnknown && declared != expectedSize) {
    return ParseResult<Bytes>::failure(ParseErrorKind::Malformed, "Zstd frame: declares " + std::to_string(declared) +
                                                                      " bytes, the entry header " +
                                                                      std::to_string(expectedSize));
  }
  Bytes out(expectedSize);
  // The output capacity is exactly the expected size: libzstd fails rather than write past it.
  const std::size_t produced = api.decompress(out.data(), out.size(), src.data(), src.size());
  if (api.isError(produced)) {
    return ParseResult<Bytes>::failure(ParseErrorKind::Malformed,
                                       std::string("Zstd frame: ") + api.errorName(produced));
  }
  if (produced != expectedSize) {
    return ParseResult<Bytes>::failure(ParseErrorKind::Malformed, "Zstd frame: produced " + std::to_string(produced) +
                                                                      " bytes, expected " +
                                                                      std::to_string(expectedSize));
  }
  return ParseResult<Bytes>::success(std::move(out));
}

} // namespace vgpu::module

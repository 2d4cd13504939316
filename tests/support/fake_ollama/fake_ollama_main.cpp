// A stand-in for the `ollama` binary of the fake installation. It records its version the way a Go
// build of Ollama does: `-X=github.com/ollama/ollama/version.Version=<v>` in the -ldflags setting
// of the Go build information (section .go.buildinfo, magic "\xff Go buildinf:", inline strings),
// so the controller can read the version without running the binary. `--version` answers like
// Ollama for tools that do run it.
#include <array>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace {

constexpr std::string_view kGoVersion = "go1.24.1";
constexpr std::string_view kModuleInfo =
    "path\tgithub.com/ollama/ollama\n"
    "mod\tgithub.com/ollama/ollama\t(devel)\t\n"
    "build\t-buildmode=pie\n"
    "build\t-compiler=gc\n"
    "build\t-ldflags=\"-w -s -X=github.com/ollama/ollama/version.Version=" FAKE_OLLAMA_VERSION
    " -X=github.com/ollama/ollama/server.mode=release\"\n"
    "build\tCGO_ENABLED=1\n"
    "build\tGOARCH=amd64\n"
    "build\tGOOS=linux\n"
    "build\tGOAMD64=v1\n";
// Go frames the module info with these 16-byte sentinels (cmd/go/internal/modload).
constexpr std::array<unsigned char, 16> kInfoStart{0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
                                                   0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6};
constexpr std::array<unsigned char, 16> kInfoEnd{0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
                                                 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2};
constexpr std::size_t kFramedSize = kInfoStart.size() + kModuleInfo.size() + kInfoEnd.size();

constexpr std::size_t uvarintSize(std::size_t value) {
  std::size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

constexpr std::size_t kBlobSize =
    32 + uvarintSize(kGoVersion.size()) + kGoVersion.size() + uvarintSize(kFramedSize) + kFramedSize;

constexpr std::array<unsigned char, kBlobSize> makeBuildInfo() {
  std::array<unsigned char, kBlobSize> blob{};
  constexpr std::string_view magic = "\xff Go buildinf:";
  std::size_t at = 0;
  for (const char c : magic) {
    blob[at++] = static_cast<unsigned char>(c);
  }
  blob[at++] = 8; // pointer size
  blob[at++] = 2; // flags: strings inline, little endian
  at = 32;
  const auto putUvarint = [&](std::size_t value) {
    while (value >= 0x80) {
      blob[at++] = static_cast<unsigned char>((value & 0x7fU) | 0x80U);
      value >>= 7;
    }
    blob[at++] = static_cast<unsigned char>(value);
  };
  putUvarint(kGoVersion.size());
  for (const char c : kGoVersion) {
    blob[at++] = static_cast<unsigned char>(c);
  }
  putUvarint(kFramedSize);
  for (const unsigned char c : kInfoStart) {
    blob[at++] = c;
  }
  for (const char c : kModuleInfo) {
    blob[at++] = static_cast<unsigned char>(c);
  }
  for (const unsigned char c : kInfoEnd) {
    blob[at++] = c;
  }
  return blob;
}

alignas(16) __attribute__((section(".go.buildinfo"),
                           used)) const std::array<unsigned char, kBlobSize> kBuildInfo = makeBuildInfo();

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-v") == 0)) {
    std::printf("ollama version is %s\n", FAKE_OLLAMA_VERSION);
    return 0;
  }
  std::fprintf(stderr, "fake ollama (vgpu tests): only --version is implemented\n");
  return 1;
}

// Decompression of fatbin entries. LZ4 (nvcc -compress-mode=speed) is decoded by our own
// bounds-checked block decoder; Zstd (nvcc's default since CUDA 13) by the system's libzstd.so.1,
// loaded with dlopen on first use so the shim gains no NEEDED entry. Both refuse to produce more
// than the expected size, which the caller caps at kMaxDecompressedSize.
#pragma once

#include "vgpu/module/parse_result.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vgpu::module {

// Decodes one raw LZ4 block (no frame header) that must expand to exactly expectedSize bytes.
ParseResult<std::vector<std::uint8_t>> decodeLz4Block(std::span<const std::uint8_t> src, std::size_t expectedSize);

// Decodes one Zstd frame that must expand to exactly expectedSize bytes. Unsupported when
// libzstd.so.1 cannot be loaded.
ParseResult<std::vector<std::uint8_t>> decodeZstdFrame(std::span<const std::uint8_t> src, std::size_t expectedSize);

// Whether decodeZstdFrame can work in this process (libzstd.so.1 loadable).
bool zstdAvailable();

} // namespace vgpu::module

// A texture object as an executor makes one (cuTexObjectCreate), and the rules the driver
// documents for it that need no device limits, checked in one place: by the driver layer (which
// also checks the device's limits and that the memory is the context's) and by vgpud on what a
// client sends. A texture's memory is always device memory here: linear, pitched 2D, or a CUDA
// array, which the driver layer keeps as pitched device memory (cuda_arrays.h) and describes by
// its extents, flags and pitch.
#pragma once

#include <cuda.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace vgpu::cuda {

// Texture and surface objects one executor keeps at once (each holds a descriptor in the GPU's
// driver); past it creation answers CUDA_ERROR_OUT_OF_MEMORY.
inline constexpr std::size_t kMaxTextureObjects = 65536;

struct TextureDescription {
  std::uint32_t resourceType = CU_RESOURCE_TYPE_LINEAR; // ARRAY, LINEAR or PITCH2D
  CUdeviceptr address = 0;
  std::uint32_t format = 0; // CUarray_format
  std::uint32_t channels = 0;
  std::uint64_t width = 0;  // linear: bytes; pitch2D and arrays: elements
  std::uint64_t height = 0; // pitch2D: rows; arrays: Height (0 for 1D)
  std::uint64_t depth = 0;  // arrays: Depth or layers (0 for 1D and 2D)
  std::uint64_t pitch = 0;  // pitch2D and arrays: bytes from one row to the next
  std::uint32_t arrayFlags = 0;
  // How it is sampled: CUDA_TEXTURE_DESC's fields.
  std::array<std::uint32_t, 3> addressMode{};
  std::uint32_t filterMode = 0;
  std::uint32_t flags = 0;
  std::uint32_t maxAnisotropy = 0;
  std::uint32_t mipmapFilterMode = 0;
  float mipmapLevelBias = 0;
  float minMipmapLevelClamp = 0;
  float maxMipmapLevelClamp = 0;
  std::array<float, 4> borderColor{};
  // A resource view (arrays only): its format (CU_RES_VIEW_FORMAT_NONE when none) and layers.
  bool hasView = false;
  std::uint32_t viewFormat = 0;
  std::uint32_t firstLayer = 0;
  std::uint32_t lastLayer = 0;
  bool operator==(const TextureDescription&) const = default;
};

// Bytes of one element of `format` with `channels` channels; 0 where the format is unknown, not
// built (block-compressed and video formats) or fixes a channel count that differs.
std::size_t formatElementBytes(std::uint32_t format, std::uint32_t channels);

// True when the description's view reads its array as it is (no view, CU_RES_VIEW_FORMAT_NONE, or
// the view format that is the array's own format and channels): an executor that keeps arrays as
// pitched memory can honour only those.
bool viewIsIdentity(const TextureDescription& description);

// CUDA_SUCCESS when the description keeps the rules above, else CUDA_ERROR_INVALID_VALUE.
CUresult checkTexture(const TextureDescription& description);

// The bytes from `address` a checked description's texture may read (UINT64_MAX, which no memory
// holds, for extents whose size does not fit in 64 bits).
std::uint64_t textureFootprint(const TextureDescription& description);

// The description from the application's structures; the resource's memory is filled in by the
// caller (an array's handle means nothing to an executor).
void describeSampling(const CUDA_TEXTURE_DESC& texture, TextureDescription& out);

} // namespace vgpu::cuda

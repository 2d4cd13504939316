// The rules of a texture object that need no device limits (texture_description.h).
#include "backend/texture_description.h"

namespace vgpu::cuda {

namespace {

constexpr std::uint32_t kKnownTextureFlags = CU_TRSF_READ_AS_INTEGER | CU_TRSF_NORMALIZED_COORDINATES | CU_TRSF_SRGB |
                                             CU_TRSF_DISABLE_TRILINEAR_OPTIMIZATION | CU_TRSF_SEAMLESS_CUBEMAP;

bool multiplyFits(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

// The bytes from the address a texture may read; false where that does not fit in 64 bits (a
// hostile peer's extents), so a range check can never see a wrapped size.
bool footprintFits(const TextureDescription& d, std::uint64_t& out) {
  const std::uint64_t element = formatElementBytes(d.format, d.channels);
  std::uint64_t rows = 0;
  std::uint64_t row = 0;
  switch (d.resourceType) {
  case CU_RESOURCE_TYPE_LINEAR: out = d.width; return true;
  case CU_RESOURCE_TYPE_PITCH2D:
    return d.height != 0 && multiplyFits(d.pitch, d.height - 1, rows) && multiplyFits(d.width, element, row) &&
           !__builtin_add_overflow(rows, row, &out);
  default:
    return multiplyFits(d.pitch, d.height == 0 ? 1 : d.height, rows) &&
           multiplyFits(rows, d.depth == 0 ? 1 : d.depth, out);
  }
}

} // namespace

std::size_t formatElementBytes(std::uint32_t format, std::uint32_t channels) {
  const auto plain = [channels](std::size_t bytes) -> std::size_t {
    return channels == 1 || channels == 2 || channels == 4 ? bytes * channels : 0;
  };
  const auto fixed = [channels](std::uint32_t own, std::size_t bytes) -> std::size_t {
    return channels == own ? bytes * own : 0;
  };
  switch (format) {
  case CU_AD_FORMAT_UNSIGNED_INT8:
  case CU_AD_FORMAT_SIGNED_INT8: return plain(1);
  case CU_AD_FORMAT_UNSIGNED_INT16:
  case CU_AD_FORMAT_SIGNED_INT16:
  case CU_AD_FORMAT_HALF: return plain(2);
  case CU_AD_FORMAT_UNSIGNED_INT32:
  case CU_AD_FORMAT_SIGNED_INT32:
  case CU_AD_FORMAT_FLOAT: return plain(4);
  case CU_AD_FORMAT_UNORM_INT8X1:
  case CU_AD_FORMAT_SNORM_INT8X1: return fixed(1, 1);
  case CU_AD_FORMAT_UNORM_INT8X2:
  case CU_AD_FORMAT_SNORM_INT8X2: return fixed(2, 1);
  case CU_AD_FORMAT_UNORM_INT8X4:
  case CU_AD_FORMAT_SNORM_INT8X4: return fixed(4, 1);
  case CU_AD_FORMAT_UNORM_INT16X1:
  case CU_AD_FORMAT_SNORM_INT16X1: return fixed(1, 2);
  case CU_AD_FORMAT_UNORM_INT16X2:
  case CU_AD_FORMAT_SNORM_INT16X2: return fixed(2, 2);
  case CU_AD_FORMAT_UNORM_INT16X4:
  case CU_AD_FORMAT_SNORM_INT16X4: return fixed(4, 2);
  default: return 0;
  }
}

CUresult checkTexture(const TextureDescription& d) {
  const std::size_t element = formatElementBytes(d.format, d.channels);
  if (element == 0 || d.address == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::uint64_t rowBytes = 0;
  switch (d.resourceType) {
  case CU_RESOURCE_TYPE_LINEAR:
    if (d.width < element || d.height != 0 || d.depth != 0 || d.pitch != 0 || d.arrayFlags != 0) {
      return CUDA_ERROR_INVALID_VALUE; // not even one element
    }
    break;
  case CU_RESOURCE_TYPE_PITCH2D:
    if (d.width == 0 || d.height == 0 || d.depth != 0 || d.arrayFlags != 0 ||
        !multiplyFits(d.width, element, rowBytes) || rowBytes > d.pitch) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    break;
  case CU_RESOURCE_TYPE_ARRAY:
    if (d.width == 0 || !multiplyFits(d.width, element, rowBytes) || rowBytes > d.pitch ||
        (d.arrayFlags & ~std::uint32_t{CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_SURFACE_LDST | CUDA_ARRAY3D_CUBEMAP |
                                       CUDA_ARRAY3D_TEXTURE_GATHER}) != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    break;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
  if (std::uint64_t footprint = 0; !footprintFits(d, footprint)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (const std::uint32_t mode : d.addressMode) {
    if (mode > CU_TR_ADDRESS_MODE_BORDER) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  if (d.filterMode > CU_TR_FILTER_MODE_LINEAR || d.mipmapFilterMode > CU_TR_FILTER_MODE_LINEAR ||
      (d.flags & ~kKnownTextureFlags) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // "This flag can only be specified if the underlying resource is a CUDA array ... created with
  // the flag CUDA_ARRAY3D_CUBEMAP."
  if ((d.flags & CU_TRSF_SEAMLESS_CUBEMAP) != 0 &&
      (d.resourceType != CU_RESOURCE_TYPE_ARRAY || (d.arrayFlags & CUDA_ARRAY3D_CUBEMAP) == 0)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (d.hasView) {
    // Views are of arrays; layers only where the array has them, within its depth.
    const bool layered = (d.arrayFlags & (CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_CUBEMAP)) != 0;
    if (d.resourceType != CU_RESOURCE_TYPE_ARRAY || d.firstLayer > d.lastLayer ||
        (layered ? d.lastLayer >= d.depth : d.lastLayer != 0)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  return CUDA_SUCCESS;
}

bool viewIsIdentity(const TextureDescription& d) {
  if (!d.hasView || d.viewFormat == CU_RES_VIEW_FORMAT_NONE) {
    return true;
  }
  // The view formats come in threes (1, 2 and 4 channels) per component type, in this order.
  std::uint32_t first = 0;
  switch (d.format) {
  case CU_AD_FORMAT_UNSIGNED_INT8: first = CU_RES_VIEW_FORMAT_UINT_1X8; break;
  case CU_AD_FORMAT_SIGNED_INT8: first = CU_RES_VIEW_FORMAT_SINT_1X8; break;
  case CU_AD_FORMAT_UNSIGNED_INT16: first = CU_RES_VIEW_FORMAT_UINT_1X16; break;
  case CU_AD_FORMAT_SIGNED_INT16: first = CU_RES_VIEW_FORMAT_SINT_1X16; break;
  case CU_AD_FORMAT_UNSIGNED_INT32: first = CU_RES_VIEW_FORMAT_UINT_1X32; break;
  case CU_AD_FORMAT_SIGNED_INT32: first = CU_RES_VIEW_FORMAT_SINT_1X32; break;
  case CU_AD_FORMAT_HALF: first = CU_RES_VIEW_FORMAT_FLOAT_1X16; break;
  case CU_AD_FORMAT_FLOAT: first = CU_RES_VIEW_FORMAT_FLOAT_1X32; break;
  default: return false;
  }
  const std::uint32_t index = d.channels == 1 ? 0 : d.channels == 2 ? 1 : 2;
  return d.viewFormat == first + index;
}

std::uint64_t textureFootprint(const TextureDescription& d) {
  std::uint64_t footprint = 0;
  return footprintFits(d, footprint) ? footprint : UINT64_MAX;
}

void describeSampling(const CUDA_TEXTURE_DESC& texture, TextureDescription& out) {
  for (std::size_t i = 0; i < out.addressMode.size(); ++i) {
    out.addressMode[i] = static_cast<std::uint32_t>(texture.addressMode[i]);
  }
  out.filterMode = static_cast<std::uint32_t>(texture.filterMode);
  out.flags = texture.flags;
  out.maxAnisotropy = texture.maxAnisotropy;
  out.mipmapFilterMode = static_cast<std::uint32_t>(texture.mipmapFilterMode);
  out.mipmapLevelBias = texture.mipmapLevelBias;
  out.minMipmapLevelClamp = texture.minMipmapLevelClamp;
  out.maxMipmapLevelClamp = texture.maxMipmapLevelClamp;
  for (std::size_t i = 0; i < out.borderColor.size(); ++i) {
    out.borderColor[i] = texture.borderColor[i];
  }
}

} // namespace vgpu::cuda

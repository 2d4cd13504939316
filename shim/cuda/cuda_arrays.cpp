// CUDA arrays as pitched device memory (cuda_arrays.h): their rules and where a copy meets one.
#include "cuda_arrays.h"

#include "backend/texture_description.h"
#include "entry_common.h"

#include "vgpu/device/device_discovery.h"
#include "vgpu/log.h"

#include <atomic>

namespace vgpu::cuda {

namespace {

CUresult notBuilt(const char* what) {
  static std::atomic<bool> reported{false};
  if (!reported.exchange(true)) {
    vgpu::log::writef(vgpu::log::Level::Warn, "driver",
                      "CUDA arrays: %s are not supported by vgpu (CUDA_ERROR_NOT_SUPPORTED); 1D, 2D, 3D, layered and "
                      "cubemap arrays of the integer, half, float and normalized formats are",
                      what);
  }
  return CUDA_ERROR_NOT_SUPPORTED;
}

bool within(std::size_t value, std::size_t maximum) {
  return value >= 1 && value <= maximum;
}

constexpr unsigned kBuiltFlags =
    CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_SURFACE_LDST | CUDA_ARRAY3D_CUBEMAP | CUDA_ARRAY3D_TEXTURE_GATHER;
constexpr unsigned kKnownFlags = kBuiltFlags | CUDA_ARRAY3D_DEPTH_TEXTURE | CUDA_ARRAY3D_COLOR_ATTACHMENT |
                                 CUDA_ARRAY3D_SPARSE | CUDA_ARRAY3D_DEFERRED_MAPPING | CUDA_ARRAY3D_VIDEO_ENCODE_DECODE;

// The extents cuArray3DCreate's table allows: texture limits always, surface limits as well with
// CUDA_ARRAY3D_SURFACE_LDST.
bool extentsFit(const DeviceRecord& d, const CUDA_ARRAY3D_DESCRIPTOR& a) {
  const bool layered = (a.Flags & CUDA_ARRAY3D_LAYERED) != 0;
  const bool surface = (a.Flags & CUDA_ARRAY3D_SURFACE_LDST) != 0;
  const std::size_t w = a.Width, h = a.Height, depth = a.Depth;
  if ((a.Flags & CUDA_ARRAY3D_CUBEMAP) != 0) {
    if (w != h || depth == 0 || (layered ? depth % 6 != 0 : depth != 6)) {
      return false;
    }
    if (layered) {
      return within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURECUBEMAP_LAYERED_WIDTH)) &&
             within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURECUBEMAP_LAYERED_LAYERS)) &&
             (!surface ||
              (within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACECUBEMAP_LAYERED_WIDTH)) &&
               within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACECUBEMAP_LAYERED_LAYERS))));
    }
    return within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURECUBEMAP_WIDTH)) &&
           (!surface || within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACECUBEMAP_WIDTH)));
  }
  if (layered) {
    if (h == 0) { // 1D layered
      return within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE1D_LAYERED_WIDTH)) &&
             within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE1D_LAYERED_LAYERS)) &&
             (!surface || (within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE1D_LAYERED_WIDTH)) &&
                           within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE1D_LAYERED_LAYERS))));
    }
    return within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_LAYERED_WIDTH)) &&
           within(h, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_LAYERED_HEIGHT)) &&
           within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_LAYERED_LAYERS)) &&
           (!surface || (within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE2D_LAYERED_WIDTH)) &&
                         within(h, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE2D_LAYERED_HEIGHT)) &&
                         within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE2D_LAYERED_LAYERS))));
  }
  if (depth != 0) { // 3D: the usual extents or the alternate ones
    const bool usual = within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE3D_WIDTH)) &&
                       within(h, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE3D_HEIGHT)) &&
                       within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE3D_DEPTH));
    const bool alternate = within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE3D_WIDTH_ALTERNATE)) &&
                           within(h, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE3D_HEIGHT_ALTERNATE)) &&
                           within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE3D_DEPTH_ALTERNATE));
    return (usual || alternate) &&
           (!surface || (within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE3D_WIDTH)) &&
                         within(h, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE3D_HEIGHT)) &&
                         within(depth, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE3D_DEPTH))));
  }
  if (h == 0) { // 1D
    return within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE1D_WIDTH)) &&
           (!surface || within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE1D_WIDTH)));
  }
  const bool gather = (a.Flags & CUDA_ARRAY3D_TEXTURE_GATHER) != 0;
  return within(w, presentedLimit(d, gather ? CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_GATHER_WIDTH
                                            : CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_WIDTH)) &&
         within(h, presentedLimit(d, gather ? CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_GATHER_HEIGHT
                                            : CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_HEIGHT)) &&
         (!surface || (within(w, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE2D_WIDTH)) &&
                       within(h, presentedLimit(d, CU_DEVICE_ATTRIBUTE_MAXIMUM_SURFACE2D_HEIGHT))));
}

} // namespace

CUresult checkArrayDescriptor(const DeviceRecord& device, const CUDA_ARRAY3D_DESCRIPTOR& a) {
  if ((a.Flags & ~kKnownFlags) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if ((a.Flags & ~kBuiltFlags) != 0) {
    return notBuilt("sparse, deferred-mapping, depth, color-attachment and video arrays");
  }
  if (formatElementBytes(a.Format, a.NumChannels) == 0) {
    const bool known = a.Format == CU_AD_FORMAT_NV12 || (a.Format >= CU_AD_FORMAT_BC1_UNORM && a.Format <= 0xb5) ||
                       a.Format == CU_AD_FORMAT_UNORM_INT_101010_2;
    return known ? notBuilt("block-compressed, packed and video formats") : CUDA_ERROR_INVALID_VALUE;
  }
  const bool twoDimensional = a.Height != 0 && a.Depth == 0;
  const bool layeredOrCube = (a.Flags & (CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_CUBEMAP)) != 0;
  if ((a.Flags & CUDA_ARRAY3D_TEXTURE_GATHER) != 0 && (!twoDimensional || layeredOrCube)) {
    return CUDA_ERROR_INVALID_VALUE; // "Texture gather can only be performed on 2D CUDA arrays"
  }
  if (a.Height == 0 && a.Depth != 0 && (a.Flags & CUDA_ARRAY3D_LAYERED) == 0) {
    return CUDA_ERROR_INVALID_VALUE; // a 3D array has rows
  }
  return extentsFit(device, a) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult findArray(CUarray handle, CUarray_st*& out) {
  out = handle == nullptr ? nullptr : state().arrays.find(handle);
  return out == nullptr ? CUDA_ERROR_INVALID_HANDLE : CUDA_SUCCESS;
}

CUresult copySideEndpoint(const CopySide& side, std::size_t widthBytes, std::size_t height, std::size_t depth,
                          std::size_t slice, CopyEndpoint& out) {
  if (side.type != CU_MEMORYTYPE_ARRAY) {
    // Pointer sides: the row and slice offsets are the description's own pitches.
    const std::size_t offset = (side.z + slice) * side.height * side.pitch + side.y * side.pitch + side.xBytes;
    CUresult status = CUDA_SUCCESS;
    out = endpointFor(side.type, side.host, side.device, side.pitch, offset, 0, status);
    return status;
  }
  CUarray_st* array = nullptr;
  if (const CUresult status = findArray(side.array, array); status != CUDA_SUCCESS) {
    return status;
  }
  const std::size_t rowBytes = array->descriptor.Width * array->elementBytes;
  if (side.xBytes % array->elementBytes != 0 || side.xBytes > rowBytes || widthBytes > rowBytes - side.xBytes ||
      side.y > array->rows || height > array->rows - side.y || side.z > array->slices ||
      depth > array->slices - side.z) {
    return CUDA_ERROR_INVALID_VALUE; // the box leaves the array
  }
  out = deviceEndpoint(array->memory + ((side.z + slice) * array->rows + side.y) * array->pitch + side.xBytes,
                       array->pitch);
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda

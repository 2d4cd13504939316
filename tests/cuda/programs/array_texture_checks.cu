// CUDA arrays, texture objects and surface objects through NVIDIA's CUDA runtime and the driver
// API: arrays of every kind made and described, copies into, out of and between them (2D, 3D,
// sub-boxes, 1D byte copies, a captured copy), what they count against the device's memory, and
// the documented refusals; texture objects over arrays, pitched and linear memory with their
// descriptors given back; surface objects. Kernels that sample a texture and write a surface check
// the values where kernels run. Where the executor cannot make surfaces (vgpud's GPU needs real
// CUDA arrays for them) the surface checks say "skip ... not offered here".
// Prints "pass <check>" / "fail <check> <detail>" (check_report.h).
#include "check_report.h"

#include <cstdio>
#include <cstring>
#include <cuda.h>
#include <cuda_runtime.h>
#include <vector>

namespace {

constexpr int kWidth = 64;
constexpr int kHeight = 32;

std::vector<float> pattern(int count, float base) {
  std::vector<float> values(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    values[static_cast<size_t>(i)] = base + static_cast<float>(i);
  }
  return values;
}

__global__ void sample(cudaTextureObject_t texture, float* out, int width, int height) {
  const int x = static_cast<int>(threadIdx.x + blockIdx.x * blockDim.x);
  const int y = static_cast<int>(blockIdx.y);
  if (x < width && y < height) {
    out[y * width + x] = tex2D<float>(texture, static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f);
  }
}

__global__ void fetchLinear(cudaTextureObject_t texture, float* out, int count) {
  const int i = static_cast<int>(threadIdx.x + blockIdx.x * blockDim.x);
  if (i < count) {
    out[i] = tex1Dfetch<float>(texture, i);
  }
}

__global__ void writeSurface(cudaSurfaceObject_t surface, int width, int height) {
  const int x = static_cast<int>(threadIdx.x + blockIdx.x * blockDim.x);
  const int y = static_cast<int>(blockIdx.y);
  if (x < width && y < height) {
    surf2Dwrite(static_cast<float>(y * 1000 + x), surface, x * static_cast<int>(sizeof(float)), y);
  }
}

void arrays() {
  const cudaChannelFormatDesc floats = cudaCreateChannelDesc<float>();
  size_t freeBefore = 0, total = 0;
  cudaMemGetInfo(&freeBefore, &total);
  cudaArray_t array = nullptr;
  if (!check::ok(cudaMallocArray(&array, &floats, kWidth, kHeight), "malloc-array")) {
    return;
  }
  size_t freeAfter = 0;
  cudaMemGetInfo(&freeAfter, &total);
  check::report(freeBefore - freeAfter >= size_t{kWidth} * kHeight * sizeof(float), "array-counts-against-memory");

  cudaChannelFormatDesc described{};
  cudaExtent extent{};
  unsigned flags = 99;
  check::report(cudaArrayGetInfo(&described, &extent, &flags, array) == cudaSuccess && described.x == 32 &&
                    described.f == cudaChannelFormatKindFloat && extent.width == kWidth && extent.height == kHeight &&
                    extent.depth == 0 && flags == 0,
                "array-get-info");

  const std::vector<float> in = pattern(kWidth * kHeight, 1.0f);
  std::vector<float> out(in.size(), -1.0f);
  const size_t row = kWidth * sizeof(float);
  check::report(cudaMemcpy2DToArray(array, 0, 0, in.data(), row, row, kHeight, cudaMemcpyHostToDevice) == cudaSuccess &&
                    cudaMemcpy2DFromArray(out.data(), row, array, 0, 0, row, kHeight, cudaMemcpyDeviceToHost) ==
                        cudaSuccess &&
                    out == in,
                "array-2d-round-trip");

  // A 16 x 8 box at element (8, 4): only the box changes.
  const std::vector<float> box = pattern(16 * 8, 5000.0f);
  std::vector<float> expected = in;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 16; ++x) {
      expected[static_cast<size_t>((4 + y) * kWidth + 8 + x)] = box[static_cast<size_t>(y * 16 + x)];
    }
  }
  check::report(cudaMemcpy2DToArray(array, 8 * sizeof(float), 4, box.data(), 16 * sizeof(float), 16 * sizeof(float), 8,
                                    cudaMemcpyHostToDevice) == cudaSuccess &&
                    cudaMemcpy2DFromArray(out.data(), row, array, 0, 0, row, kHeight, cudaMemcpyDeviceToHost) ==
                        cudaSuccess &&
                    out == expected,
                "array-2d-sub-box");

  check::report(cudaMemcpy2DToArray(array, 60 * sizeof(float), 0, box.data(), 16 * sizeof(float), 16 * sizeof(float), 1,
                                    cudaMemcpyHostToDevice) == cudaErrorInvalidValue,
                "array-box-past-row-refused");
  check::report(cudaMemcpy2DToArray(array, 0, 30, box.data(), 16 * sizeof(float), 16 * sizeof(float), 8,
                                    cudaMemcpyHostToDevice) == cudaErrorInvalidValue,
                "array-box-past-rows-refused");
  check::report(cudaMemcpy2DToArray(array, 2, 0, box.data(), 16 * sizeof(float), 16 * sizeof(float), 1,
                                    cudaMemcpyHostToDevice) == cudaErrorInvalidValue,
                "array-x-not-element-aligned-refused");
  check::report(cudaMemcpy2DFromArray(out.data(), row, array, 0, 0, row, kHeight, cudaMemcpyDeviceToHost) ==
                        cudaSuccess &&
                    out == expected,
                "array-refused-copies-changed-nothing");

  // Array to array, and through device memory.
  cudaArray_t second = nullptr;
  float* device = nullptr;
  size_t pitch = 0;
  std::fill(out.begin(), out.end(), -1.0f);
  check::report(
      cudaMallocArray(&second, &floats, kWidth, kHeight) == cudaSuccess &&
          cudaMemcpy2DArrayToArray(second, 0, 0, array, 0, 0, row, kHeight, cudaMemcpyDeviceToDevice) == cudaSuccess &&
          cudaMallocPitch(&device, &pitch, row, kHeight) == cudaSuccess &&
          cudaMemcpy2DFromArray(device, pitch, second, 0, 0, row, kHeight, cudaMemcpyDeviceToDevice) == cudaSuccess &&
          cudaMemcpy2D(out.data(), row, device, pitch, row, kHeight, cudaMemcpyDeviceToHost) == cudaSuccess &&
          out == expected,
      "array-to-array-and-device");

  // A copy into an array captured into a graph arrives when the graph runs.
  float* pinned = nullptr;
  if (!check::ok(cudaMallocHost(&pinned, in.size() * sizeof(float)), "pinned")) {
    return;
  }
  std::memcpy(pinned, in.data(), in.size() * sizeof(float));
  cudaStream_t stream = nullptr;
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  std::fill(out.begin(), out.end(), -1.0f);
  check::report(
      cudaStreamCreate(&stream) == cudaSuccess &&
          cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal) == cudaSuccess &&
          cudaMemcpy2DToArrayAsync(second, 0, 0, pinned, row, row, kHeight, cudaMemcpyHostToDevice, stream) ==
              cudaSuccess &&
          cudaStreamEndCapture(stream, &graph) == cudaSuccess && cudaGraphInstantiate(&exec, graph, 0) == cudaSuccess &&
          cudaGraphLaunch(exec, stream) == cudaSuccess && cudaStreamSynchronize(stream) == cudaSuccess &&
          cudaMemcpy2DFromArray(out.data(), row, second, 0, 0, row, kHeight, cudaMemcpyDeviceToHost) == cudaSuccess &&
          out == in,
      "array-copy-captured");
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  cudaStreamDestroy(stream);
  cudaFreeHost(pinned);
  cudaFree(device);
  cudaFreeArray(second);
  check::report(cudaFreeArray(array) == cudaSuccess, "free-array");
  size_t freeEnd = 0;
  cudaMemGetInfo(&freeEnd, &total);
  // Exact where the device is simulated; a GPU's driver may keep a little for itself.
  check::report(check::simulated() ? freeEnd == freeBefore : freeEnd + (2u << 20) >= freeBefore,
                "freed-array-memory-returned");
}

void arrays3D() {
  const cudaChannelFormatDesc ints = cudaCreateChannelDesc<int>();
  cudaArray_t volume = nullptr;
  const cudaExtent extent = make_cudaExtent(16, 8, 4);
  if (!check::ok(cudaMalloc3DArray(&volume, &ints, extent), "malloc-3d-array")) {
    return;
  }
  std::vector<int> in(16 * 8 * 4), out(in.size(), -1);
  for (size_t i = 0; i < in.size(); ++i) {
    in[i] = static_cast<int>(i * 3);
  }
  cudaMemcpy3DParms up{};
  up.srcPtr = make_cudaPitchedPtr(in.data(), 16 * sizeof(int), 16, 8);
  up.dstArray = volume;
  up.extent = extent;
  up.kind = cudaMemcpyHostToDevice;
  cudaMemcpy3DParms down{};
  down.srcArray = volume;
  down.dstPtr = make_cudaPitchedPtr(out.data(), 16 * sizeof(int), 16, 8);
  down.extent = extent;
  down.kind = cudaMemcpyDeviceToHost;
  check::report(cudaMemcpy3D(&up) == cudaSuccess && cudaMemcpy3D(&down) == cudaSuccess && out == in,
                "array-3d-round-trip");

  // Slices 1 and 2 only, from the host volume's slices 2 and 3.
  std::vector<int> expected = in;
  for (size_t z = 1; z < 3; ++z) {
    for (size_t i = 0; i < 16 * 8; ++i) {
      expected[z * 128 + i] = in[(z + 1) * 128 + i];
    }
  }
  cudaMemcpy3DParms part = up;
  part.srcPos = make_cudaPos(0, 0, 2);
  part.dstPos = make_cudaPos(0, 0, 1);
  part.extent = make_cudaExtent(16, 8, 2);
  check::report(cudaMemcpy3D(&part) == cudaSuccess && cudaMemcpy3D(&down) == cudaSuccess && out == expected,
                "array-3d-slices-at-offsets");
  part.dstPos = make_cudaPos(0, 0, 3);
  check::report(cudaMemcpy3D(&part) == cudaErrorInvalidValue, "array-3d-past-depth-refused");
  cudaFreeArray(volume);

  cudaArray_t layered = nullptr;
  unsigned flags = 0;
  cudaExtent got{};
  cudaChannelFormatDesc described{};
  check::report(cudaMalloc3DArray(&layered, &ints, make_cudaExtent(16, 8, 3), cudaArrayLayered) == cudaSuccess &&
                    cudaArrayGetInfo(&described, &got, &flags, layered) == cudaSuccess && flags == cudaArrayLayered &&
                    got.depth == 3,
                "array-layered");
  cudaFreeArray(layered);
  cudaArray_t cube = nullptr;
  check::report(cudaMalloc3DArray(&cube, &ints, make_cudaExtent(16, 16, 6), cudaArrayCubemap) == cudaSuccess,
                "array-cubemap");
  cudaFreeArray(cube);
}

void arrayRefusals() {
  CUDA_ARRAY3D_DESCRIPTOR d{};
  d.Format = CU_AD_FORMAT_FLOAT;
  d.NumChannels = 1;
  d.Width = 16;
  d.Height = 16;
  CUarray array = nullptr;
  auto create = [&](const CUDA_ARRAY3D_DESCRIPTOR& description) {
    CUarray made = nullptr;
    const CUresult status = cuArray3DCreate(&made, &description);
    if (status == CUDA_SUCCESS) {
      cuArrayDestroy(made);
    }
    return status;
  };
  CUDA_ARRAY3D_DESCRIPTOR bad = d;
  bad.Width = 0;
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-width-0-refused");
  bad = d;
  bad.NumChannels = 3;
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-3-channels-refused");
  bad = d;
  bad.Format = static_cast<CUarray_format>(0x7f);
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-unknown-format-refused");
  bad = d;
  bad.Format = CU_AD_FORMAT_UNORM_INT8X2;
  bad.NumChannels = 1;
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-normalized-format-channels-refused");
  bad.NumChannels = 2;
  check::report(create(bad) == CUDA_SUCCESS, "array-normalized-format");
  int widthLimit = 0;
  cuDeviceGetAttribute(&widthLimit, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_WIDTH, 0);
  bad = d;
  bad.Width = static_cast<size_t>(widthLimit) + 1;
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-past-2d-width-refused");
  bad = d;
  bad.Depth = 4;
  bad.Flags = CUDA_ARRAY3D_TEXTURE_GATHER;
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-gather-3d-refused");
  bad = d;
  bad.Width = 16;
  bad.Height = 8;
  bad.Depth = 6;
  bad.Flags = CUDA_ARRAY3D_CUBEMAP;
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-cubemap-not-square-refused");
  bad = d;
  bad.Height = 0;
  bad.Depth = 4;
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-3d-without-rows-refused");
  bad = d;
  bad.Flags = 0x4000;
  check::report(create(bad) == CUDA_ERROR_INVALID_VALUE, "array-unknown-flag-refused");
  bad = d;
  bad.Flags = CUDA_ARRAY3D_SPARSE;
  const CUresult sparse = create(bad);
  check::report(sparse == CUDA_ERROR_NOT_SUPPORTED || sparse == CUDA_SUCCESS, "array-sparse-not-built-or-made");

  // 1D arrays with the byte copies of the driver API.
  CUDA_ARRAY_DESCRIPTOR line{};
  line.Format = CU_AD_FORMAT_UNSIGNED_INT8;
  line.NumChannels = 4;
  line.Width = 256;
  if (!check::ok(cuArrayCreate(&array, &line), "array-1d")) {
    return;
  }
  CUDA_ARRAY_DESCRIPTOR back{};
  check::report(cuArrayGetDescriptor(&back, array) == CUDA_SUCCESS && back.Width == 256 && back.Height == 0 &&
                    back.NumChannels == 4 && back.Format == CU_AD_FORMAT_UNSIGNED_INT8,
                "array-1d-descriptor");
  std::vector<unsigned char> bytes(1024), got(1024, 0);
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<unsigned char>(i * 7);
  }
  CUdeviceptr device = 0;
  check::report(cuMemcpyHtoA(array, 0, bytes.data(), 1024) == CUDA_SUCCESS &&
                    cuMemAlloc(&device, 512) == CUDA_SUCCESS && cuMemcpyAtoD(device, array, 256, 512) == CUDA_SUCCESS &&
                    cuMemcpyDtoA(array, 0, device, 512) == CUDA_SUCCESS &&
                    cuMemcpyAtoH(got.data(), array, 0, 1024) == CUDA_SUCCESS &&
                    std::memcmp(got.data(), bytes.data() + 256, 512) == 0 &&
                    std::memcmp(got.data() + 512, bytes.data() + 512, 512) == 0,
                "array-1d-byte-copies");
  check::report(cuMemcpyHtoA(array, 1000, bytes.data(), 100) == CUDA_ERROR_INVALID_VALUE, "array-1d-past-end-refused");
  cuMemFree(device);
  check::report(cuArrayDestroy(array) == CUDA_SUCCESS && cuArrayDestroy(array) == CUDA_ERROR_INVALID_HANDLE,
                "array-destroy-twice-refused");
  check::report(cuMemcpyHtoA(array, 0, bytes.data(), 4) == CUDA_ERROR_INVALID_HANDLE, "array-destroyed-refused");
}

void textures() {
  const cudaChannelFormatDesc floats = cudaCreateChannelDesc<float>();
  cudaArray_t array = nullptr;
  const std::vector<float> in = pattern(kWidth * kHeight, 0.0f);
  const size_t row = kWidth * sizeof(float);
  if (!check::ok(cudaMallocArray(&array, &floats, kWidth, kHeight), "texture-array") ||
      !check::ok(cudaMemcpy2DToArray(array, 0, 0, in.data(), row, row, kHeight, cudaMemcpyHostToDevice),
                 "texture-array-fill")) {
    return;
  }
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = array;
  cudaTextureDesc texture{};
  texture.addressMode[0] = cudaAddressModeClamp;
  texture.addressMode[1] = cudaAddressModeClamp;
  texture.filterMode = cudaFilterModePoint;
  texture.readMode = cudaReadModeElementType;
  cudaTextureObject_t object = 0;
  if (!check::ok(cudaCreateTextureObject(&object, &resource, &texture, nullptr), "texture-on-array")) {
    return;
  }
  check::report(true, "texture-on-array");
  cudaResourceDesc gotResource{};
  cudaTextureDesc gotTexture{};
  cudaResourceViewDesc gotView{};
  check::report(cudaGetTextureObjectResourceDesc(&gotResource, object) == cudaSuccess &&
                    gotResource.resType == cudaResourceTypeArray && gotResource.res.array.array == array,
                "texture-resource-desc");
  check::report(cudaGetTextureObjectTextureDesc(&gotTexture, object) == cudaSuccess &&
                    gotTexture.filterMode == cudaFilterModePoint && gotTexture.addressMode[1] == cudaAddressModeClamp,
                "texture-texture-desc");
  check::report(cudaGetTextureObjectResourceViewDesc(&gotView, object) != cudaSuccess, "texture-no-view-refused");

  float* out = nullptr;
  std::vector<float> sampled(in.size(), -1.0f);
  if (check::ok(cudaMalloc(&out, in.size() * sizeof(float)), "texture-out")) {
    sample<<<dim3(1, kHeight), kWidth>>>(object, out, kWidth, kHeight);
    const bool ran = cudaDeviceSynchronize() == cudaSuccess &&
                     cudaMemcpy(sampled.data(), out, in.size() * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess;
    check::result("texture-sampled-in-kernel", ran && sampled == in, "the kernel did not read the array's values");
  }
  check::report(cudaDestroyTextureObject(object) == cudaSuccess, "texture-destroy");
  check::report(cudaDestroyTextureObject(object) != cudaSuccess, "texture-destroy-twice-refused");

  // A view with the array's own extents.
  cudaResourceViewDesc view{};
  view.format = cudaResViewFormatFloat1;
  view.width = kWidth;
  view.height = kHeight;
  check::report(cudaCreateTextureObject(&object, &resource, &texture, &view) == cudaSuccess &&
                    cudaGetTextureObjectResourceViewDesc(&gotView, object) == cudaSuccess &&
                    gotView.format == cudaResViewFormatFloat1 && gotView.width == kWidth &&
                    cudaDestroyTextureObject(object) == cudaSuccess,
                "texture-view");
  view.width = kWidth / 2;
  check::report(cudaCreateTextureObject(&object, &resource, &texture, &view) == cudaErrorInvalidValue,
                "texture-view-other-extent-refused");
  cudaTextureDesc seamless = texture;
  seamless.seamlessCubemap = 1;
  check::report(cudaCreateTextureObject(&object, &resource, &seamless, nullptr) == cudaErrorInvalidValue,
                "texture-seamless-cubemap-on-2d-refused");

  // Pitched and linear device memory.
  float* pitched = nullptr;
  size_t pitch = 0;
  if (check::ok(cudaMallocPitch(&pitched, &pitch, row, kHeight), "texture-pitched-memory") &&
      check::ok(cudaMemcpy2D(pitched, pitch, in.data(), row, row, kHeight, cudaMemcpyHostToDevice),
                "texture-pitched-fill")) {
    cudaResourceDesc p{};
    p.resType = cudaResourceTypePitch2D;
    p.res.pitch2D.devPtr = pitched;
    p.res.pitch2D.desc = floats;
    p.res.pitch2D.width = kWidth;
    p.res.pitch2D.height = kHeight;
    p.res.pitch2D.pitchInBytes = pitch;
    const bool made = cudaCreateTextureObject(&object, &p, &texture, nullptr) == cudaSuccess;
    check::report(made, "texture-on-pitched");
    if (made && out != nullptr) {
      std::fill(sampled.begin(), sampled.end(), -1.0f);
      sample<<<dim3(1, kHeight), kWidth>>>(object, out, kWidth, kHeight);
      const bool ran =
          cudaDeviceSynchronize() == cudaSuccess &&
          cudaMemcpy(sampled.data(), out, in.size() * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess;
      check::result("texture-pitched-sampled-in-kernel", ran && sampled == in, "the kernel did not read the memory");
      cudaDestroyTextureObject(object);
    }
    cudaResourceDesc bad = p;
    bad.res.pitch2D.devPtr = pitched + 1;
    check::report(cudaCreateTextureObject(&object, &bad, &texture, nullptr) == cudaErrorInvalidValue,
                  "texture-pitched-misaligned-refused");
    bad = p;
    bad.res.pitch2D.pitchInBytes = pitch + 4;
    check::report(cudaCreateTextureObject(&object, &bad, &texture, nullptr) == cudaErrorInvalidValue,
                  "texture-pitch-not-aligned-refused");
    bad = p;
    bad.res.pitch2D.height = kHeight * 64;
    check::report(cudaCreateTextureObject(&object, &bad, &texture, nullptr) == cudaErrorInvalidValue,
                  "texture-past-allocation-refused");
    cudaFree(pitched);
  }
  float* linear = nullptr;
  if (check::ok(cudaMalloc(&linear, in.size() * sizeof(float)), "texture-linear-memory") &&
      check::ok(cudaMemcpy(linear, in.data(), in.size() * sizeof(float), cudaMemcpyHostToDevice),
                "texture-linear-fill")) {
    cudaResourceDesc l{};
    l.resType = cudaResourceTypeLinear;
    l.res.linear.devPtr = linear;
    l.res.linear.desc = floats;
    l.res.linear.sizeInBytes = in.size() * sizeof(float);
    const bool made = cudaCreateTextureObject(&object, &l, &texture, nullptr) == cudaSuccess;
    check::report(made, "texture-on-linear");
    if (made && out != nullptr) {
      std::fill(sampled.begin(), sampled.end(), -1.0f);
      fetchLinear<<<static_cast<unsigned>(in.size() / 256), 256>>>(object, out, static_cast<int>(in.size()));
      const bool ran =
          cudaDeviceSynchronize() == cudaSuccess &&
          cudaMemcpy(sampled.data(), out, in.size() * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess;
      check::result("texture-linear-fetched-in-kernel", ran && sampled == in, "the kernel did not read the memory");
      cudaDestroyTextureObject(object);
    }
    cudaResourceViewDesc anyView{};
    anyView.format = cudaResViewFormatFloat1;
    anyView.width = in.size();
    check::report(cudaCreateTextureObject(&object, &l, &texture, &anyView) == cudaErrorInvalidValue,
                  "texture-view-on-linear-refused");
    std::vector<float> host(16);
    cudaResourceDesc onHost = l;
    onHost.res.linear.devPtr = host.data();
    onHost.res.linear.sizeInBytes = host.size() * sizeof(float);
    check::report(cudaCreateTextureObject(&object, &onHost, &texture, nullptr) == cudaErrorInvalidValue,
                  "texture-on-host-memory-refused");
    cudaFree(linear);
  }
  cudaFree(out);
  cudaFreeArray(array);
}

void surfaces() {
  const cudaChannelFormatDesc floats = cudaCreateChannelDesc<float>();
  cudaArray_t plain = nullptr;
  cudaArray_t writable = nullptr;
  if (!check::ok(cudaMallocArray(&plain, &floats, kWidth, kHeight), "surface-plain-array") ||
      !check::ok(cudaMallocArray(&writable, &floats, kWidth, kHeight, cudaArraySurfaceLoadStore), "surface-array")) {
    return;
  }
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = plain;
  cudaSurfaceObject_t surface = 0;
  check::report(cudaCreateSurfaceObject(&surface, &resource) == cudaErrorInvalidValue,
                "surface-without-load-store-refused");
  resource.res.array.array = writable;
  const cudaError_t made = cudaCreateSurfaceObject(&surface, &resource);
  if (made == cudaErrorNotSupported) {
    check::skip("surface-object", "not offered here");
  } else if (check::ok(made, "surface-object")) {
    check::report(true, "surface-object");
    cudaResourceDesc got{};
    check::report(cudaGetSurfaceObjectResourceDesc(&got, surface) == cudaSuccess && got.res.array.array == writable,
                  "surface-resource-desc");
    writeSurface<<<dim3(1, kHeight), kWidth>>>(surface, kWidth, kHeight);
    std::vector<float> out(kWidth * kHeight, -1.0f);
    const size_t row = kWidth * sizeof(float);
    const bool ran =
        cudaDeviceSynchronize() == cudaSuccess &&
        cudaMemcpy2DFromArray(out.data(), row, writable, 0, 0, row, kHeight, cudaMemcpyDeviceToHost) == cudaSuccess;
    bool same = ran;
    for (int y = 0; y < kHeight && same; ++y) {
      for (int x = 0; x < kWidth && same; ++x) {
        same = out[static_cast<size_t>(y * kWidth + x)] == static_cast<float>(y * 1000 + x);
      }
    }
    check::result("surface-written-in-kernel", same, "the kernel's writes are not in the array");
    check::report(cudaDestroySurfaceObject(surface) == cudaSuccess, "surface-destroy");
  }
  cudaFreeArray(plain);
  cudaFreeArray(writable);
}

} // namespace

// Mipmapped arrays: the levels (clamped to what the extents allow, each half the one before), a
// level's copies and textures as an array's, the memory they take and give back; the documented
// refusals of what only sparse, deferred-mapping or multi-planar arrays have. A texture over the
// whole mipmapped array is the GPU driver's natively; where it is not offered it says so.
void mipmaps() {
  const cudaChannelFormatDesc floats = cudaCreateChannelDesc<float>();
  size_t freeBefore = 0;
  size_t total = 0;
  cudaMemGetInfo(&freeBefore, &total);
  cudaMipmappedArray_t mipmap = nullptr;
  if (!check::ok(cudaMallocMipmappedArray(&mipmap, &floats, make_cudaExtent(64, 32, 0), 10), "mipmap-create")) {
    return;
  }
  check::report(true, "mipmap-create");
  size_t freeAfter = 0;
  cudaMemGetInfo(&freeAfter, &total);
  // Levels 64x32, 32x16, ... down to 1x1: at least the bytes of every level.
  check::report(freeBefore - freeAfter >= (64 * 32 + 32 * 16 + 16 * 8 + 8 * 4 + 4 * 2 + 2 * 1 + 1) * sizeof(float),
                "mipmap-counts-against-memory");
  cudaArray_t levels[7] = {};
  bool every = true;
  for (unsigned level = 0; level < 7; ++level) {
    every = every && cudaGetMipmappedArrayLevel(&levels[level], mipmap, level) == cudaSuccess;
  }
  cudaArray_t past = nullptr;
  check::report(every && cudaGetMipmappedArrayLevel(&past, mipmap, 7) != cudaSuccess, "mipmap-levels-clamped");
  cudaGetLastError();
  cudaChannelFormatDesc described{};
  cudaExtent extent{};
  unsigned flags = 0;
  check::report(cudaArrayGetInfo(&described, &extent, &flags, levels[2]) == cudaSuccess && extent.width == 16 &&
                    extent.height == 8 && described.x == 32,
                "mipmap-level-extents");
  check::report(cudaArrayGetInfo(&described, &extent, &flags, levels[6]) == cudaSuccess && extent.width == 1 &&
                    extent.height == 1,
                "mipmap-last-level-1x1");
  const std::vector<float> in = pattern(32 * 16, 5.0f);
  std::vector<float> out(in.size(), 0.0f);
  check::report(cudaMemcpy2DToArray(levels[1], 0, 0, in.data(), 32 * sizeof(float), 32 * sizeof(float), 16,
                                    cudaMemcpyHostToDevice) == cudaSuccess &&
                    cudaMemcpy2DFromArray(out.data(), 32 * sizeof(float), levels[1], 0, 0, 32 * sizeof(float), 16,
                                          cudaMemcpyDeviceToHost) == cudaSuccess &&
                    out == in,
                "mipmap-level-round-trip");

  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = levels[1];
  cudaTextureDesc texture{};
  texture.readMode = cudaReadModeElementType;
  cudaTextureObject_t object = 0;
  check::report(cudaCreateTextureObject(&object, &resource, &texture, nullptr) == cudaSuccess &&
                    cudaDestroyTextureObject(object) == cudaSuccess,
                "mipmap-level-texture");
  cudaResourceDesc whole{};
  whole.resType = cudaResourceTypeMipmappedArray;
  whole.res.mipmap.mipmap = mipmap;
  texture.mipmapFilterMode = cudaFilterModePoint;
  texture.maxMipmapLevelClamp = 6.0f;
  const cudaError_t made = cudaCreateTextureObject(&object, &whole, &texture, nullptr);
  if (made == cudaErrorNotSupported) {
    cudaGetLastError();
    check::skip("mipmap-texture", "not offered here");
  } else if (check::ok(made, "mipmap-texture")) {
    check::report(cudaDestroyTextureObject(object) == cudaSuccess, "mipmap-texture");
  }

  // Documented for arrays without CUDA_ARRAY3D_SPARSE, _DEFERRED_MAPPING or a multi-planar format.
  CUDA_ARRAY_SPARSE_PROPERTIES sparse{};
  CUDA_ARRAY_MEMORY_REQUIREMENTS requirements{};
  CUarray plane = nullptr;
  const auto driverMipmap = reinterpret_cast<CUmipmappedArray>(mipmap);
  const auto driverLevel = reinterpret_cast<CUarray>(levels[0]);
  check::report(cuMipmappedArrayGetSparseProperties(&sparse, driverMipmap) == CUDA_ERROR_INVALID_VALUE &&
                    cuArrayGetSparseProperties(&sparse, driverLevel) == CUDA_ERROR_INVALID_VALUE,
                "sparse-properties-of-plain-refused");
  check::report(cuMipmappedArrayGetMemoryRequirements(&requirements, driverMipmap, 0) == CUDA_ERROR_INVALID_VALUE &&
                    cuArrayGetMemoryRequirements(&requirements, driverLevel, 0) == CUDA_ERROR_INVALID_VALUE,
                "memory-requirements-of-mapped-refused");
  check::report(cuArrayGetPlane(&plane, driverLevel, 0) == CUDA_ERROR_INVALID_VALUE, "plane-of-single-plane-refused");

  check::report(cudaFreeMipmappedArray(mipmap) == cudaSuccess, "mipmap-free");
  size_t freeEnd = 0;
  cudaMemGetInfo(&freeEnd, &total);
  check::report(check::simulated() ? freeEnd == freeBefore : freeEnd + (2u << 20) >= freeBefore,
                "mipmap-memory-returned");
}

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device")) {
    return check::finish();
  }
  arrays();
  arrays3D();
  arrayRefusals();
  textures();
  surfaces();
  mipmaps();
  return check::finish();
}

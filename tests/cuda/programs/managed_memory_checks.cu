// Managed memory and the Unified Memory hints through NVIDIA's CUDA 13 runtime: cudaMemPrefetchAsync
// (to a device and to the host, whole and in part, and the batch form), cudaMemAdvise (read-mostly,
// preferred location, accessed-by), what cudaMemRangeGetAttribute(s) reports back for whole ranges
// and parts of them, cudaStreamAttachMemAsync, the data unchanged by all of it, and the driver's
// refusals (memory that is not managed, a device that does not exist, a wrong data size, flags).
// The host and the executor share the bytes (through vgpud over a Unix socket too, where managed
// memory is a memfd both map at one address). Where the executor offers no managed memory (vgpud
// over TCP or vsock), the hints on device memory are still refused as the driver refuses them. Prints "pass <check>" /
// "fail <check> <detail>" (check_report.h).
#include "check_report.h"

#include <cstdio>
#include <cstring>
#include <cuda_runtime.h>
#include <vector>

namespace {

constexpr size_t kPage = 4096;
constexpr size_t kBytes = 8 * kPage;

cudaMemLocation device0() {
  cudaMemLocation location{};
  location.type = cudaMemLocationTypeDevice;
  location.id = 0;
  return location;
}

cudaMemLocation host() {
  cudaMemLocation location{};
  location.type = cudaMemLocationTypeHost;
  return location;
}

int intAttribute(cudaMemRangeAttribute attribute, const void* pointer, size_t bytes) {
  int value = -100;
  if (cudaMemRangeGetAttribute(&value, sizeof value, attribute, pointer, bytes) != cudaSuccess) {
    return -100;
  }
  return value;
}

void prefetches(unsigned char* managed, cudaStream_t stream) {
  check::report(intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed, kBytes) == cudaInvalidDeviceId,
                "never-prefetched-invalid");
  check::report(cudaMemPrefetchAsync(managed, kBytes, device0(), 0, stream) == cudaSuccess &&
                    cudaStreamSynchronize(stream) == cudaSuccess,
                "prefetch-to-device");
  check::report(intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed, kBytes) == 0, "last-prefetch-device");
  cudaMemLocationType type = cudaMemLocationTypeInvalid;
  int id = -100;
  check::report(cudaMemRangeGetAttribute(&type, sizeof type, cudaMemRangeAttributeLastPrefetchLocationType, managed,
                                         kBytes) == cudaSuccess &&
                    type == cudaMemLocationTypeDevice &&
                    cudaMemRangeGetAttribute(&id, sizeof id, cudaMemRangeAttributeLastPrefetchLocationId, managed,
                                             kBytes) == cudaSuccess &&
                    id == 0,
                "last-prefetch-type-and-id");
  // The first half to the host: the whole range no longer has one last location, each half has.
  check::report(cudaMemPrefetchAsync(managed, kBytes / 2, host(), 0, stream) == cudaSuccess, "prefetch-half-to-host");
  cudaStreamSynchronize(stream);
  check::report(intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed, kBytes) == cudaInvalidDeviceId &&
                    intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed, kBytes / 2) == cudaCpuDeviceId &&
                    intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed + kBytes / 2, kBytes / 2) == 0,
                "last-prefetch-per-part");
  // A part of a page counts for the whole page (ranges are rounded out to pages).
  check::report(intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed + kBytes / 2 - 1, 2) ==
                    cudaInvalidDeviceId,
                "page-rounding");
  // The batch form: two ranges, one location each.
  void* pointers[2] = {managed, managed + kBytes / 2};
  size_t sizes[2] = {kBytes / 2, kBytes / 2};
  cudaMemLocation locations[2] = {device0(), host()};
  size_t indices[2] = {0, 1};
  check::report(cudaMemPrefetchBatchAsync(pointers, sizes, 2, locations, indices, 2, 0, stream) == cudaSuccess &&
                    cudaStreamSynchronize(stream) == cudaSuccess &&
                    intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed, kBytes / 2) == 0 &&
                    intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed + kBytes / 2, kBytes / 2) ==
                        cudaCpuDeviceId,
                "prefetch-batch");
  size_t badIndices[2] = {1, 1};
  check::report(cudaMemPrefetchBatchAsync(pointers, sizes, 2, locations, badIndices, 2, 0, stream) ==
                    cudaErrorInvalidValue,
                "prefetch-batch-indices-refused");
  cudaGetLastError();
  check::report(cudaMemDiscardBatchAsync(pointers, sizes, 2, 0, stream) == cudaSuccess, "discard-batch");
}

void advice(unsigned char* managed) {
  check::report(cudaMemAdvise(managed, kBytes, cudaMemAdviseSetReadMostly, device0()) == cudaSuccess &&
                    intAttribute(cudaMemRangeAttributeReadMostly, managed, kBytes) == 1,
                "read-mostly");
  check::report(cudaMemAdvise(managed, kPage, cudaMemAdviseUnsetReadMostly, device0()) == cudaSuccess &&
                    intAttribute(cudaMemRangeAttributeReadMostly, managed, kBytes) == 0 &&
                    intAttribute(cudaMemRangeAttributeReadMostly, managed + kPage, kBytes - kPage) == 1,
                "read-mostly-per-page");
  check::report(intAttribute(cudaMemRangeAttributePreferredLocation, managed, kBytes) == cudaInvalidDeviceId,
                "no-preferred-location");
  check::report(cudaMemAdvise(managed, kBytes, cudaMemAdviseSetPreferredLocation, device0()) == cudaSuccess &&
                    intAttribute(cudaMemRangeAttributePreferredLocation, managed, kBytes) == 0,
                "preferred-device");
  check::report(cudaMemAdvise(managed, kPage, cudaMemAdviseSetPreferredLocation, host()) == cudaSuccess &&
                    intAttribute(cudaMemRangeAttributePreferredLocation, managed, kPage) == cudaCpuDeviceId &&
                    intAttribute(cudaMemRangeAttributePreferredLocation, managed, kBytes) == cudaInvalidDeviceId,
                "preferred-host-on-one-page");
  cudaMemLocationType type = cudaMemLocationTypeInvalid;
  check::report(cudaMemRangeGetAttribute(&type, sizeof type, cudaMemRangeAttributePreferredLocationType, managed,
                                         kPage) == cudaSuccess &&
                    type == cudaMemLocationTypeHost,
                "preferred-type-host");
  check::report(cudaMemAdvise(managed, kBytes, cudaMemAdviseUnsetPreferredLocation, device0()) == cudaSuccess &&
                    intAttribute(cudaMemRangeAttributePreferredLocation, managed, kBytes) == cudaInvalidDeviceId,
                "preferred-unset");
  int accessedBy[3] = {-100, -100, -100};
  check::report(cudaMemAdvise(managed, kBytes, cudaMemAdviseSetAccessedBy, device0()) == cudaSuccess &&
                    cudaMemRangeGetAttribute(accessedBy, sizeof accessedBy, cudaMemRangeAttributeAccessedBy, managed,
                                             kBytes) == cudaSuccess &&
                    accessedBy[0] == 0 && accessedBy[1] == cudaInvalidDeviceId && accessedBy[2] == cudaInvalidDeviceId,
                "accessed-by");
  check::report(cudaMemAdvise(managed, kPage, cudaMemAdviseUnsetAccessedBy, device0()) == cudaSuccess &&
                    cudaMemRangeGetAttribute(accessedBy, sizeof accessedBy, cudaMemRangeAttributeAccessedBy, managed,
                                             kBytes) == cudaSuccess &&
                    accessedBy[0] == cudaInvalidDeviceId,
                "accessed-by-needs-whole-range");
  // Several attributes in one call.
  int readMostly = -100;
  int preferred = -100;
  void* data[2] = {&readMostly, &preferred};
  size_t dataSizes[2] = {sizeof readMostly, sizeof preferred};
  cudaMemRangeAttribute attributes[2] = {cudaMemRangeAttributeReadMostly, cudaMemRangeAttributePreferredLocation};
  check::report(cudaMemRangeGetAttributes(data, dataSizes, attributes, 2, managed + kPage, kPage) == cudaSuccess &&
                    readMostly == 1 && preferred == cudaInvalidDeviceId,
                "range-get-attributes");
}

void refusals(unsigned char* managed, cudaStream_t stream) {
  int value = 0;
  check::report(cudaMemRangeGetAttribute(&value, 8, cudaMemRangeAttributeReadMostly, managed, kBytes) ==
                    cudaErrorInvalidValue,
                "attribute-size-refused");
  cudaGetLastError();
  cudaMemLocation missing = device0();
  missing.id = 7;
  check::report(cudaMemAdvise(managed, kBytes, cudaMemAdviseSetPreferredLocation, missing) == cudaErrorInvalidDevice,
                "advise-missing-device-refused");
  cudaGetLastError();
  check::report(cudaMemPrefetchAsync(managed, kBytes, device0(), 1, stream) == cudaErrorInvalidValue,
                "prefetch-flags-refused");
  cudaGetLastError();
  check::report(cudaMemPrefetchAsync(managed, kBytes + kPage, device0(), 0, stream) == cudaErrorInvalidValue,
                "prefetch-past-allocation-refused");
  cudaGetLastError();
  check::report(cudaStreamAttachMemAsync(stream, managed, 0, cudaMemAttachSingle) == cudaSuccess &&
                    cudaStreamSynchronize(stream) == cudaSuccess,
                "stream-attach-single");
  check::report(cudaStreamAttachMemAsync(stream, managed, 0, 3) == cudaErrorInvalidValue,
                "stream-attach-flags-refused");
  cudaGetLastError();
}

__global__ void incrementBytes(unsigned char* bytes) {
  const size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x;
  bytes[i] = static_cast<unsigned char>(bytes[i] + 1);
}

bool allBytes(const unsigned char* bytes, size_t count, unsigned char value) {
  for (size_t i = 0; i < count; ++i) {
    if (bytes[i] != value) {
      return false;
    }
  }
  return true;
}

// The host and the executor use the same bytes at the same address: what the host writes, a copy
// on the device reads; what the device writes (a memset, a copy, a kernel where kernels run), the
// host reads in place once the stream is done. Through vgpud the memory is shared with it.
void sameBytesBothSides(cudaStream_t stream) {
  unsigned char* managed = nullptr;
  void* device = nullptr;
  if (!check::ok(cudaMallocManaged(&managed, kBytes), "managed-shared") ||
      !check::ok(cudaMalloc(&device, kBytes), "malloc-shared")) {
    return;
  }
  cudaPointerAttributes attributes{};
  check::report(cudaPointerGetAttributes(&attributes, managed + kPage) == cudaSuccess &&
                    attributes.type == cudaMemoryTypeManaged && attributes.devicePointer == managed + kPage &&
                    attributes.hostPointer == managed + kPage,
                "managed-pointer-attributes");
  for (size_t i = 0; i < kBytes; ++i) {
    managed[i] = static_cast<unsigned char>(i * 13 + 1);
  }
  std::vector<unsigned char> back(kBytes);
  bool same = cudaMemcpyAsync(device, managed, kBytes, cudaMemcpyDefault, stream) == cudaSuccess &&
              cudaStreamSynchronize(stream) == cudaSuccess &&
              cudaMemcpy(back.data(), device, kBytes, cudaMemcpyDeviceToHost) == cudaSuccess;
  for (size_t i = 0; same && i < kBytes; ++i) {
    same = back[i] == static_cast<unsigned char>(i * 13 + 1);
  }
  check::report(same, "host-writes-device-reads");
  check::report(cudaMemsetAsync(managed, 0x5a, kBytes, stream) == cudaSuccess &&
                    cudaStreamSynchronize(stream) == cudaSuccess && allBytes(managed, kBytes, 0x5a),
                "device-memset-host-reads");
  check::report(cudaMemset(device, 0x33, kPage) == cudaSuccess &&
                    cudaMemcpy(managed + kPage, device, kPage, cudaMemcpyDefault) == cudaSuccess &&
                    allBytes(managed, kPage, 0x5a) && allBytes(managed + kPage, kPage, 0x33) &&
                    allBytes(managed + 2 * kPage, kBytes - 2 * kPage, 0x5a),
                "device-copy-host-reads");
  if (check::simulated()) {
    check::skip("kernel-writes-host-reads", "kernels do not run on the simulated device");
  } else {
    incrementBytes<<<kBytes / 256, 256, 0, stream>>>(managed);
    check::report(cudaGetLastError() == cudaSuccess && cudaStreamSynchronize(stream) == cudaSuccess &&
                      allBytes(managed, kPage, 0x5b) && allBytes(managed + kPage, kPage, 0x34),
                  "kernel-writes-host-reads");
  }
  cudaFree(device);
  cudaFree(managed);
}

// Hints on memory that is not managed: refused as the driver refuses them.
void notManaged(cudaStream_t stream) {
  void* device = nullptr;
  if (!check::ok(cudaMalloc(&device, kBytes), "malloc")) {
    return;
  }
  check::report(cudaMemPrefetchAsync(device, kBytes, device0(), 0, stream) == cudaErrorInvalidValue,
                "prefetch-device-memory-refused");
  cudaGetLastError();
  check::report(cudaMemAdvise(device, kBytes, cudaMemAdviseSetReadMostly, device0()) == cudaErrorInvalidValue,
                "advise-device-memory-refused");
  cudaGetLastError();
  int value = 0;
  check::report(cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly, device, kBytes) ==
                    cudaErrorInvalidValue,
                "attribute-device-memory-refused");
  cudaGetLastError();
  cudaFree(device);
}

} // namespace

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device")) {
    return 1;
  }
  cudaStream_t stream = nullptr;
  check::ok(cudaStreamCreate(&stream), "stream");
  notManaged(stream);
  unsigned char* managed = nullptr;
  if (cudaMallocManaged(&managed, kBytes) != cudaSuccess) {
    cudaGetLastError();
    std::printf("info managed memory not offered here\n");
    cudaStreamDestroy(stream);
    return check::finish();
  }
  for (size_t i = 0; i < kBytes; ++i) {
    managed[i] = static_cast<unsigned char>(i * 7 + 3);
  }
  sameBytesBothSides(stream);
  prefetches(managed, stream);
  advice(managed);
  refusals(managed, stream);
  // None of it changed the data, which the device and the host both see.
  std::vector<unsigned char> copied(kBytes);
  bool same = cudaMemcpy(copied.data(), managed, kBytes, cudaMemcpyDefault) == cudaSuccess;
  for (size_t i = 0; same && i < kBytes; ++i) {
    same = managed[i] == static_cast<unsigned char>(i * 7 + 3) && copied[i] == managed[i];
  }
  check::report(same, "data-unchanged");
  // A new allocation starts without hints, even where a freed one had them.
  cudaFree(managed);
  check::ok(cudaMallocManaged(&managed, kBytes), "managed-again");
  check::report(intAttribute(cudaMemRangeAttributeReadMostly, managed, kBytes) == 0 &&
                    intAttribute(cudaMemRangeAttributeLastPrefetchLocation, managed, kBytes) == cudaInvalidDeviceId,
                "new-allocation-no-hints");
  cudaFree(managed);
  cudaStreamDestroy(stream);
  return check::finish();
}

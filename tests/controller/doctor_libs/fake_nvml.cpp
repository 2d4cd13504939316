// A libnvidia-ml.so.1 (right SONAME) that is not vgpu's: it presents one device under a UUID the
// CUDA shim never reports, for the doctor's shim.nvml-uuids fault test (Ollama looks NVML devices
// up by the CUDA UUID; a mismatch loses the device's free memory).
#include <cstddef>
#include <cstring>

extern "C" {

__attribute__((visibility("default"))) int nvmlInit_v2() {
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetCount_v2(unsigned int* count) {
  *count = 1;
  return 0;
}

__attribute__((visibility("default"))) int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device) {
  static int theDevice = 0;
  *device = &theDevice;
  return index == 0 ? 0 : 2;
}

__attribute__((visibility("default"))) int nvmlDeviceGetUUID(void* /*device*/, char* uuid, unsigned int length) {
  const char* const kUuid = "GPU-00000000-1111-2222-3333-444444444444";
  const std::size_t size = std::strlen(kUuid) + 1;
  if (length < size) {
    return 7; // NVML_ERROR_INSUFFICIENT_SIZE
  }
  std::memcpy(uuid, kUuid, size);
  return 0;
}

} // extern "C"

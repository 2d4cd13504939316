// A stand-in for NVIDIA's libcuda.so.1 (SONAME libcuda.so.1, not vgpu's shim), for the doctor's
// loader tests: it shadows the shim when found first, and it is what the test libggml-cuda.so
// libraries are linked against so that they record NEEDED libcuda.so.1 as the real one does. It
// exports one symbol vgpu's shim does not have, cuNoSuchSymbolForTest.
extern "C" {

__attribute__((visibility("default"))) int cuInit(unsigned int flags) {
  return flags == 0 ? 0 : 1;
}

__attribute__((visibility("default"))) int cuDeviceGetCount(int* count) {
  *count = 0;
  return 0;
}

__attribute__((visibility("default"))) int cuNoSuchSymbolForTest() {
  return 0;
}

} // extern "C"

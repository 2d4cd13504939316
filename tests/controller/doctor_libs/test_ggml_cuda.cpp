// A test libggml-cuda.so that, like Ollama's, links libcuda.so.1 directly and needs its symbols at
// load time (the doctor's probe loads it with RTLD_NOW). Built twice: needing only cuInit (loads
// with vgpu's shim), and needing cuNoSuchSymbolForTest too (the shim lacks it: dlopen fails and
// the loader names the symbol).
extern "C" int cuInit(unsigned int flags);
#ifdef VGPU_TEST_NEEDS_MISSING_SYMBOL
extern "C" int cuNoSuchSymbolForTest();
#endif

extern "C" __attribute__((visibility("default"))) int ggml_backend_cuda_test_init() {
#ifdef VGPU_TEST_NEEDS_MISSING_SYMBOL
  return cuInit(0) + cuNoSuchSymbolForTest();
#else
  return cuInit(0);
#endif
}

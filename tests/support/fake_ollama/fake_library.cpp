// A tiny shared library standing in for one of Ollama's bundled libraries (libggml-cuda.so,
// libggml-vulkan.so, libcudart.so.X.Y.Z, ...): a real ELF file the model and the loader checks can
// open, whose only symbol says which library it pretends to be.
extern "C" __attribute__((visibility("default"))) const char* vgpu_fake_library_name() {
  return FAKE_LIBRARY_NAME;
}

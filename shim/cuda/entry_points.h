// Declarations of the entry points this library implements, under their exported names.
// cuda.h maps several public names to versioned symbols with macros (cuGetProcAddress ->
// cuGetProcAddress_v2); the library must export both generations, so the old ones are declared
// here after removing those macros.
#pragma once

#include <cuda.h>

#undef cuGetProcAddress

extern "C" {
CUresult cuGetProcAddress(const char* symbol, void** pfn, int cudaVersion, cuuint64_t flags);
}

// Module loading shared by cuModuleLoad*, cuLibraryLoad* and the dark API's fatbin registration:
// finds the extent of an image given by pointer, hands its bytes to the backend, and creates the
// CUmodule and CUfunction objects.
#pragma once

#include <cuda.h>
#include <string>
#include <vector>

namespace vgpu::cuda {

CUresult loadModuleAt(CUcontext context, const void* image, CUmodule& out);
CUresult loadModuleFromFile(CUcontext context, const char* path, CUmodule& out);
CUresult moduleFunction(CUmodule module, const char* name, CUfunction& out);
// The names of the module's kernels, in the backend's order.
CUresult moduleKernelNames(CUmodule module, std::vector<std::string>& out);
// Every kernel of the module as a CUfunction, in the same order (cuModuleEnumerateFunctions).
CUresult moduleAllFunctions(CUmodule module, std::vector<CUfunction>& out);
void unloadModule(CUmodule module);

} // namespace vgpu::cuda

// Second opinion from NVIDIA's real driver, for machines with a GPU: loads each module file given
// on the command line with cuModuleLoadData and compares, kernel by kernel, cuFuncGetParamInfo,
// the function attributes and cuModuleGetGlobal with what vgpu's parsers report for the entry
// selectForDevice() picks for this GPU. Also checks that the driver refuses a module exactly when
// selectForDevice() finds no entry. Prints one line per difference; exit status 1 if any.
// Built by hand (see docs/module-images.md, "Checking against the real driver").
#include "vgpu/module/cubin.h"
#include "vgpu/module/module_image.h"

#include <cuda.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace vgpu::module;

namespace {

int differences = 0;

void differ(const std::string& where, const std::string& what, long long ours, long long driver) {
  std::printf("DIFF %s: %s: ours %lld, driver %lld\n", where.c_str(), what.c_str(), ours, driver);
  ++differences;
}

void checkModule(const std::string& path, int major, int minor) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.push_back(0); // PTX must be NUL-terminated for the driver
  const auto image = parseModuleImage(bytes);
  if (!image) {
    std::printf("DIFF %s: our parser fails: %s\n", path.c_str(), image.error().c_str());
    ++differences;
    return;
  }
  const ModuleEntry* chosen = selectForDevice(image.value(), major, minor);
  CUmodule module = nullptr;
  const CUresult loaded = cuModuleLoadData(&module, bytes.data());
  std::printf("%s: ours picks %s, driver load %d\n", path.c_str(),
              chosen ? (std::string(describe(chosen->kind)) + " arch " + std::to_string(chosen->arch)).c_str()
                     : "nothing",
              static_cast<int>(loaded));
  if ((chosen != nullptr) != (loaded == CUDA_SUCCESS)) {
    differ(path, "loadable", chosen != nullptr, loaded == CUDA_SUCCESS);
  }
  if (!chosen || loaded != CUDA_SUCCESS) {
    return;
  }
  const auto info = describeEntry(*chosen);
  if (!info) {
    std::printf("DIFF %s: describeEntry fails: %s\n", path.c_str(), info.error().c_str());
    ++differences;
    return;
  }
  for (const KernelInfo& kernel : info.value().kernels) {
    const std::string where = path + " " + kernel.name;
    CUfunction function = nullptr;
    if (cuModuleGetFunction(&function, module, kernel.name.c_str()) != CUDA_SUCCESS) {
      differ(where, "function exists", 1, 0);
      continue;
    }
    std::size_t index = 0;
    for (;; ++index) {
      std::size_t offset = 0;
      std::size_t size = 0;
      if (cuFuncGetParamInfo(function, index, &offset, &size) != CUDA_SUCCESS) {
        break;
      }
      if (index >= kernel.params.size()) {
        differ(where, "parameter " + std::to_string(index) + " exists", 0, 1);
        continue;
      }
      if (kernel.params[index].offset != offset) {
        differ(where, "parameter " + std::to_string(index) + " offset", kernel.params[index].offset,
               static_cast<long long>(offset));
      }
      if (kernel.params[index].size != size) {
        differ(where, "parameter " + std::to_string(index) + " size", kernel.params[index].size,
               static_cast<long long>(size));
      }
    }
    if (index != kernel.params.size()) {
      differ(where, "parameter count", static_cast<long long>(kernel.params.size()), static_cast<long long>(index));
    }
    int value = 0;
    if (kernel.maxThreadsPerBlock &&
        cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, function) == CUDA_SUCCESS &&
        static_cast<int>(*kernel.maxThreadsPerBlock) != value) {
      differ(where, "max threads per block", *kernel.maxThreadsPerBlock, value);
    }
    if (cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, function) == CUDA_SUCCESS &&
        static_cast<int>(kernel.staticSharedSize.value_or(0)) != value) {
      differ(where, "static shared bytes", kernel.staticSharedSize.value_or(0), value);
    }
    if (kernel.registers && cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_NUM_REGS, function) == CUDA_SUCCESS &&
        static_cast<int>(*kernel.registers) != value) {
      differ(where, "registers", *kernel.registers, value);
    }
  }
  for (const GlobalInfo& global : info.value().globals) {
    CUdeviceptr address = 0;
    std::size_t size = 0;
    if (cuModuleGetGlobal(&address, &size, module, global.name.c_str()) != CUDA_SUCCESS) {
      differ(path + " " + global.name, "global exists", 1, 0);
    } else if (size != global.size) {
      differ(path + " " + global.name, "global size", static_cast<long long>(global.size),
             static_cast<long long>(size));
    }
  }
  std::printf("%s: %zu kernels, %zu globals compared\n", path.c_str(), info.value().kernels.size(),
              info.value().globals.size());
  cuModuleUnload(module);
}

} // namespace

int main(int argc, char** argv) {
  CUdevice device = 0;
  CUcontext context = nullptr;
  int major = 0;
  int minor = 0;
  if (cuInit(0) != CUDA_SUCCESS || cuDeviceGet(&device, 0) != CUDA_SUCCESS ||
      cuDevicePrimaryCtxRetain(&context, device) != CUDA_SUCCESS || cuCtxSetCurrent(context) != CUDA_SUCCESS) {
    std::printf("no CUDA device\n");
    return 2;
  }
  cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
  cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
  std::printf("device CC %d.%d\n", major, minor);
  for (int i = 1; i < argc; ++i) {
    checkModule(argv[i], major, minor);
  }
  std::printf("%d differences\n", differences);
  return differences == 0 ? 0 : 1;
}

// Entry points of the driver's error log (CUDA 12.9): what the log keeps and how it is bounded is
// driver_log.h. They work before cuInit, as a program registers its callback first to see why
// initialisation failed.
#include "driver_log.h"
#include "entry_common.h"

#include <cstdio>
#include <memory>

using namespace vgpu::cuda;

CUresult entry::cuLogsRegisterCallback(CUlogsCallback callback, void* userData, CUlogsCallbackHandle* handle) {
  return driver_log::registerCallback(callback, userData, handle);
}

CUresult entry::cuLogsUnregisterCallback(CUlogsCallbackHandle handle) {
  return driver_log::unregisterCallback(handle);
}

CUresult entry::cuLogsCurrent(CUlogIterator* iterator, unsigned int flags) {
  VGPU_REQUIRE_OUT(iterator);
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  driver_log::start();
  *iterator = driver_log::current();
  return CUDA_SUCCESS;
}

CUresult entry::cuLogsDumpToFile(CUlogIterator* iterator, const char* path, unsigned int flags) {
  if (path == nullptr || flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  driver_log::start();
  // Appended, so a program that dumps after each failed call keeps one growing file.
  const std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path, "ae"), std::fclose);
  if (file == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::string text = driver_log::dump(iterator);
  return std::fwrite(text.data(), 1, text.size(), file.get()) == text.size() ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult entry::cuLogsDumpToMemory(CUlogIterator* iterator, char* buffer, size_t* size, unsigned int flags) {
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  driver_log::start();
  return driver_log::dumpToMemory(iterator, buffer, size);
}

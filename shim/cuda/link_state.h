// The object behind a CUlinkState (entry_link.cpp): the link's options, its linker (NVIDIA's
// libnvJitLink, jit_linker.h) or, without one, the inputs kept for a pass-through, and the image
// cuLinkComplete gives, owned by the state until cuLinkDestroy.
#pragma once

#include "jit_linker.h"
#include "jit_options.h"

#include <cuda.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct CUlinkState_st {
  std::mutex mutex;
  vgpu::cuda::JitOptions options;
  std::unique_ptr<vgpu::cuda::NvJitLink> linker; // null: no library (see `why`)
  std::string why;
  struct Input {
    CUjitInputType type;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Input> inputs; // kept only without a linker, for the pass-through
  std::vector<std::uint8_t> image;
  std::string errorLog;
  float milliseconds = 0;
};

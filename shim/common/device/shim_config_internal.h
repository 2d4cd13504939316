// Pieces of the configuration code shared between its source files, not part of the API.
#pragma once

#include "vgpu/device/shim_config.h"

#include <string>
#include <string_view>
#include <vector>

namespace vgpu::device {

// Applies one key's value as a file line would, reporting problems against source (line 0).
void applyShimConfigValue(std::string_view key, std::string_view value, ShimConfig& config,
                          std::vector<ConfigProblem>& problems, std::string_view source);

} // namespace vgpu::device

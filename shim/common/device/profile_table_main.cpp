// vgpu-profile-table: prints docs/device-profiles.md from the device profile table.
#include "vgpu/device/device_profiles.h"

#include <cstdio>

int main() {
  const std::string text = vgpu::device::renderProfileTableMarkdown();
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() ? 0 : 1;
}

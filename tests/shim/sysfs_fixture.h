// Builds fixture sysfs trees (tests/data/sysfs/*.devices, format in its README.md) under the test
// output directory, so libpci scans them as it would /sys.
#pragma once

#include <filesystem>
#include <string>

namespace vgpu::test {

// Builds the tree described by tests/data/sysfs/<name>.devices into a fresh directory and returns
// its root (the directory to use as sysfs_root). Throws std::runtime_error on a bad description.
std::filesystem::path buildSysfsTree(const std::string& name);

// The backend for a test's shim on a fixture tree: VGPU_BACKEND when the test runs under
// tests/vgpud/with_vgpud.sh (remote), otherwise "sim", chosen explicitly because the shims never
// fall back to the simulated device on their own (docs/configuration.md).
std::string testBackend();

} // namespace vgpu::test

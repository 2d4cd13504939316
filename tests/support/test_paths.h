// Paths the tests share: fixture data in the source tree, output (screenshots, logs) in the build.
#pragma once

#include <filesystem>
#include <string>

namespace vgpu::test {

inline std::filesystem::path dataDir() {
  return VGPU_TEST_DATA_DIR;
}
inline std::filesystem::path outputDir() {
  return VGPU_TEST_OUTPUT_DIR;
}
inline std::filesystem::path sourceDir() {
  return VGPU_SOURCE_DIR;
}

// A fresh, empty directory under the test output directory for one test case.
inline std::filesystem::path scratchDir(const std::string& name) {
  const auto dir = outputDir() / "scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace vgpu::test

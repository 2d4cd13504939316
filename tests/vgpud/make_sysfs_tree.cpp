// Builds a fixture sysfs tree (tests/data/sysfs/<name>.devices) and prints its root: with_vgpud.sh
// uses it to give the vgpu shim that stands in for NVIDIA's driver (vgpud --backend cuda with
// VGPUD_TEST_DRIVER_DOUBLE=1) a GPU to find on its bus.
#include "sysfs_fixture.h"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_sysfs_tree NAME (a tests/data/sysfs/NAME.devices description)\n");
    return 2;
  }
  try {
    std::printf("%s\n", vgpu::test::buildSysfsTree(argv[1]).c_str());
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "make_sysfs_tree: %s\n", failure.what());
    return 1;
  }
  return 0;
}

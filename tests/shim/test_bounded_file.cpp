// vgpu::readBoundedFile, the one reader of files named by configuration: FIFOs, devices and
// directories are refused without blocking, and no more than the bound is ever read.
#include <catch2/catch.hpp>

#include "test_paths.h"
#include "vgpu/bounded_file.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace fs = std::filesystem;

TEST_CASE("readBoundedFile refuses FIFOs, devices and directories at once and bounds what it reads") {
  const fs::path dir = vgpu::test::scratchDir("bounded-file");
  const fs::path fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  fs::create_symlink("/dev/zero", dir / "zero-link");
  {
    std::ofstream big(dir / "big");
    big << std::string(5000, 'x');
    std::ofstream small(dir / "small");
    small << "hello\n";
  }
  const auto started = std::chrono::steady_clock::now();
  for (const fs::path& refused : {fifo, fs::path("/dev/zero"), dir / "zero-link", dir}) {
    INFO(refused);
    const vgpu::BoundedRead read = vgpu::readBoundedFile(refused, 4096);
    CHECK_FALSE(read.ok);
    CHECK(read.error == "not a regular file");
    CHECK(read.text.empty());
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1)); // nothing blocked

  const vgpu::BoundedRead big = vgpu::readBoundedFile(dir / "big", 4096);
  CHECK_FALSE(big.ok);
  CHECK(big.error == "larger than 4096 bytes");
  const vgpu::BoundedRead small = vgpu::readBoundedFile(dir / "small", 4096);
  CHECK(small.ok);
  CHECK(small.text == "hello\n");
  const vgpu::BoundedRead missing = vgpu::readBoundedFile(dir / "absent", 4096);
  CHECK(missing.missing);
  // /proc files report size 0: the bound is enforced on what is read, not on what fstat says.
  const vgpu::BoundedRead proc = vgpu::readBoundedFile("/proc/self/status", 64);
  CHECK_FALSE(proc.ok);
  CHECK(proc.error == "larger than 64 bytes");
}

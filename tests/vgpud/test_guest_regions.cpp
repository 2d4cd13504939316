// Guest regions (the shared-memory PCI transport's host side, docs/wire-protocol.md "Guest
// regions"): the backing file's checks, the header, the page table's ownership rules, and over the
// wire: a session attaches only with the id read from the region, gets a slice of its own, reaches
// nothing outside its slices, and its slices are free again when it ends.
#include <catch2/catch.hpp>

#include "daemon_options.h"
#include "guest_regions.h"
#include "raw_wire_client.h"
#include "remote/guest_region.h"
#include "sysfs_fixture.h"
#include "tcp_daemon.h"
#include "vgpud_fixture.h"

#include "vgpu/guest_region_header.h"

#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using vgpu::daemon::GuestRegions;
using vgpu::daemon::GuestRegionSpec;
using vgpu::daemon::kGuestRegionPageBytes;
using vgpu::daemon::RegionSlice;
using vgpu::wire::Call;

namespace {

constexpr std::uint64_t kRegionBytes = std::uint64_t{16} << 20;

std::filesystem::path scratch(const std::string& name) {
  char pattern[] = "/tmp/vgpu-guest-region-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  return std::filesystem::path(pattern) / name;
}

vgpu::wire::RegionHeader readHeader(const std::filesystem::path& file) {
  std::vector<std::uint8_t> bytes(vgpu::wire::kRegionHeaderBytes);
  const int fd = ::open(file.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pread(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  vgpu::wire::RegionHeader header;
  REQUIRE(vgpu::wire::decodeRegionHeader(bytes, std::filesystem::file_size(file), header));
  return header;
}

std::vector<std::uint8_t> attachFrame(const vgpu::wire::RegionHeader& header, std::uint64_t bytes) {
  std::uint64_t words[2];
  std::memcpy(words, header.regionId.data(), 16);
  return vgpu::test::callFrame(Call::AttachRegion, 7, 0, words[0], words[1], bytes);
}

} // namespace

TEST_CASE("a guest region is created with a header, and its file must be one only vgpud's owner controls") {
  const auto file = scratch("region");
  GuestRegions regions;
  std::string error;
  REQUIRE(regions.open({{file.string(), kRegionBytes}}, error));
  CHECK(std::filesystem::file_size(file) == kRegionBytes);
  CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::others_all) ==
        std::filesystem::perms::none);
  const auto header = readHeader(file);
  CHECK(header.regionBytes == kRegionBytes);
  CHECK(header.pageBytes == kGuestRegionPageBytes);
  CHECK(header.headerBytes == kGuestRegionPageBytes);
  CHECK(regions.find(header.regionId) == 0);
  auto wrong = header.regionId;
  wrong[15] ^= 1;
  CHECK(regions.find(wrong) == -1);
  // A second vgpud start on the same file keeps it (a running QEMU maps it) and writes a new id.
  GuestRegions again;
  REQUIRE(again.open({{file.string(), kRegionBytes}}, error));
  CHECK(readHeader(file).regionId != header.regionId);

  struct Bad {
    const char* what;
    std::function<void(const std::filesystem::path&)> make;
    const char* says;
  };
  const Bad bad[] = {
      {"a symlink", [&](const auto& path) { std::filesystem::create_symlink(file, path); }, "cannot open"},
      {"a FIFO", [](const auto& path) { REQUIRE(::mkfifo(path.c_str(), 0600) == 0); }, "not a regular file"},
      {"writable by others",
       [](const auto& path) {
         std::filesystem::copy_file(path.parent_path() / "region", path);
         ::chmod(path.c_str(), 0666);
       },
       "writable by others"},
      {"another user's",
       [](const auto& path) {
         std::filesystem::copy_file(path.parent_path() / "region", path);
         REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
       },
       "belongs to uid 65534"},
      {"not whole pages",
       [](const auto& path) {
         std::filesystem::copy_file(path.parent_path() / "region", path);
         std::filesystem::resize_file(path, kRegionBytes + 100);
       },
       "whole 64 KiB pages"},
      {"too small",
       [](const auto& path) {
         std::filesystem::copy_file(path.parent_path() / "region", path);
         std::filesystem::resize_file(path, 1 << 20);
       },
       "4 MiB .. 64 GiB"},
  };
  for (const Bad& entry : bad) {
    INFO(entry.what);
    if (std::string(entry.what) == "another user's" && ::geteuid() != 0) {
      continue; // only root can give a file away
    }
    const auto path = file.parent_path() / (std::string("bad-") + std::to_string(&entry - bad));
    entry.make(path);
    GuestRegions refused;
    std::string why;
    CHECK_FALSE(refused.open({{path.string(), kRegionBytes}}, why));
    CHECK_THAT(why, Catch::Contains(entry.says));
  }
  std::filesystem::remove_all(file.parent_path());
}

TEST_CASE("slices of a guest region belong to one session each and are freed with it") {
  const auto file = scratch("region");
  GuestRegions regions;
  std::string error;
  REQUIRE(regions.open({{file.string(), kRegionBytes}}, error));
  RegionSlice a, b;
  REQUIRE(regions.allocate(0, 100, 1, a));
  REQUIRE(regions.allocate(0, kGuestRegionPageBytes + 1, 2, b));
  CHECK(a.offset >= kGuestRegionPageBytes); // never the header page
  CHECK(a.bytes == kGuestRegionPageBytes);
  CHECK(b.bytes == 2 * kGuestRegionPageBytes);
  CHECK((b.offset >= a.offset + a.bytes || a.offset >= b.offset + b.bytes));
  CHECK_FALSE(regions.release(0, a.offset, 2));                         // not session 2's
  CHECK_FALSE(regions.release(0, a.offset + kGuestRegionPageBytes, 1)); // not a slice's start
  CHECK(regions.pagesInUse(0) == 3);
  RegionSlice rest;
  CHECK_FALSE(regions.allocate(0, kRegionBytes, 3, rest)); // no room: refused, nothing taken
  CHECK(regions.pagesInUse(0) == 3);
  CHECK(regions.release(0, a.offset, 1));
  CHECK_FALSE(regions.release(0, a.offset, 1)); // twice: no
  regions.releaseSession(2);
  CHECK(regions.pagesInUse(0) == 0);
  // Everything but the header page is there to take again.
  CHECK(regions.allocate(0, kRegionBytes - kGuestRegionPageBytes, 3, rest));
  std::filesystem::remove_all(file.parent_path());
}

TEST_CASE("over the wire a session attaches its guest region only with the region's id, and stays in its slices") {
  const auto file = scratch("region");
  vgpu::test::TcpDaemon daemon({"--shared-region", file.string(), "--shared-region-size", "16MiB"});
  const auto header = readHeader(file);
  auto first = vgpu::test::session(daemon);

  SECTION("a wrong id is refused (CUDA_ERROR_NOT_FOUND) and the session goes on") {
    auto wrong = header;
    wrong.regionId[0] ^= 0xff;
    CHECK(vgpu::test::call(first.get(), attachFrame(wrong, 1 << 20)) == CUDA_ERROR_NOT_FOUND);
    CHECK(vgpu::test::call(first.get(), vgpu::test::callFrame(Call::Counters, 8, 0)) == CUDA_SUCCESS);
  }

  SECTION("slices are disjoint, data moves through them, and nothing outside them is reachable") {
    std::vector<std::uint8_t> fields;
    REQUIRE(vgpu::test::call(first.get(), attachFrame(header, 1 << 20), &fields) == CUDA_SUCCESS);
    vgpu::wire::Reader reply(fields);
    const auto stagingOffset = reply.get<std::uint64_t>();
    const auto stagingBytes = reply.get<std::uint64_t>();
    CHECK(stagingOffset >= header.headerBytes);
    CHECK(stagingBytes == 1 << 20);
    CHECK(vgpu::test::call(first.get(), attachFrame(header, 1 << 20)) == CUDA_ERROR_INVALID_VALUE); // once

    auto second = vgpu::test::session(daemon);
    fields.clear();
    REQUIRE(vgpu::test::call(second.get(), attachFrame(header, 1 << 20), &fields) == CUDA_SUCCESS);
    const auto otherOffset = vgpu::wire::Reader(fields).get<std::uint64_t>();
    CHECK((otherOffset >= stagingOffset + stagingBytes || otherOffset + (1 << 20) <= stagingOffset));

    // Pinned memory in the region: the client writes it through its own mapping (here: the file).
    fields.clear();
    REQUIRE(vgpu::test::call(first.get(), vgpu::test::callFrame(Call::RegionAlloc, 9, 0, std::uint64_t{4096}),
                             &fields) == CUDA_SUCCESS);
    vgpu::wire::Reader pinned(fields);
    const auto region = pinned.get<std::uint64_t>();
    const auto pinnedOffset = pinned.get<std::uint64_t>();
    const int fd = ::open(file.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    std::vector<std::uint8_t> pattern(4096);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      pattern[i] = static_cast<std::uint8_t>(i * 7 + 3);
    }
    REQUIRE(::pwrite(fd, pattern.data(), pattern.size(), static_cast<off_t>(pinnedOffset)) == 4096);
    fields.clear();
    REQUIRE(vgpu::test::call(
                first.get(),
                vgpu::test::callFrame(Call::MemAlloc, 10, 0, std::int32_t{0}, std::uint64_t{4096}, std::uint8_t{0}),
                &fields) == CUDA_SUCCESS);
    const auto device = vgpu::wire::Reader(fields).get<std::uint64_t>();
    CHECK(vgpu::test::call(first.get(),
                           vgpu::test::callFrame(Call::CopyHostToDevice, 11, 0, device, std::uint64_t{4096},
                                                 std::uint64_t{0}, std::uint64_t{4096}, std::uint64_t{1},
                                                 std::uint8_t{2}, std::uint64_t{0}, region)) == CUDA_SUCCESS);
    // Back into the staging slice (destination 1), read from the file: the same bytes.
    CHECK(
        vgpu::test::call(first.get(), vgpu::test::callFrame(Call::CopyDeviceToHost, 12, 0, device, std::uint64_t{4096},
                                                            std::uint64_t{0}, std::uint64_t{4096}, std::uint64_t{1},
                                                            std::uint8_t{1}, std::uint64_t{0})) == CUDA_SUCCESS);
    std::vector<std::uint8_t> back(4096);
    REQUIRE(::pread(fd, back.data(), back.size(), static_cast<off_t>(stagingOffset)) == 4096);
    ::close(fd);
    CHECK(back == pattern);

    // Past the staging slice, or a region id of the other session: refused.
    CHECK(vgpu::test::call(first.get(),
                           vgpu::test::callFrame(Call::CopyDeviceToHost, 13, 0, device, std::uint64_t{4096},
                                                 std::uint64_t{0}, std::uint64_t{4096}, std::uint64_t{1},
                                                 std::uint8_t{1}, std::uint64_t{stagingBytes - 100})) != CUDA_SUCCESS);
    CHECK(vgpu::test::call(second.get(),
                           vgpu::test::callFrame(Call::CopyHostToDevice, 14, 0, device, std::uint64_t{4096},
                                                 std::uint64_t{0}, std::uint64_t{4096}, std::uint64_t{1},
                                                 std::uint8_t{2}, std::uint64_t{0}, region)) != CUDA_SUCCESS);
  }

  SECTION("a session that takes the whole region gives it back when it ends") {
    const std::uint64_t all = header.regionBytes - header.headerBytes;
    REQUIRE(vgpu::test::call(first.get(), attachFrame(header, all)) == CUDA_SUCCESS);
    auto second = vgpu::test::session(daemon);
    CHECK(vgpu::test::call(second.get(), attachFrame(header, kGuestRegionPageBytes)) == CUDA_ERROR_OUT_OF_MEMORY);
    first.reset(); // the guest process exits
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    int result = -1;
    while (std::chrono::steady_clock::now() < deadline) {
      auto third = vgpu::test::session(daemon);
      result = vgpu::test::call(third.get(), attachFrame(header, all));
      if (result == CUDA_SUCCESS) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(result == CUDA_SUCCESS);
  }
  std::filesystem::remove_all(file.parent_path());
}

// A VM guest's managed memory: a slice of its region, at vgpud's address of the slice, where the
// guest maps its BAR's slice too: what the guest writes into the region vgpud's copies read, and
// freeing it gives the slice back. Without a region (before AttachRegion) there is none to give.
TEST_CASE("managed memory in a guest region is a slice of it, at vgpud's address, given back when freed") {
  const auto file = scratch("region");
  vgpu::test::TcpDaemon daemon({"--shared-region", file.string(), "--shared-region-size", "16MiB"});
  const auto header = readHeader(file);
  auto fd = vgpu::test::session(daemon);
  const auto managedFrame = [](std::uint64_t id, std::uint64_t bytes) {
    return vgpu::test::callFrame(Call::RegionManagedAlloc, id, 0, std::int32_t{0}, bytes);
  };
  CHECK(vgpu::test::call(fd.get(), managedFrame(20, 8192)) == CUDA_ERROR_NOT_SUPPORTED);
  REQUIRE(vgpu::test::call(fd.get(), attachFrame(header, 1 << 20)) == CUDA_SUCCESS);
  CHECK(vgpu::test::call(fd.get(), managedFrame(21, 0)) == CUDA_ERROR_INVALID_VALUE);
  CHECK(vgpu::test::call(fd.get(), managedFrame(22, header.regionBytes)) == CUDA_ERROR_OUT_OF_MEMORY);

  std::vector<std::uint8_t> fields;
  REQUIRE(vgpu::test::call(fd.get(), managedFrame(23, 8192), &fields) == CUDA_SUCCESS);
  vgpu::wire::ReplyOf<Call::RegionManagedAlloc> reply;
  REQUIRE(vgpu::wire::decode(std::span<const std::uint8_t>(fields), reply));
  // A second mapping of the slice, placed at random where a guest is unlikely to have mappings.
  CHECK((reply.pointer >= 0x7e8000000000 && reply.pointer < 0x7f0000000000));
  CHECK(reply.size == 8192);
  CHECK(reply.offset >= header.headerBytes);
  CHECK(reply.offset % kGuestRegionPageBytes == 0);

  // The guest writes the slice through its BAR (here: the file); vgpud's copy reads the same bytes.
  const int regionFile = ::open(file.c_str(), O_RDWR);
  REQUIRE(regionFile >= 0);
  std::vector<std::uint8_t> pattern(8192);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    pattern[i] = static_cast<std::uint8_t>(i * 11 + 5);
  }
  REQUIRE(::pwrite(regionFile, pattern.data(), pattern.size(), static_cast<off_t>(reply.offset)) == 8192);
  ::close(regionFile);
  fields.clear();
  REQUIRE(vgpu::test::call(fd.get(),
                           vgpu::test::callFrame(Call::CopyDeviceToHost, 24, 0, reply.pointer, std::uint64_t{0},
                                                 std::uint64_t{0}, std::uint64_t{8192}, std::uint64_t{1},
                                                 std::uint8_t{0}, std::uint64_t{0}),
                           &fields) == CUDA_SUCCESS);
  vgpu::wire::ReplyOf<Call::CopyDeviceToHost> copied;
  REQUIRE(vgpu::wire::decode(std::span<const std::uint8_t>(fields), copied));
  CHECK(std::vector<std::uint8_t>(copied.data.value.begin(), copied.data.value.end()) == pattern);

  // Freed: the slice is the region's again (a second one may take the same offset).
  CHECK(vgpu::test::call(fd.get(), vgpu::test::callFrame(Call::MemFree, 25, 0, reply.pointer)) == CUDA_SUCCESS);
  fields.clear();
  REQUIRE(vgpu::test::call(fd.get(), managedFrame(26, 8192), &fields) == CUDA_SUCCESS);
  vgpu::wire::ReplyOf<Call::RegionManagedAlloc> again;
  REQUIRE(vgpu::wire::decode(std::span<const std::uint8_t>(fields), again));
  CHECK(again.offset == reply.offset);
  std::filesystem::remove_all(file.parent_path());
}

TEST_CASE("vgpud refuses --shared-region without a network listener, and a bad size") {
  using vgpu::daemon::parseOptions;
  auto refused = parseOptions({"--listen", "unix:/tmp/x.sock", "--shared-region", "/dev/shm/guest"});
  REQUIRE_FALSE(refused.options);
  CHECK_THAT(refused.error, Catch::Contains("TCP or vsock"));
  for (const char* size : {"3MiB", "100MiB", "128GiB", "x"}) {
    INFO(size);
    auto bad = parseOptions({"--listen", "unix:/tmp/x.sock", "--shared-region-size", size});
    CHECK_FALSE(bad.options);
  }
  auto relative = parseOptions({"--listen", "unix:/tmp/x.sock", "--shared-region", "guest"});
  CHECK_FALSE(relative.options);
  auto good =
      parseOptions({"--listen", "unix:/tmp/x.sock", "--listen", "tcp:127.0.0.1:7000", "--token-file", "/etc/vgpu/token",
                    "--shared-region", "/dev/shm/a", "--shared-region", "/dev/shm/b", "--shared-region-size", "64MiB"});
  REQUIRE(good.options);
  REQUIRE(good.options->guestRegions.size() == 2);
  CHECK(good.options->guestRegions[1].createBytes == std::uint64_t{64} << 20);
}

TEST_CASE("the shim finds vgpud's region among the guest's shared-memory devices by its header") {
  const auto file = scratch("region");
  GuestRegions regions;
  std::string error;
  REQUIRE(regions.open({{file.string(), kRegionBytes}}, error));
  const auto other = file.parent_path() / "looking-glass";
  std::filesystem::copy_file(file, other);
  std::vector<std::uint8_t> zeros(vgpu::wire::kRegionHeaderBytes, 0);
  const int fd = ::open(other.c_str(), O_WRONLY);
  REQUIRE(::pwrite(fd, zeros.data(), zeros.size(), 0) == static_cast<ssize_t>(zeros.size()));
  ::close(fd);

  vgpu::device::ShimConfig config;
  config.sysfsRoot = vgpu::test::buildSysfsTree("two-ivshmem").string();
  const auto devices = std::filesystem::path(config.sysfsRoot) / "bus/pci/devices";
  vgpu::cuda::remote::GuestRegionMapping mapping;

  SECTION("no BAR file: said, nothing mapped") {
    CHECK_FALSE(vgpu::cuda::remote::mapGuestRegion(config, mapping, error));
    CHECK_THAT(error, Catch::Contains("has no BAR 2 file"));
  }
  SECTION("the device without the header is passed over, the one with it is mapped") {
    std::filesystem::create_symlink(other, devices / "0000:00:06.0/resource2");
    std::filesystem::create_symlink(file, devices / "0000:00:07.0/resource2_wc");
    REQUIRE(vgpu::cuda::remote::mapGuestRegion(config, mapping, error));
    CHECK(mapping.source == (devices / "0000:00:07.0/resource2_wc").string());
    CHECK(mapping.size == kRegionBytes);
    CHECK(regions.find(mapping.header.regionId) == 0);
    vgpu::cuda::remote::unmapGuestRegion(mapping);
  }
  SECTION("only a device without the header: said why") {
    std::filesystem::create_symlink(other, devices / "0000:00:07.0/resource2");
    CHECK_FALSE(vgpu::cuda::remote::mapGuestRegion(config, mapping, error));
    CHECK_THAT(error, Catch::Contains("no vgpu region header"));
  }
  SECTION("off, or another id: not looked for") {
    config.sharedDeviceId.reset();
    CHECK_FALSE(vgpu::cuda::remote::mapGuestRegion(config, mapping, error));
    CHECK(error.empty());
  }
  SECTION("a path names the BAR file directly") {
    config.sharedDevicePath = file.string();
    REQUIRE(vgpu::cuda::remote::mapGuestRegion(config, mapping, error));
    vgpu::cuda::remote::unmapGuestRegion(mapping);
  }
  std::filesystem::remove_all(file.parent_path());
}

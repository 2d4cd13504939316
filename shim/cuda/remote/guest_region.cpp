// Finding and mapping the guest's shared-memory BAR.
#include "remote/guest_region.h"

#include "vgpu/device/pci_discovery.h"
#include "vgpu/unix_socket.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace vgpu::cuda::remote {
namespace {

// A device that is present but disabled answers nothing through its BAR: enable it (root can; a
// udev rule does it for others) and go on either way.
void enableDevice(const std::string& directory) {
  const std::string path = directory + "/enable";
  FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK));
  char state = '1';
  if (fd.valid() && ::read(fd.get(), &state, 1) == 1 && state == '0') {
    if (::pwrite(fd.get(), "1", 1, 0) != 1) {
      return; // not ours to enable (a udev rule does it for non-root users): mapping says the rest
    }
  }
}

// Maps one BAR file: true when it holds a vgpu region.
bool mapBarFile(const std::string& path, GuestRegionMapping& out, std::string& error) {
  FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK));
  struct stat info {};
  if (!fd.valid() || ::fstat(fd.get(), &info) != 0) {
    error = "cannot open " + path + ": " + std::system_category().message(errno);
    return false;
  }
  if (!S_ISREG(info.st_mode) || static_cast<std::uint64_t>(info.st_size) < wire::kRegionHeaderBytes) {
    error = path + " is not a BAR file (a regular file of the region's size)";
    return false;
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  void* mapping = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (mapping == MAP_FAILED) {
    error = "cannot map " + path + ": " + std::system_category().message(errno);
    return false;
  }
  wire::RegionHeader header;
  if (!wire::decodeRegionHeader({static_cast<const std::uint8_t*>(mapping), wire::kRegionHeaderBytes}, size, header)) {
    ::munmap(mapping, size);
    error = path + " holds no vgpu region header (is vgpud serving its backing file with --shared-region?)";
    return false;
  }
  out = {static_cast<std::uint8_t*>(mapping), size, header, path};
  return true;
}

} // namespace

bool mapGuestRegion(const device::ShimConfig& config, GuestRegionMapping& out, std::string& error) {
  error.clear();
  if (!config.sharedDevicePath.empty()) {
    return mapBarFile(config.sharedDevicePath, out, error);
  }
  if (!config.sharedDeviceId) {
    return false;
  }
  const device::PciScanResult scan = device::scanPciDevices(config.sysfsRoot);
  for (const device::PciDevice& candidate : scan.devices) {
    if (candidate.vendorId != config.sharedDeviceId->vendorId ||
        candidate.deviceId != config.sharedDeviceId->deviceId) {
      continue;
    }
    // BAR 2 is ivshmem's shared memory (BAR 0 its registers); resource2_wc maps it
    // write-combined where the platform offers that.
    const std::string directory = config.sysfsRoot + "/bus/pci/devices/" + device::formatPciAddress(candidate.address);
    enableDevice(directory);
    std::string tried;
    for (const char* name : {"/resource2_wc", "/resource2"}) {
      if (::access((directory + name).c_str(), F_OK) == 0) {
        if (mapBarFile(directory + name, out, tried)) {
          return true;
        }
        break;
      }
    }
    error = tried.empty() ? directory + " has no BAR 2 file" : tried;
  }
  return false;
}

void unmapGuestRegion(GuestRegionMapping& mapping) {
  if (mapping.base != nullptr) {
    ::munmap(mapping.base, mapping.size);
    mapping = {};
  }
}

} // namespace vgpu::cuda::remote

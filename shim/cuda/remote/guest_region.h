// The guest side of the shared-memory PCI transport (docs/wire-protocol.md, "Guest regions"): the
// VM's ivshmem device (or any device whose BAR the host backs with vgpud's region file), found by
// vendor:device through libpci or named by the path of its BAR file, and mapped from user space.
// A device is used only when its BAR starts with a vgpu region header (Looking Glass uses the
// same PCI id). Mapping needs read-write access to the sysfs resource file (root, or a udev rule
// granting a group: docs/deployment.md).
#pragma once

#include "vgpu/device/shim_config.h"
#include "vgpu/guest_region_header.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace vgpu::cuda::remote {

struct GuestRegionMapping {
  std::uint8_t* base = nullptr; // the whole BAR
  std::size_t size = 0;
  wire::RegionHeader header;
  std::string source; // the BAR file, for logs
};

// Finds the configured device and maps its BAR. False with `error` saying why (no such device is
// not an error: `error` stays empty); `out` is untouched then.
bool mapGuestRegion(const device::ShimConfig& config, GuestRegionMapping& out, std::string& error);
void unmapGuestRegion(GuestRegionMapping& mapping);

} // namespace vgpu::cuda::remote

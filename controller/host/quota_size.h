// A session's VRAM quota as an admin types it, for vgpuctl host set-quota and the console's Hosts
// page alike: "8GiB", "512 MiB", "1G", "1073741824", "0" or "none" (no quota), units binary and
// case-insensitive, blanks ignored.
#pragma once

#include <QString>
#include <cstdint>
#include <optional>

namespace vgpu::controller::host {

// Bytes per device (0: none); nullopt when unreadable or beyond 2^64.
std::optional<std::uint64_t> parseQuotaSize(const QString& text);

} // namespace vgpu::controller::host

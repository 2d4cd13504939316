// The machine a binary was built for (ELF e_machine of a little-endian ELF file), read from a tree
// the controller may not own: a regular file only, never blocking (common/bounded_file.h).
#pragma once

#include <QString>
#include <optional>

namespace vgpu::controller {

inline constexpr quint16 kElfMachineX86_64 = 62;
inline constexpr quint16 kElfMachineAarch64 = 183;

// e_machine, or nullopt when the file is unreadable, not a regular file or not a little-endian ELF.
std::optional<quint16> elfMachine(const QString& hostPath);

} // namespace vgpu::controller

// The name a memfd was created with, as the kernel reports it through /proc/self/fd: how a process
// that receives a descriptor (over a Unix socket, or opened through /proc/<pid>/fd) tells a memfd
// vgpu made, and which one, from any other file.
#pragma once

#include <string>

namespace vgpu {

// The name of memfd `fd` (the link reads "/memfd:<name> (deleted)"); false for any other file.
bool memfdName(int fd, std::string& name);

} // namespace vgpu

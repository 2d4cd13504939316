// The runtime-directory rule: where a shim process serves its control socket "<pid>.sock", and
// where every reader (libvgpu-nvml, the console, vgpuctl, the doctor) looks for sockets. One rule
// in one place (docs/telemetry-protocol.md, "Lifetime"); plain C++, no Qt: it runs inside the shims.
//
// Serving, in order:
//   1. VGPU_RUNTIME_DIR when set (created 0750 when missing);
//   2. /run/vgpu when it is a directory this process may create files in (the package creates it
//      1770 root:vgpu, so: root and members of vgpu);
//   3. $XDG_RUNTIME_DIR/vgpu (created 0750) — the fallback of a user outside the group;
//   none usable: no socket.
// Reading (never creates anything), every directory that exists, in this order, without duplicates:
//   - VGPU_RUNTIME_DIR when set, and then nothing else (a reader given one directory reads that one);
//   - otherwise /run/vgpu, the caller's own $XDG_RUNTIME_DIR/vgpu, and /run/user/<uid>/vgpu of every
//     user whose runtime directory the caller can enter (its own; root: everyone's), so a process
//     that fell back to its XDG directory is found by root and by its own user.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace vgpu::telemetry {

inline constexpr const char* kSystemRuntimeDirectory = "/run/vgpu";
inline constexpr const char* kUserRuntimeDirectories = "/run/user"; // systemd-logind's <uid> folders

// What the rule reads. fromEnvironment() fills it for this process; tests and the doctor (another
// process's environment, paths under a root) fill it themselves.
struct RuntimeDirectoryInputs {
  std::string configured;    // VGPU_RUNTIME_DIR ("" = unset)
  std::string xdgRuntimeDir; // XDG_RUNTIME_DIR ("" = unset)
  std::string systemDirectory = kSystemRuntimeDirectory;
  std::string userDirectories = kUserRuntimeDirectories; // "" = do not look for other users' folders
  // Whether the serving process may create files in an existing directory. Empty: this process's
  // own access(W_OK | X_OK).
  std::function<bool(const std::string& directory)> writable;

  static RuntimeDirectoryInputs fromEnvironment();
};

enum class RuntimeDirectoryUse {
  Serve,      // the serving side: creates VGPU_RUNTIME_DIR or $XDG_RUNTIME_DIR/vgpu when missing
  WouldServe, // the same choice without creating anything (the doctor, about another process)
  Read,       // every directory a reader scans
};

struct RuntimeDirectories {
  std::vector<std::string> directories; // Serve/WouldServe: at most one; Read: the scan order
  std::string why;                      // when empty: why none is usable
};

// The rule itself.
RuntimeDirectories runtimeDirectories(const RuntimeDirectoryInputs& inputs, RuntimeDirectoryUse use);

} // namespace vgpu::telemetry

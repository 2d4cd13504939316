// The table of vgpuctl commands. Add one line per command (its run function lives in its own file).
#include "vgpuctl_command.h"

#include <vector>

namespace vgpu::cli {

// Declarations of the commands' run functions (defined in command_<name>.cpp).

std::span<const CommandSpec> vgpuctlCommands() {
  static const std::vector<CommandSpec> kCommands{
      // {"name", "one-line summary", &runName},
  };
  return kCommands;
}

} // namespace vgpu::cli

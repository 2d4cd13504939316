// The table of vgpuctl commands. Add one line per command (its run function lives in its own file).
#include "vgpuctl_command.h"

#include <vector>

namespace vgpu::cli {

// Declarations of the commands' run functions (defined in command_<name>.cpp).
int runStatus(CommandContext& context);
int runOllama(CommandContext& context);
int runEnv(CommandContext& context);
int runDoctor(CommandContext& context);
int runService(CommandContext& context);
int runJournal(CommandContext& context);
int runInstall(CommandContext& context);
int runShimConfig(CommandContext& context);
int runRollback(CommandContext& context);
int runTransactions(CommandContext& context);
int runPs(CommandContext& context);
int runTop(CommandContext& context);
int runWatch(CommandContext& context);
int runMetrics(CommandContext& context);
int runHost(CommandContext& context);

std::span<const CommandSpec> vgpuctlCommands() {
  static const std::vector<CommandSpec> kCommands{
      // {"name", "one-line summary", &runName},
      {"status", "Is Ollama on the GPU, which GPU, executed where, VRAM used, alerts (--json; exit 0 = on the GPU)",
       &runStatus},
      {"ollama", "Show the Ollama installation: unit, drop-ins, binary, version, variant folders", &runOllama},
      {"env", "Get, or plan setting/unsetting, ollama.service variables vgpu manages", &runEnv},
      {"doctor", "Find why Ollama does not use the GPU and say what fixes it (--log FILE, --json)", &runDoctor},
      {"service", "ollama.service through systemd: status, start, stop, restart (job result), reload", &runService},
      {"journal", "ollama.service's log from the journal or a log file (-f follows; --since, --json)", &runJournal},
      {"install", "Install the vgpu shim (--scope service|system; --dry-run prints the operations)", &runInstall},
      {"shim-config", "Show or set where the guest's shims send their work: backend, vgpud endpoint, token file",
       &runShimConfig},
      {"rollback", "Roll back a journaled change (default: the newest applied one)", &runRollback},
      {"transactions", "List the journaled changes and their state (--json)", &runTransactions},
      {"ps", "List processes running the vgpu shim: pid, user, devices, backend, VRAM, launches/s (--json)", &runPs},
      {"top", "Live view of the shim processes: VRAM, launches, call latency, copy bandwidth", &runTop},
      {"watch", "Stream every shim process's samples (--json: NDJSON with pid; --interval MS, --count N)", &runWatch},
      {"metrics", "Prometheus exposition of the shim processes, or of vgpud with --host (--once, or --listen)",
       &runMetrics},
      {"host", "The GPU host through vgpud's admin socket: gpus, sessions, watch, set-quota, set-priority, drain, kill",
       &runHost},
  };
  return kCommands;
}

} // namespace vgpu::cli

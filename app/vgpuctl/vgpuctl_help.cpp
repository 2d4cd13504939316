// `vgpuctl <command> --help`: one help text per command (synopsis, what it does, every option, exit
// status), printed by the dispatcher before the command runs. The man page vgpuctl(1) and the bash
// completion (packaging/completion/vgpuctl) follow these texts; tests/app/test_vgpuctl_help.cpp
// checks that every option named here is in both.
#include "vgpuctl_command.h"

#include "common/install_paths.h"

#include <QString>
#include <cstring>

namespace vgpu::cli {

namespace {

struct CommandHelp {
  const char* name;
  const char* text; // "@SHIMDIR@" is the shims' installed location
};

constexpr CommandHelp kHelp[] = {
    {"ollama", "usage: vgpuctl ollama info [--json]\n"
               "\n"
               "Show the Ollama installation: ollama.service and its drop-ins, the merged environment, the\n"
               "service user, the binary and its version, the library root and its variant folders.\n"
               "\n"
               "Options:\n"
               "  --json        print the installation model as JSON\n"
               "\n"
               "Exit status: 0 described (problems are part of the description), 1 no Ollama found\n"
               "(neither unit nor binary), 2 usage error.\n"},
    {"env",
     "usage: vgpuctl env get [NAME] [--json]\n"
     "       vgpuctl env set NAME=VALUE [--dry-run | --no-reload | --restart] [--bus ADDRESS]\n"
     "       vgpuctl env unset NAME [--dry-run | --no-reload | --restart] [--bus ADDRESS]\n"
     "       vgpuctl env resolve NAME [--merge | --remove] [--dry-run | --no-reload | --restart] [--bus ADDRESS]\n"
     "\n"
     "ollama.service's environment as vgpu manages it in the drop-in\n"
     "/etc/systemd/system/ollama.service.d/50-vgpu.conf. set and unset show the planned file and\n"
     "its diff, then vgpu-helper writes it (polkit asks) and reloads systemd. resolve handles a\n"
     "later drop-in (override.conf, ...) that overrides NAME of 50-vgpu.conf (the doctor's\n"
     "service.managed-overrides): it removes that assignment, or merges its value into 50-vgpu.conf\n"
     "first (default for LD_LIBRARY_PATH: vgpu's entries, then the other file's), shown as a diff.\n"
     "\n"
     "Options:\n"
     "  --json           (get) print the variables, their origins and findings as JSON\n"
     "  --merge          (resolve) move the other value into 50-vgpu.conf, then remove it there\n"
     "  --remove         (resolve) remove the other assignment; vgpu's value takes effect\n"
     "  --dry-run        (set, unset, resolve) print the plan and change nothing\n"
     "  --no-reload      (set, unset, resolve) do not reload systemd after writing\n"
     "  --restart        (set, unset, resolve) restart ollama.service through vgpu-helper afterwards\n"
     "  --bus ADDRESS    systemd's D-Bus for the reload and restart (test trees with --root)\n"
     "\n"
     "Exit status: 0 printed, planned or applied, 1 refused, not authorized or failed, 2 usage error.\n"},
    {"doctor", "usage: vgpuctl doctor [--json] [--log FILE] [--journal-dir DIR] [--root DIR] [--markdown FILE]\n"
               "                      [--log-only] [--sysfs DIR] [--shim-dir DIR] [--probe FILE] [--bus ADDRESS]\n"
               "\n"
               "Find why Ollama does not use the (virtual) GPU and say what fixes it.\n"
               "\n"
               "Options:\n"
               "  --json             print the report as JSON (schema: docs/doctor-json.md)\n"
               "  --log FILE         analyse this Ollama server log (e.g. journalctl -u ollama > FILE);\n"
               "                     default: ollama.service's journal of this boot\n"
               "  --journal-dir DIR  read that journal from the journal files in DIR\n"
               "  --root DIR         resolve system paths under DIR (test trees)\n"
               "  --markdown FILE    also write the Markdown report to FILE\n"
               "  --log-only         examine the log only, not this machine\n"
               "  --sysfs DIR        sysfs tree for the hardware check (default <root>/sys)\n"
               "  --shim-dir DIR     the shim libraries' directory, a path under the root (default\n"
               "                     @SHIMDIR@; a build tree's lib/shim works too)\n"
               "  --probe FILE       the vgpu-doctor-probe program (default @PROBE@)\n"
               "  --bus ADDRESS      ask systemd on this D-Bus (default: the system bus, on the real root only)\n"
               "\n"
               "Exit status: 0 all checks pass, 1 warnings only, 2 failures, 3 usage error.\n"},
    {"service", "usage: vgpuctl service status|start|stop|restart|reload [--unit NAME] [--json]\n"
                "                       [--mode MODE] [--timeout SECONDS] [--bus ADDRESS] [--via-helper]\n"
                "\n"
                "ollama.service (or --unit) through systemd's D-Bus API; jobs are followed to their result.\n"
                "When systemd refuses you, restarting ollama.service and reloading systemd go through\n"
                "vgpu-helper (polkit asks).\n"
                "\n"
                "Options:\n"
                "  --unit NAME        the unit (default ollama.service)\n"
                "  --json             print the status or the job's result as JSON\n"
                "  --mode MODE        systemd's job mode (default replace)\n"
                "  --timeout SECONDS  how long to wait for the job's result (default 120)\n"
                "  --bus ADDRESS      talk to systemd on this D-Bus (default: the system bus)\n"
                "  --via-helper       restart ollama.service or reload systemd through vgpu-helper directly\n"
                "\n"
                "Exit status: 0 done, 1 systemd or the helper refused or the job failed, 2 usage error.\n"},
    {"journal", "usage: vgpuctl journal [-f] [--since TIME] [--boot] [--after-cursor CURSOR] [--json] [--unit NAME]\n"
                "                       [--directory DIR | --file FILE]\n"
                "\n"
                "A unit's log (ollama.service by default) from the systemd journal, a directory of journal\n"
                "files, or a plain log file.\n"
                "\n"
                "Options:\n"
                "  -f, --follow           print new entries as they arrive, until interrupted\n"
                "  --since TIME           2025-11-26T09:40:00Z, '2025-11-26 09:40:00' (local), @EPOCH_SECONDS,\n"
                "                         or -30s/-10m/-2h/-1d\n"
                "  --boot                 this boot only\n"
                "  --after-cursor CURSOR  continue after this journal cursor (printed with --json)\n"
                "  --json                 one JSON object per entry and line\n"
                "  --unit NAME            the unit (default ollama.service)\n"
                "  --directory DIR        read the journal files in DIR\n"
                "  --file FILE            read a plain log file\n"
                "\n"
                "Exit status: 0 read, 1 the source cannot be read, 2 usage error.\n"},
    {"install", "usage: vgpuctl install --scope service|system [--dry-run] [--json]\n"
                "\n"
                "Point Ollama at the vgpu shim libraries installed in @SHIMDIR@ (package vgpu-guest).\n"
                "service: a drop-in puts that directory first on ollama.service's LD_LIBRARY_PATH; nothing\n"
                "goes into Ollama's own tree, so Ollama's upgrades keep the shim. system: ld.so.conf.d makes\n"
                "every program load the shim. vgpu-helper applies the plan as a journaled transaction\n"
                "(polkit asks); vgpuctl rollback undoes it.\n"
                "\n"
                "Options:\n"
                "  --scope service|system  what loads the shim (required)\n"
                "  --dry-run               print the exact operations and change nothing\n"
                "  --json                  print the plan or the helper's reply as JSON\n"
                "\n"
                "Exit status: 0 installed (or planned), 1 refused, failed or not authorized, 2 usage error.\n"},
    {"rollback", "usage: vgpuctl rollback [ID] [--json]\n"
                 "\n"
                 "Roll back a journaled change through vgpu-helper (polkit asks); without ID the newest\n"
                 "applied one. vgpuctl transactions lists them.\n"
                 "\n"
                 "Options:\n"
                 "  --json        print the helper's reply as JSON\n"
                 "\n"
                 "Exit status: 0 rolled back, 1 refused, failed or nothing to roll back, 2 usage error.\n"},
    {"transactions", "usage: vgpuctl transactions [--json]\n"
                     "\n"
                     "List the journaled changes under /var/lib/vgpu/transactions, oldest first, with their\n"
                     "state (applied, rolled-back, applying = interrupted).\n"
                     "\n"
                     "Options:\n"
                     "  --json        print them as JSON\n"
                     "\n"
                     "Exit status: 0 listed, 1 the directory cannot be read, 2 usage error.\n"},
    {"ps", "usage: vgpuctl ps [--json] [--runtime-dir DIR] [--timeout MS]\n"
           "\n"
           "The processes running the vgpu CUDA shim, read once from their control sockets: pid, user,\n"
           "executable, devices, backend, VRAM, launches/s.\n"
           "\n"
           "Options:\n"
           "  --json             print them as JSON (docs/vgpuctl-json.md)\n"
           "  --runtime-dir DIR  the control sockets' directory (default: VGPU_RUNTIME_DIR, else /run/vgpu,\n"
           "                     $XDG_RUNTIME_DIR/vgpu and each reachable /run/user/UID/vgpu)\n"
           "  --timeout MS       how long to wait for each socket (default 2000)\n"
           "\n"
           "Exit status: 0 listed (also when there are none), 1 some socket could not be read, 2 usage error.\n"},
    {"top", "usage: vgpuctl top [--interval MS] [--iterations N] [--runtime-dir DIR]\n"
            "\n"
            "A refreshing view of the shim processes: VRAM per device, launches/s, call latency, copy\n"
            "bandwidth.\n"
            "\n"
            "Options:\n"
            "  --interval MS      time between frames (default 1000)\n"
            "  --iterations N     stop after N frames (default: run until interrupted)\n"
            "  --runtime-dir DIR  the control sockets' directory\n"
            "\n"
            "Exit status: 0, 2 usage error.\n"},
    {"watch", "usage: vgpuctl watch [--json] [--interval MS] [--count N] [--runtime-dir DIR]\n"
              "\n"
              "Every sample of every shim process as it arrives, processes joining and leaving included.\n"
              "\n"
              "Options:\n"
              "  --json             NDJSON: each sample as the process sent it, with \"pid\" added\n"
              "  --interval MS      sampling interval (default 1000)\n"
              "  --count N          stop after N samples (default: run until interrupted)\n"
              "  --runtime-dir DIR  the control sockets' directory\n"
              "\n"
              "Exit status: 0, 2 usage error.\n"},
    {"metrics", "usage: vgpuctl metrics [--once | --listen ADDR:PORT [--allow-remote]] [--runtime-dir DIR]\n"
                "                       [--timeout MS]\n"
                "       vgpuctl metrics --host [--endpoint unix:PATH|tcp:HOST:PORT] [--token-file FILE]\n"
                "                       [--once | --listen ADDR:PORT [--allow-remote]] [--timeout MS]\n"
                "\n"
                "The Prometheus text exposition of every shim process, or with --host of the GPU host's vgpud\n"
                "read through its admin socket: per-GPU gauges under dcgm-exporter's names and labels\n"
                "(DCGM_FI_DEV_FB_USED, ...) and per-session vgpu_host_* series (docs/metrics.md).\n"
                "\n"
                "Options:\n"
                "  --once                 print one exposition and exit\n"
                "  --listen ADDR:PORT     serve GET /metrics over HTTP (default 127.0.0.1:9835, with --host\n"
                "                         127.0.0.1:9836; port 0 picks one)\n"
                "  --allow-remote         allow a non-loopback --listen address (the figures name programs and users)\n"
                "  --runtime-dir DIR      the control sockets' directory\n"
                "  --timeout MS           how long to wait for each socket (default 2000)\n"
                "  --host                 vgpud's figures instead of this machine's shim processes\n"
                "  --endpoint ENDPOINT    (--host) vgpud's admin socket: unix:PATH or tcp:HOST:PORT\n"
                "                         (default unix:/run/vgpud-admin.sock)\n"
                "  --token-file FILE      (--host) the admin token, mandatory with tcp: (vgpud's admin-token-file)\n"
                "\n"
                "Exit status: 0, 1 cannot listen (--host --once: vgpud could not be read), 2 usage error.\n"},
    {"host", "usage: vgpuctl host gpus|sessions [--json]\n"
             "       vgpuctl host watch [--json] [--interval MS] [--count N]\n"
             "       vgpuctl host set-quota SESSION SIZE|none [--json]\n"
             "       vgpuctl host set-priority SESSION low|normal|high [--json]\n"
             "       vgpuctl host drain SESSION [--json]\n"
             "       vgpuctl host kill SESSION [--json]\n"
             "       (each also [--endpoint unix:PATH|tcp:HOST:PORT] [--token-file FILE] [--timeout MS])\n"
             "\n"
             "The GPU host through vgpud's admin socket (docs/management-protocol.md): its GPUs, every\n"
             "session on them (which guest, which process, VRAM, launches, latency), followed live, and\n"
             "the actions on a session: a VRAM quota per device (SIZE like 8GiB or 512MiB; 0 or none: no\n"
             "quota), a priority, drain (new work fails, the client may finish) and kill. You need to be\n"
             "root or in group vgpud-admin (unix), or hold the admin token (tcp).\n"
             "\n"
             "Options:\n"
             "  --json                 gpus, sessions: vgpud's objects as sent; watch: NDJSON, one sample per\n"
             "                         line; actions: vgpud's reply (docs/vgpuctl-json.md)\n"
             "  --endpoint ENDPOINT    vgpud's admin socket: unix:PATH or tcp:HOST:PORT\n"
             "                         (default unix:/run/vgpud-admin.sock)\n"
             "  --token-file FILE      the admin token, mandatory with tcp: (vgpud's admin-token-file)\n"
             "  --timeout MS           how long to wait for vgpud's answer (default 5000)\n"
             "  --interval MS          (watch) sampling interval, 100-10000 (default 1000)\n"
             "  --count N              (watch) stop after N samples (default: run until interrupted)\n"
             "\n"
             "Exit status: 0 done, 1 vgpud could not be reached, refused you or failed, 2 usage error,\n"
             "3 no such session. watch retries while vgpud cannot be reached, and exits 1 when it refuses you.\n"},
};

} // namespace

QString commandHelp(const char* name) {
  for (const CommandHelp& help : kHelp) {
    if (std::strcmp(help.name, name) == 0) {
      return QString::fromUtf8(help.text)
          .replace(QStringLiteral("@SHIMDIR@"), controller::installedShimDir())
          .replace(QStringLiteral("@PROBE@"), controller::installedProbePath());
    }
  }
  return {};
}

} // namespace vgpu::cli

// The shape of a vgpuctl command. Each command lives in its own command_<name>.cpp and is listed
// once in the table in vgpuctl_commands.cpp; vgpuctl_cli.cpp dispatches on the first word.
#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>
#include <span>

namespace vgpu::cli {

struct CommandContext {
  QStringList arguments; // the words after the command name (options included)
  QTextStream& out;
  QTextStream& err;
  QString root; // --root: every system path is resolved under it ("/" normally; tests use a tree)
};

struct CommandSpec {
  const char* name;    // first word on the command line, e.g. "doctor"
  const char* summary; // one line for `vgpuctl --help`
  // Returns the exit code: 0 success, 1 the command failed, 2 usage error (documented per command).
  int (*run)(CommandContext& context);
};

// Every command vgpuctl knows, in the order --help lists them.
std::span<const CommandSpec> vgpuctlCommands();

// `vgpuctl <name> --help`: synopsis, options and exit status (vgpuctl_help.cpp); empty if unknown.
QString commandHelp(const char* name);

} // namespace vgpu::cli

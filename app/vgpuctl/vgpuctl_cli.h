// vgpuctl's command-line front end: parses arguments and dispatches to commands.
#pragma once

#include <QStringList>
#include <QTextStream>

namespace vgpu::cli {

// Runs vgpuctl with `arguments` (argv including the program name); returns the exit code.
// Exit codes: 0 success, 1 the command failed, 2 usage error.
int runVgpuctl(const QStringList& arguments, QTextStream& out, QTextStream& err);

} // namespace vgpu::cli

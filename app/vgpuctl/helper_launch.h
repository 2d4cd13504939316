// How vgpuctl reaches vgpu-helper: through pkexec on a real system; directly with --root when
// vgpuctl itself runs on a test tree (--root DIR). VGPU_HELPER names another helper binary (a
// build tree's); pkexec still asks polkit, and only the installed path carries the vgpu actions.
#pragma once

#include "changes/helper_client.h"
#include "vgpuctl_command.h"

#include <QJsonArray>
#include <QTextStream>

namespace vgpu::cli {

inline controller::HelperLaunch helperLaunch(const CommandContext& context) {
  controller::HelperLaunch launch;
  launch.testRoot = context.root;
  if (qEnvironmentVariableIsSet("VGPU_HELPER")) {
    launch.helperPath = qEnvironmentVariable("VGPU_HELPER");
  }
  return launch;
}

// Prints a helper reply for people: its message, warnings and errors. Returns vgpuctl's exit code.
inline int printHelperReply(const controller::HelperReply& reply, QTextStream& out, QTextStream& err) {
  for (const auto& warning : reply.data.value(QStringLiteral("warnings")).toArray()) {
    err << "warning: " << warning.toString() << '\n';
  }
  (reply.ok ? out : err) << reply.message << '\n';
  if (!reply.ok && reply.exitCode == static_cast<int>(controller::HelperExit::AuthDismissed)) {
    return 1;
  }
  return reply.ok ? 0 : 1;
}

} // namespace vgpu::cli

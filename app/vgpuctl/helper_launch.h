// How vgpuctl reaches vgpu-helper: through pkexec on a real system; directly with --root when
// vgpuctl itself runs on a test tree (--root DIR). VGPU_HELPER names another helper binary (a
// build tree's); pkexec still asks polkit, and only the installed path carries the vgpu actions.
// The helper's systemd verbs (daemon-reload, restart-ollama) use the system bus; on a test tree
// they use the bus named by VGPU_HELPER_TEST_BUS, which vgpuctl passes on from --bus.
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

// Whether the helper would talk to the same systemd as vgpuctl on `busAddress` (empty: the
// system bus). A production helper (pkexec) only knows the system bus; a test-mode helper gets
// the address through VGPU_HELPER_TEST_BUS (see passBusToHelper).
inline bool helperReachesBus(const CommandContext& context, const QString& busAddress) {
  return busAddress.isEmpty() || (!context.root.isEmpty() && context.root != QLatin1String("/"));
}

// In test mode (--root), the helper runs as a child of vgpuctl and inherits this variable; under
// pkexec the environment is cleared and the helper ignores it without --root anyway.
inline void passBusToHelper(const CommandContext& context, const QString& busAddress) {
  if (!busAddress.isEmpty() && helperReachesBus(context, busAddress)) {
    qputenv("VGPU_HELPER_TEST_BUS", busAddress.toLocal8Bit());
  }
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

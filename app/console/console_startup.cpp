// Display detection for vgpu-console: a clear instruction instead of Qt's platform-plugin abort.
#include "console_startup.h"

namespace vgpu::console {

std::optional<QString> missingDisplayMessage(const QProcessEnvironment& environment) {
  const bool hasPlatform = !environment.value(QStringLiteral("QT_QPA_PLATFORM")).isEmpty();
  const bool hasX11 = !environment.value(QStringLiteral("DISPLAY")).isEmpty();
  const bool hasWayland = !environment.value(QStringLiteral("WAYLAND_DISPLAY")).isEmpty();
  if (hasPlatform || hasX11 || hasWayland) {
    return std::nullopt;
  }
  // Shown before QApplication exists, so this text cannot be translated; it is for terminals.
  return QStringLiteral("vgpu-console needs a display, and none was found (DISPLAY and WAYLAND_DISPLAY are unset).\n"
                        "\n"
                        "  - On a desktop, run it from a graphical session.\n"
                        "  - On a server, use a virtual display:   xvfb-run -a scripts/dev console\n"
                        "  - For screenshots without any display:  QT_QPA_PLATFORM=offscreen scripts/dev console\n"
                        "  - From another machine:                 ssh -X <host>, then scripts/dev console\n"
                        "\n"
                        "Everything the console does is also available headless through vgpuctl (vgpuctl --help).\n");
}

} // namespace vgpu::console

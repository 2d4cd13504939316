// Start-up checks that must run before QApplication exists (a missing display makes Qt abort).
#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <optional>

namespace vgpu::console {

// A message telling the user how to run the console when no display can be used; nullopt when
// a display (X11, Wayland) or an explicit QT_QPA_PLATFORM is available.
std::optional<QString> missingDisplayMessage(const QProcessEnvironment& environment);

} // namespace vgpu::console

// Where an installed vgpu keeps its files, as compiled in by the build (cmake/VgpuInstallDirs.cmake:
// GNUInstallDirs under the install prefix, /usr for the packages). vgpuctl install, the install
// wizard and the doctor default to these; a build tree is used only when named explicitly.
#pragma once

#include <QString>

namespace vgpu::controller {

// The shim libraries' one installed location (e.g. /usr/lib/x86_64-linux-gnu/vgpu): the package
// (or `cmake --install`) puts libvgpu-cuda.so, libvgpu-nvml.so and their SONAME links there.
QString installedShimDir();
// vgpu-helper, started through pkexec (the polkit policy names this path).
QString installedHelperPath();
// vgpu-doctor-probe, the doctor's child process for loader questions.
QString installedProbePath();

} // namespace vgpu::controller

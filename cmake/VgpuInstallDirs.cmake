# Install locations (GNUInstallDirs) and the installed paths the programs compile in.
#
# The prefix defaults to /usr, not CMake's /usr/local: the polkit policy names the helper by its
# absolute path and the packages install under /usr, so a staging install (`DESTDIR=... cmake
# --install`) must produce the same tree the .debs ship. With the /usr prefix GNUInstallDirs picks
# Debian's multiarch library directory (lib/x86_64-linux-gnu) and /etc for sysconfdir.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX "/usr" CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

# The one installed location of the shim libraries (libvgpu-cuda.so, libvgpu-nvml.so and their
# SONAME links libcuda.so.1, libnvidia-ml.so.1): a private directory, never on the loader's default
# path, so only what vgpuctl install points at it (ollama.service's LD_LIBRARY_PATH, or
# ld.so.conf.d for the system scope) loads the shim.
set(VGPU_INSTALL_SHIM_DIR "${CMAKE_INSTALL_LIBDIR}/vgpu")
# Programs only other vgpu programs start: vgpu-helper (through pkexec) and vgpu-doctor-probe.
set(VGPU_INSTALL_LIBEXEC_DIR "${CMAKE_INSTALL_LIBEXECDIR}/vgpu")
# systemd's own directories on Debian 12 (units stay under /lib until the /usr move is done).
set(VGPU_INSTALL_UNIT_DIR "/lib/systemd/system" CACHE PATH "systemd system unit directory")
set(VGPU_INSTALL_TMPFILES_DIR "${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d" CACHE PATH "tmpfiles.d directory")
set(VGPU_INSTALL_SYSUSERS_DIR "${CMAKE_INSTALL_PREFIX}/lib/sysusers.d" CACHE PATH "sysusers.d directory")

# Absolute forms compiled into the controller (install_paths.cpp), so vgpuctl, the wizard and
# the doctor default to the files this build installs.
set(VGPU_INSTALLED_SHIM_DIR "${CMAKE_INSTALL_FULL_LIBDIR}/vgpu")
set(VGPU_INSTALLED_LIBEXEC_DIR "${CMAKE_INSTALL_FULL_LIBEXECDIR}/vgpu")

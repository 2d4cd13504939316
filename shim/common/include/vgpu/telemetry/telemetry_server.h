// The per-process control socket: <runtime dir>/<pid>.sock served by one small thread, started
// by the shim after a successful initialisation (never at load time). See
// docs/telemetry-protocol.md for the protocol, the runtime directory and the access rules.
#pragma once

#include "vgpu/log.h"
#include "vgpu/telemetry/telemetry_source.h"

#include <string>

namespace vgpu::telemetry {

// Starts the server once per process (later calls do nothing) unless VGPU_TELEMETRY=off. The
// source must live for the rest of the process. Failures are logged (VGPU_LOG) and leave the
// application unaffected. Returns true when the server is running.
bool startServer(TelemetrySource& source);

// False when VGPU_TELEMETRY is "off" or "0": no socket, no thread, no per-call figures.
bool telemetryRequested();

// The level VGPU_LOG (or a later set-log-level) left in effect.
log::Level currentLogLevel();

} // namespace vgpu::telemetry

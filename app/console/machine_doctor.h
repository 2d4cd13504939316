// The doctor run the console's Diagnostics page uses on a real machine: the same inputs as
// `vgpuctl doctor` (gatherSystemInputs, ollama.service from the system bus) plus the current
// boot's ollama.service journal as the Ollama log. Blocking; the page calls it off the GUI thread.
#pragma once

#include "doctor/engine/doctor_report.h"

namespace vgpu::console {

controller::doctor::DoctorReport runDoctorOnThisMachine();

} // namespace vgpu::console

// The table of doctor checks vgpuctl and the console run.
#pragma once

#include "doctor/engine/check.h"

#include <span>

namespace vgpu::controller::doctor {

std::span<const Check> doctorChecks();

} // namespace vgpu::controller::doctor

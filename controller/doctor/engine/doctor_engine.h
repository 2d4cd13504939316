// Running doctor checks: order them by their dependencies (topologically, table order kept where
// the dependencies allow), run each over the context, and skip a check whose prerequisite failed
// or was skipped, with the reason. A dependency cycle, an unknown dependency or a duplicate id is
// a programming error: ordering reports it and the run yields a single failing engine entry.
#pragma once

#include "doctor/engine/doctor_report.h"

#include <QList>
#include <QString>
#include <span>

namespace vgpu::controller::doctor {

struct CheckOrder {
  QList<qsizetype> order; // indices into the checks, prerequisites first
  QString error;          // non-empty on a cycle, an unknown dependency or a duplicate id
};

CheckOrder orderChecks(std::span<const Check> checks);

DoctorReport runDoctor(std::span<const Check> checks, const DoctorContext& context);

} // namespace vgpu::controller::doctor

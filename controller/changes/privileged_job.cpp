// Which systemd jobs vgpu-helper may carry out for a refused caller, as one table.
#include "changes/privileged_job.h"

#include <array>

namespace vgpu::controller {

namespace {

struct HelperJobRow {
  SystemdVerb verb;
  HelperVerb helperVerb;
  const char* onlyUnit; // nullptr: any (a daemon reload has no unit)
};

// The helper's systemd verbs (docs/helper-protocol.md): restart-ollama is ollama.service's only.
constexpr std::array kHelperJobs{
    HelperJobRow{SystemdVerb::Restart, HelperVerb::RestartOllama, "ollama.service"},
    HelperJobRow{SystemdVerb::Reload, HelperVerb::DaemonReload, nullptr},
};

} // namespace

std::optional<HelperCommand> helperCommandForJob(SystemdVerb verb, const QString& unit) {
  for (const HelperJobRow& row : kHelperJobs) {
    if (row.verb == verb && (row.onlyUnit == nullptr || unit == QLatin1String(row.onlyUnit))) {
      return HelperCommand{row.helperVerb, {}};
    }
  }
  return std::nullopt;
}

std::optional<HelperCommand> helperRetryFor(const JobOutcome& direct) {
  if (direct.error.kind != SystemdErrorKind::AccessDenied) {
    return std::nullopt;
  }
  return helperCommandForJob(direct.verb, direct.unit);
}

} // namespace vgpu::controller

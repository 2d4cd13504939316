// vgpu-helper's one table of verbs: for each verb of the controller's table
// (changes/helper_command.h: name, argument count, usage, shared with every caller) the helper's
// own check of its arguments and the action that carries it out.
#pragma once

#include "helper_log.h"
#include "helper_request.h"
#include "helper_verbs.h"

#include <QString>
#include <QStringList>

namespace vgpu::helper {

// Empty when valid, else the reason (the verb's arguments, already counted); may set *exitCode
// (Refused unless it says InvalidRequest).
using ArgumentCheck = QString (*)(const QStringList& arguments, int* exitCode);
using VerbAction = HelperOutcome (*)(const HelperRequest& request, const HelperLog& log);

struct VerbHandler {
  controller::HelperVerb verb;
  ArgumentCheck check;
  VerbAction run;
};

// The verb's row; null for a verb without one (refused as invalid, never run).
const VerbHandler* verbHandler(controller::HelperVerb verb);

// The checks (helper_request.cpp) and the actions (helper_verbs.cpp) the table names.
namespace checks {
QString checkInstall(const QStringList& arguments, int* exitCode);
QString checkRollback(const QStringList& arguments, int* exitCode);
QString checkEnvSet(const QStringList& arguments, int* exitCode);
QString checkEnvUnset(const QStringList& arguments, int* exitCode);
QString checkOverrideResolve(const QStringList& arguments, int* exitCode);
QString checkShimConfigSet(const QStringList& arguments, int* exitCode);
QString checkNothing(const QStringList& arguments, int* exitCode);
} // namespace checks

namespace actions {
HelperOutcome install(const HelperRequest& request, const HelperLog& log);
HelperOutcome rollback(const HelperRequest& request, const HelperLog& log);
HelperOutcome changeEnvironment(const HelperRequest& request, const HelperLog& log);
HelperOutcome resolveOverride(const HelperRequest& request, const HelperLog& log);
HelperOutcome setShimConfig(const HelperRequest& request, const HelperLog& log);
HelperOutcome systemdJob(const HelperRequest& request, const HelperLog& log);
} // namespace actions

} // namespace vgpu::helper

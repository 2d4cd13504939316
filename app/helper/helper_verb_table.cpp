// The helper's verbs, one row each: argument check and action (a row per HelperVerb).
#include "helper_verb_table.h"

namespace vgpu::helper {

namespace {

using controller::HelperVerb;

constexpr VerbHandler kHandlers[] = {
    {HelperVerb::Install, checks::checkInstall, actions::install},
    {HelperVerb::Rollback, checks::checkRollback, actions::rollback},
    {HelperVerb::EnvSet, checks::checkEnvSet, actions::changeEnvironment},
    {HelperVerb::EnvUnset, checks::checkEnvUnset, actions::changeEnvironment},
    {HelperVerb::OverrideResolve, checks::checkOverrideResolve, actions::resolveOverride},
    {HelperVerb::ShimConfigSet, checks::checkShimConfigSet, actions::setShimConfig},
    {HelperVerb::DaemonReload, checks::checkNothing, actions::systemdJob},
    {HelperVerb::RestartOllama, checks::checkNothing, actions::systemdJob},
};

} // namespace

const VerbHandler* verbHandler(HelperVerb verb) {
  for (const VerbHandler& handler : kHandlers) {
    if (handler.verb == verb) {
      return &handler;
    }
  }
  return nullptr;
}

} // namespace vgpu::helper

// A doctor remedy's verb and arguments become one vgpu-helper invocation.
#include "remedy_applier.h"

namespace vgpu::console {

controller::HelperReply HelperRemedyApplier::apply(const controller::doctor::RemedyAction& action) {
  QStringList verbAndArguments{action.verb};
  verbAndArguments.append(action.arguments);
  return controller::runHelper(controller::helperInvocation(launch_, verbAndArguments));
}

} // namespace vgpu::console

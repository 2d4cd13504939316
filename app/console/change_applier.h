// ChangeApplier: how the console's pages change the system — the Configuration page, the install
// wizard and the Diagnostics page's remedies. Each call is one controller::HelperCommand (env-set,
// install, rollback, restart-ollama, ...); the pages know only this interface.
// HelperChangeApplier runs the helper through the controller's HelperClient (pkexec in
// production, the helper's test mode on a test tree); tests put a recording double in its place.
#pragma once

#include "changes/helper_client.h"
#include "polkit_probe.h"

#include <QJsonObject>
#include <optional>

namespace vgpu::console {

class ChangeApplier {
public:
  virtual ~ChangeApplier() = default;
  // Blocking (it may wait on a polkit dialog); the pages call it off the GUI thread.
  virtual controller::HelperReply run(const controller::HelperCommand& command) = 0;
  // Whether run() can work on this machine (pkexec and polkit present); the pages ask on the GUI
  // thread when first shown, and disable their apply buttons when it cannot.
  virtual PrivilegeCheck privileges() { return {}; }
};

class HelperChangeApplier : public ChangeApplier {
public:
  explicit HelperChangeApplier(controller::HelperLaunch launch = {}, PrivilegeProbe probe = systemPrivilegeProbe())
      : launch_(std::move(launch)), probe_(std::move(probe)) {}
  controller::HelperReply run(const controller::HelperCommand& command) override {
    return controller::runHelper(controller::helperInvocation(launch_, command));
  }
  // A test tree runs the helper directly, without pkexec or polkit: nothing to check. The machine
  // is probed once; every page shares the answer.
  PrivilegeCheck privileges() override {
    if (!launch_.testRoot.isEmpty() && launch_.testRoot != QLatin1String("/")) {
      return {};
    }
    if (!checked_) {
      checked_ = checkPrivileges(probe_);
    }
    return *checked_;
  }

private:
  controller::HelperLaunch launch_;
  PrivilegeProbe probe_;
  std::optional<PrivilegeCheck> checked_;
};

// The transaction id a helper reply names ("" when the verb changed no files: nothing to undo).
inline QString transactionOf(const controller::HelperReply& reply) {
  return reply.data.value(QStringLiteral("transaction")).toString();
}

// The systemd job result of a daemon-reload / restart-ollama reply ("done", "failed", ...).
inline QString jobResultOf(const controller::HelperReply& reply) {
  return reply.data.value(QStringLiteral("job")).toObject().value(QStringLiteral("result")).toString();
}

} // namespace vgpu::console

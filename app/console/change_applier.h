// ChangeApplier: how the Configuration page and the install wizard change the system. Each call is
// one vgpu-helper verb with its arguments ({"env-set", "OLLAMA_DEBUG", "1"}, {"install", "--scope",
// "service"}, {"rollback", ID}, {"restart-ollama"}); the pages know only this interface.
// HelperChangeApplier runs the helper through the controller's HelperClient (pkexec in
// production, the helper's test mode on a test tree); tests put a recording double in its place.
#pragma once

#include "changes/helper_client.h"

#include <QJsonObject>
#include <QStringList>

namespace vgpu::console {

class ChangeApplier {
public:
  virtual ~ChangeApplier() = default;
  // Blocking (it may wait on a polkit dialog); the pages call it off the GUI thread.
  virtual controller::HelperReply run(const QStringList& verbAndArguments) = 0;
};

class HelperChangeApplier : public ChangeApplier {
public:
  explicit HelperChangeApplier(controller::HelperLaunch launch = {}) : launch_(std::move(launch)) {}
  controller::HelperReply run(const QStringList& verbAndArguments) override {
    return controller::runHelper(controller::helperInvocation(launch_, verbAndArguments));
  }

private:
  controller::HelperLaunch launch_;
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

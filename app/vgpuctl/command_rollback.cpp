// `vgpuctl rollback [ID] [--json]`: rolls back a transaction through vgpu-helper (pkexec);
// without ID the newest applied one. `vgpuctl transactions` lists them.
// Exit codes: 0 rolled back, 1 refused, failed or nothing to roll back, 2 usage.
#include "helper_launch.h"
#include "vgpuctl_command.h"

#include "changes/change_engine.h"

#include <QJsonDocument>

namespace vgpu::cli {

int runRollback(CommandContext& context) {
  QString id;
  bool json = false;
  for (const QString& argument : context.arguments) {
    if (argument == u"--json") {
      json = true;
    } else if (id.isEmpty() && !argument.startsWith(u'-')) {
      id = argument;
    } else {
      context.err << "vgpuctl rollback: unexpected argument '" << argument
                  << "'\nusage: vgpuctl rollback [ID] [--json]\n";
      return 2;
    }
  }
  if (id.isEmpty()) {
    controller::ProcessCommandRunner runner;
    QString error;
    const auto transactions =
        controller::ChangeEngine(controller::SystemRoot(context.root), runner).transactions(&error);
    for (const controller::TransactionSummary& transaction : transactions) {
      if (transaction.state == QLatin1String("applied")) {
        id = transaction.id; // oldest first: the last applied one wins
      }
    }
    if (id.isEmpty()) {
      context.err << "vgpuctl rollback: no applied transaction to roll back" << (error.isEmpty() ? "" : " (") << error
                  << (error.isEmpty() ? "" : ")") << '\n';
      return 1;
    }
  }
  const controller::HelperReply reply = controller::runHelper(
      controller::helperInvocation(helperLaunch(context), controller::HelperCommand::rollback(id)));
  if (json) {
    context.out << QJsonDocument(reply.data).toJson(QJsonDocument::Indented);
    return reply.ok ? 0 : 1;
  }
  return printHelperReply(reply, context.out, context.err);
}

} // namespace vgpu::cli

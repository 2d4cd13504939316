// `vgpuctl transactions [--json]`: the journaled changes under /var/lib/vgpu/transactions, oldest
// first, with their state (applied, rolled-back, applying = interrupted). Read-only, as the user.
// Exit codes: 0 listed, 1 the directory cannot be read, 2 usage.
#include "vgpuctl_command.h"

#include "changes/change_engine.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vgpu::cli {

int runTransactions(CommandContext& context) {
  bool json = false;
  for (const QString& argument : context.arguments) {
    if (argument != u"--json") {
      context.err << "vgpuctl transactions: unexpected argument '" << argument
                  << "'\nusage: vgpuctl transactions [--json]\n";
      return 2;
    }
    json = true;
  }
  controller::ProcessCommandRunner runner;
  QString error;
  const auto transactions = controller::ChangeEngine(controller::SystemRoot(context.root), runner).transactions(&error);
  if (!error.isEmpty()) {
    context.err << "vgpuctl transactions: " << error << '\n';
    return 1;
  }
  if (json) {
    QJsonArray array;
    for (const controller::TransactionSummary& transaction : transactions) {
      array.append(transaction.toJson());
    }
    context.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    return 0;
  }
  if (transactions.isEmpty()) {
    context.out << "no transactions\n";
  }
  for (const controller::TransactionSummary& transaction : transactions) {
    context.out << transaction.id << "  " << transaction.state.leftJustified(12) << ' ' << transaction.title << " ("
                << transaction.steps << " steps)";
    if (!transaction.error.isEmpty()) {
      context.out << ": " << transaction.error;
    }
    context.out << '\n';
  }
  return 0;
}

} // namespace vgpu::cli

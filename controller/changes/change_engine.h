// ChangeEngine: applies a ChangePlan as a journaled transaction and rolls transactions back.
//
// Layout under the root: /var/lib/vgpu/transactions/<id>/journal.json and backups/<step>.
// Before each step the engine records the prior state of the path (and a byte-identical backup
// with mode and owner for files) in the journal and fsyncs it; after the step it marks the step
// done. After the last step every result is verified (hash, mode, owner, symlink target); a
// failed step or check rolls the whole transaction back.
//
// Recovery policy: an interrupted transaction (journal state "applying" or "rolling-back", e.g.
// the process was killed) is ROLLED BACK by the next apply, rollback or recover call. Rolling
// back restores every started step's prior state (removing what the apply created, restoring
// backups) and re-runs ldconfig when the transaction ran it. Restoring is absolute, so a rollback
// that is itself interrupted simply runs again. One engine at a time: an flock on the
// transactions directory serialises processes.
#pragma once

#include "changes/change_plan.h"
#include "changes/command_runner.h"
#include "common/system_root.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace vgpu::controller {

// Where a test hook is called during a step (the interruption tests kill the process there).
enum class StepPhase {
  Journaled, // prior state and backup recorded, the change not yet made
  Performed, // the change made, the step not yet marked done
  Done,      // the step marked done in the journal
};

struct ChangeResult {
  bool ok = false;
  QString transactionId;
  QStringList errors;
  QStringList recovered; // ids of interrupted transactions rolled back before this call's work
  bool rolledBack = false;
};

struct TransactionSummary {
  QString id;
  QString title;
  QString created; // ISO 8601, UTC
  QString state;   // applying | applied | rolling-back | rolled-back
  int steps = 0;
  QString error; // why it was rolled back, if it failed
  QJsonObject toJson() const;
};

class ChangeEngine {
public:
  static constexpr const char* kTransactionsDir = "/var/lib/vgpu/transactions";

  ChangeEngine(SystemRoot root, CommandRunner& runner);

  // Test hook, called at each phase of each step (index from 0).
  void setStepHook(std::function<void(int step, StepPhase phase)> hook) { stepHook_ = std::move(hook); }

  // Applies `plan`; on failure it is rolled back. Interrupted transactions are rolled back first;
  // if there were any, nothing is applied (the plan was made against their half-done changes):
  // call recover() before planning.
  ChangeResult apply(const ChangePlan& plan);
  // Rolls back transaction `id`. An applied transaction is rolled back only if the system still
  // holds what it wrote (otherwise the drifted paths are reported and nothing is changed).
  ChangeResult rollback(const QString& id);
  // Rolls back every interrupted transaction.
  ChangeResult recover();
  // All transactions, oldest first.
  QList<TransactionSummary> transactions(QString* error) const;

  // Transaction ids: yyyyMMddThhmmsszzzZ-xxxxxx (UTC time, 6 hex digits).
  static bool isValidTransactionId(const QString& id);

private:
  SystemRoot root_;
  CommandRunner& runner_;
  std::function<void(int, StepPhase)> stepHook_;
};

} // namespace vgpu::controller

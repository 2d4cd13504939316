// ChangeEngine: write-ahead journal, apply, verify, rollback and recovery (see change_engine.h).
#include "changes/change_engine.h"

#include "changes/safe_fs.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace vgpu::controller {

namespace {

using fs::EntryType;
using fs::Fd;

const QString kJournal = QStringLiteral("journal.json");
const QString kBackups = QStringLiteral("backups");

QStringList transactionsComponents() {
  return QString::fromLatin1(ChangeEngine::kTransactionsDir).mid(1).split(u'/');
}

EntryType entryTypeFromName(const QString& name) {
  for (const EntryType type :
       {EntryType::Missing, EntryType::File, EntryType::Directory, EntryType::Symlink, EntryType::Other}) {
    if (name == QLatin1String(fs::entryTypeName(type))) {
      return type;
    }
  }
  return EntryType::Other;
}

mode_t modeFromString(const QString& text) {
  bool ok = false;
  const uint mode = text.toUInt(&ok, 8);
  return ok ? static_cast<mode_t>(mode & 07777) : 0;
}

// One open transaction: its directory fd and journal, saved (atomically, fsynced) on each change.
struct Transaction {
  Fd directory;
  QJsonObject journal;

  QJsonArray steps() const { return journal.value(QStringLiteral("steps")).toArray(); }
  QJsonObject step(int index) const { return steps().at(index).toObject(); }
  void setStep(int index, const QJsonObject& step) {
    QJsonArray array = steps();
    array.replace(index, step);
    journal.insert(QStringLiteral("steps"), array);
  }
  void setState(const QString& state) { journal.insert(QStringLiteral("state"), state); }
  QString state() const { return journal.value(QStringLiteral("state")).toString(); }
  QString id() const { return journal.value(QStringLiteral("id")).toString(); }

  bool save(QString* error) const {
    return fs::writeFileAtomicAt(directory.get(), kJournal, QJsonDocument(journal).toJson(QJsonDocument::Indented),
                                 0644, std::nullopt, std::nullopt, error);
  }
};

// The root, the transactions directory and the lock every engine call holds.
struct Session {
  Fd root;
  Fd transactions;
  Fd lock;

  // `lock` is false only for read-only listings (which may run as an unprivileged user).
  bool open(const SystemRoot& systemRoot, bool create, QString* error, bool lockIt = true) {
    root = fs::openRoot(systemRoot.root(), error);
    if (!root.valid()) {
      return false;
    }
    transactions = fs::openDirectory(root.get(), transactionsComponents(), create, error);
    if (!transactions.valid()) {
      return false;
    }
    if (!lockIt) {
      return true;
    }
    lock = Fd(::openat(transactions.get(), ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!lock.valid() || ::flock(lock.get(), LOCK_EX) != 0) {
      *error = QStringLiteral("cannot lock %1/.lock").arg(QString::fromLatin1(ChangeEngine::kTransactionsDir));
      return false;
    }
    return true;
  }

  std::optional<Transaction> load(const QString& id, QString* error) const {
    Transaction transaction;
    transaction.directory = fs::openDirectory(transactions.get(), {id}, false, error);
    if (!transaction.directory.valid()) {
      return std::nullopt;
    }
    const auto bytes = fs::readFileAt(transaction.directory.get(), kJournal, error);
    if (!bytes) {
      return std::nullopt;
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &parseError);
    if (!document.isObject()) {
      *error = QStringLiteral("transaction %1: journal is not valid JSON (%2)").arg(id, parseError.errorString());
      return std::nullopt;
    }
    transaction.journal = document.object();
    return transaction;
  }

  QStringList ids() const {
    QStringList result;
    const int fd = ::fcntl(transactions.get(), F_DUPFD_CLOEXEC, 0);
    DIR* dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (dir == nullptr) {
      if (fd >= 0) {
        ::close(fd);
      }
      return result;
    }
    // NOLINTNEXTLINE(concurrency-mt-unsafe): the DIR stream is private to this call
    while (const dirent* entry = ::readdir(dir)) {
      const QString name = QString::fromLocal8Bit(entry->d_name);
      if (ChangeEngine::isValidTransactionId(name)) {
        result.append(name);
      }
    }
    ::closedir(dir);
    result.sort();
    return result;
  }
};

// Opens the parent directory of a system path (never following symlinks).
Fd openParent(int rootFd, const QString& path, QString* name, QString* error) {
  const auto split = fs::splitSystemPath(path, error);
  if (!split) {
    return Fd();
  }
  *name = split->name;
  return fs::openDirectory(rootFd, split->parent, false, error);
}

QJsonObject priorToJson(const fs::Entry& entry) {
  QJsonObject prior{{QStringLiteral("type"), QString::fromLatin1(fs::entryTypeName(entry.type))}};
  if (entry.type != EntryType::Missing) {
    prior.insert(QStringLiteral("mode"), fs::modeString(entry.mode));
    prior.insert(QStringLiteral("uid"), static_cast<qint64>(entry.uid));
    prior.insert(QStringLiteral("gid"), static_cast<qint64>(entry.gid));
  }
  if (entry.type == EntryType::Symlink) {
    prior.insert(QStringLiteral("target"), entry.symlinkTarget);
  }
  return prior;
}

// Checks that the path's current state is what the operation expects before it runs.
QString checkPrecondition(const Operation& operation, const fs::Entry& current) {
  const auto unexpected = [&](const char* wanted) {
    return QStringLiteral("%1: expected %2, found %3 (the system changed since the plan was made)")
        .arg(operation.path, QLatin1String(wanted), QLatin1String(fs::entryTypeName(current.type)));
  };
  switch (operation.kind) {
  case OperationKind::CreateDirectory:
  case OperationKind::WriteFile: return current.type == EntryType::Missing ? QString() : unexpected("nothing");
  case OperationKind::ReplaceFile: return current.type == EntryType::File ? QString() : unexpected("a regular file");
  case OperationKind::RemoveFile:
    return current.type == EntryType::File || current.type == EntryType::Symlink ? QString()
                                                                                 : unexpected("a file or symlink");
  case OperationKind::CreateSymlink:
    return current.type == EntryType::Missing || current.type == EntryType::Symlink
               ? QString()
               : unexpected("nothing or a symlink");
  case OperationKind::RunLdconfig: return {};
  }
  return {};
}

QStringList ldconfigArguments(const SystemRoot& root) {
  return root.isRealRoot() ? QStringList{} : QStringList{QStringLiteral("-r"), root.root()};
}

bool runLdconfig(CommandRunner& runner, const SystemRoot& root, QString* error) {
  const CommandResult result = runner.run(QStringLiteral("ldconfig"), ldconfigArguments(root));
  if (!result.started || result.exitCode != 0) {
    *error = QStringLiteral("ldconfig failed (exit %1): %2").arg(result.exitCode).arg(result.output.trimmed());
    return false;
  }
  return true;
}

// Makes the change of one operation; the prior state is already journaled.
bool perform(const Operation& operation, int rootFd, CommandRunner& runner, const SystemRoot& root, QString* error) {
  if (operation.kind == OperationKind::RunLdconfig) {
    return runLdconfig(runner, root, error);
  }
  QString name;
  const Fd parent = openParent(rootFd, operation.path, &name, error);
  if (!parent.valid()) {
    return false;
  }
  switch (operation.kind) {
  case OperationKind::CreateDirectory:
    return fs::makeDirectoryAt(parent.get(), name, operation.mode, operation.uid, operation.gid, error);
  case OperationKind::WriteFile:
  case OperationKind::ReplaceFile:
    return fs::writeFileAtomicAt(parent.get(), name, operation.content, operation.mode, operation.uid, operation.gid,
                                 error);
  case OperationKind::RemoveFile: return fs::removeAt(parent.get(), name, false, error);
  case OperationKind::CreateSymlink: return fs::symlinkAtomicAt(parent.get(), name, operation.linkTarget, error);
  case OperationKind::RunLdconfig: break;
  }
  return true;
}

// Compares the path's current state with an operation's recorded result; empty when it matches.
QString checkResult(int rootFd, const QJsonObject& expected) {
  const std::optional<OperationKind> kind = operationKindFromName(expected.value(QStringLiteral("op")).toString());
  if (!kind || *kind == OperationKind::RunLdconfig) {
    return {};
  }
  const QString path = expected.value(QStringLiteral("path")).toString();
  QString error;
  QString name;
  const Fd parent = openParent(rootFd, path, &name, &error);
  if (!parent.valid()) {
    return QStringLiteral("%1: %2").arg(path, error);
  }
  const auto entry = fs::statAt(parent.get(), name, &error);
  if (!entry) {
    return QStringLiteral("%1: %2").arg(path, error);
  }
  const auto mismatch = [&](const QString& what) { return QStringLiteral("%1: %2").arg(path, what); };
  const auto checkOwnerAndMode = [&]() -> QString {
    if (entry->mode != modeFromString(expected.value(QStringLiteral("mode")).toString())) {
      return mismatch(QStringLiteral("mode is %1, expected %2")
                          .arg(fs::modeString(entry->mode), expected.value(QStringLiteral("mode")).toString()));
    }
    if (expected.contains(QStringLiteral("uid")) && entry->uid != expected.value(QStringLiteral("uid")).toInteger()) {
      return mismatch(QStringLiteral("owner uid is %1").arg(entry->uid));
    }
    if (expected.contains(QStringLiteral("gid")) && entry->gid != expected.value(QStringLiteral("gid")).toInteger()) {
      return mismatch(QStringLiteral("group gid is %1").arg(entry->gid));
    }
    return {};
  };
  switch (*kind) {
  case OperationKind::CreateDirectory:
    if (entry->type != EntryType::Directory) {
      return mismatch(QStringLiteral("is not a directory"));
    }
    return checkOwnerAndMode();
  case OperationKind::WriteFile:
  case OperationKind::ReplaceFile: {
    if (entry->type != EntryType::File) {
      return mismatch(QStringLiteral("is not a regular file"));
    }
    const auto bytes = fs::readFileAt(parent.get(), name, &error);
    if (!bytes) {
      return mismatch(error);
    }
    if (fs::sha256Hex(*bytes) != expected.value(QStringLiteral("sha256")).toString()) {
      return mismatch(QStringLiteral("content differs from what was written (sha256 %1)").arg(fs::sha256Hex(*bytes)));
    }
    return checkOwnerAndMode();
  }
  case OperationKind::RemoveFile:
    return entry->type == EntryType::Missing ? QString() : mismatch(QStringLiteral("still exists"));
  case OperationKind::CreateSymlink:
    if (entry->type != EntryType::Symlink ||
        entry->symlinkTarget != expected.value(QStringLiteral("target")).toString()) {
      return mismatch(
          QStringLiteral("is not a symlink to %1").arg(expected.value(QStringLiteral("target")).toString()));
    }
    return {};
  case OperationKind::RunLdconfig: break;
  }
  return {};
}

// Puts a path back into its journaled prior state.
bool restorePrior(int rootFd, const Transaction& transaction, int index, QString* error) {
  const QJsonObject step = transaction.step(index);
  const QString path = step.value(QStringLiteral("expected")).toObject().value(QStringLiteral("path")).toString();
  const QJsonObject prior = step.value(QStringLiteral("prior")).toObject();
  const EntryType priorType = entryTypeFromName(prior.value(QStringLiteral("type")).toString());
  QString name;
  QString openError;
  const Fd parent = openParent(rootFd, path, &name, &openError);
  if (!parent.valid()) {
    if (priorType == EntryType::Missing) {
      return true; // the parent is gone, so is the entry: nothing to remove
    }
    *error = QStringLiteral("%1: %2").arg(path, openError);
    return false;
  }
  fs::removeTemporaries(parent.get(), name); // left by a write interrupted before its rename
  const auto current = fs::statAt(parent.get(), name, error);
  if (!current) {
    return false;
  }
  const auto uid = static_cast<uid_t>(prior.value(QStringLiteral("uid")).toInteger());
  const auto gid = static_cast<gid_t>(prior.value(QStringLiteral("gid")).toInteger());
  switch (priorType) {
  case EntryType::Missing:
    return current->type == EntryType::Missing ||
           fs::removeAt(parent.get(), name, current->type == EntryType::Directory, error);
  case EntryType::File: {
    const Fd backups = fs::openDirectory(transaction.directory.get(), {kBackups}, false, error);
    if (!backups.valid()) {
      return false;
    }
    const auto bytes = fs::readFileAt(backups.get(), QString::number(index), error);
    if (!bytes) {
      return false;
    }
    if (fs::sha256Hex(*bytes) != prior.value(QStringLiteral("sha256")).toString()) {
      *error = QStringLiteral("%1: the backup no longer matches its recorded hash; not restoring it").arg(path);
      return false;
    }
    return fs::writeFileAtomicAt(parent.get(), name, *bytes,
                                 modeFromString(prior.value(QStringLiteral("mode")).toString()), uid, gid, error);
  }
  case EntryType::Symlink: {
    if (!fs::symlinkAtomicAt(parent.get(), name, prior.value(QStringLiteral("target")).toString(), error)) {
      return false;
    }
    if (::fchownat(parent.get(), QFile::encodeName(name).constData(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
      *error = QStringLiteral("%1: cannot restore the symlink's owner").arg(path);
      return false;
    }
    return true;
  }
  case EntryType::Directory:
  case EntryType::Other: break; // never replaced by an operation (preconditions refuse it)
  }
  return true;
}

// Rolls back every started step in reverse order; the journal says how far it got.
bool rollbackTransaction(Session& session, Transaction& transaction, const QString& reason, CommandRunner& runner,
                         const SystemRoot& root, QStringList* errors) {
  transaction.setState(QStringLiteral("rolling-back"));
  if (!transaction.journal.contains(QStringLiteral("rollbackReason"))) {
    transaction.journal.insert(QStringLiteral("rollbackReason"), reason);
  }
  QString error;
  if (!transaction.save(&error)) {
    errors->append(error);
    return false;
  }
  bool ranLdconfig = false;
  bool ok = true;
  const int count = static_cast<int>(transaction.steps().size());
  for (int index = count - 1; index >= 0; --index) {
    QJsonObject step = transaction.step(index);
    const QString status = step.value(QStringLiteral("status")).toString();
    if (status != QLatin1String("started") && status != QLatin1String("done")) {
      continue;
    }
    const QJsonObject expected = step.value(QStringLiteral("expected")).toObject();
    if (expected.value(QStringLiteral("op")).toString() == operationKindName(OperationKind::RunLdconfig)) {
      ranLdconfig = true;
    } else if (!restorePrior(session.root.get(), transaction, index, &error)) {
      errors->append(error);
      ok = false;
      continue;
    }
    step.insert(QStringLiteral("status"), QStringLiteral("undone"));
    transaction.setStep(index, step);
    if (!transaction.save(&error)) {
      errors->append(error);
      return false;
    }
  }
  if (ranLdconfig && !runLdconfig(runner, root, &error)) {
    errors->append(error);
    ok = false;
  }
  if (!ok) {
    return false; // stays "rolling-back": the next run retries
  }
  transaction.setState(QStringLiteral("rolled-back"));
  if (!transaction.save(&error)) {
    errors->append(error);
    return false;
  }
  return true;
}

void recoverLocked(Session& session, CommandRunner& runner, const SystemRoot& root, ChangeResult* result) {
  for (const QString& id : session.ids()) {
    QString error;
    // Killed before its first journal write: the journal precedes every step, so nothing was done.
    const Fd directory = fs::openDirectory(session.transactions.get(), {id}, false, &error);
    const auto journal = directory.valid() ? fs::statAt(directory.get(), kJournal, &error) : std::nullopt;
    if (journal && journal->type == EntryType::Missing) {
      continue;
    }
    auto transaction = session.load(id, &error);
    if (!transaction) {
      result->errors.append(error);
      continue;
    }
    const QString state = transaction->state();
    if (state != QLatin1String("applying") && state != QLatin1String("rolling-back")) {
      continue;
    }
    if (rollbackTransaction(session, *transaction, QStringLiteral("recovery: the apply was interrupted"), runner, root,
                            &result->errors)) {
      result->recovered.append(id);
    }
  }
}

QString newTransactionId() {
  return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz'Z'")) +
         QStringLiteral("-%1").arg(QRandomGenerator::global()->bounded(0x1000000), 6, 16, QLatin1Char('0'));
}

} // namespace

QJsonObject TransactionSummary::toJson() const {
  return {{QStringLiteral("id"), id},       {QStringLiteral("title"), title}, {QStringLiteral("created"), created},
          {QStringLiteral("state"), state}, {QStringLiteral("steps"), steps}, {QStringLiteral("error"), error}};
}

ChangeEngine::ChangeEngine(SystemRoot root, CommandRunner& runner) : root_(std::move(root)), runner_(runner) {}

bool ChangeEngine::isValidTransactionId(const QString& id) {
  static const QRegularExpression pattern(QStringLiteral("^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}$"));
  return pattern.match(id).hasMatch();
}

ChangeResult ChangeEngine::recover() {
  ChangeResult result;
  Session session;
  QString error;
  if (!session.open(root_, true, &error)) {
    result.errors.append(error);
    return result;
  }
  recoverLocked(session, runner_, root_, &result);
  result.ok = result.errors.isEmpty();
  return result;
}

namespace {

// A new transaction for `plan`: its directory, the backups folder, and the journal listing every
// step as pending, saved before anything is touched. Returns the error, empty on success.
QString beginTransaction(const Session& session, const ChangePlan& plan, const QString& id, Transaction& transaction,
                         Fd& backups) {
  QString error;
  transaction.directory = fs::openDirectory(session.transactions.get(), {id}, true, &error);
  backups =
      transaction.directory.valid() ? fs::openDirectory(transaction.directory.get(), {kBackups}, true, &error) : Fd();
  if (!backups.valid()) {
    return error;
  }
  QJsonArray steps;
  for (const Operation& operation : plan.operations) {
    steps.append(QJsonObject{{QStringLiteral("status"), QStringLiteral("pending")},
                             {QStringLiteral("expected"), operation.toJson()}});
  }
  transaction.journal = {{QStringLiteral("version"), 1},
                         {QStringLiteral("id"), id},
                         {QStringLiteral("title"), plan.title},
                         {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                         {QStringLiteral("state"), QStringLiteral("applying")},
                         {QStringLiteral("needsDaemonReload"), plan.needsDaemonReload},
                         {QStringLiteral("needsRestart"), plan.needsRestart},
                         {QStringLiteral("steps"), steps}};
  return transaction.save(&error) ? QString() : error;
}

// What step `index` finds before it acts, into its journal entry: the entry's state, and for a
// file a byte-identical backup with its hash. Refuses when the precondition does not hold.
// Returns the error, empty on success.
QString recordPrior(const Session& session, const Operation& operation, int index, const Fd& backups,
                    QJsonObject& step) {
  if (operation.kind == OperationKind::RunLdconfig) {
    return {};
  }
  QString error;
  QString name;
  const Fd parent = openParent(session.root.get(), operation.path, &name, &error);
  const auto current = parent.valid() ? fs::statAt(parent.get(), name, &error) : std::nullopt;
  if (!current) {
    return QStringLiteral("step %1: %2").arg(index + 1).arg(error);
  }
  if (const QString problem = checkPrecondition(operation, *current); !problem.isEmpty()) {
    return QStringLiteral("step %1: %2").arg(index + 1).arg(problem);
  }
  QJsonObject prior = priorToJson(*current);
  if (current->type == EntryType::File) {
    const auto bytes = fs::readFileAt(parent.get(), name, &error);
    if (!bytes || !fs::writeFileAtomicAt(backups.get(), QString::number(index), *bytes, current->mode, current->uid,
                                         current->gid, &error)) {
      return QStringLiteral("step %1: cannot back up %2: %3").arg(index + 1).arg(operation.path, error);
    }
    prior.insert(QStringLiteral("sha256"), fs::sha256Hex(*bytes));
    prior.insert(QStringLiteral("backup"), QStringLiteral("backups/%1").arg(index));
  }
  step.insert(QStringLiteral("prior"), prior);
  return {};
}

// Every operation's result checked on disk after the last step; empty when all hold.
QString verifyApplied(const Session& session, const ChangePlan& plan) {
  QStringList problems;
  for (const Operation& operation : plan.operations) {
    if (const QString problem = checkResult(session.root.get(), operation.toJson()); !problem.isEmpty()) {
      problems.append(problem);
    }
  }
  return problems.isEmpty() ? QString()
                            : QStringLiteral("verification failed: %1").arg(problems.join(QStringLiteral("; ")));
}

} // namespace

ChangeResult ChangeEngine::apply(const ChangePlan& plan) {
  ChangeResult result;
  Session session;
  QString error;
  if (!session.open(root_, true, &error)) {
    result.errors.append(error);
    return result;
  }
  recoverLocked(session, runner_, root_, &result);
  if (!result.errors.isEmpty()) {
    result.errors.prepend(QStringLiteral("an interrupted transaction could not be rolled back; fix that first"));
    return result;
  }
  if (!result.recovered.isEmpty()) {
    // The plan was made while the interrupted changes were on disk: it may skip what they did.
    result.errors.append(QStringLiteral("interrupted transaction %1 was rolled back first; plan again")
                             .arg(result.recovered.join(QStringLiteral(", "))));
    return result;
  }

  Transaction transaction;
  Fd backups;
  result.transactionId = newTransactionId();
  if (error = beginTransaction(session, plan, result.transactionId, transaction, backups); !error.isEmpty()) {
    result.errors.append(error);
    return result;
  }

  const auto fail = [&](const QString& why) {
    result.errors.append(why);
    transaction.journal.insert(QStringLiteral("error"), why);
    result.rolledBack = rollbackTransaction(session, transaction, QStringLiteral("apply failed: %1").arg(why), runner_,
                                            root_, &result.errors);
    return result;
  };
  const auto hook = [&](int index, StepPhase phase) {
    if (stepHook_) {
      stepHook_(index, phase);
    }
  };

  for (int index = 0; index < plan.operations.size(); ++index) {
    const Operation& operation = plan.operations.at(index);
    QJsonObject step = transaction.step(index);
    if (const QString problem = recordPrior(session, operation, index, backups, step); !problem.isEmpty()) {
      return fail(problem);
    }
    step.insert(QStringLiteral("status"), QStringLiteral("started"));
    transaction.setStep(index, step);
    if (!transaction.save(&error)) {
      return fail(error);
    }
    hook(index, StepPhase::Journaled);
    if (!perform(operation, session.root.get(), runner_, root_, &error)) {
      return fail(QStringLiteral("step %1 (%2): %3").arg(index + 1).arg(operation.describe(), error));
    }
    hook(index, StepPhase::Performed);
    step.insert(QStringLiteral("status"), QStringLiteral("done"));
    transaction.setStep(index, step);
    if (!transaction.save(&error)) {
      return fail(error);
    }
    hook(index, StepPhase::Done);
  }

  if (const QString problem = verifyApplied(session, plan); !problem.isEmpty()) {
    return fail(problem);
  }
  transaction.setState(QStringLiteral("applied"));
  if (!transaction.save(&error)) {
    result.errors.append(error);
    return result;
  }
  result.ok = true;
  return result;
}

ChangeResult ChangeEngine::rollback(const QString& id) {
  ChangeResult result;
  result.transactionId = id;
  if (!isValidTransactionId(id)) {
    result.errors.append(QStringLiteral("'%1' is not a transaction id").arg(id));
    return result;
  }
  Session session;
  QString error;
  if (!session.open(root_, false, &error)) {
    result.errors.append(error);
    return result;
  }
  auto transaction = session.load(id, &error);
  if (!transaction) {
    result.errors.append(QStringLiteral("no transaction %1: %2").arg(id, error));
    return result;
  }
  const QString state = transaction->state();
  if (state == QLatin1String("rolled-back")) {
    result.errors.append(QStringLiteral("transaction %1 is already rolled back").arg(id));
    return result;
  }
  if (state == QLatin1String("applied")) {
    QStringList drift;
    for (const auto& step : transaction->steps()) {
      if (const QString problem =
              checkResult(session.root.get(), step.toObject().value(QStringLiteral("expected")).toObject());
          !problem.isEmpty()) {
        drift.append(problem);
      }
    }
    if (!drift.isEmpty()) {
      result.errors.append(QStringLiteral("not rolling back %1: the system changed since it was applied: %2")
                               .arg(id, drift.join(QStringLiteral("; "))));
      return result;
    }
  }
  result.rolledBack =
      rollbackTransaction(session, *transaction, QStringLiteral("requested"), runner_, root_, &result.errors);
  result.ok = result.rolledBack;
  return result;
}

QList<TransactionSummary> ChangeEngine::transactions(QString* error) const {
  QList<TransactionSummary> result;
  Session session;
  if (!session.open(root_, false, error, false)) {
    // No transactions directory yet: nothing was ever applied.
    if (error->contains(QStringLiteral("No such file"))) {
      error->clear();
    }
    return result;
  }
  for (const QString& id : session.ids()) {
    QString loadError;
    const auto transaction = session.load(id, &loadError);
    TransactionSummary summary;
    summary.id = id;
    if (!transaction) {
      summary.state = QStringLiteral("unreadable");
      summary.error = loadError;
    } else {
      const QJsonObject& journal = transaction->journal;
      summary.title = journal.value(QStringLiteral("title")).toString();
      summary.created = journal.value(QStringLiteral("created")).toString();
      summary.state = journal.value(QStringLiteral("state")).toString();
      summary.steps = static_cast<int>(transaction->steps().size());
      summary.error = journal.value(QStringLiteral("error")).toString();
    }
    result.append(summary);
  }
  return result;
}

} // namespace vgpu::controller

// vgpu-helper entry point: the only privileged vgpu program. Started by pkexec for one verb, it
// checks the caller, validates the request itself, carries the verb out, prints one JSON line on
// stdout and exits (exit codes: controller/changes/helper_client.h, docs/helper-protocol.md).
#include "changes/helper_client.h"
#include "helper_log.h"
#include "helper_request.h"
#include "helper_verbs.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using vgpu::controller::HelperExit;

int reply(const QString& verb, unsigned callerUid, int exitCode, const QString& message, QJsonObject data = {}) {
  data.insert(QStringLiteral("ok"), exitCode == 0);
  data.insert(QStringLiteral("exitCode"), exitCode);
  data.insert(QStringLiteral("verb"), verb);
  data.insert(QStringLiteral("message"), message);
  data.insert(QStringLiteral("callerUid"), static_cast<qint64>(callerUid));
  const QByteArray line = QJsonDocument(data).toJson(QJsonDocument::Compact);
  (void)std::fprintf(stdout, "%s\n", line.constData());
  (void)std::fflush(stdout);
  return exitCode;
}

} // namespace

int main(int argc, char** argv) {
  ::umask(022);
  QStringList arguments;
  for (int index = 1; index < argc; ++index) {
    arguments.append(QString::fromLocal8Bit(argv[index]));
  }
  QCoreApplication app(argc, argv);

  vgpu::helper::Caller caller;
  caller.effectiveUid = ::geteuid();
  bool pkexecUidValid = true;
  if (qEnvironmentVariableIsSet("PKEXEC_UID")) {
    caller.pkexecUid = qEnvironmentVariable("PKEXEC_UID").toUInt(&pkexecUidValid);
  }
  const unsigned callerUid = caller.pkexecUid.value_or(::getuid());
  const bool testMode = arguments.value(0) == QLatin1String("--root");
  const vgpu::helper::HelperLog log(callerUid, testMode);

  // The caller first: a refused caller learns nothing about the request's validity.
  QString callerProblem = vgpu::helper::checkCaller(caller, testMode);
  if (!pkexecUidValid) {
    callerProblem = QStringLiteral("PKEXEC_UID is not a user id");
  }
  if (!callerProblem.isEmpty()) {
    log.refusal(QString(), callerProblem);
    return reply(QString(), callerUid, static_cast<int>(HelperExit::CallerRefused), callerProblem);
  }
  const vgpu::helper::RequestCheck check = vgpu::helper::checkRequest(arguments);
  if (!check.request) {
    log.refusal(check.verb, check.message);
    return reply(check.verb, callerUid, check.exitCode, check.message);
  }
  log.action(check.verb, QStringLiteral("request: %1").arg(arguments.join(u' ')));
  const vgpu::helper::HelperOutcome outcome = vgpu::helper::runVerb(*check.request, log);
  return reply(check.verb, callerUid, outcome.exitCode, outcome.message, outcome.data);
}

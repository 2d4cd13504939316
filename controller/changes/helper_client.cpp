// HelperClient: command lines for and replies from vgpu-helper (see helper_client.h).
#include "changes/helper_client.h"

#include <QJsonDocument>
#include <QProcess>
#include <array>
#include <utility>

namespace vgpu::controller {

namespace {

constexpr std::array<std::pair<HelperExit, const char*>, 8> kExitMessages{{
    {HelperExit::Success, "done"},
    {HelperExit::Failed, "vgpu-helper could not complete the change (nothing was left half-done)"},
    {HelperExit::InvalidRequest, "vgpu-helper did not understand the request"},
    {HelperExit::Refused, "vgpu-helper refused the request: an argument failed validation"},
    {HelperExit::CallerRefused, "vgpu-helper refused to run for this caller (it must run as root through pkexec)"},
    {HelperExit::NotImplemented, "vgpu-helper cannot do this in this build"},
    {HelperExit::AuthDismissed, "authorization was dismissed: nothing was changed"},
    {HelperExit::NotAuthorized,
     "not authorized to change the system (polkit denied the request, or pkexec could not start vgpu-helper)"},
}};

} // namespace

QString helperExitMessage(int exitCode) {
  for (const auto& [code, message] : kExitMessages) {
    if (static_cast<int>(code) == exitCode) {
      return QString::fromLatin1(message);
    }
  }
  return QStringLiteral("vgpu-helper ended with unexpected exit code %1").arg(exitCode);
}

HelperInvocation helperInvocation(const HelperLaunch& launch, const HelperCommand& command) {
  const QStringList verbAndArguments = command.commandLine();
  if (!launch.testRoot.isEmpty() && launch.testRoot != QLatin1String("/")) {
    return {launch.helperPath, QStringList{QStringLiteral("--root"), launch.testRoot} + verbAndArguments};
  }
  // pkexec runs the helper as root with a clean environment and sets PKEXEC_UID to the caller.
  return {launch.pkexecPath, QStringList{launch.helperPath} + verbAndArguments};
}

HelperReply parseHelperReply(int exitCode, const QByteArray& standardOutput, const QByteArray& standardError) {
  HelperReply reply;
  reply.exitCode = exitCode;
  reply.diagnostics = QString::fromLocal8Bit(standardError);
  const QJsonDocument document = QJsonDocument::fromJson(standardOutput.trimmed());
  if (document.isObject()) {
    reply.data = document.object();
    reply.message = reply.data.value(QStringLiteral("message")).toString();
  }
  if (reply.message.isEmpty()) {
    reply.message = helperExitMessage(exitCode);
  }
  reply.ok = exitCode == 0 && (reply.data.isEmpty() || reply.data.value(QStringLiteral("ok")).toBool());
  return reply;
}

HelperReply runHelper(const HelperInvocation& invocation, int timeoutMs) {
  QProcess process;
  process.start(invocation.program, invocation.arguments);
  if (!process.waitForStarted(10000)) {
    HelperReply reply;
    reply.message = QStringLiteral("cannot start %1: %2").arg(invocation.program, process.errorString());
    return reply;
  }
  process.closeWriteChannel();
  if (!process.waitForFinished(timeoutMs)) {
    process.kill();
    process.waitForFinished(5000);
    HelperReply reply;
    reply.message = QStringLiteral("%1 did not finish in time").arg(invocation.program);
    return reply;
  }
  const int exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  return parseHelperReply(exitCode, process.readAllStandardOutput(), process.readAllStandardError());
}

} // namespace vgpu::controller

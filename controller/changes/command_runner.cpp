// ProcessCommandRunner: external programs through QProcess.
#include "changes/command_runner.h"

#include <QProcess>

namespace vgpu::controller {

CommandResult ProcessCommandRunner::run(const QString& program, const QStringList& arguments) {
  QProcess process;
  process.setProcessChannelMode(QProcess::MergedChannels);
  process.start(program, arguments);
  CommandResult result;
  if (!process.waitForStarted(10000)) {
    result.output = process.errorString();
    return result;
  }
  result.started = true;
  if (!process.waitForFinished(60000)) {
    process.kill();
    process.waitForFinished(5000);
    result.output = QStringLiteral("%1 did not finish within 60 s").arg(program);
    return result;
  }
  result.output = QString::fromLocal8Bit(process.readAll());
  result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  return result;
}

} // namespace vgpu::controller

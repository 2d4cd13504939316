// The doctor's child processes: QProcess with a time limit and a clean environment built from
// the unit, so that what the child loads is what the service would load.
#include "doctor/engine/child_probe.h"

#include <QProcess>

namespace vgpu::controller::doctor {

namespace {

// systemd's default PATH for services (systemd.exec(5), "Environment variables in spawned processes").
constexpr auto kSystemdPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

} // namespace

ChildRun runChild(const QString& program, const QStringList& arguments, const QProcessEnvironment& environment,
                  int timeoutMs) {
  ChildRun run;
  run.command = (QStringList{program} + arguments).join(u' ');
  QProcess process;
  process.setProcessEnvironment(environment);
  process.setProcessChannelMode(QProcess::MergedChannels);
  process.start(program, arguments);
  if (!process.waitForStarted(timeoutMs)) {
    run.error = QStringLiteral("cannot start %1: %2").arg(program, process.errorString());
    return run;
  }
  if (!process.waitForFinished(timeoutMs)) {
    process.kill();
    process.waitForFinished(1000);
    run.error = QStringLiteral("%1 did not finish within %2 s").arg(program).arg(timeoutMs / 1000);
    return run;
  }
  run.output = QString::fromLocal8Bit(process.readAll());
  if (process.exitStatus() != QProcess::NormalExit) {
    run.error = QStringLiteral("%1 crashed (%2)").arg(program, process.errorString());
    return run;
  }
  run.ran = true;
  run.exitCode = process.exitCode();
  return run;
}

QStringList childValues(const QString& output, const QString& key) {
  QStringList values;
  const QString prefix = key + u' ';
  for (const QString& line : output.split(u'\n')) {
    if (line.startsWith(prefix)) {
      values.append(line.mid(prefix.size()).trimmed());
    }
  }
  return values;
}

QString hostPathList(const DoctorContext& context, const QString& systemPathList) {
  const SystemRoot root(context.root);
  QStringList mapped;
  for (const QString& entry : systemPathList.split(u':', Qt::SkipEmptyParts)) {
    mapped.append(entry.startsWith(u'/') ? root.hostPath(entry) : entry);
  }
  return mapped.join(u':');
}

QProcessEnvironment serviceProcessEnvironment(const DoctorContext& context) {
  QProcessEnvironment environment;
  environment.insert(QStringLiteral("PATH"), QString::fromLatin1(kSystemdPath));
  if (context.installation) {
    for (const EnvironmentValue& value : context.installation->environment) {
      environment.insert(value.name, value.name == QLatin1String("LD_LIBRARY_PATH") ? hostPathList(context, value.value)
                                                                                    : value.value);
    }
  }
  const SystemRoot root(context.root);
  if (!root.isRealRoot()) {
    environment.insert(QStringLiteral("VGPU_CONFIG"), root.hostPath(u"/etc/vgpu/shim.conf"));
    environment.insert(QStringLiteral("VGPU_MACHINE_ID_FILE"), root.hostPath(u"/etc/machine-id"));
  }
  if (!context.sysfsRoot.isEmpty()) {
    environment.insert(QStringLiteral("VGPU_SYSFS_ROOT"), context.sysfsRoot);
  }
  return environment;
}

} // namespace vgpu::controller::doctor

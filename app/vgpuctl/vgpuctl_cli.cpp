// vgpuctl argument handling. Commands are added here as the controller grows; each prints data
// as text and, with --json, as JSON for scripts.
#include "vgpuctl_cli.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace vgpu::cli {

int runVgpuctl(const QStringList& arguments, QTextStream& out, QTextStream& err) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Control the vgpu virtual GPU stack from a terminal.\n"
                     "\n"
                     "vgpuctl runs as your user. Changes to the system (installing the shim, the ollama.service\n"
                     "environment, restarts) are carried out by vgpu-helper after polkit authorisation."));
  parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
  const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
  const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the vgpu version."));
  parser.addOption(help);
  parser.addOption(version);
  parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("Command to run (none yet: see --help)."),
                               QStringLiteral("[command]"));

  if (!parser.parse(arguments)) {
    err << "vgpuctl: " << parser.errorText() << "\nTry 'vgpuctl --help'.\n";
    return 2;
  }
  if (parser.isSet(help)) {
    out << parser.helpText();
    out << "\nCommands:\n"
           "  (none yet) later versions add: ps, top, watch, metrics, ollama, install, rollback,\n"
           "  env, service, journal, doctor.\n";
    return 0;
  }
  if (parser.isSet(version)) {
    out << "vgpuctl " << VGPUCTL_VERSION << '\n';
    return 0;
  }
  const QStringList positional = parser.positionalArguments();
  if (positional.isEmpty()) {
    err << "vgpuctl: no command given.\nTry 'vgpuctl --help'.\n";
    return 2;
  }
  err << "vgpuctl: unknown command '" << positional.first() << "'.\nTry 'vgpuctl --help'.\n";
  return 2;
}

} // namespace vgpu::cli

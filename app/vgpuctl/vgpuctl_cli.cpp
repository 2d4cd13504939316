// vgpuctl argument handling. Commands are added here as the controller grows; each prints data
// as text and, with --json, as JSON for scripts.
#include "vgpuctl_cli.h"

#include "vgpuctl_command.h"

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
  const QCommandLineOption root(QStringLiteral("root"),
                                QStringLiteral("Resolve every system path under DIR (default /; for test trees)."),
                                QStringLiteral("DIR"), QStringLiteral("/"));
  parser.addOption(root);
  parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("Command to run (see below)."),
                               QStringLiteral("<command> [options]"));
  // Options after the command word belong to the command.
  parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);

  if (!parser.parse(arguments)) {
    err << "vgpuctl: " << parser.errorText() << "\nTry 'vgpuctl --help'.\n";
    return 2;
  }
  if (parser.isSet(help)) {
    out << parser.helpText();
    out << "\nCommands:\n";
    for (const CommandSpec& command : vgpuctlCommands()) {
      out << "  " << QString::fromLatin1(command.name).leftJustified(14) << ' ' << command.summary << '\n';
    }
    if (vgpuctlCommands().empty()) {
      out << "  (none in this build)\n";
    }
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
  for (const CommandSpec& command : vgpuctlCommands()) {
    if (positional.first() == QLatin1String(command.name)) {
      // -h/--help anywhere after the command word: its help, whatever else is given.
      const QStringList words = positional.mid(1);
      if (words.contains(QStringLiteral("--help")) || words.contains(QStringLiteral("-h"))) {
        out << commandHelp(command.name) << "\n  -h, --help    show this help (every command takes it)\n";
        return 0;
      }
      CommandContext context{words, out, err, parser.value(root)};
      return command.run(context);
    }
  }
  err << "vgpuctl: unknown command '" << positional.first() << "'.\nTry 'vgpuctl --help'.\n";
  return 2;
}

} // namespace vgpu::cli

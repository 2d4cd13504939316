// `vgpuctl doctor [--json] [--log FILE] [--root DIR] [--markdown FILE]`: runs the doctor's check
// table over the inputs it can gather (today: an Ollama server log given with --log) and prints
// the report as Markdown text, or as JSON (docs/doctor-json.md) with --json. --markdown FILE also
// writes the Markdown report to FILE.
// Exit codes: 0 every check passed (skips do not count), 1 warnings but no failure, 2 at least
// one failure, 3 usage error or the report file could not be written.
#include "vgpuctl_command.h"

#include "doctor/check_table.h"
#include "doctor/doctor_engine.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>

namespace vgpu::cli {

namespace {

constexpr int kUsageError = 3;

} // namespace

int runDoctor(CommandContext& context) {
  using namespace vgpu::controller::doctor;
  QCommandLineParser parser;
  parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
  const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the report as JSON."));
  const QCommandLineOption log(QStringLiteral("log"), QStringLiteral("Analyse this Ollama server log."),
                               QStringLiteral("FILE"));
  const QCommandLineOption root(QStringLiteral("root"), QStringLiteral("Resolve system paths under DIR."),
                                QStringLiteral("DIR"));
  const QCommandLineOption markdown(QStringLiteral("markdown"), QStringLiteral("Also write the report to FILE."),
                                    QStringLiteral("FILE"));
  parser.addOptions({help, json, log, root, markdown});
  if (!parser.parse(QStringList{QStringLiteral("vgpuctl doctor")} + context.arguments)) {
    context.err << "vgpuctl doctor: " << parser.errorText() << "\nTry 'vgpuctl doctor --help'.\n";
    return kUsageError;
  }
  if (parser.isSet(help)) {
    context.out << "Usage: vgpuctl doctor [--json] [--log FILE] [--root DIR] [--markdown FILE]\n\n"
                   "Find why Ollama does not use the (virtual) GPU and say what fixes it.\n\n"
                   "  --json           print the report as JSON (schema: docs/doctor-json.md)\n"
                   "  --log FILE       analyse this Ollama server log (e.g. journalctl -u ollama > FILE)\n"
                   "  --root DIR       resolve system paths under DIR (test trees)\n"
                   "  --markdown FILE  also write the Markdown report to FILE\n\n"
                   "Exit codes: 0 all checks pass, 1 warnings only, 2 failures, 3 usage error.\n";
    return 0;
  }
  if (!parser.positionalArguments().isEmpty()) {
    context.err << "vgpuctl doctor: unexpected argument '" << parser.positionalArguments().constFirst()
                << "'.\nTry 'vgpuctl doctor --help'.\n";
    return kUsageError;
  }

  DoctorContext doctorContext;
  doctorContext.root = parser.isSet(root) ? parser.value(root) : context.root;
  if (parser.isSet(log)) {
    doctorContext.ollamaLog = DoctorContext::readOllamaLog(parser.value(log));
  }
  const DoctorReport report = vgpu::controller::doctor::runDoctor(doctorChecks(), doctorContext);
  const QString text = reportToMarkdown(report);
  if (parser.isSet(markdown)) {
    QFile file(parser.value(markdown));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8()) < 0) {
      context.err << "vgpuctl doctor: cannot write " << parser.value(markdown) << ": " << file.errorString() << '\n';
      return kUsageError;
    }
  }
  if (parser.isSet(json)) {
    context.out << QString::fromUtf8(QJsonDocument(reportToJson(report)).toJson(QJsonDocument::Indented));
  } else {
    context.out << text;
  }
  return report.exitCode();
}

} // namespace vgpu::cli

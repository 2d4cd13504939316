// `vgpuctl doctor [--json] [--log FILE] [--root DIR] [--markdown FILE] [--log-only] [--sysfs DIR]
// [--shim-dir DIR] [--probe FILE] [--bus ADDRESS]`: runs the doctor's check table over the inputs it
// can gather — the machine under --root (Ollama installation, sysfs, shim directory, the loader in
// a child process), systemd over D-Bus (the system bus on the real root, or --bus), and an Ollama
// server log given with --log — and prints the report as Markdown text, or as JSON
// (docs/doctor-json.md) with --json. --log-only examines the log and nothing else. --markdown FILE
// also writes the Markdown report to FILE.
// Exit codes: 0 every check passed (skips do not count), 1 warnings but no failure, 2 at least
// one failure, 3 usage error or the report file could not be written.
#include "vgpuctl_command.h"

#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"
#include "doctor/logs/journal_log_input.h"

#include <QCommandLineParser>
#include <QDBusConnection>
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
  const QCommandLineOption journalDir(QStringLiteral("journal-dir"),
                                      QStringLiteral("Read ollama.service's log from the journal files in DIR."),
                                      QStringLiteral("DIR"));
  const QCommandLineOption logOnly(QStringLiteral("log-only"), QStringLiteral("Examine only the log."));
  const QCommandLineOption sysfs(QStringLiteral("sysfs"), QStringLiteral("sysfs tree for the hardware check."),
                                 QStringLiteral("DIR"));
  const QCommandLineOption shimDir(QStringLiteral("shim-dir"), QStringLiteral("vgpu's library directory."),
                                   QStringLiteral("DIR"));
  const QCommandLineOption probe(QStringLiteral("probe"), QStringLiteral("The vgpu-doctor-probe program."),
                                 QStringLiteral("FILE"));
  const QCommandLineOption bus(QStringLiteral("bus"), QStringLiteral("D-Bus address of systemd."),
                               QStringLiteral("ADDRESS"));
  parser.addOptions({help, json, log, journalDir, root, markdown, logOnly, sysfs, shimDir, probe, bus});
  if (!parser.parse(QStringList{QStringLiteral("vgpuctl doctor")} + context.arguments)) {
    context.err << "vgpuctl doctor: " << parser.errorText() << "\nTry 'vgpuctl doctor --help'.\n";
    return kUsageError;
  }
  if (parser.isSet(help)) { // vgpuctl's dispatcher answers --help first (vgpuctl_help.cpp)
    context.out << commandHelp("doctor");
    return 0;
  }
  if (!parser.positionalArguments().isEmpty()) {
    context.err << "vgpuctl doctor: unexpected argument '" << parser.positionalArguments().constFirst()
                << "'.\nTry 'vgpuctl doctor --help'.\n";
    return kUsageError;
  }

  DoctorContext doctorContext;
  doctorContext.root = parser.isSet(root) ? parser.value(root) : context.root;
  // The Ollama log: the file given, else journal files given, else (on the real root) the system
  // journal's ollama.service entries of this boot.
  if (parser.isSet(log)) {
    doctorContext.ollamaLog = DoctorContext::readOllamaLog(parser.value(log));
  } else if (parser.isSet(journalDir)) {
    doctorContext.ollamaLog = serviceJournalLog(parser.value(journalDir));
  } else if (controller::SystemRoot(doctorContext.root).isRealRoot()) {
    doctorContext.ollamaLog = serviceJournalLog();
  }
  const QString busName = QStringLiteral("vgpuctl-doctor");
  if (!parser.isSet(logOnly)) {
    doctorContext.sysfsRoot = parser.value(sysfs);
    doctorContext.shimDir = parser.value(shimDir);
    doctorContext.probePath = parser.value(probe);
    gatherSystemInputs(doctorContext, QProcessEnvironment::systemEnvironment());
    if (parser.isSet(bus) || controller::SystemRoot(doctorContext.root).isRealRoot()) {
      const QDBusConnection connection =
          parser.isSet(bus) ? QDBusConnection::connectToBus(parser.value(bus), busName) : QDBusConnection::systemBus();
      doctorContext.unitStatus = readOllamaUnitStatus(connection);
    }
  }
  const DoctorReport report = vgpu::controller::doctor::runDoctor(doctorChecks(), doctorContext);
  if (parser.isSet(bus)) {
    QDBusConnection::disconnectFromBus(busName);
  }
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

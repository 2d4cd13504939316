// `vgpuctl ollama info [--json]`: the Ollama installation model (unit, drop-ins, environment,
// user, binary, version and era, library root, variant folders, problems).
// Exit codes: 0 described (problems are part of the description), 1 no Ollama found at all
// (neither unit nor binary), 2 usage error.
#include "vgpuctl_command.h"

#include "environment/environment_overrides.h"
#include "ollama/installation_json.h"
#include "ollama/ollama_installation.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vgpu::cli {
namespace {

using namespace vgpu::controller;

void printVariants(QTextStream& out, const OllamaInstallation& installation) {
  out << "variants:\n";
  if (installation.variants.isEmpty()) {
    out << "  (none: Ollama runs one pass with the library root only and ignores OLLAMA_LLM_LIBRARY)\n";
  }
  for (const VariantFolder& folder : installation.variants) {
    out << "  " << folder.name.leftJustified(12) << ' ' << variantStatusName(folder.status).leftJustified(15) << ' '
        << variantKindName(folder.kind).leftJustified(7);
    if (!folder.linkTarget.isEmpty()) {
      out << " -> " << folder.linkTarget;
    }
    if (!folder.cudaRuntimes.isEmpty()) {
      out << " CUDA runtime " << folder.cudaRuntimes.join(QStringLiteral(", "));
    }
    if (folder.visible()) {
      out << (folder.hasGgmlCuda ? " libggml-cuda.so" : " (no libggml-cuda.so)");
    }
    if (!folder.error.isEmpty()) {
      out << " (" << folder.error << ')';
    }
    if (!folder.serviceAccess.allowed) {
      out << "\n      " << folder.serviceAccess.reason;
    }
    out << '\n';
  }
}

void printText(QTextStream& out, const OllamaInstallation& installation) {
  out << "unit:         " << (installation.unit ? installation.unit->path : QStringLiteral("(not found)")) << '\n';
  out << "drop-ins:     ";
  QStringList dropIns;
  for (const UnitSource& dropIn : installation.dropIns) {
    dropIns.append(dropIn.path);
  }
  out << (dropIns.isEmpty() ? QStringLiteral("(none)") : dropIns.join(QStringLiteral("\n              "))) << '\n';
  const ServiceAccount& account = installation.account;
  out << "user:         " << (installation.user.isEmpty() ? QStringLiteral("root") : installation.user);
  if (account.uid) {
    QStringList gids;
    for (const uint gid : account.groups) {
      gids.append(QString::number(gid));
    }
    out << " (uid " << *account.uid << ", gids " << gids.join(u',') << ')';
  }
  out << '\n';
  const OllamaBinary& binary = installation.binary;
  out << "binary:       ";
  if (binary.source == BinarySource::None) {
    out << "(not found)\n";
  } else {
    out << binary.path << " (from " << binarySourceName(binary.source) << ')';
    if (!binary.resolved.isEmpty() && binary.resolved != binary.path) {
      out << " -> " << binary.resolved;
    }
    out << '\n';
  }
  out << "version:      " << installation.version.text << " (era " << eraName(installation.version.era) << "; "
      << installation.version.source << ")\n";
  out << "library root: "
      << (installation.libraryRoot.path.isEmpty()
              ? QStringLiteral("(unknown)")
              : QStringLiteral("%1 (%2)").arg(installation.libraryRoot.path, installation.libraryRoot.rule))
      << '\n';
  printVariants(out, installation);
  out << "environment:\n";
  for (const EnvironmentValue& value : installation.environment) {
    out << "  " << value.name << '=' << value.value << "   (" << value.origin << ")\n";
  }
  const QList<EnvironmentFinding> findings = environmentFindings(installation);
  if (!findings.isEmpty()) {
    out << "findings:\n";
    for (const EnvironmentFinding& finding : findings) {
      out << "  " << finding.origin << ": " << finding.message << '\n';
    }
  }
  if (!installation.problems.isEmpty()) {
    out << "problems:\n";
    for (const InstallationProblem& problem : installation.problems) {
      out << "  " << problem.where << ": " << problem.message << '\n';
    }
  }
}

} // namespace

int runOllama(CommandContext& context) {
  const QStringList& arguments = context.arguments;
  if (arguments.isEmpty() || arguments.first() != u"info") {
    context.err << "usage: vgpuctl ollama info [--json]\n";
    return 2;
  }
  bool json = false;
  for (const QString& argument : arguments.mid(1)) {
    if (argument == u"--json") {
      json = true;
    } else {
      context.err << "vgpuctl ollama info: unknown option '" << argument << "'\n";
      return 2;
    }
  }
  const SystemRoot root(context.root);
  const OllamaInstallation installation = OllamaInstallation::detect(root, QProcessEnvironment::systemEnvironment());
  if (json) {
    QJsonObject object = installationToJson(installation);
    QJsonArray findings;
    for (const EnvironmentFinding& finding : environmentFindings(installation)) {
      findings.append(QJsonObject{{QStringLiteral("id"), finding.id},
                                  {QStringLiteral("message"), finding.message},
                                  {QStringLiteral("origin"), finding.origin}});
    }
    object.insert(QStringLiteral("findings"), findings);
    object.insert(QStringLiteral("root"), root.root());
    context.out << QJsonDocument(object).toJson(QJsonDocument::Indented);
  } else {
    printText(context.out, installation);
  }
  const bool found = installation.unit.has_value() || installation.binary.source != BinarySource::None;
  if (!found) {
    context.err << "vgpuctl: no Ollama installation found under " << root.root() << '\n';
  }
  return found ? 0 : 1;
}

} // namespace vgpu::cli

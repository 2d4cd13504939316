// installationToJson: one function per part of the model.
#include "ollama/installation_json.h"

#include "ollama/ollama_installation.h"

#include <QJsonArray>

namespace vgpu::controller {
namespace {

QJsonValue orNull(const QString& text) {
  return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonObject unitSourceJson(const UnitSource& source) {
  return {{QStringLiteral("path"), source.path}, {QStringLiteral("error"), orNull(source.error)}};
}

QJsonObject variantJson(const VariantFolder& folder) {
  return {
      {QStringLiteral("name"), folder.name},
      {QStringLiteral("path"), folder.path},
      {QStringLiteral("linkTarget"), orNull(folder.linkTarget)},
      {QStringLiteral("status"), variantStatusName(folder.status)},
      {QStringLiteral("error"), orNull(folder.error)},
      {QStringLiteral("kind"), variantKindName(folder.kind)},
      {QStringLiteral("ggmlFiles"), QJsonArray::fromStringList(folder.ggmlFiles)},
      {QStringLiteral("cudaRuntimes"), QJsonArray::fromStringList(folder.cudaRuntimes)},
      {QStringLiteral("hasGgmlCuda"), folder.hasGgmlCuda},
      {QStringLiteral("serviceUserAccess"), folder.serviceAccess.allowed},
      {QStringLiteral("serviceUserAccessProblem"), orNull(folder.serviceAccess.reason)},
  };
}

} // namespace

QJsonObject installationToJson(const OllamaInstallation& installation) {
  QJsonArray dropIns;
  for (const UnitSource& dropIn : installation.dropIns) {
    dropIns.append(unitSourceJson(dropIn));
  }
  QJsonArray environment;
  for (const EnvironmentValue& value : installation.environment) {
    environment.append(QJsonObject{{QStringLiteral("name"), value.name},
                                   {QStringLiteral("value"), value.value},
                                   {QStringLiteral("origin"), value.origin}});
  }
  QJsonArray variants;
  for (const VariantFolder& folder : installation.variants) {
    variants.append(variantJson(folder));
  }
  QJsonArray problems;
  for (const InstallationProblem& problem : installation.problems) {
    problems.append(
        QJsonObject{{QStringLiteral("where"), problem.where}, {QStringLiteral("message"), problem.message}});
  }
  const ServiceAccount& account = installation.account;
  QJsonArray groups;
  for (const uint gid : account.groups) {
    groups.append(static_cast<qint64>(gid));
  }
  return {
      {QStringLiteral("unit"), installation.unit ? QJsonValue(unitSourceJson(*installation.unit)) : QJsonValue()},
      {QStringLiteral("dropIns"), dropIns},
      {QStringLiteral("environment"), environment},
      {QStringLiteral("user"),
       QJsonObject{
           {QStringLiteral("name"), installation.user.isEmpty() ? QStringLiteral("root") : installation.user},
           {QStringLiteral("group"), orNull(installation.group)},
           {QStringLiteral("uid"), account.uid ? QJsonValue(static_cast<qint64>(*account.uid)) : QJsonValue()},
           {QStringLiteral("gids"), groups},
           {QStringLiteral("error"), orNull(account.error)},
       }},
      {QStringLiteral("binary"),
       QJsonObject{
           {QStringLiteral("source"), binarySourceName(installation.binary.source)},
           {QStringLiteral("path"), orNull(installation.binary.path)},
           {QStringLiteral("resolved"), orNull(installation.binary.resolved)},
       }},
      {QStringLiteral("version"),
       QJsonObject{
           {QStringLiteral("text"), installation.version.text},
           {QStringLiteral("source"), installation.version.source},
           {QStringLiteral("era"), eraName(installation.version.era)},
       }},
      {QStringLiteral("libraryRoot"),
       QJsonObject{
           {QStringLiteral("path"), orNull(installation.libraryRoot.path)},
           {QStringLiteral("rule"), orNull(installation.libraryRoot.rule)},
       }},
      {QStringLiteral("variants"), variants},
      {QStringLiteral("problems"), problems},
  };
}

} // namespace vgpu::controller

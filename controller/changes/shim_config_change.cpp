// shim.conf edits: validation with the shims' own value parser, the in-place line edit over the one
// key=value reader, and the plan (symlink-safe read, diff, ChangePlan through planConfigFile).
#include "changes/shim_config_change.h"

#include "changes/safe_fs.h"
#include "changes/shim_install_plan.h"
#include "environment/endpoint_owner.h"
#include "environment/text_diff.h"
#include "vgpu/device/shim_config.h"
#include "vgpu/key_value_lines.h"

#include <QMap>
#include <array>

namespace vgpu::controller {

namespace {

constexpr std::array<const char*, 3> kOwnedKeys{"backend", "endpoint", "token_file"};

// The new value of an owned key, nullopt when its line goes.
std::optional<QString> valueOf(const ShimConfigSettings& settings, const QByteArray& key) {
  if (key == "backend") {
    return settings.backend.isEmpty() ? std::nullopt : std::optional<QString>(settings.backend);
  }
  return key == "endpoint" ? settings.endpoint : settings.tokenFile;
}

QString checkValueText(const char* key, const QString& value) {
  for (const QChar c : value) {
    if (c == u'\n' || c == u'\r') {
      return QStringLiteral("%1: a newline in the value would add a line to shim.conf").arg(QLatin1String(key));
    }
    if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
      return QStringLiteral("%1: the value contains the control character U+%2")
          .arg(QLatin1String(key))
          .arg(c.unicode(), 4, 16, QLatin1Char('0'));
    }
    if (c == u'=') {
      return QStringLiteral("%1: '=' is not allowed in a value ('%2')").arg(QLatin1String(key), value);
    }
  }
  return value.isEmpty() ? QStringLiteral("%1: empty value (use - to remove the setting)").arg(QLatin1String(key))
                         : QString();
}

QString checkTokenPath(const QString& path) {
  if (!path.startsWith(u'/')) {
    return QStringLiteral("token_file: '%1' is not an absolute path").arg(path);
  }
  if (path.split(u'/').contains(QStringLiteral(".."))) {
    return QStringLiteral("token_file: path traversal ('..') in '%1'").arg(path);
  }
  return {};
}

// The token file under the root, reached without following a symlink, must be a regular file.
QString checkTokenFile(const SystemRoot& root, const QString& path) {
  QString error;
  const auto split = fs::splitSystemPath(path, &error);
  const fs::Fd rootFd = fs::openRoot(root.root(), &error);
  if (!split || !rootFd.valid()) {
    return QStringLiteral("token_file: %1").arg(error);
  }
  const fs::Fd parent = fs::openDirectory(rootFd.get(), split->parent, false, &error);
  const auto entry = parent.valid() ? fs::statAt(parent.get(), split->name, &error) : std::nullopt;
  if (!entry || entry->type == fs::EntryType::Missing) {
    return QStringLiteral("token_file: %1 does not exist (copy vgpud's token file from the GPU host first)").arg(path);
  }
  if (entry->type != fs::EntryType::File) {
    return QStringLiteral("token_file: %1 is a %2, not a regular file")
        .arg(path, QLatin1String(fs::entryTypeName(entry->type)));
  }
  return {};
}

} // namespace

QStringList ShimConfigSettings::toArguments() const {
  const QString unset = QLatin1String(kShimConfigUnset);
  return {backend, endpoint.value_or(unset), tokenFile.value_or(unset)};
}

ShimConfigSettings ShimConfigSettings::fromArguments(const QStringList& arguments) {
  const auto optional = [](const QString& text) {
    return text == QLatin1String(kShimConfigUnset) ? std::nullopt : std::optional<QString>(text);
  };
  return {arguments.value(0), optional(arguments.value(1)), optional(arguments.value(2))};
}

QString checkShimConfigSettings(const ShimConfigSettings& settings) {
  if (settings.backend != QLatin1String("sim") && settings.backend != QLatin1String("remote")) {
    return QStringLiteral("unknown backend '%1' (sim or remote)").arg(settings.backend);
  }
  if (settings.endpoint) {
    if (const QString problem = checkValueText("endpoint", *settings.endpoint); !problem.isEmpty()) {
      return problem;
    }
    const std::string parserProblem = device::checkShimConfigValue("endpoint", settings.endpoint->toStdString());
    if (!parserProblem.empty()) {
      return QString::fromStdString(parserProblem);
    }
  }
  if (settings.tokenFile) {
    if (const QString problem = checkValueText("token_file", *settings.tokenFile); !problem.isEmpty()) {
      return problem;
    }
    return checkTokenPath(*settings.tokenFile);
  }
  return {};
}

ShimConfigSettings parseShimConfigSettings(const QByteArray& text) {
  ShimConfigSettings settings;
  const std::string bytes = text.toStdString();
  forEachKeyValue(bytes, [&](const KeyValueLine& line) {
    const QString value = QString::fromUtf8(line.value.data(), static_cast<qsizetype>(line.value.size()));
    if (line.key == "backend") {
      settings.backend = value;
    } else if (line.key == "endpoint") {
      settings.endpoint = value;
    } else if (line.key == "token_file") {
      settings.tokenFile = value;
    }
    return true;
  });
  return settings;
}

QByteArray editShimConfig(const QByteArray& current, const ShimConfigSettings& settings) {
  QList<QByteArray> lines = current.isEmpty() ? QList<QByteArray>() : current.split('\n');
  const bool endedWithNewline = current.isEmpty() || current.endsWith('\n');
  if (current.endsWith('\n')) {
    lines.removeLast();
  }
  QMap<int, QByteArray> keyOfLine; // 0-based line index → owned key
  const std::string bytes = current.toStdString();
  forEachKeyValue(bytes, [&](const KeyValueLine& line) {
    for (const char* key : kOwnedKeys) {
      if (line.key == key) {
        keyOfLine.insert(line.number - 1, QByteArray(key));
      }
    }
    return true;
  });
  QList<QByteArray> written; // owned keys already placed
  QList<QByteArray> result;
  for (int index = 0; index < lines.size(); ++index) {
    if (!keyOfLine.contains(index)) {
      result.append(lines.at(index));
      continue;
    }
    const QByteArray key = keyOfLine.value(index);
    const std::optional<QString> value = valueOf(settings, key);
    if (!value || written.contains(key)) {
      continue; // unset, or a later duplicate the shims would let win: one line per key
    }
    written.append(key);
    const ShimConfigSettings old = parseShimConfigSettings(lines.at(index));
    result.append(valueOf(old, key) == value ? lines.at(index) : key + " = " + value->toUtf8());
  }
  if (current.isEmpty()) {
    result.append("# The vgpu shims' configuration (docs/configuration.md). backend, endpoint and token_file are");
    result.append("# written by vgpu-helper shim-config-set (vgpuctl shim-config set, the install wizard).");
  }
  bool appended = false;
  for (const char* key : kOwnedKeys) {
    const std::optional<QString> value = valueOf(settings, key);
    if (value && !written.contains(key)) {
      result.append(QByteArray(key) + " = " + value->toUtf8());
      appended = true;
    }
  }
  QByteArray text = result.join('\n');
  if (!text.isEmpty() && (endedWithNewline || appended)) {
    text.append('\n');
  }
  return text;
}

QByteArray readShimConfig(const SystemRoot& root, bool* exists, QString* error) {
  *exists = false;
  const auto split = fs::splitSystemPath(QLatin1String(kShimConfigPath), error);
  const fs::Fd rootFd = fs::openRoot(root.root(), error);
  if (!split || !rootFd.valid()) {
    return {};
  }
  QString missing;
  const fs::Fd parent = fs::openDirectory(rootFd.get(), split->parent, false, &missing);
  if (!parent.valid()) {
    if (missing.contains(QStringLiteral("symlink"))) {
      *error = missing;
    }
    return {};
  }
  const auto entry = fs::statAt(parent.get(), split->name, error);
  if (!entry || entry->type == fs::EntryType::Missing) {
    return {};
  }
  if (entry->type != fs::EntryType::File) {
    *error = QStringLiteral("refusing %1: it is a %2, not a file")
                 .arg(QLatin1String(kShimConfigPath), QLatin1String(fs::entryTypeName(entry->type)));
    return {};
  }
  const std::optional<QByteArray> bytes = fs::readFileAt(parent.get(), split->name, error);
  *exists = bytes.has_value();
  return bytes.value_or(QByteArray());
}

ShimConfigPlan planShimConfigChange(const SystemRoot& root, const ShimConfigSettings& settings, bool checkSocketOwner) {
  ShimConfigPlan result;
  const auto refuse = [&result](const QString& why) {
    result.refused = true;
    result.error = why;
    return result;
  };
  if (const QString problem = checkShimConfigSettings(settings); !problem.isEmpty()) {
    return refuse(problem);
  }
  if (settings.tokenFile) {
    if (const QString problem = checkTokenFile(root, *settings.tokenFile); !problem.isEmpty()) {
      return refuse(problem);
    }
  }
  if (checkSocketOwner && settings.endpoint && settings.endpoint->startsWith(QLatin1String("unix:"))) {
    if (const QString problem = checkUnixEndpointOwner(root, settings.endpoint->mid(5)); !problem.isEmpty()) {
      return refuse(QStringLiteral("endpoint: ") + problem);
    }
  }
  QString error;
  result.oldBytes = readShimConfig(root, &result.fileExists, &error);
  if (!error.isEmpty()) {
    return refuse(error);
  }
  result.newBytes = editShimConfig(result.oldBytes, settings);
  const QString path = QLatin1String(kShimConfigPath);
  result.diff = unifiedDiff(QString::fromUtf8(result.oldBytes), QString::fromUtf8(result.newBytes),
                            result.fileExists ? QStringLiteral("a") + path : QStringLiteral("/dev/null"),
                            QStringLiteral("b") + path);
  result.plan = planConfigFile(root, QStringLiteral("set backend=%1 in %2").arg(settings.backend, path), path,
                               result.newBytes, &error);
  if (!result.plan) {
    result.error = error;
  }
  return result;
}

} // namespace vgpu::controller

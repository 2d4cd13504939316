// The doctor report's exports. JSON is validated against the field tables of docs/doctor-json.md
// in both directions: every documented field appears with its documented type, and every field
// the report has is documented. Markdown shows statuses, evidence and the helper verb.
#include <catch2/catch.hpp>

#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"
#include "test_paths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRegularExpression>

using namespace vgpu::controller::doctor;

namespace {

DoctorReport reportFor(const char* logName) {
  DoctorContext context;
  context.ollamaLog =
      DoctorContext::readOllamaLog(QString::fromStdString((vgpu::test::dataDir() / "ollama-logs" / logName).string()));
  return runDoctor(doctorChecks(), context);
}

// Documented field path -> type, from the rows "| `path` | type | meaning |".
QMap<QString, QString> documentedFields() {
  QFile file(QString::fromStdString((vgpu::test::sourceDir() / "docs" / "doctor-json.md").string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  static const QRegularExpression kRow(
      QStringLiteral(R"(^\| `([^`]+)` \| (string|integer|boolean|object|array|object or null) \|)"));
  QMap<QString, QString> fields;
  for (const QString& line : QString::fromUtf8(file.readAll()).split(u'\n')) {
    const auto match = kRow.match(line);
    if (match.hasMatch()) {
      fields.insert(match.captured(1), match.captured(2));
    }
  }
  return fields;
}

QString typeOf(const QJsonValue& value) {
  if (value.isString()) {
    return QStringLiteral("string");
  }
  if (value.isDouble()) {
    return value.toDouble() == static_cast<double>(value.toInteger()) ? QStringLiteral("integer")
                                                                      : QStringLiteral("number");
  }
  if (value.isBool()) {
    return QStringLiteral("boolean");
  }
  if (value.isArray()) {
    return QStringLiteral("array");
  }
  if (value.isObject()) {
    return QStringLiteral("object");
  }
  return QStringLiteral("null");
}

// Every field of `value` under the path spelling of the doc; check details are under checks[ID].
void collect(const QJsonValue& value, const QString& path, QMultiMap<QString, QJsonValue>* out) {
  if (value.isObject()) {
    const QJsonObject object = value.toObject();
    const bool isCheck = path == QLatin1String("checks[]");
    for (auto it = object.begin(); it != object.end(); ++it) {
      const QString child = path.isEmpty() ? it.key() : path + u'.' + it.key();
      out->insert(child, it.value());
      if (isCheck && it.key() == QLatin1String("details")) {
        collect(it.value(), QStringLiteral("checks[%1].details").arg(object[QStringLiteral("id")].toString()), out);
      } else {
        collect(it.value(), child, out);
      }
    }
  } else if (value.isArray()) {
    const QJsonArray array = value.toArray();
    for (const auto& element : array) {
      if (element.isObject()) {
        collect(QJsonValue(element), path + QStringLiteral("[]"), out);
      } else {
        out->insert(path + QStringLiteral("[]"), element);
      }
    }
  }
}

} // namespace

TEST_CASE("doctor JSON matches the documented schema, both ways") {
  const QMap<QString, QString> documented = documentedFields();
  REQUIRE(documented.size() > 40);
  QMultiMap<QString, QJsonValue> seen;
  for (const char* log : {"seed-cuda-v12-not-visited.log", "seed-info-level.log", "era-a-h100-gpu.log"}) {
    const QJsonObject json = reportToJson(reportFor(log));
    CHECK(json[QStringLiteral("schema")] == QStringLiteral("vgpu-doctor-report"));
    CHECK(json[QStringLiteral("version")].toInt() == kDoctorJsonVersion);
    collect(json, QString(), &seen);
  }
  for (auto it = seen.begin(); it != seen.end(); ++it) {
    INFO("field " << it.key().toStdString());
    REQUIRE(documented.contains(it.key()));
    const QString type = documented.value(it.key());
    const QString actual = typeOf(it.value());
    if (type == QLatin1String("object or null")) {
      CHECK((actual == QLatin1String("object") || actual == QLatin1String("null")));
    } else {
      CHECK(actual.toStdString() == type.toStdString());
    }
  }
  for (auto it = documented.begin(); it != documented.end(); ++it) {
    INFO("documented field " << it.key().toStdString());
    CHECK(seen.contains(it.key()));
  }
}

TEST_CASE("doctor JSON: summary counts and exit code agree with the entries") {
  const DoctorReport report = reportFor("seed-cuda-v12-not-visited.log");
  const QJsonObject json = reportToJson(report);
  const QJsonObject summary = json[QStringLiteral("summary")].toObject();
  CHECK(summary[QStringLiteral("pass")].toInt() == 2);
  CHECK(summary[QStringLiteral("fail")].toInt() == 1);
  CHECK(summary[QStringLiteral("exitCode")].toInt() == 2);
  const QJsonArray checks = json[QStringLiteral("checks")].toArray();
  // The log checks run first; the machine checks skip, having no machine inputs.
  REQUIRE(checks.size() == static_cast<qsizetype>(doctorChecks().size()));
  CHECK(summary[QStringLiteral("skip")].toInt() == checks.size() - 3);
  CHECK(checks[0].toObject()[QStringLiteral("id")] == QStringLiteral("logs.ollama-log"));
  const QJsonObject verdict = checks[2].toObject();
  CHECK(verdict[QStringLiteral("details")].toObject()[QStringLiteral("causes")].toArray()[0].toObject()[QStringLiteral(
            "id")] == QStringLiteral("requested-library-not-visited"));
  CHECK(verdict[QStringLiteral("evidence")].toArray()[0].toObject()[QStringLiteral("where")].toString().endsWith(
      QLatin1String("seed-cuda-v12-not-visited.log:2")));
}

TEST_CASE("doctor Markdown: statuses, explanation, fenced evidence, remedy with the helper verb") {
  const QString markdown = reportToMarkdown(reportFor("seed-info-level.log"));
  CHECK(markdown.startsWith(QLatin1String("# vgpu doctor report")));
  CHECK(markdown.contains(QLatin1String("## [PASS] Ollama server log is readable (`logs.ollama-log`)")));
  CHECK(markdown.contains(QLatin1String("## [WARN] Ollama log level shows GPU discovery")));
  CHECK(markdown.contains(QLatin1String("## [FAIL] Ollama GPU discovery verdict (`logs.discovery-verdict`)")));
  CHECK(markdown.contains(QLatin1String("At Info level no line about cuda_v12 is expected")));
  CHECK(markdown.contains(QLatin1String("    ```\n    time=")));
  CHECK(markdown.contains(QLatin1String("Apply with vgpu-helper: `env-set OLLAMA_DEBUG 1` (temporary")));
  const QString skipped = reportToMarkdown(runDoctor(doctorChecks(), DoctorContext{}));
  CHECK(skipped.contains(QLatin1String("[SKIP]")));
  CHECK(skipped.contains(QLatin1String("Skipped: no Ollama log given")));
}

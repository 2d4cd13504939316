// Every string the console shows is translated: lupdate re-extracts the sources into a copy of
// each .ts file, and any message it marks unfinished (new, changed, or never translated) fails.
#include <catch2/catch.hpp>

#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QXmlStreamReader>

namespace {

struct Untranslated {
  QString context;
  QString source;
};

QList<Untranslated> unfinishedMessages(const QString& tsPath, int& total) {
  QFile file(tsPath);
  REQUIRE(file.open(QIODevice::ReadOnly));
  QXmlStreamReader xml(&file);
  QList<Untranslated> missing;
  QString context;
  QString source;
  total = 0;
  while (!xml.atEnd()) {
    xml.readNext();
    if (!xml.isStartElement()) {
      continue;
    }
    if (xml.name() == u"name") {
      context = xml.readElementText();
    } else if (xml.name() == u"source") {
      source = xml.readElementText();
    } else if (xml.name() == u"translation") {
      ++total;
      const QString type = xml.attributes().value(QStringLiteral("type")).toString();
      // Plural messages (%n) carry their forms as <numerusform> children.
      const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
      if (type == u"unfinished" || text.isEmpty()) {
        missing.append({context, source});
      }
    }
  }
  INFO(xml.errorString().toStdString() << " at line " << xml.lineNumber());
  REQUIRE_FALSE(xml.hasError());
  return missing;
}

} // namespace

TEST_CASE("the German and Chinese translations cover every console string") {
  const QString source = QString::fromStdString(vgpu::test::sourceDir().string());
  const auto scratch = vgpu::test::scratchDir("translations");
  for (const char* language : {"de", "zh_CN"}) {
    const QString name = QStringLiteral("vgpu_%1.ts").arg(QString::fromLatin1(language));
    INFO(name.toStdString());
    const QString copy = QString::fromStdString((scratch / name.toStdString()).string());
    REQUIRE(QFile::copy(source + QStringLiteral("/translations/") + name, copy));

    QProcess lupdate;
    lupdate.start(QStringLiteral(VGPU_LUPDATE),
                  {source + QStringLiteral("/app/console"), QStringLiteral("-no-obsolete"),
                   QStringLiteral("-locations"), QStringLiteral("none"), QStringLiteral("-ts"), copy});
    REQUIRE(lupdate.waitForFinished(60000));
    INFO(QString::fromLocal8Bit(lupdate.readAllStandardError()).toStdString());
    REQUIRE(lupdate.exitCode() == 0);

    int total = 0;
    const QList<Untranslated> missing = unfinishedMessages(copy, total);
    CHECK(total > 0);
    for (const Untranslated& message : missing) {
      UNSCOPED_INFO("untranslated in " << name.toStdString() << ": [" << message.context.toStdString() << "] "
                                       << message.source.toStdString());
    }
    CHECK(missing.isEmpty());
  }
}

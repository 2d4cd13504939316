// The polkit files shipped in packaging/: the actions file is well-formed XML with the three
// vgpu-helper actions, auth_admin_keep for active sessions and the pkexec exec.path annotation;
// the example rules file grants the actions to the "vgpu" group.
#include <catch2/catch.hpp>

#include "test_paths.h"

#include <QFile>
#include <QMap>
#include <QXmlStreamReader>

namespace {

struct PolicyAction {
  QMap<QString, QString> defaults;    // allow_any / allow_inactive / allow_active -> value
  QMap<QString, QString> annotations; // key -> value
  bool hasDescription = false;
  bool hasMessage = false;
};

QMap<QString, PolicyAction> readPolicy(const QString& path, QString* error) {
  QFile file(path);
  REQUIRE(file.open(QIODevice::ReadOnly));
  QXmlStreamReader xml(&file);
  QMap<QString, PolicyAction> actions;
  QString current;
  QString annotationKey;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement()) {
      const QString name = xml.name().toString();
      if (name == QLatin1String("action")) {
        current = xml.attributes().value(QStringLiteral("id")).toString();
        actions.insert(current, {});
      } else if (name == QLatin1String("annotate")) {
        annotationKey = xml.attributes().value(QStringLiteral("key")).toString(); // before reading on
        actions[current].annotations.insert(annotationKey, xml.readElementText());
      } else if (name == QLatin1String("description")) {
        actions[current].hasDescription = true;
      } else if (name == QLatin1String("message")) {
        actions[current].hasMessage = true;
      } else if (name.startsWith(QLatin1String("allow_"))) {
        actions[current].defaults.insert(name, xml.readElementText());
      }
    }
  }
  if (xml.hasError()) {
    *error = xml.errorString();
  }
  return actions;
}

} // namespace

TEST_CASE("the polkit actions file declares install, configure and restart with auth_admin_keep") {
  QString error;
  const auto actions = readPolicy(
      QString::fromStdString((vgpu::test::sourceDir() / "packaging/org.vgpu.helper.policy").string()), &error);
  INFO(error.toStdString());
  REQUIRE(error.isEmpty()); // well-formed
  CHECK(actions.keys() == QStringList{QStringLiteral("org.vgpu.helper.configure"),
                                      QStringLiteral("org.vgpu.helper.install"),
                                      QStringLiteral("org.vgpu.helper.restart")});
  for (auto it = actions.begin(); it != actions.end(); ++it) {
    INFO(it.key().toStdString());
    CHECK(it->hasDescription);
    CHECK(it->hasMessage);
    CHECK(it->defaults.value(QStringLiteral("allow_active")) == QStringLiteral("auth_admin_keep"));
    CHECK(it->defaults.value(QStringLiteral("allow_inactive")) == QStringLiteral("auth_admin"));
    CHECK(it->defaults.value(QStringLiteral("allow_any")) == QStringLiteral("auth_admin"));
  }
  CHECK(actions.value(QStringLiteral("org.vgpu.helper.install"))
            .annotations.value(QStringLiteral("org.freedesktop.policykit.exec.path")) ==
        QStringLiteral("/usr/libexec/vgpu/vgpu-helper"));
}

TEST_CASE("the example rules file lets the vgpu group act without a password") {
  QFile file(QString::fromStdString((vgpu::test::sourceDir() / "packaging/50-vgpu-group.rules").string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  const QString rules = QString::fromUtf8(file.readAll());
  CHECK(rules.contains(QStringLiteral("polkit.addRule(")));
  CHECK(rules.contains(QStringLiteral("action.id.indexOf(\"org.vgpu.helper.\") === 0")));
  CHECK(rules.contains(QStringLiteral("subject.isInGroup(\"vgpu\")")));
  CHECK(rules.contains(QStringLiteral("polkit.Result.YES")));
  CHECK(rules.count(u'(') == rules.count(u')'));
  CHECK(rules.count(u'{') == rules.count(u'}'));
}

// The polkit files shipped in packaging/: the actions file is well-formed XML with the three
// vgpu-helper actions, auth_admin_keep for active sessions and the pkexec exec.path annotation;
// the example rules file grants the actions to the "vgpu" group.
#include <catch2/catch.hpp>

#include "test_paths.h"

#include <QFile>
#include <QJSEngine>
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

namespace {

// Runs the rules file in a JavaScript engine with the part of polkit's API it uses (addRule,
// Result, subject.isInGroup, action.id/lookup) and answers what polkit would for one request.
QString evaluateRules(const QString& rules, const QString& actionId, bool inGroup, const QString& program = {}) {
  QJSEngine engine;
  const QJSValue setup = engine.evaluate(QStringLiteral(R"(
    var rules = [];
    var polkit = {
      Result: { YES: "yes", NO: "no", AUTH_SELF: "auth_self", AUTH_SELF_KEEP: "auth_self_keep",
                AUTH_ADMIN: "auth_admin", AUTH_ADMIN_KEEP: "auth_admin_keep", NOT_HANDLED: null },
      addRule: function (rule) { rules.push(rule); },
      log: function () {}
    };
  )"));
  REQUIRE_FALSE(setup.isError());
  const QJSValue loaded = engine.evaluate(rules, QStringLiteral("50-vgpu-group.rules"));
  INFO(loaded.toString().toStdString());
  REQUIRE_FALSE(loaded.isError());
  engine.globalObject().setProperty(QStringLiteral("actionId"), actionId);
  engine.globalObject().setProperty(QStringLiteral("inGroup"), inGroup);
  engine.globalObject().setProperty(QStringLiteral("program"), program);
  const QJSValue answer = engine.evaluate(QStringLiteral(R"(
    (function () {
      var action = { id: actionId, lookup: function (key) { return key === "program" ? program : ""; } };
      var subject = { user: "alice", isInGroup: function (group) { return inGroup && group === "vgpu"; } };
      for (var i = 0; i < rules.length; ++i) {
        var result = rules[i](action, subject);
        if (result !== null && result !== undefined) { return result; }
      }
      return "not_handled";
    })()
  )"));
  INFO(answer.toString().toStdString());
  REQUIRE_FALSE(answer.isError());
  return answer.toString();
}

} // namespace

TEST_CASE("the example rules file never grants the vgpu group a change without an administrator") {
  QFile file(QString::fromStdString((vgpu::test::sourceDir() / "packaging/50-vgpu-group.rules").string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  const QString rules = QString::fromUtf8(file.readAll());
  // Every helper action changes the system: members are asked for an administrator's password.
  for (const char* action : {"org.vgpu.helper.install", "org.vgpu.helper.configure", "org.vgpu.helper.restart"}) {
    INFO(action);
    CHECK(evaluateRules(rules, QLatin1String(action), true) == QStringLiteral("auth_admin_keep"));
    CHECK(evaluateRules(rules, QLatin1String(action), false) == QStringLiteral("not_handled"));
  }
  CHECK(evaluateRules(rules, QStringLiteral("org.freedesktop.policykit.exec"), true,
                      QStringLiteral("/usr/libexec/vgpu/vgpu-helper")) == QStringLiteral("auth_admin_keep"));
  // Other programs and actions are left to their own policies.
  CHECK(evaluateRules(rules, QStringLiteral("org.freedesktop.policykit.exec"), true, QStringLiteral("/bin/sh")) ==
        QStringLiteral("not_handled"));
  CHECK(evaluateRules(rules, QStringLiteral("org.freedesktop.systemd1.manage-units"), true) ==
        QStringLiteral("not_handled"));
}

// What a new user sees when the console starts without a display: an instruction, not a crash.
#include <catch2/catch.hpp>

#include "console_startup.h"

#include <QProcess>

using vgpu::console::missingDisplayMessage;

TEST_CASE("a display or an explicit platform lets the console start") {
  QProcessEnvironment environment;
  CHECK(missingDisplayMessage(environment).has_value());
  environment.insert(QStringLiteral("DISPLAY"), QStringLiteral(":0"));
  CHECK_FALSE(missingDisplayMessage(environment).has_value());
  environment.clear();
  environment.insert(QStringLiteral("WAYLAND_DISPLAY"), QStringLiteral("wayland-0"));
  CHECK_FALSE(missingDisplayMessage(environment).has_value());
  environment.clear();
  environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
  CHECK_FALSE(missingDisplayMessage(environment).has_value());
}

TEST_CASE("vgpu-console with no display prints how to run it and exits with code 2") {
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
    environment.remove(QString::fromLatin1(name));
  }
  QProcess console;
  console.setProcessEnvironment(environment);
  console.start(QStringLiteral(VGPU_CONSOLE_PATH), {});
  REQUIRE(console.waitForFinished(20000));
  const QString stderrText = QString::fromLocal8Bit(console.readAllStandardError());
  INFO(stderrText.toStdString());
  CHECK(console.exitStatus() == QProcess::NormalExit);
  CHECK(console.exitCode() == 2);
  CHECK(stderrText.contains(QStringLiteral("xvfb-run -a scripts/dev console")));
  CHECK(stderrText.contains(QStringLiteral("QT_QPA_PLATFORM=offscreen")));
  CHECK_FALSE(stderrText.contains(QStringLiteral("qt.qpa")));
}

TEST_CASE("vgpu-console starts on the offscreen platform") {
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
  QProcess console;
  console.setProcessEnvironment(environment);
  console.start(QStringLiteral(VGPU_CONSOLE_PATH), {});
  REQUIRE(console.waitForStarted(10000));
  // Still running after a second means the event loop is up; then close it.
  CHECK_FALSE(console.waitForFinished(1000));
  console.terminate();
  CHECK(console.waitForFinished(10000));
}

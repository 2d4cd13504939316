// Catch2 main for widget tests: a QApplication on the offscreen platform unless the caller chose
// another, so the suite runs on machines without a display.
#include <QApplication>

#include "catch_session.h"

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  QApplication app(argc, argv);
  return vgpu::test::runCatch(argc, argv);
}

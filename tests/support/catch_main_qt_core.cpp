// Catch2 main for tests that need a QCoreApplication (controller, vgpuctl).
#include <QCoreApplication>

#include "catch_session.h"

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  return vgpu::test::runCatch(argc, argv);
}

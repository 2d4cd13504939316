// Catch2 main for tests without Qt (shim, vgpud).
#include "catch_session.h"

int main(int argc, char** argv) {
  return vgpu::test::runCatch(argc, argv);
}

// Catch2's implementation, compiled once for every test: the three mains (catch_main_*.cpp) only
// set up their Qt application, if any, and call runCatch. Each of them used to compile the whole
// implementation again, the heaviest file of the tests (50 s under ASan here, three times a build).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "catch_session.h"

namespace vgpu::test {

int runCatch(int argc, char** argv) {
  return Catch::Session().run(argc, argv);
}

} // namespace vgpu::test

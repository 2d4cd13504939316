// Catch2 main for tests without Qt (shim, vgpud).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

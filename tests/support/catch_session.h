// Runs the tests of this program with Catch2 (its implementation is compiled once, in
// catch_session.cpp); the return value is main's.
#pragma once

namespace vgpu::test {

int runCatch(int argc, char** argv);

} // namespace vgpu::test

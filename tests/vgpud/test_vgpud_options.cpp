// vgpud command-line parsing: what is accepted and the message for what is not.
#include <catch2/catch.hpp>

#include "daemon_options.h"

using vgpu::daemon::parseOptions;

TEST_CASE("vgpud accepts a unix endpoint and a log level") {
  const auto result = parseOptions({"--listen", "unix:/run/vgpud.sock", "--log-level", "debug"});
  REQUIRE(result.options);
  CHECK(result.options->socketPath == "/run/vgpud.sock");
  CHECK(result.options->logLevel == "debug");
}

TEST_CASE("vgpud --help and --version need no endpoint") {
  CHECK(parseOptions({"--help"}).options->showHelp);
  CHECK(parseOptions({"--version"}).options->showVersion);
}

TEST_CASE("vgpud refuses bad command lines with a reason") {
  struct Case {
    std::vector<std::string> arguments;
    const char* reason;
  };
  const Case cases[] = {
      {{}, "--listen unix:PATH is required"},
      {{"--listen"}, "--listen needs a value"},
      {{"--listen", "tcp:127.0.0.1:1"}, "unsupported endpoint"},
      {{"--listen", "unix:"}, "socket path must be"},
      {{"--listen", "unix:/" + std::string(200, 'a')}, "socket path must be"},
      {{"--listen", "unix:/tmp/s", "--log-level", "loud"}, "unknown log level"},
      {{"--listen", "unix:/tmp/s", "--frobnicate"}, "unknown argument"},
  };
  for (const Case& c : cases) {
    const auto result = parseOptions(c.arguments);
    INFO(result.error);
    CHECK_FALSE(result.options);
    CHECK(result.error.find(c.reason) != std::string::npos);
  }
}

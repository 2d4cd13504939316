// VGPU_LOG parsing: accepted levels and destinations, and malformed values rejected.
#include <catch2/catch.hpp>

#include "vgpu/log.h"

using vgpu::log::Level;

TEST_CASE("VGPU_LOG values that are accepted") {
  struct Case {
    const char* text;
    Level level;
    const char* destination;
  };
  const Case cases[] = {
      {"off", Level::Off, ""},
      {"0", Level::Off, ""},
      {"error", Level::Error, ""},
      {"warn", Level::Warn, ""},
      {"info", Level::Info, ""},
      {"1", Level::Info, ""},
      {"debug", Level::Debug, ""},
      {"debug:stderr", Level::Debug, "stderr"},
      {"info:/var/log/vgpu.log", Level::Info, "/var/log/vgpu.log"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    Level level = Level::Off;
    std::string_view destination;
    REQUIRE(vgpu::log::parseSettings(c.text, level, destination));
    CHECK(level == c.level);
    CHECK(destination == c.destination);
  }
}

TEST_CASE("VGPU_LOG values that are rejected leave the settings untouched") {
  for (const char* text : {"", "verbose", "DEBUG", "debug:", "debug:relative/path", "info:stdout", "2"}) {
    INFO(text);
    Level level = Level::Warn;
    std::string_view destination = "unchanged";
    CHECK_FALSE(vgpu::log::parseSettings(text, level, destination));
    CHECK(level == Level::Warn);
    CHECK(destination == "unchanged");
  }
}

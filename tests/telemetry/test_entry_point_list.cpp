// The one list of CUDA entry points (shim/cuda/driver_api_entries.inc) is the only way an entry point
// gets exported: each row is unique and in the driver's catalog (driver_api_catalog.inc or
// driver_api_extra.inc, which give its CUDA version); each ENTRY row has exactly one implementation
// `CUresult entry::<symbol>(` in shim/cuda; a PER_THREAD row has none and names an ENTRY row as its
// legacy entry point; and no source but entry_exports.cpp defines an exported entry point, which
// would escape the call counting and the driver API table.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> shimSources(const fs::path& shim) {
  std::vector<fs::path> sources;
  for (const fs::path& directory : {shim, shim / "dark_api"}) {
    for (const auto& entry : fs::directory_iterator(directory)) {
      if (entry.path().extension() == ".cpp") {
        sources.push_back(entry.path());
      }
    }
  }
  return sources;
}

} // namespace

TEST_CASE("every CUDA entry point is one row of driver_api_entries.inc with one implementation") {
  const fs::path shim = fs::path(VGPU_SOURCE_DIR) / "shim" / "cuda";
  std::set<std::string> catalog;
  const std::regex catalogRow(R"(^X\([A-Za-z0-9_]+, [0-9]+, [A-Za-z]+, ([A-Za-z0-9_]+)\)$)");
  for (const char* file : {"driver_api_catalog.inc", "driver_api_extra.inc"}) {
    std::istringstream lines(readFile(shim / file));
    std::smatch match;
    for (std::string line; std::getline(lines, line);) {
      if (std::regex_match(line, match, catalogRow)) {
        catalog.insert(match[1]);
      }
    }
  }
  REQUIRE(catalog.size() > 400);

  std::map<std::string, std::string> entries; // symbol -> "" (ENTRY) or its legacy entry point
  const std::regex row(R"(^(ENTRY|PER_THREAD)\((cu[A-Za-z0-9_]*), (?:(cu[A-Za-z0-9_]*), )?\(.*\), \(.*\)\)$)");
  std::istringstream lines(readFile(shim / "driver_api_entries.inc"));
  std::smatch match;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("ENTRY(", 0) != 0 && line.rfind("PER_THREAD(", 0) != 0) {
      continue;
    }
    INFO(line);
    REQUIRE(std::regex_match(line, match, row));
    CHECK(entries.emplace(match[2], match[1] == "ENTRY" ? std::string() : std::string(match[3])).second);
    CHECK(catalog.count(match[2]) == 1);
  }
  REQUIRE(entries.size() > 250);

  std::map<std::string, int> implementations;
  const std::regex definition(R"(CUresult entry::(cu[A-Za-z0-9_]*)\()");
  const std::regex exported(R"(VGPU_EXPORT CUresult (cu[A-Za-z0-9_]*)\()");
  for (const fs::path& source : shimSources(shim)) {
    const std::string text = readFile(source);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), definition); it != std::sregex_iterator(); ++it) {
      ++implementations[(*it)[1]];
    }
    if (source.filename() != "entry_exports.cpp") {
      INFO(source.string() << " exports an entry point itself: declare it in driver_api_entries.inc instead");
      CHECK_FALSE(std::regex_search(text, exported));
    }
  }
  for (const auto& [symbol, legacy] : entries) {
    INFO(symbol);
    if (legacy.empty()) {
      CHECK(implementations[symbol] == 1);
    } else {
      CHECK(implementations.count(symbol) == 0);
      REQUIRE(entries.count(legacy) == 1);
      CHECK(entries.at(legacy).empty());
    }
  }
  for (const auto& [symbol, count] : implementations) {
    INFO(symbol << " is implemented but has no row in driver_api_entries.inc");
    CHECK(entries.count(symbol) == 1);
  }
}

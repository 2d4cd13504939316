// Every exported entry point of libvgpu-cuda is counted by the control socket: each
// `VGPU_EXPORT CUresult cuX(...)` body in shim/cuda must be exactly `return traced(ApiId::cuX, ...)`
// (scripts/dev-tools/trace-entry-points.py writes that), and each such symbol must be in
// driver_api_implemented.inc, the list ApiId is generated from. A new entry point added without
// either fails here (and without its id, fails to compile).
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
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

} // namespace

TEST_CASE("every exported entry point runs inside traced() under its own id") {
  const fs::path shim = fs::path(VGPU_SOURCE_DIR) / "shim" / "cuda";
  std::set<std::string> ids;
  const std::regex idLine(R"(^X\((cu[A-Za-z0-9_]*)\)$)");
  std::istringstream list(readFile(shim / "driver_api_implemented.inc"));
  std::smatch match;
  for (std::string line; std::getline(list, line);) {
    if (std::regex_match(line, match, idLine)) {
      ids.insert(match[1]);
    }
  }
  REQUIRE(ids.size() > 200);

  std::vector<fs::path> sources;
  for (const fs::path& directory : {shim, shim / "dark_api"}) {
    for (const auto& entry : fs::directory_iterator(directory)) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() == ".cpp" && (directory != shim || name.rfind("entry_", 0) == 0)) {
        sources.push_back(entry.path());
      }
    }
  }
  REQUIRE(sources.size() > 10);

  // The signature may span lines; the body's start runs to the lambda's brace (clang-format may
  // break it across lines, so whitespace is ignored).
  const std::regex exported(R"(VGPU_EXPORT CUresult (cu[A-Za-z0-9_]*)\(([^{]*)\{([^{]*\{))");
  std::set<std::string> seen;
  for (const fs::path& source : sources) {
    const std::string text = readFile(source);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), exported); it != std::sregex_iterator(); ++it) {
      const std::string symbol = (*it)[1];
      std::string start = (*it)[3];
      std::erase_if(start, [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
      INFO(source.filename().string() << ": " << symbol << " starts with: " << start);
      CHECK(start == "returntraced(ApiId::" + symbol + ",[&]()->CUresult{");
      CHECK(ids.count(symbol) == 1);
      seen.insert(symbol);
    }
  }
  CHECK(seen == ids); // and the list holds nothing that is not an entry point
}

// Shim configuration: the parser against the corpus in tests/data/shim-config (golden .expected
// files), and loading with an injected environment (file location, size bound, VGPU_* overrides).
#include "test_paths.h"

#include "vgpu/device/shim_config.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

using namespace vgpu::device;

namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string describe(const ShimConfig& config, const std::vector<ConfigProblem>& problems) {
  std::ostringstream out;
  out << "backend=" << (config.backend ? backendName(*config.backend) : "unset") << "\n";
  out << "endpoint=" << config.endpoint << "\n";
  out << "sysfs_root=" << config.sysfsRoot << "\n";
  out << "machine_id_file=" << config.machineIdFile << "\n";
  out << "match=";
  for (std::size_t i = 0; i < config.extraMatches.size(); ++i) {
    out << (i ? "," : "") << formatPciId(config.extraMatches[i]);
  }
  out << "\nprofile=";
  for (std::size_t i = 0; i < config.profileMappings.size(); ++i) {
    out << (i ? "," : "") << formatPciId(config.profileMappings[i].id) << "=" << config.profileMappings[i].profileKey;
  }
  out << "\n";
  for (const ConfigProblem& problem : problems) {
    out << "problem " << problem.line << ": " << problem.message << "\n";
  }
  return out.str();
}

struct FakeEnvironment {
  std::map<std::string, std::string> values;
  EnvironmentLookup lookup() const {
    return [this](const char* name) -> const char* {
      const auto found = values.find(name);
      return found == values.end() ? nullptr : found->second.c_str();
    };
  }
};

bool hasProblem(const ConfigLoad& load, const std::string& source, const std::string& text) {
  for (const ConfigProblem& problem : load.problems) {
    if (problem.source == source && problem.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

TEST_CASE("configuration corpus parses as expected") {
  const auto corpus = vgpu::test::dataDir() / "shim-config";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().extension() != ".conf") {
      continue;
    }
    ++files;
    const std::string name = entry.path().stem().string();
    INFO(name);
    ShimConfig config;
    std::vector<ConfigProblem> problems;
    parseShimConfig(readFile(entry.path()), config, problems, name);
    for (const ConfigProblem& problem : problems) {
      CHECK(problem.source == name);
    }
    const auto expectedPath = corpus / (name + ".expected");
    REQUIRE(std::filesystem::exists(expectedPath));
    CHECK(describe(config, problems) == readFile(expectedPath));
  }
  CHECK(files >= 7);
}

TEST_CASE("PCI ids are exactly four hex digits a side") {
  PciId id;
  CHECK(parsePciId("10de:2331", id));
  CHECK(id == PciId{0x10de, 0x2331});
  CHECK(parsePciId("10DE:abcd", id));
  CHECK(id == PciId{0x10de, 0xabcd});
  for (const char* bad :
       {"", "10de", "10de:", ":2331", "10de:233", "10de:23310", "0x10de:2331", "10de-2331", "g0de:2331"}) {
    INFO(bad);
    CHECK_FALSE(parsePciId(bad, id));
  }
  CHECK(id == PciId{0x10de, 0xabcd}); // untouched by failures
}

TEST_CASE("with no file and no environment the defaults apply") {
  const auto dir = vgpu::test::scratchDir("config-none");
  FakeEnvironment env;
  env.values["VGPU_CONFIG"] = (dir / "shim.conf").string();
  const ConfigLoad load = loadShimConfig(env.lookup());
  CHECK_FALSE(load.fileFound);
  // No backend chosen: the configuration says so, and the shims use vgpud, never the simulator.
  CHECK_FALSE(load.config.backend.has_value());
  CHECK(effectiveBackend(load.config) == Backend::Remote);
  CHECK_FALSE(simulatedExplicitly(load.config));
  CHECK(describeBackend(load.config) == "remote (default: no backend configured)");
  CHECK(load.config.endpoint == "unix:/run/vgpud.sock");
  CHECK(load.config.sysfsRoot == "/sys");
  CHECK(load.config.machineIdFile == "/etc/machine-id");
  CHECK(load.config.extraMatches.empty());
  CHECK(load.config.profileMappings.empty());
  // A file named explicitly by VGPU_CONFIG that is missing is worth a note, never fatal.
  CHECK(hasProblem(load, "VGPU_CONFIG", "cannot open"));
}

TEST_CASE("the default path is /etc/vgpu/shim.conf") {
  const FakeEnvironment env;
  const ConfigLoad load = loadShimConfig(env.lookup());
  CHECK(load.path == "/etc/vgpu/shim.conf");
}

TEST_CASE("the file is read, then VGPU_* variables override it") {
  const auto dir = vgpu::test::scratchDir("config-override");
  writeFile(dir / "shim.conf", "backend = remote\nsysfs_root = /srv/a\nmatch = 1ae0:0001\nprofile = 10de:1234=t4\n");
  FakeEnvironment env;
  env.values["VGPU_CONFIG"] = (dir / "shim.conf").string();
  SECTION("file only") {
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK(load.fileFound);
    CHECK(load.problems.empty());
    CHECK(load.config.backend == Backend::Remote);
    CHECK(load.config.sysfsRoot == "/srv/a");
    CHECK(load.config.extraMatches == std::vector<PciId>{{0x1ae0, 0x0001}});
  }
  SECTION("every variable overrides") {
    env.values["VGPU_BACKEND"] = "sim";
    env.values["VGPU_ENDPOINT"] = "unix:/tmp/x.sock";
    env.values["VGPU_SYSFS_ROOT"] = "/srv/b";
    env.values["VGPU_MACHINE_ID_FILE"] = "/srv/machine-id";
    env.values["VGPU_MATCH"] = "1ae0:0002,1ae0:0003";
    env.values["VGPU_PROFILE"] = "1ae0:0002=l4";
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK(load.problems.empty());
    CHECK(load.config.backend == Backend::Simulated);
    CHECK(load.config.endpoint == "unix:/tmp/x.sock");
    CHECK(load.config.sysfsRoot == "/srv/b");
    CHECK(load.config.machineIdFile == "/srv/machine-id");
    CHECK(load.config.extraMatches == std::vector<PciId>{{0x1ae0, 0x0002}, {0x1ae0, 0x0003}});
    REQUIRE(load.config.profileMappings.size() == 1);
    CHECK(load.config.profileMappings[0].profileKey == "l4");
  }
  SECTION("a bad variable is reported under its name and the file's value stays") {
    env.values["VGPU_BACKEND"] = "gpu";
    env.values["VGPU_SYSFS_ROOT"] = "relative";
    env.values["VGPU_MATCH"] = "nonsense";
    env.values["VGPU_PROFILE"] = "10de:1234=no-such-profile";
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK(hasProblem(load, "VGPU_BACKEND", "backend: expected sim or remote, got 'gpu'"));
    CHECK(hasProblem(load, "VGPU_SYSFS_ROOT", "sysfs_root: expected an absolute directory path"));
    CHECK(hasProblem(load, "VGPU_MATCH", "match: expected vendor:device"));
    CHECK(hasProblem(load, "VGPU_PROFILE", "unknown profile key 'no-such-profile' (known keys: h100-pcie"));
    for (const ConfigProblem& problem : load.problems) {
      CHECK(problem.line == 0);
    }
    CHECK(load.config.backend == Backend::Remote);
    CHECK(load.config.sysfsRoot == "/srv/a");
    CHECK(load.config.extraMatches == std::vector<PciId>{{0x1ae0, 0x0001}});
    REQUIRE(load.config.profileMappings.size() == 1);
    CHECK(load.config.profileMappings[0].profileKey == "t4");
  }
}

TEST_CASE("an endpoint alone does not choose a backend; only backend = sim selects the simulator") {
  const auto dir = vgpu::test::scratchDir("config-backend-choice");
  FakeEnvironment env;
  env.values["VGPU_CONFIG"] = (dir / "shim.conf").string();
  SECTION("endpoint in the file") {
    writeFile(dir / "shim.conf", "endpoint = tcp:gpu-host:7300\n");
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK_FALSE(load.config.backend.has_value());
    CHECK(effectiveBackend(load.config) == Backend::Remote);
    CHECK(load.config.endpoint == "tcp:gpu-host:7300");
  }
  SECTION("VGPU_ENDPOINT alone") {
    env.values["VGPU_ENDPOINT"] = "unix:/run/vgpu/vgpud.sock";
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK_FALSE(load.config.backend.has_value());
    CHECK(effectiveBackend(load.config) == Backend::Remote);
  }
  SECTION("an empty VGPU_BACKEND is a problem and chooses nothing") {
    env.values["VGPU_BACKEND"] = "";
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK(hasProblem(load, "VGPU_BACKEND", "backend: empty value"));
    CHECK_FALSE(load.config.backend.has_value());
  }
  SECTION("backend = sim in the file, and VGPU_BACKEND=sim") {
    writeFile(dir / "shim.conf", "backend = sim\n");
    CHECK(simulatedExplicitly(loadShimConfig(env.lookup()).config));
    writeFile(dir / "shim.conf", "");
    env.values["VGPU_BACKEND"] = "sim";
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK(simulatedExplicitly(load.config));
    CHECK(effectiveBackend(load.config) == Backend::Simulated);
    CHECK(describeBackend(load.config) == "sim");
  }
}

TEST_CASE("an oversized or unreadable configuration file is a problem, not a failure") {
  const auto dir = vgpu::test::scratchDir("config-bad-file");
  FakeEnvironment env;
  SECTION("larger than 64 KiB") {
    std::string text = "backend = remote\n";
    text += std::string(kMaxConfigFileBytes, '#');
    writeFile(dir / "big.conf", text);
    env.values["VGPU_CONFIG"] = (dir / "big.conf").string();
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK(hasProblem(load, (dir / "big.conf").string(), "larger than 65536 bytes"));
    CHECK_FALSE(load.config.backend.has_value()); // nothing of it applied
  }
  SECTION("exactly 64 KiB is accepted") {
    std::string text = "backend = remote\n#";
    text += std::string(kMaxConfigFileBytes - text.size(), '#');
    writeFile(dir / "limit.conf", text);
    env.values["VGPU_CONFIG"] = (dir / "limit.conf").string();
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK(load.problems.empty());
    CHECK(load.config.backend == Backend::Remote);
  }
  SECTION("a directory") {
    env.values["VGPU_CONFIG"] = dir.string();
    const ConfigLoad load = loadShimConfig(env.lookup());
    CHECK(hasProblem(load, dir.string(), "not a regular file"));
  }
}

TEST_CASE("a NUL byte in a line is reported with its line number") {
  ShimConfig config;
  std::vector<ConfigProblem> problems;
  static constexpr char kText[] = "backend = remote\nsysfs_root = /a\0b\n";
  parseShimConfig(std::string_view(kText, sizeof kText - 1), config, problems, "nul");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 2);
  CHECK(config.backend == Backend::Remote);
  CHECK(config.sysfsRoot == "/sys");
}

TEST_CASE("the parser survives mutated and random configuration text (bounded fuzz, seeded)") {
  // Seeds: the corpus; mutations: byte flips, insertions of separators and control bytes, line
  // duplication and truncation. Every run must end with a configuration or problems, never a crash,
  // and every problem must name its source.
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(vgpu::test::dataDir() / "shim-config")) {
    if (entry.path().extension() == ".conf") {
      seeds.push_back(readFile(entry.path()));
    }
  }
  REQUIRE_FALSE(seeds.empty());
  std::mt19937_64 random(0x5eed'c0f1);
  constexpr char kAlphabet[] = "=#:,\n\r\t \0xX0123456789abcdefABCDEF/._-[]=\x7f\xff";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1); // the NUL byte included
  int withProblems = 0;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string text = seeds[random() % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 8);
    for (int edit = 0; edit < edits; ++edit) {
      const std::size_t at = text.empty() ? 0 : random() % (text.size() + 1);
      switch (random() % 5) {
      case 0:
        if (!text.empty() && at < text.size()) {
          text[at] = static_cast<char>(random() & 0xff);
        }
        break;
      case 1: text.insert(at, 1, alphabet[random() % alphabet.size()]); break;
      case 2: text.erase(at, random() % 16); break;
      case 3: text.insert(at, text.substr(at, random() % 64)); break;
      default: text.resize(std::min(text.size(), at)); break;
      }
    }
    if (iteration % 50 == 0) { // now and then entirely random bytes
      text.resize(random() % 512);
      for (char& c : text) {
        c = static_cast<char>(random() & 0xff);
      }
    }
    ShimConfig config;
    std::vector<ConfigProblem> problems;
    parseShimConfig(text, config, problems, "fuzz");
    for (const ConfigProblem& problem : problems) {
      REQUIRE(problem.source == "fuzz");
      REQUIRE_FALSE(problem.message.empty());
    }
    withProblems += problems.empty() ? 0 : 1;
  }
  CHECK(withProblems > 0);
}

TEST_CASE("shared_device names the guest's shared-memory device by id or path, or turns it off") {
  ShimConfig defaults;
  REQUIRE(defaults.sharedDeviceId.has_value());
  CHECK(formatPciId(*defaults.sharedDeviceId) == "1af4:1110"); // QEMU's ivshmem-plain
  CHECK(defaults.sharedDevicePath.empty());

  struct Case {
    const char* line;
    const char* id; // "" = none
    const char* path;
    bool problem;
  };
  const Case cases[] = {
      {"shared_device = off", "", "", false},
      {"shared_device = 1b36:0010", "1b36:0010", "", false},
      {"shared_device = /sys/bus/pci/devices/0000:00:06.0/resource2", "", "/sys/bus/pci/devices/0000:00:06.0/resource2",
       false},
      {"shared_device = resource2", "1af4:1110", "", true}, // relative: refused, the default stays
      {"shared_device = 1af4", "1af4:1110", "", true},
      {"shared_device = ivshmem", "1af4:1110", "", true},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    ShimConfig config;
    std::vector<ConfigProblem> problems;
    parseShimConfig(c.line, config, problems);
    CHECK(problems.empty() != c.problem);
    CHECK((config.sharedDeviceId ? formatPciId(*config.sharedDeviceId) : std::string()) == c.id);
    CHECK(config.sharedDevicePath == c.path);
  }

  FakeEnvironment env;
  env.values["VGPU_CONFIG"] = "/nonexistent/vgpu-shim.conf";
  env.values["VGPU_SHARED_DEVICE"] = "off";
  const ConfigLoad load = loadShimConfig(env.lookup());
  CHECK_FALSE(load.config.sharedDeviceId.has_value());
}

TEST_CASE("jit_linker names the libnvJitLink cuLinkComplete uses, or off; VGPU_JIT_LINKER overrides it") {
  ShimConfig config;
  std::vector<ConfigProblem> problems;
  CHECK(config.jitLinker.empty()); // found by name
  parseShimConfig("jit_linker = /opt/cuda/lib64/libnvJitLink.so.13\n", config, problems);
  CHECK(problems.empty());
  CHECK(config.jitLinker == "/opt/cuda/lib64/libnvJitLink.so.13");
  parseShimConfig("jit_linker = libnvJitLink.so\n", config, problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("absolute path") != std::string::npos);
  CHECK(config.jitLinker == "/opt/cuda/lib64/libnvJitLink.so.13"); // refused: the earlier value stays
  parseShimConfig("jit_linker = off\n", config, problems);
  CHECK(config.jitLinker == "off");

  FakeEnvironment env;
  env.values["VGPU_CONFIG"] = "/nonexistent/vgpu-shim.conf";
  env.values["VGPU_JIT_LINKER"] = "off";
  CHECK(loadShimConfig(env.lookup()).config.jitLinker == "off");
}

TEST_CASE("token_file names vgpud's token for network endpoints, VGPU_TOKEN_FILE overrides it") {
  ShimConfig config;
  std::vector<ConfigProblem> problems;
  parseShimConfig("token_file = /etc/vgpu/vgpud.token\n", config, problems);
  CHECK(problems.empty());
  CHECK(config.tokenFile == "/etc/vgpu/vgpud.token");
  parseShimConfig("token_file = vgpud.token\n", config, problems);
  REQUIRE(problems.size() == 1);
  CHECK(config.tokenFile == "/etc/vgpu/vgpud.token"); // refused: the earlier value stays

  FakeEnvironment env;
  env.values["VGPU_CONFIG"] = "/nonexistent/vgpu-shim.conf";
  env.values["VGPU_TOKEN_FILE"] = "/run/secrets/vgpud.token";
  CHECK(loadShimConfig(env.lookup()).config.tokenFile == "/run/secrets/vgpud.token");
}

// vgpud command-line parsing: what is accepted and the message for what is not.
#include <catch2/catch.hpp>

#include "daemon_options.h"
#include "test_paths.h"

#include <fstream>
#include <sstream>

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
      {{"--listen", "ftp:3:5000"}, "unsupported endpoint"},
      {{"--listen", "unix:/tmp/s", "--listen", "vsock:3:5000"}, "needs --token-file"},
      {{"--listen", "unix:/tmp/s", "--listen", "vsock:x:5000"}, "must be vsock:PORT or vsock:CID:PORT"},
      {{"--listen", "unix:/tmp/s", "--listen", "vsock:"}, "must be vsock:PORT or vsock:CID:PORT"},
      {{"--listen", "unix:/tmp/s", "--listen", "tcp:127.0.0.1:7070"}, "needs --token-file"},
      {{"--listen", "unix:/tmp/s", "--listen", "tcp:7070"}, "must be tcp:HOST:PORT"},
      {{"--listen", "unix:/tmp/s", "--listen", "tcp:h:1", "--token-file", "token"}, "absolute path"},
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

TEST_CASE("vgpud accepts vsock listeners with or without a CID") {
  const auto any = parseOptions({"--listen", "unix:/tmp/s", "--listen", "vsock:5000", "--token-file", "/tmp/t"});
  REQUIRE(any.options);
  CHECK(any.options->vsockCid.empty());
  CHECK(any.options->vsockPort == "5000");
  const auto host = parseOptions({"--listen", "unix:/tmp/s", "--listen", "vsock:2:7070", "--token-file", "/tmp/t"});
  REQUIRE(host.options);
  CHECK(host.options->vsockCid == "2");
  CHECK(host.options->vsockPort == "7070");
}

TEST_CASE("vgpud takes its backend and VRAM quota from a configuration file, the command line winning") {
  static const auto reader = [](const std::string& path) -> std::optional<std::string> {
    if (path == "/etc/vgpu/vgpud.conf") {
      return std::string("# vgpud settings\nlisten = unix:/run/vgpud.sock\nbackend = sim\nvram-quota = 8GiB\n");
    }
    if (path == "/etc/vgpu/bad.conf") {
      return std::string("vram-quota = lots\n");
    }
    return std::nullopt;
  };
  const auto fromFile = parseOptions({"--config", "/etc/vgpu/vgpud.conf"}, reader);
  REQUIRE(fromFile.options);
  CHECK(fromFile.options->socketPath == "/run/vgpud.sock");
  CHECK(fromFile.options->vramQuotaBytes == (std::uint64_t{8} << 30));
  CHECK(fromFile.options->backend == vgpu::daemon::ExecutorBackend::Simulated);

  const auto overridden = parseOptions({"--vram-quota", "512M", "--config", "/etc/vgpu/vgpud.conf"}, reader);
  REQUIRE(overridden.options);
  CHECK(overridden.options->vramQuotaBytes == (std::uint64_t{512} << 20));

  const auto cuda = parseOptions({"--listen", "unix:/tmp/s", "--backend", "cuda"});
  REQUIRE(cuda.options);
  CHECK(cuda.options->backend == vgpu::daemon::ExecutorBackend::Cuda);
  CHECK(cuda.options->cudaDriverPath == "libcuda.so.1"); // found by the dynamic loader
  const auto driver = parseOptions(
      {"--listen", "unix:/tmp/s", "--backend", "cuda", "--cuda-driver", "/usr/lib/x86_64-linux-gnu/libcuda.so.1"});
  REQUIRE(driver.options);
  CHECK(driver.options->cudaDriverPath == "/usr/lib/x86_64-linux-gnu/libcuda.so.1");
  CHECK(parseOptions({"--listen", "unix:/tmp/s", "--cuda-driver", "lib/libcuda.so.1"}).error.find("absolute path") !=
        std::string::npos);

  const auto bad = parseOptions({"--config", "/etc/vgpu/bad.conf"}, reader);
  CHECK_FALSE(bad.options);
  CHECK(bad.error.find("/etc/vgpu/bad.conf:1: bad vram-quota 'lots'") != std::string::npos);
  CHECK(parseOptions({"--config", "/nonexistent"}, reader).error.find("cannot read") != std::string::npos);
  CHECK(parseOptions({"--listen", "unix:/tmp/s", "--backend", "gpu"}).error.find("unknown backend") !=
        std::string::npos);
}

TEST_CASE("byte sizes: integers with binary units, nothing else") {
  std::uint64_t bytes = 0;
  CHECK((vgpu::daemon::parseByteSize("4096", bytes) && bytes == 4096));
  CHECK((vgpu::daemon::parseByteSize("2GiB", bytes) && bytes == (std::uint64_t{2} << 30)));
  CHECK((vgpu::daemon::parseByteSize("64M", bytes) && bytes == (std::uint64_t{64} << 20)));
  CHECK_FALSE(vgpu::daemon::parseByteSize("1.5G", bytes));
  CHECK_FALSE(vgpu::daemon::parseByteSize("G", bytes));
  CHECK_FALSE(vgpu::daemon::parseByteSize("99999999999T", bytes));
}

namespace {
std::optional<std::string> readFixture(const std::string& name) {
  std::ifstream file(vgpu::test::dataDir() / "vgpud" / name);
  if (!file) {
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}
} // namespace

TEST_CASE("session priorities: a default level and levels by peer uid, from the file and the command line") {
  using vgpu::daemon::SessionPriority;
  const auto defaults = parseOptions({"--listen", "unix:/tmp/s"});
  REQUIRE(defaults.options);
  CHECK(defaults.options->priorities.defaultLevel == SessionPriority::Normal);
  CHECK(defaults.options->priorities.byUid.empty());
  CHECK(defaults.options->priorities.resolve(0) == SessionPriority::Normal);

  const auto fromFile = parseOptions({"--config", "priority.conf"}, readFixture);
  INFO(fromFile.error);
  REQUIRE(fromFile.options);
  const vgpu::daemon::PriorityPolicy& policy = fromFile.options->priorities;
  CHECK(policy.defaultLevel == SessionPriority::Low);
  CHECK(policy.resolve(0) == SessionPriority::High);
  CHECK(policy.resolve(1000) == SessionPriority::Normal); // the later entry for the same uid wins
  CHECK(policy.resolve(1001) == SessionPriority::Normal);
  CHECK(policy.resolve(1002) == SessionPriority::Low);         // unmapped uid: the default
  CHECK(policy.resolve(std::nullopt) == SessionPriority::Low); // TCP/vsock: the default

  // The command line adds to the file's mapping and wins where both name a uid.
  const auto both = parseOptions({"--config", "priority.conf", "--priority", "high", "--priority-uid", "0:low",
                                  "--priority-uid", "7:normal,8:low"},
                                 readFixture);
  REQUIRE(both.options);
  CHECK(both.options->priorities.defaultLevel == SessionPriority::High);
  CHECK(both.options->priorities.resolve(0) == SessionPriority::Low);
  CHECK(both.options->priorities.resolve(7) == SessionPriority::Normal);
  CHECK(both.options->priorities.resolve(8) == SessionPriority::Low);
  CHECK(both.options->priorities.resolve(1000) == SessionPriority::Normal);
}

TEST_CASE("session priorities: bad levels and uid entries are refused, naming the key and what is allowed") {
  struct Case {
    std::vector<std::string> arguments;
    const char* reason;
  };
  const Case cases[] = {
      {{"--listen", "unix:/tmp/s", "--priority", "urgent"}, "bad priority 'urgent': high, normal or low"},
      {{"--listen", "unix:/tmp/s", "--priority", "HIGH"}, "bad priority 'HIGH'"},
      {{"--listen", "unix:/tmp/s", "--priority"}, "--priority needs a value"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", "1000"}, "bad priority-uid entry '1000': UID:LEVEL"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", "alice:low"}, "bad priority-uid entry 'alice:low'"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", "-1:low"}, "bad priority-uid entry '-1:low'"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", "99999999999:low"}, "bad priority-uid entry"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", ":low"}, "bad priority-uid entry ':low'"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", "1000:"}, "unknown level '' (high, normal or low)"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", "1000:top"}, "unknown level 'top'"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", "1000:low,"}, "bad priority-uid entry ''"},
      {{"--listen", "unix:/tmp/s", "--priority-uid", "1000:low,,1:high"}, "bad priority-uid entry ''"},
  };
  for (const Case& c : cases) {
    const auto result = parseOptions(c.arguments);
    INFO(result.error);
    CHECK_FALSE(result.options);
    CHECK(result.error.find(c.reason) != std::string::npos);
  }
  const auto level = parseOptions({"--config", "priority-bad-level.conf"}, readFixture);
  CHECK_FALSE(level.options);
  CHECK(level.error == "priority-bad-level.conf:3: bad priority 'urgent': high, normal or low");
  const auto uid = parseOptions({"--config", "priority-bad-uid.conf"}, readFixture);
  CHECK_FALSE(uid.options);
  CHECK(uid.error.find("priority-bad-uid.conf:3: bad priority-uid entry 'alice:high'") != std::string::npos);
}

TEST_CASE("session priorities: CUDA stream priorities by level") {
  using vgpu::daemon::SessionPriority;
  using vgpu::daemon::sessionStreamPriority;
  // An H100's range: least 0, greatest -5 (numerically smaller is more urgent).
  constexpr int kLeast = 0;
  constexpr int kGreatest = -5;
  CHECK(sessionStreamPriority(SessionPriority::Normal, 0, kLeast, kGreatest) == 0);
  CHECK(sessionStreamPriority(SessionPriority::Normal, -3, kLeast, kGreatest) == -3);
  CHECK(sessionStreamPriority(SessionPriority::Low, 0, kLeast, kGreatest) == kLeast);
  CHECK(sessionStreamPriority(SessionPriority::Low, -5, kLeast, kGreatest) == kLeast); // clamped
  CHECK(sessionStreamPriority(SessionPriority::High, 0, kLeast, kGreatest) == kGreatest);
  CHECK(sessionStreamPriority(SessionPriority::High, -2, kLeast, kGreatest) == -2); // the client's choice is kept
}

TEST_CASE("the shipped example configuration (packaging/vgpud.conf) is valid as it stands") {
  const auto shipped = parseOptions({"--config", VGPU_SOURCE_DIR "/packaging/vgpud.conf"});
  INFO(shipped.error);
  REQUIRE(shipped.options);
  CHECK(shipped.options->socketPath == "/run/vgpud.sock"); // the shim's default endpoint
  CHECK(shipped.options->backend == vgpu::daemon::ExecutorBackend::Cuda);
  CHECK(shipped.options->cudaDriverPath == "/usr/lib/x86_64-linux-gnu/libcuda.so.1");
}

TEST_CASE("vgpud's limits: safe defaults, every key from the file and the command line, ranges enforced") {
  const auto defaults = parseOptions({"--listen", "unix:/run/vgpud.sock"});
  REQUIRE(defaults.options);
  const vgpu::daemon::DaemonLimits& limits = defaults.options->limits;
  CHECK(limits.maxSessions == 256);
  CHECK(limits.maxPending == 128);
  CHECK(limits.maxPendingPerPeer == 8);
  CHECK(limits.helloTimeoutMs == 5000);
  CHECK(limits.preAuthBytes == 64 * 1024);
  CHECK(limits.replyBytes == std::uint64_t{8} << 20);
  CHECK(limits.moduleBytes == std::uint64_t{256} << 20);
  CHECK(limits.maxDevices == 8);
  CHECK(limits.simMemoryBytes == std::uint64_t{4} << 30);
  CHECK(limits.descriptorsPerMessage == 1);

  static const char* kFile = "max-sessions = 32\nsim-memory = 1GiB\nhello-timeout-ms = 750\n";
  const auto parsed = parseOptions(
      {"--config", "/etc/vgpu/vgpud.conf", "--listen", "unix:/s", "--max-sessions", "16", "--reply-buffer", "4MiB"},
      [](const std::string&) -> std::optional<std::string> { return kFile; });
  REQUIRE(parsed.options);
  CHECK(parsed.options->limits.maxSessions == 16); // the command line wins
  CHECK(parsed.options->limits.simMemoryBytes == std::uint64_t{1} << 30);
  CHECK(parsed.options->limits.helloTimeoutMs == 750);
  CHECK(parsed.options->limits.replyBytes == std::uint64_t{4} << 20);

  struct Bad {
    std::vector<std::string> arguments;
    const char* reason;
  };
  const Bad bad[] = {
      {{"--max-sessions", "0"}, "bad max-sessions '0': a whole number from 1 to 1024"},
      {{"--max-sessions", "5000"}, "from 1 to 1024"},
      {{"--hello-timeout-ms", "fast"}, "bad hello-timeout-ms 'fast'"},
      {{"--reply-buffer", "1K"}, "bad reply-buffer '1K': a size"},
      {{"--descriptors-per-message", "17"}, "from 1 to 16"},
      {{"--max-devices", "-1"}, "bad max-devices"},
  };
  for (const Bad& entry : bad) {
    std::vector<std::string> arguments = {"--listen", "unix:/s"};
    arguments.insert(arguments.end(), entry.arguments.begin(), entry.arguments.end());
    const auto result = parseOptions(arguments);
    INFO(result.error);
    CHECK_FALSE(result.options);
    CHECK(result.error.find(entry.reason) != std::string::npos);
  }
  // --help lists every limit, from the same table.
  const std::string help = vgpu::daemon::usage();
  for (const char* key :
       {"--max-sessions ", "--max-sessions-per-peer", "--max-pending ", "--max-pending-per-peer", "--hello-timeout-ms",
        "--pre-auth-bytes", "--reply-buffer", "--send-timeout-ms", "--module-limit", "--graph-limit", "--max-devices",
        "--sim-memory", "--pinned-limit", "--descriptors-per-message"}) {
    INFO(key);
    CHECK(help.find(key) != std::string::npos);
  }
}

TEST_CASE("the management socket: unix and tcp endpoints, its own token, its group, and NVML") {
  const auto both =
      parseOptions({"--listen", "unix:/run/vgpud.sock", "--admin-listen", "unix:/run/vgpud-admin.sock",
                    "--admin-listen", "tcp:10.0.0.1:7071", "--admin-token-file", "/etc/vgpu/admin.token",
                    "--admin-group", "gpuadmins", "--nvml", "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"});
  REQUIRE(both.options);
  CHECK(both.options->adminSocketPath == "/run/vgpud-admin.sock");
  CHECK(both.options->adminTcpHost == "10.0.0.1");
  CHECK(both.options->adminTcpPort == "7071");
  CHECK(both.options->adminTokenFile == "/etc/vgpu/admin.token");
  CHECK(both.options->adminGroup == "gpuadmins");
  CHECK(both.options->nvmlPath == "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
  const auto defaults = parseOptions({"--listen", "unix:/run/vgpud.sock"});
  REQUIRE(defaults.options);
  CHECK(defaults.options->adminSocketPath.empty()); // no management socket unless asked
  CHECK(defaults.options->adminGroup == "vgpud-admin");
  CHECK(defaults.options->nvmlPath == "libnvidia-ml.so.1");
  CHECK(parseOptions({"--listen", "unix:/s", "--nvml", "off"}).options->nvmlPath.empty());

  struct Case {
    std::vector<std::string> arguments;
    const char* reason;
  };
  const Case cases[] = {
      {{"--admin-listen", "tcp:127.0.0.1:7071"}, "needs --admin-token-file"},
      {{"--admin-listen", "unix:relative.sock"}, "must be unix:/ABSOLUTE/PATH or tcp:HOST:PORT"},
      {{"--admin-listen", "tcp:7071"}, "must be tcp:HOST:PORT"},
      {{"--admin-token-file", "relative"}, "admin-token-file must be an absolute path"},
      {{"--admin-group", "a b"}, "admin-group must be a group name"},
      {{"--nvml", "lib/libnvidia-ml.so.1"}, "nvml must be an absolute path"},
      {{"--listen", "tcp:127.0.0.1:7070", "--token-file", "/etc/t", "--admin-token-file", "/etc/t"},
       "must not be the tenants' token-file"},
  };
  for (const Case& entry : cases) {
    std::vector<std::string> arguments = {"--listen", "unix:/tmp/s"};
    arguments.insert(arguments.end(), entry.arguments.begin(), entry.arguments.end());
    const auto result = parseOptions(arguments);
    INFO(entry.reason);
    CHECK_FALSE(result.options);
    CHECK(result.error.find(entry.reason) != std::string::npos);
  }
}

TEST_CASE("one table for vgpud's settings: every key is in --help, in docs/configuration.md and parsed") {
  std::ifstream file(vgpu::test::sourceDir() / "docs" / "configuration.md");
  std::stringstream docs;
  docs << file.rdbuf();
  const std::string usage = vgpu::daemon::usage();
  const std::vector<std::string_view> keys = vgpu::daemon::settingKeys();
  CHECK(keys.size() >= 26);
  for (const std::string_view key : keys) {
    INFO(key);
    CHECK(usage.find("--" + std::string(key) + " ") != std::string::npos);
    const bool documented = docs.str().find("| `" + std::string(key) + "` |") != std::string::npos ||
                            docs.str().find("/ `" + std::string(key) + "` |") != std::string::npos;
    CHECK(documented);
    // A key the table knows is never "unknown" (its value may still be refused).
    const auto result = parseOptions({"--listen", "unix:/tmp/s", "--" + std::string(key), "?"});
    CHECK(result.error.rfind("unknown argument", 0) == std::string::npos);
    CHECK(result.error.rfind("unknown setting", 0) == std::string::npos);
  }
  CHECK(parseOptions({"--listen", "unix:/tmp/s", "--no-such-setting", "1"}).error ==
        "unknown argument '--no-such-setting'");
}

TEST_CASE("vgpud.conf is read as shim.conf is: comments, blanks, and the first bad line named") {
  struct Case {
    const char* file;
    const char* error; // "" = accepted
  };
  static const Case kCases[] = {
      {"# comment\n\n  backend = cuda  \r\n\t# another\nlisten=unix:/run/v.sock\n", ""},
      {"backend = sim\nlisten unix:/run/v.sock\n", "/etc/vgpud.conf:2: expected 'key = value', found no '='"},
      {"backend = sim\n\n = cuda\n", "/etc/vgpud.conf:3: expected 'key = value', found no key before '='"},
      {"nvml = off\ncolour = blue\nbackend = nope\n", "/etc/vgpud.conf:2: unknown setting 'colour'"},
  };
  for (const Case& entry : kCases) {
    static const char* text = nullptr;
    text = entry.file;
    const auto parsed = parseOptions({"--config", "/etc/vgpud.conf", "--listen", "unix:/s"},
                                     [](const std::string&) -> std::optional<std::string> { return text; });
    INFO(entry.file);
    CHECK(parsed.error == entry.error);
  }
  static constexpr char kWithNul[] = "backend = sim\nlisten = unix:/a\0b\n";
  static const std::string withNul(kWithNul, sizeof kWithNul - 1);
  const auto nul = parseOptions({"--config", "/etc/vgpud.conf", "--listen", "unix:/s"},
                                [](const std::string&) -> std::optional<std::string> { return withNul; });
  CHECK(nul.error == "/etc/vgpud.conf:2: line contains a NUL byte");
}

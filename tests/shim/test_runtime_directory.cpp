// The one runtime-directory rule (vgpu/telemetry/runtime_directory.h) that the serving shim, the
// NVML reader, the console, vgpuctl and the doctor share: a matrix of environments (VGPU_RUNTIME_DIR
// and XDG_RUNTIME_DIR set or not) and directories (present, missing, writable or not, a file,
// another user's), for each use — serve, would serve, read.
#include <catch2/catch.hpp>

#include "test_paths.h"

#include "vgpu/telemetry/runtime_directory.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <set>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using vgpu::telemetry::RuntimeDirectories;
using vgpu::telemetry::runtimeDirectories;
using vgpu::telemetry::RuntimeDirectoryInputs;
using vgpu::telemetry::RuntimeDirectoryUse;

namespace {

struct Fixture {
  fs::path base = vgpu::test::scratchDir("runtime-dir-" + std::to_string(::getpid()));
  fs::path system = base / "run-vgpu";
  fs::path users = base / "run-user";
  std::set<std::string> readOnly; // directories the predicate calls not writable

  RuntimeDirectoryInputs inputs() const {
    RuntimeDirectoryInputs in;
    in.systemDirectory = system.string();
    in.userDirectories = users.string();
    in.writable = [this](const std::string& path) { return readOnly.count(path) == 0; };
    return in;
  }
};

std::vector<std::string> chosen(const RuntimeDirectoryInputs& in, RuntimeDirectoryUse use) {
  return runtimeDirectories(in, use).directories;
}

using Paths = std::vector<std::string>;

unsigned modeOf(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777U;
}

} // namespace

TEST_CASE("VGPU_RUNTIME_DIR decides alone, for the server and for readers") {
  Fixture f;
  fs::create_directories(f.system);
  const fs::path configured = f.base / "configured";
  RuntimeDirectoryInputs in = f.inputs();
  in.configured = configured.string();
  in.xdgRuntimeDir = (f.base / "xdg").string();
  fs::create_directories(f.base / "xdg/vgpu");

  SECTION("missing: the server creates it 0750, a would-be server names it, readers find nothing") {
    CHECK(chosen(in, RuntimeDirectoryUse::WouldServe) == Paths{configured.string()});
    CHECK_FALSE(fs::exists(configured));
    const RuntimeDirectories read = runtimeDirectories(in, RuntimeDirectoryUse::Read);
    CHECK(read.directories.empty());
    CHECK(read.why.find("is not a directory") != std::string::npos);
    CHECK(chosen(in, RuntimeDirectoryUse::Serve) == Paths{configured.string()});
    REQUIRE(fs::is_directory(configured));
    CHECK(modeOf(configured) == 0750U);
  }
  SECTION("present: readers read it and nothing else, not /run/vgpu, not the XDG folder") {
    fs::create_directories(configured);
    CHECK(chosen(in, RuntimeDirectoryUse::Serve) == Paths{configured.string()});
    CHECK(chosen(in, RuntimeDirectoryUse::Read) == Paths{configured.string()});
  }
  SECTION("not writable: no socket, and the reason") {
    fs::create_directories(configured);
    f.readOnly.insert(configured.string());
    in = f.inputs();
    in.configured = configured.string();
    const RuntimeDirectories serve = runtimeDirectories(in, RuntimeDirectoryUse::Serve);
    CHECK(serve.directories.empty());
    CHECK(serve.why == configured.string() + " is not writable");
    CHECK(chosen(in, RuntimeDirectoryUse::Read) == Paths{configured.string()}); // readers still read it
  }
  SECTION("a file: refused") {
    std::ofstream(configured) << "x";
    const RuntimeDirectories serve = runtimeDirectories(in, RuntimeDirectoryUse::Serve);
    CHECK(serve.directories.empty());
    CHECK(serve.why == configured.string() + " is not a directory");
    CHECK(chosen(in, RuntimeDirectoryUse::Read).empty());
  }
}

TEST_CASE("without VGPU_RUNTIME_DIR the server takes /run/vgpu when writable, else its XDG folder") {
  Fixture f;
  RuntimeDirectoryInputs in = f.inputs();
  const fs::path xdg = f.base / "xdg";
  const fs::path own = xdg / "vgpu";
  fs::create_directories(xdg);

  SECTION("/run/vgpu writable") {
    fs::create_directories(f.system);
    in.xdgRuntimeDir = xdg.string();
    CHECK(chosen(in, RuntimeDirectoryUse::Serve) == Paths{f.system.string()});
    CHECK_FALSE(fs::exists(own)); // nothing created where it is not used
    // Readers: the system folder only (the XDG folder does not exist)
    CHECK(chosen(in, RuntimeDirectoryUse::Read) == Paths{f.system.string()});
  }
  SECTION("/run/vgpu not writable (a user outside the group): the XDG folder, created 0750") {
    fs::create_directories(f.system);
    f.readOnly.insert(f.system.string());
    in = f.inputs();
    in.xdgRuntimeDir = xdg.string() + "/"; // a trailing slash changes nothing
    CHECK(chosen(in, RuntimeDirectoryUse::WouldServe) == Paths{own.string()});
    CHECK_FALSE(fs::exists(own));
    CHECK(chosen(in, RuntimeDirectoryUse::Serve) == Paths{own.string()});
    CHECK(modeOf(own) == 0750U);
    // Readers of the same environment see both: the group's processes and their own fallback.
    CHECK(chosen(in, RuntimeDirectoryUse::Read) == Paths{f.system.string(), own.string()});
  }
  SECTION("/run/vgpu missing and XDG_RUNTIME_DIR unset: nothing, with both reasons") {
    const RuntimeDirectories serve = runtimeDirectories(in, RuntimeDirectoryUse::Serve);
    CHECK(serve.directories.empty());
    CHECK(serve.why.find(f.system.string() + ": No such file or directory") != std::string::npos);
    CHECK(serve.why.find("XDG_RUNTIME_DIR is not set") != std::string::npos);
    const RuntimeDirectories read = runtimeDirectories(in, RuntimeDirectoryUse::Read);
    CHECK(read.directories.empty());
    CHECK_FALSE(read.why.empty());
  }
  SECTION("/run/vgpu is a file: the XDG folder") {
    std::ofstream(f.system) << "x";
    in.xdgRuntimeDir = xdg.string();
    CHECK(chosen(in, RuntimeDirectoryUse::Serve) == Paths{own.string()});
    CHECK(chosen(in, RuntimeDirectoryUse::Read) == Paths{own.string()});
  }
  SECTION("the XDG folder exists but is not writable: nothing") {
    fs::create_directories(own);
    f.readOnly.insert(own.string());
    in = f.inputs();
    in.xdgRuntimeDir = xdg.string();
    const RuntimeDirectories serve = runtimeDirectories(in, RuntimeDirectoryUse::Serve);
    CHECK(serve.directories.empty());
    CHECK(serve.why.find(own.string() + " is not writable") != std::string::npos);
  }
  SECTION("XDG_RUNTIME_DIR names a missing folder: the server cannot create vgpu in it") {
    in.xdgRuntimeDir = (f.base / "absent").string();
    const RuntimeDirectories serve = runtimeDirectories(in, RuntimeDirectoryUse::Serve);
    CHECK(serve.directories.empty());
    CHECK(serve.why.find("cannot create") != std::string::npos);
  }
}

TEST_CASE("readers also find the folders of users who fell back to their XDG directory") {
  Fixture f;
  fs::create_directories(f.system);
  fs::create_directories(f.users / "1000/vgpu");
  fs::create_directories(f.users / "1001/vgpu");
  fs::create_directories(f.users / "999/vgpu");
  fs::create_directories(f.users / "1002");     // a user without a vgpu folder
  fs::create_directories(f.users / "gdm/vgpu"); // not a uid
  std::ofstream(f.users / "1003") << "not a directory";
  RuntimeDirectoryInputs in = f.inputs();
  in.xdgRuntimeDir = (f.users / "1000").string();

  // The system folder, the caller's own, then every other reachable one by uid; each once.
  CHECK(chosen(in, RuntimeDirectoryUse::Read) == Paths{f.system.string(), (f.users / "1000/vgpu").string(),
                                                       (f.users / "999/vgpu").string(),
                                                       (f.users / "1001/vgpu").string()});
  in.userDirectories.clear();
  CHECK(chosen(in, RuntimeDirectoryUse::Read) == Paths{f.system.string(), (f.users / "1000/vgpu").string()});
  // The server never serves in another user's folder.
  CHECK(chosen(f.inputs(), RuntimeDirectoryUse::Serve) == Paths{f.system.string()});
}

// The default predicate and the reach of another user's folder are the kernel's: checked in a child
// that drops root (the tests run as root, for whom every directory is writable).
TEST_CASE("as a user outside the group: /run/vgpu 1770 is not writable, others' folders are out of reach") {
  if (::geteuid() != 0) {
    WARN("needs root to become another user; skipped");
    return;
  }
  Fixture f;
  constexpr uid_t kUser = 4242;
  constexpr gid_t kGroup = 4242;
  fs::create_directories(f.system);
  REQUIRE(::chmod(f.system.c_str(), 01770) == 0); // root:root here: the user is not in its group
  fs::create_directories(f.users / "4242");
  REQUIRE(::chown((f.users / "4242").c_str(), kUser, kGroup) == 0);
  REQUIRE(::chmod((f.users / "4242").c_str(), 0700) == 0);
  fs::create_directories(f.users / "4343/vgpu");
  REQUIRE(::chmod((f.users / "4343").c_str(), 0700) == 0); // another user's (root's here): unreachable

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(kGroup) != 0 || ::setuid(kUser) != 0) {
      ::_exit(10);
    }
    RuntimeDirectoryInputs in;
    in.systemDirectory = f.system.string();
    in.userDirectories = f.users.string();
    in.xdgRuntimeDir = (f.users / "4242").string();
    const std::string own = (f.users / "4242/vgpu").string();
    if (runtimeDirectories(in, RuntimeDirectoryUse::Serve).directories != Paths{own}) {
      ::_exit(11);
    }
    if (runtimeDirectories(in, RuntimeDirectoryUse::Read).directories != Paths{f.system.string(), own}) {
      ::_exit(12);
    }
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("fromEnvironment reads VGPU_RUNTIME_DIR and XDG_RUNTIME_DIR, the real system paths otherwise") {
  const char* savedRuntime = std::getenv("VGPU_RUNTIME_DIR");
  const char* savedXdg = std::getenv("XDG_RUNTIME_DIR");
  const std::string runtime = savedRuntime != nullptr ? savedRuntime : "";
  const std::string xdg = savedXdg != nullptr ? savedXdg : "";
  ::setenv("VGPU_RUNTIME_DIR", "/somewhere/run", 1);
  ::setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
  const RuntimeDirectoryInputs in = RuntimeDirectoryInputs::fromEnvironment();
  CHECK(in.configured == "/somewhere/run");
  CHECK(in.xdgRuntimeDir == "/run/user/4242");
  CHECK(in.systemDirectory == "/run/vgpu");
  CHECK(in.userDirectories == "/run/user");
  CHECK_FALSE(in.writable);
  ::unsetenv("VGPU_RUNTIME_DIR");
  ::unsetenv("XDG_RUNTIME_DIR");
  const RuntimeDirectoryInputs unset = RuntimeDirectoryInputs::fromEnvironment();
  CHECK(unset.configured.empty());
  CHECK(unset.xdgRuntimeDir.empty());
  if (!runtime.empty()) {
    ::setenv("VGPU_RUNTIME_DIR", runtime.c_str(), 1);
  }
  if (!xdg.empty()) {
    ::setenv("XDG_RUNTIME_DIR", xdg.c_str(), 1);
  }
}

// The doctor on trees it does not own (vgpuctl doctor --root): files that are links to /dev/zero,
// FIFOs and huge files must neither hang it nor grow it (each read is a regular file, non-blocking,
// bounded: controller/common/bounded_file.h); and shim.runtime-directory, which judges the control
// sockets' directory against the packaged owner and mode (docs/security.md).
#include <catch2/catch.hpp>

#include "doctor/machine/runtime_directory_check.h"
#include "test_paths.h"

#include <QProcess>
#include <chrono>
#include <filesystem>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace vgpu::controller::doctor;
namespace fs = std::filesystem;

namespace {

DoctorContext contextAt(const fs::path& root) {
  DoctorContext context;
  context.root = QString::fromStdString(root.string());
  return context;
}

void makeRuntimeDirectory(const fs::path& root, mode_t mode) {
  fs::create_directories(root / "run/vgpu");
  REQUIRE(::chmod((root / "run/vgpu").c_str(), mode) == 0);
}

} // namespace

TEST_CASE("shim.runtime-directory: missing skips; world-writable, group-writable without sticky or a symlink fail") {
  const fs::path root = vgpu::test::scratchDir("doctor-runtime-directory");
  CHECK(checkRuntimeDirectory(contextAt(root)).status == CheckStatus::Skip);

  makeRuntimeDirectory(root, 0777);
  CheckResult result = checkRuntimeDirectory(contextAt(root));
  CHECK(result.status == CheckStatus::Fail);
  REQUIRE(result.remedy);
  CHECK(result.remedy->text.contains(QStringLiteral("systemd-tmpfiles --create")));
  if (::geteuid() == 0) { // only root's directories can pass; others are "owned by uid N"
    CHECK(result.summary.contains(QStringLiteral("writable by every user")));
    REQUIRE(::chmod((root / "run/vgpu").c_str(), 0770) == 0);
    CHECK(checkRuntimeDirectory(contextAt(root)).summary.contains(QStringLiteral("without the sticky bit")));
    REQUIRE(::chmod((root / "run/vgpu").c_str(), 01770) == 0);
    result = checkRuntimeDirectory(contextAt(root));
    CHECK(result.status != CheckStatus::Fail);
    CHECK(result.summary.contains(QStringLiteral("mode 1770")));
    REQUIRE(::chown((root / "run/vgpu").c_str(), 65534, 0) == 0);
    CHECK(checkRuntimeDirectory(contextAt(root)).summary.contains(QStringLiteral("owned by uid 65534")));
  } else {
    CHECK(result.summary.contains(QStringLiteral("not root")));
  }
  fs::remove_all(root / "run/vgpu");
  fs::create_directory_symlink("/tmp", root / "run/vgpu");
  CHECK(checkRuntimeDirectory(contextAt(root)).summary.contains(QStringLiteral("not a plain directory")));
}

TEST_CASE("vgpuctl doctor --root on a tree of /dev/zero links and FIFOs finishes, small, with its errors") {
  const fs::path root = vgpu::test::scratchDir("doctor-hostile-tree");
  fs::create_directories(root / "etc/systemd/system/ollama.service.d");
  fs::create_directories(root / "etc/vgpu");
  fs::create_directories(root / "etc/ld.so.conf.d");
  // Before the fix /dev/zero grew the doctor to 10 GB and a FIFO blocked it forever.
  fs::create_symlink("/dev/zero", root / "etc/systemd/system/ollama.service");
  fs::create_symlink("/dev/zero", root / "etc/passwd");
  fs::create_symlink("/dev/zero", root / "etc/ld.so.conf");
  REQUIRE(::mkfifo((root / "etc/systemd/system/ollama.service.d/50-vgpu.conf").c_str(), 0600) == 0);
  REQUIRE(::mkfifo((root / "etc/vgpu/shim.conf").c_str(), 0600) == 0);
  REQUIRE(::mkfifo((root / "ollama.log").c_str(), 0600) == 0);

  QProcess doctor;
  const auto started = std::chrono::steady_clock::now();
  doctor.start(QStringLiteral(VGPUCTL_PROGRAM),
               {QStringLiteral("doctor"), QStringLiteral("--json"), QStringLiteral("--root"),
                QString::fromStdString(root.string()), QStringLiteral("--log"),
                QString::fromStdString((root / "ollama.log").string())});
  REQUIRE(doctor.waitForStarted());
  const bool finished = doctor.waitForFinished(60000);
  if (!finished) {
    doctor.kill();
    doctor.waitForFinished();
  }
  REQUIRE(finished);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  rusage usage{};
  REQUIRE(::getrusage(RUSAGE_CHILDREN, &usage) == 0);
  const QString output = QString::fromUtf8(doctor.readAllStandardOutput());
  INFO(output.left(4000).toStdString() << "\n" << doctor.readAllStandardError().left(2000).toStdString());
  INFO("seconds " << seconds << ", peak RSS of the children " << usage.ru_maxrss << " KiB");
  CHECK(usage.ru_maxrss < 400 * 1024);
  CHECK(output.contains(QStringLiteral("not a regular file")));
}

// vgpuctl's command line: --version, --help, and the exit codes of usage errors.
#include <catch2/catch.hpp>

#include "vgpuctl_cli.h"
#include "vgpuctl_run.h"

#include <QProcess>

namespace {

using Run = vgpu::test::VgpuctlRun;
using vgpu::test::vgpuctl;

} // namespace

TEST_CASE("vgpuctl --version prints the project version") {
  const Run run = vgpuctl({QStringLiteral("--version")});
  CHECK(run.code == 0);
  CHECK(run.out == QStringLiteral("vgpuctl " VGPU_VERSION_STRING "\n"));
}

TEST_CASE("vgpuctl --help describes usage and privilege separation") {
  const Run run = vgpuctl({QStringLiteral("--help")});
  CHECK(run.code == 0);
  CHECK(run.out.contains(QStringLiteral("Usage:")));
  CHECK(run.out.contains(QStringLiteral("--version")));
  CHECK(run.out.contains(QStringLiteral("vgpu-helper")));
}

TEST_CASE("vgpuctl usage errors exit with 2 and point at --help") {
  for (const QStringList& arguments :
       {QStringList{}, QStringList{QStringLiteral("--bogus")}, QStringList{QStringLiteral("frobnicate")}}) {
    INFO(arguments.join(u' ').toStdString());
    const Run run = vgpuctl(arguments);
    CHECK(run.code == 2);
    CHECK(run.err.contains(QStringLiteral("vgpuctl --help")));
  }
}

TEST_CASE("the vgpuctl binary answers --version") {
  QProcess process;
  process.start(QStringLiteral(VGPUCTL_PATH), {QStringLiteral("--version")});
  REQUIRE(process.waitForFinished(10000));
  CHECK(process.exitCode() == 0);
  CHECK(QString::fromUtf8(process.readAllStandardOutput()).trimmed() == QStringLiteral("vgpuctl " VGPU_VERSION_STRING));
}

// Runs vgpuctl in-process (runVgpuctl with captured output) for the vgpuctl command tests.
#pragma once

#include "vgpuctl_cli.h"

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace vgpu::test {

struct VgpuctlRun {
  int code = -1;
  QString out;
  QString err;
};

// `arguments` are the words after the program name.
inline VgpuctlRun vgpuctl(const QStringList& arguments) {
  VgpuctlRun run;
  QTextStream outStream(&run.out);
  QTextStream errStream(&run.err);
  run.code = vgpu::cli::runVgpuctl(QStringList{QStringLiteral("vgpuctl")} + arguments, outStream, errStream);
  outStream.flush();
  errStream.flush();
  return run;
}

} // namespace vgpu::test

// vgpuctl entry point.
#include "vgpuctl_cli.h"

#include <QCoreApplication>
#include <cstdio>
#include <unistd.h>

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  QCoreApplication::setApplicationName(QStringLiteral("vgpuctl"));
  QTextStream out(stdout);
  QTextStream err(stderr);
  return vgpu::cli::runVgpuctl(QCoreApplication::arguments(), out, err);
}

// A process that applies the installer's plan to a fixture root and SIGKILLs itself at a chosen
// step and phase (the engine's test hook), so the interruption test can check that the next run
// recovers. Usage: change_apply_child ROOT service|system STEP journaled|performed|done
// Exit: 0 applied, 1 apply failed, 2 usage or planning error; killed by SIGKILL when it got there.
#include "change_test_support.h"
#include "changes/change_engine.h"
#include "changes/shim_install_plan.h"

#include <QCoreApplication>
#include <csignal>
#include <cstdio>

using namespace vgpu::controller;

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  if (argc != 5) {
    (void)std::fprintf(stderr, "usage: change_apply_child ROOT service|system STEP journaled|performed|done\n");
    return 2;
  }
  const SystemRoot root(QString::fromLocal8Bit(argv[1]));
  ShimInstallRequest request = vgpu::test::stagingShimRequest();
  request.scope = *installScopeFromName(QString::fromLocal8Bit(argv[2]));
  request.dropIn = vgpu::test::minimalDropIn();
  const int killStep = QByteArray(argv[3]).toInt();
  const QByteArray killPhase(argv[4]);
  const char* const phaseNames[] = {"journaled", "performed", "done"};

  vgpu::test::RecordingRunner runner;
  ChangeEngine engine(root, runner);
  // As vgpu-helper does: recover interrupted transactions, then plan against the recovered tree.
  if (!engine.recover().ok) {
    (void)std::fprintf(stderr, "cannot recover\n");
    return 2;
  }
  QString error;
  const auto plan = planShimInstall(root, request, &error);
  if (!plan) {
    (void)std::fprintf(stderr, "cannot plan: %s\n", qPrintable(error));
    return 2;
  }
  engine.setStepHook([&](int step, StepPhase phase) {
    if (step == killStep && killPhase == phaseNames[static_cast<int>(phase)]) {
      (void)std::raise(SIGKILL);
    }
  });
  const ChangeResult result = engine.apply(*plan);
  std::printf("%s %s\n", result.ok ? "applied" : "failed", qPrintable(result.transactionId));
  return result.ok ? 0 : 1;
}

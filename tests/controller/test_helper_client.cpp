// HelperClient: the pkexec command line, the direct command line for test roots, and replies:
// the helper's JSON, and pkexec's own exit codes mapped to clear messages.
#include <catch2/catch.hpp>

#include "changes/helper_client.h"

using namespace vgpu::controller;

TEST_CASE("the helper is started through pkexec, or directly with --root for a test tree") {
  HelperLaunch launch;
  const HelperInvocation real = helperInvocation(launch, HelperCommand::install(QStringLiteral("service")));
  CHECK(real.program == QStringLiteral("pkexec"));
  CHECK(real.arguments == QStringList{vgpu::controller::installedHelperPath(), QStringLiteral("install"),
                                      QStringLiteral("--scope"), QStringLiteral("service")});
  launch.testRoot = QStringLiteral("/");
  CHECK(helperInvocation(launch, HelperCommand::daemonReload()).program == QStringLiteral("pkexec"));
  launch.testRoot = QStringLiteral("/tmp/tree");
  launch.helperPath = QStringLiteral("/build/vgpu-helper");
  const HelperInvocation test = helperInvocation(launch, HelperCommand::rollback(QStringLiteral("ID")));
  CHECK(test.program == QStringLiteral("/build/vgpu-helper"));
  CHECK(test.arguments == QStringList{QStringLiteral("--root"), QStringLiteral("/tmp/tree"), QStringLiteral("rollback"),
                                      QStringLiteral("ID")});
}

TEST_CASE("helper replies: JSON from the helper, pkexec's codes as messages") {
  const HelperReply done =
      parseHelperReply(0,
                       R"({"ok":true,"exitCode":0,"message":"applied as transaction X","transaction":"X"})"
                       "\n",
                       "log line\n");
  CHECK(done.ok);
  CHECK(done.message == QStringLiteral("applied as transaction X"));
  CHECK(done.data.value(QStringLiteral("transaction")).toString() == QStringLiteral("X"));
  CHECK(done.diagnostics == QStringLiteral("log line\n"));

  const HelperReply refused = parseHelperReply(3, R"({"ok":false,"exitCode":3,"message":"unknown variable X"})", {});
  CHECK_FALSE(refused.ok);
  CHECK(refused.message == QStringLiteral("unknown variable X"));

  const HelperReply dismissed =
      parseHelperReply(126, {}, "Error executing command as another user: Request dismissed\n");
  CHECK_FALSE(dismissed.ok);
  CHECK(dismissed.message == QStringLiteral("authorization was dismissed: nothing was changed"));
  const HelperReply denied = parseHelperReply(127, {}, "Error executing command as another user: Not authorized\n");
  CHECK_FALSE(denied.ok);
  CHECK(denied.message.startsWith(QStringLiteral("not authorized to change the system")));
  CHECK(parseHelperReply(99, "not json", {}).message ==
        QStringLiteral("vgpu-helper ended with unexpected exit code 99"));
  CHECK(helperExitMessage(static_cast<int>(HelperExit::CallerRefused)).contains(QStringLiteral("root through pkexec")));
}

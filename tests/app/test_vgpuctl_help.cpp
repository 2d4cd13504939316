// `vgpuctl <command> --help` for every command, and the two places that must follow those texts:
// the bash completion (packaging/completion/vgpuctl, run in a real bash with bash-completion) and
// the man page vgpuctl(1).
#include <catch2/catch.hpp>

#include "vgpuctl_command.h"
#include "vgpuctl_run.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>

namespace {

using vgpu::test::vgpuctl;

QStringList commandNames() {
  QStringList names;
  for (const vgpu::cli::CommandSpec& command : vgpu::cli::vgpuctlCommands()) {
    names.append(QString::fromLatin1(command.name));
  }
  return names;
}

// The options a help text lists: the leading -x / --word of each line of its "Options:" section.
QSet<QString> helpOptions(const QString& help) {
  QSet<QString> options;
  const QString section = help.section(QStringLiteral("Options:\n"), 1).section(QStringLiteral("\n\n"), 0, 0);
  static const QRegularExpression optionLine(QStringLiteral(R"(^  (-[a-z])?(?:, )?(--[a-z-]+)?)"),
                                             QRegularExpression::MultilineOption);
  for (auto match = optionLine.globalMatch(section); match.hasNext();) {
    const QRegularExpressionMatch next = match.next();
    for (int group = 1; group <= 2; ++group) {
      if (!next.captured(group).isEmpty()) {
        options.insert(next.captured(group));
      }
    }
  }
  return options;
}

// What bash completion offers for the words of a command line (the last one being completed).
QSet<QString> complete(const QStringList& words) {
  const QString script = QStringLiteral(R"(
source /usr/share/bash-completion/bash_completion
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_vgpuctl vgpuctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
)");
  QProcess bash;
  bash.start(QStringLiteral("bash"), QStringList{QStringLiteral("-c"), script, QStringLiteral("bash"),
                                                 QStringLiteral(VGPU_SOURCE_DIR "/packaging/completion/vgpuctl")} +
                                         words);
  REQUIRE(bash.waitForFinished(20000));
  INFO(bash.readAllStandardError().toStdString());
  REQUIRE(bash.exitCode() == 0);
  QSet<QString> offered;
  for (const QString& line : QString::fromUtf8(bash.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts)) {
    offered.insert(line);
  }
  return offered;
}

QString manPage() {
  QFile file(QStringLiteral(VGPU_SOURCE_DIR "/packaging/man/vgpuctl.1"));
  REQUIRE(file.open(QIODevice::ReadOnly));
  return QString::fromUtf8(file.readAll());
}

// The man page's section on one command: from its first `.SS "vgpuctl NAME` heading to the next
// heading of another command or section.
QString manSection(const QString& page, const QString& name) {
  const QString heading = QStringLiteral(".SS \"vgpuctl %1").arg(name);
  const qsizetype start = page.indexOf(heading);
  if (start < 0) {
    return {};
  }
  static const QRegularExpression nextHeading(QStringLiteral(R"(\n\.S[SH] )"));
  qsizetype end = start;
  for (auto match = nextHeading.globalMatch(page, start + 1); match.hasNext();) {
    const QRegularExpressionMatch next = match.next();
    if (!page.mid(next.capturedStart() + 1).startsWith(heading)) {
      end = next.capturedStart();
      break;
    }
  }
  return page.mid(start, end - start);
}

} // namespace

TEST_CASE("every vgpuctl command answers --help and -h with its synopsis, options and exit status") {
  REQUIRE(commandNames().size() == 15);
  for (const QString& name : commandNames()) {
    for (const QString& flag : {QStringLiteral("--help"), QStringLiteral("-h")}) {
      INFO((name + u' ' + flag).toStdString());
      const auto run = vgpuctl({name, flag});
      CHECK(run.code == 0);
      CHECK(run.err.isEmpty());
      CHECK(run.out.startsWith(QStringLiteral("usage: vgpuctl %1").arg(name)));
      CHECK(run.out.contains(QStringLiteral("\nExit status: 0")));
      CHECK(run.out.contains(QStringLiteral("-h, --help")));
      CHECK_FALSE(helpOptions(run.out).isEmpty());
    }
  }
  // --help wins over everything else on the line: nothing runs, no usage error.
  const auto install = vgpuctl(
      {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("galaxy"), QStringLiteral("--help")});
  CHECK(install.code == 0);
  CHECK(install.out.contains(QStringLiteral("--scope service|system")));
}

TEST_CASE("vgpuctl --help lists every command") {
  const auto run = vgpuctl({QStringLiteral("--help")});
  for (const QString& name : commandNames()) {
    CHECK(run.out.contains(QStringLiteral("\n  %1 ").arg(name)));
  }
}

TEST_CASE("bash completion completes vgpuctl's commands, sub-verbs and every option of --help") {
  const QStringList names = commandNames();
  CHECK(complete({QStringLiteral("vgpuctl"), QString()}) == QSet<QString>(names.begin(), names.end()));
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("tr")}) == QSet<QString>{QStringLiteral("transactions")});
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("--")}) ==
        QSet<QString>{QStringLiteral("--help"), QStringLiteral("--version"), QStringLiteral("--root")});
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("service"), QString()}) ==
        QSet<QString>{QStringLiteral("status"), QStringLiteral("start"), QStringLiteral("stop"),
                      QStringLiteral("restart"), QStringLiteral("reload")});
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("env"), QStringLiteral("s")}) ==
        QSet<QString>{QStringLiteral("set")});
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("install"), QStringLiteral("--scope"), QString()}) ==
        QSet<QString>{QStringLiteral("service"), QStringLiteral("system")});
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("shim-config"), QString()}) ==
        QSet<QString>{QStringLiteral("show"), QStringLiteral("set")});
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("shim-config"), QStringLiteral("set"),
                  QStringLiteral("--backend"), QString()}) ==
        QSet<QString>{QStringLiteral("sim"), QStringLiteral("remote")});
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("host"), QString()}) ==
        QSet<QString>{QStringLiteral("gpus"), QStringLiteral("sessions"), QStringLiteral("watch"),
                      QStringLiteral("set-quota"), QStringLiteral("set-priority"), QStringLiteral("drain"),
                      QStringLiteral("kill")});
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("host"), QStringLiteral("set-priority"),
                  QStringLiteral("5"), QString()}) ==
        QSet<QString>{QStringLiteral("low"), QStringLiteral("normal"), QStringLiteral("high")});
  // After --root DIR the command is still found.
  CHECK(complete({QStringLiteral("vgpuctl"), QStringLiteral("--root"), QStringLiteral("/tmp"), QStringLiteral("ps"),
                  QStringLiteral("--j")}) == QSet<QString>{QStringLiteral("--json")});
  for (const QString& name : names) {
    INFO(name.toStdString());
    QSet<QString> expected = helpOptions(vgpuctl({name, QStringLiteral("--help")}).out);
    expected.insert(QStringLiteral("--help"));
    CHECK(complete({QStringLiteral("vgpuctl"), name, QStringLiteral("-")}) == expected);
  }
}

TEST_CASE("the man page documents every command and every option of --help") {
  const QString page = manPage();
  for (const QString& name : commandNames()) {
    INFO(name.toStdString());
    const QString section = manSection(page, name);
    REQUIRE_FALSE(section.isEmpty());
    CHECK(section.contains(QStringLiteral("Exit status: 0")));
    for (const QString& option : helpOptions(vgpuctl({name, QStringLiteral("--help")}).out)) {
      INFO(option.toStdString());
      QString escaped = option;
      escaped.replace(u'-', QStringLiteral("\\-"));
      CHECK(section.contains(escaped));
    }
  }
  CHECK(page.contains(QStringLiteral(".SH EXIT STATUS")));
}

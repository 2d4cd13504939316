// CommandRunner: how the change engine runs the few external programs a plan needs (ldconfig).
// Behind an interface so tests substitute a recorder instead of touching the machine's loader cache.
#pragma once

#include <QString>
#include <QStringList>

namespace vgpu::controller {

struct CommandResult {
  bool started = false;
  int exitCode = -1;
  QString output; // stdout and stderr together, for messages
};

class CommandRunner {
public:
  virtual ~CommandRunner() = default;
  virtual CommandResult run(const QString& program, const QStringList& arguments) = 0;
};

// Runs programs with QProcess (60 s limit); `output` holds what they printed.
class ProcessCommandRunner final : public CommandRunner {
public:
  CommandResult run(const QString& program, const QStringList& arguments) override;
};

} // namespace vgpu::controller

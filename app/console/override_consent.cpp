// The consent question for remedies that edit the admin's own drop-ins (see override_consent.h).
#include "override_consent.h"

#include "environment/override_resolution.h"
#include "ollama/ollama_installation.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QPushButton>

namespace vgpu::console {

namespace {

// The translation context of this file's strings (lupdate reads Q_DECLARE_TR_FUNCTIONS).
class OverrideConsent {
  Q_DECLARE_TR_FUNCTIONS(OverrideConsent)
};

// override-resolve remove|merge NAME FILE LINE SHA256 as the planner's request; nullopt when the
// arguments are not that shape (the helper refuses such a command anyway).
std::optional<controller::OverrideRequest> overrideRequestOf(const controller::HelperCommand& command) {
  if (command.verb != controller::HelperVerb::OverrideResolve || command.arguments.size() != 5) {
    return std::nullopt;
  }
  const auto resolution = controller::overrideResolutionFromName(command.arguments.at(0));
  bool lineOk = false;
  const int line = command.arguments.at(3).toInt(&lineOk);
  if (!resolution || !lineOk) {
    return std::nullopt;
  }
  controller::OverrideRequest request;
  request.resolution = *resolution;
  request.variable = command.arguments.at(1);
  request.fileName = command.arguments.at(2);
  request.line = line;
  request.fingerprint = command.arguments.at(4);
  return request;
}

} // namespace

std::optional<ConsentQuestion> consentQuestionFor(const ManagedMachine& machine,
                                                  const controller::HelperCommand& command) {
  if (command.verb != controller::HelperVerb::OverrideResolve) {
    return std::nullopt;
  }
  ConsentQuestion question;
  const std::optional<controller::OverrideRequest> request = overrideRequestOf(command);
  if (!request) {
    question.refusal = OverrideConsent::tr("The fix names no drop-in line: %1").arg(command.text());
    return question;
  }
  const controller::SystemRoot root(machine.root);
  const controller::OllamaInstallation installation = controller::OllamaInstallation::detect(
      root, machine.isThisMachine() ? QProcessEnvironment::systemEnvironment() : QProcessEnvironment());
  const controller::OverridePlan plan = controller::planOverrideResolution(root, installation, *request);
  if (!plan.ok()) {
    question.refusal = plan.error;
    return question;
  }
  question.text =
      (request->resolution == controller::OverrideResolution::Merge
           ? OverrideConsent::tr(
                 "This fix edits %1, a file vgpu does not manage: line %2 (%3) moves into %4, and is taken out of "
                 "%1.")
           : OverrideConsent::tr(
                 "This fix edits %1, a file vgpu does not manage: line %2 (%3) is taken out of it, so the value in "
                 "%4 applies."))
          .arg(plan.otherPath)
          .arg(request->line)
          .arg(request->variable, plan.managedPath);
  question.effective = request->variable + QLatin1Char('=') + plan.effectiveAfter;
  question.diff = plan.diff;
  return question;
}

bool askConsent(QWidget* parent, const ManagedMachine& machine, const controller::HelperCommand& command) {
  const std::optional<ConsentQuestion> question = consentQuestionFor(machine, command);
  if (!question) {
    return true;
  }
  QMessageBox box(parent);
  box.setObjectName(QStringLiteral("consentDialog"));
  box.setWindowTitle(OverrideConsent::tr("Edit a file vgpu does not manage?"));
  if (!question->refusal.isEmpty()) {
    box.setIcon(QMessageBox::Warning);
    box.setText(OverrideConsent::tr("The fix cannot be applied: %1").arg(question->refusal));
    box.setInformativeText(OverrideConsent::tr("Run the diagnostics again to see the files as they are now."));
    box.setStandardButtons(QMessageBox::Close);
    box.exec();
    return false;
  }
  box.setIcon(QMessageBox::Question);
  box.setText(question->text);
  box.setInformativeText(
      OverrideConsent::tr("Afterwards systemd applies %1. The change is journaled and can be undone with "
                          "vgpuctl rollback.")
          .arg(question->effective));
  box.setDetailedText(question->diff);
  QPushButton* apply = box.addButton(OverrideConsent::tr("Edit the file"), QMessageBox::AcceptRole);
  apply->setObjectName(QStringLiteral("consentApply"));
  box.addButton(QMessageBox::Cancel)->setObjectName(QStringLiteral("consentCancel"));
  box.setDefaultButton(QMessageBox::Cancel);
  box.exec();
  return box.clickedButton() == apply;
}

} // namespace vgpu::console

// The Configuration page: the Ollama installation as the controller detects it (binary, version
// and era, library root, every variant folder with its status and why), OLLAMA_LLM_LIBRARY as a
// choice among the installed variants or "Automatic", the managed drop-in's other variables as
// editable rows validated by the controller's variable table (the message next to the field, Apply
// disabled while a value is refused), which other drop-in wins for each variable, a review of the
// exact diff, Apply through a ChangeApplier (env-set / env-unset, then daemon-reload), the offer to
// restart ollama.service, and "Undo last change" (rollback of the transactions the helper named).
#pragma once

#include "changes/helper_client.h"
#include "environment/environment_change.h"
#include "environment/service_environment.h"
#include "ollama/ollama_installation.h"

#include <QMap>
#include <QProcessEnvironment>
#include <QWidget>
#include <functional>
#include <memory>

class QComboBox;
class QGridLayout;
class QDialog;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace vgpu::console {

class ChangeApplier;
class PrivilegeBanner;

class ConfigurationPage : public QWidget {
  Q_OBJECT
public:
  // `root`: where the system lives ("/" on a machine, a test tree in tests). The applier is shared
  // with the worker thread of a change still running when the page goes.
  ConfigurationPage(QString root, std::shared_ptr<ChangeApplier> applier, QWidget* parent = nullptr,
                    QProcessEnvironment pathEnvironment = QProcessEnvironment::systemEnvironment());

  // Detects the installation again (off the GUI thread); refreshed() follows. The page refreshes
  // by itself when it is first shown.
  void refresh();

  // What Apply would do, in order (empty when nothing differs from the managed drop-in).
  QList<controller::VariableAssignment> pendingChanges() const;
  // The review of the pending changes: the controller's plan (warnings, the exact diff).
  controller::EnvironmentPlan reviewPlan() const;
  // Opens the review dialog (non-modal; objectName "configReviewDialog").
  void showReview();
  void applyChanges();
  void restartService();
  void undoLastChange();

  const controller::OllamaInstallation& installation() const { return installation_; }

Q_SIGNALS:
  void refreshed();
  void applied(const QString& resultText);
  void restarted(const QString& resultText);
  void undone(const QString& resultText);

protected:
  void showEvent(QShowEvent* event) override;

private:
  struct Detected {
    controller::OllamaInstallation installation;
    controller::ManagedDropIn dropIn;
  };
  struct VariableRow {
    QLineEdit* editor = nullptr; // null for OLLAMA_LLM_LIBRARY (the combo box)
    QLabel* message = nullptr;   // the validator's verdict
    QLabel* overrides = nullptr; // where the variable is in effect from, who wins
  };

  QWidget* buildInstallationBox();
  QWidget* buildEnvironmentBox();
  void addVariableRow(QGridLayout* grid, int row, const QString& name, QWidget* editor, const QString& help);
  void showDetected(const Detected& detected);
  void showInstallation();
  void showEnvironment();
  QString currentValue(const QString& name) const; // the editor's value; "" = unset
  // Every row's editor value, and putting them back: a failed apply keeps what the admin typed.
  QMap<QString, QString> editedValues() const;
  void restoreEdits(const QMap<QString, QString>& values);
  void validate();
  void setBusy(bool busy);
  // Runs `verbs` one after the other off the GUI thread, stopping at the first failure.
  void runVerbs(const QList<controller::HelperCommand>& verbs,
                std::function<void(const QList<controller::HelperReply>&)> done);

  QString root_;
  QProcessEnvironment pathEnvironment_;
  std::shared_ptr<ChangeApplier> applier_;
  controller::OllamaInstallation installation_;
  controller::ManagedDropIn dropIn_;
  bool detected_ = false;
  bool busy_ = false;
  bool filling_ = false;             // editors are being filled from the drop-in: no validation yet
  bool restartOffered_ = false;      // the environment changed since ollama.service was last restarted
  QStringList undoTransactions_;     // of the last apply, newest last
  QMap<QString, QString> keptEdits_; // put back into the editors by the next refresh (failed apply)

  QLabel* binary_ = nullptr;
  QLabel* version_ = nullptr;
  QLabel* libraryRoot_ = nullptr;
  QLabel* unitFile_ = nullptr;
  QLabel* problems_ = nullptr;
  QTreeWidget* variants_ = nullptr;
  QLabel* dropInState_ = nullptr;
  QComboBox* library_ = nullptr;
  QMap<QString, VariableRow> rows_;
  QLabel* findings_ = nullptr;
  QPushButton* refreshButton_ = nullptr;
  QPushButton* reviewButton_ = nullptr;
  QPushButton* applyButton_ = nullptr;
  QPushButton* restartButton_ = nullptr;
  QPushButton* undoButton_ = nullptr;
  QLabel* status_ = nullptr;
  QDialog* review_ = nullptr;
  PrivilegeBanner* banner_ = nullptr; // pkexec / polkit missing: why Apply is disabled
};

} // namespace vgpu::console

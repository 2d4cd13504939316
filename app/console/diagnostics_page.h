// The Diagnostics page: runs the doctor off the GUI thread and shows its report as a tree (one
// item per check with its status as icon and word, the summary, evidence and remedy as
// children), applies a remedy that names a vgpu-helper verb through a ChangeApplier, and exports
// the report as Markdown or JSON with the doctor's own exporters. How the doctor is run (which
// machine, which inputs) is given to the page as a function, so tests run it on a fake tree.
#pragma once

#include "changes/helper_command.h"
#include "doctor/engine/doctor_report.h"

#include <QWidget>
#include <functional>
#include <memory>

class QLabel;
class QPushButton;
class QTextBrowser;
class QTreeWidget;
class QTreeWidgetItem;

namespace vgpu::console {

class ChangeApplier;
class PrivilegeBanner;

class DiagnosticsPage : public QWidget {
  Q_OBJECT
public:
  using DoctorRun = std::function<controller::doctor::DoctorReport()>;
  // Asked before a fix runs; false = not applied. The window asks the admin before a fix edits a
  // file vgpu does not manage (override_consent.h); by default every fix goes ahead.
  using Consent = std::function<bool(const controller::HelperCommand&)>;

  // The applier is shared with the worker thread of a fix still running when the page goes.
  DiagnosticsPage(DoctorRun run, std::shared_ptr<ChangeApplier> applier, QWidget* parent = nullptr);

  // Starts a run (the button does this); finished() follows once the tree shows the report.
  void runDiagnostics();
  void setConsent(Consent consent) { consent_ = std::move(consent); }
  // Writes the last report to `path`: JSON when the name ends in .json, Markdown otherwise.
  bool exportReport(const QString& path, QString* error) const;

  const controller::doctor::DoctorReport& report() const { return report_; }
  QTreeWidget* tree() const { return tree_; }

Q_SIGNALS:
  void finished();
  void fixApplied(const QString& resultText);

protected:
  void showEvent(QShowEvent* event) override;

private:
  void showReport(const controller::doctor::DoctorReport& report);
  void updateApplyButton();
  void showDetails();
  QString remedyText(const controller::doctor::Remedy& remedy) const;
  const controller::doctor::ReportEntry* currentEntry() const;
  void applyFix();
  void exportWithDialog();

  DoctorRun run_;
  std::shared_ptr<ChangeApplier> applier_;
  Consent consent_ = [](const controller::HelperCommand&) { return true; };
  controller::doctor::DoctorReport report_;
  bool haveReport_ = false;
  bool busy_ = false;

  QPushButton* runButton_ = nullptr;
  QPushButton* applyButton_ = nullptr;
  QPushButton* exportButton_ = nullptr;
  QLabel* summary_ = nullptr;
  QTreeWidget* tree_ = nullptr;
  QTextBrowser* details_ = nullptr;   // the selected check in full: tree rows are elided
  PrivilegeBanner* banner_ = nullptr; // pkexec / polkit missing: why Apply fix is disabled
};

} // namespace vgpu::console

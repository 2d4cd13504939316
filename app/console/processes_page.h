// The Processes page: every shim process on this machine (pid, user, executable, device, backend,
// VRAM, launches/s), refreshed once a second. Selecting a row filters the dashboard to that
// process; "Show all processes" clears the filter. Headers sort (numbers as numbers); a row's
// context menu copies it, shows it on the dashboard, or stops the process (the console's own
// user's only, after a confirmation, checked against pid reuse: process_stop.h).
#pragma once

#include "process_stop.h"

#include <QHash>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <optional>

class QLabel;
class QMenu;
class QPushButton;
class QTableWidget;

namespace vgpu::console {

class TelemetryModel;

class ProcessesPage : public QWidget {
  Q_OBJECT
public:
  explicit ProcessesPage(TelemetryModel* model, QWidget* parent = nullptr);

  QTableWidget* table() const { return table_; }
  // Selects the row of `pid` (0 clears the selection) without emitting processSelected.
  void showSelection(qint64 pid);
  // Re-reads the model now (the page also does this every second and when processes change).
  void refresh();

  // The context menu of the row showing `pid` (objectNames processCopy, processShowInDashboard,
  // processStop); the caller owns it. The right-click handler shows this menu.
  QMenu* createContextMenu(qint64 pid);
  // The row of `pid` as tab-separated text, onto the clipboard.
  void copyRow(qint64 pid);
  // Asks for confirmation, then stops the process with a checked SIGTERM (process_stop.h).
  void stopProcessOf(qint64 pid);
  // Replaces the confirmation dialog (tests): returns whether to go ahead.
  void setConfirmation(std::function<bool(const QString& question)> confirm) { confirm_ = std::move(confirm); }

signals:
  void processSelected(qint64 pid); // 0 = all processes
  void showInDashboard(qint64 pid); // "Show in dashboard": the window switches page and selects it
  void statusMessage(const QString& text);

protected:
  void changeEvent(QEvent* event) override;

private:
  void retranslate();
  void onSelectionChanged();
  void fillRow(int row, qint64 pid);
  int rowOf(qint64 pid) const;
  // Why "Stop process" is unavailable for `pid` ("" when it is available).
  QString whyNotStoppable(qint64 pid) const;

  TelemetryModel* model_;
  QLabel* intro_ = nullptr;
  QTableWidget* table_ = nullptr;
  QPushButton* showAll_ = nullptr;
  QTimer refreshTimer_;
  bool updating_ = false;
  // Each listed process's identity when it was first listed (nullopt: /proc did not show it).
  QHash<qint64, std::optional<ProcessIdentity>> identities_;
  std::function<bool(const QString&)> confirm_;
};

} // namespace vgpu::console

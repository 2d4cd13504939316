// The Processes page: every shim process on this machine (pid, user, executable, device, backend,
// VRAM, launches/s), refreshed once a second. Selecting a row filters the dashboard to that
// process; "Show all processes" clears the filter.
#pragma once

#include <QTimer>
#include <QWidget>

class QLabel;
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

signals:
  void processSelected(qint64 pid); // 0 = all processes

protected:
  void changeEvent(QEvent* event) override;

private:
  void retranslate();
  void onSelectionChanged();

  TelemetryModel* model_;
  QLabel* intro_ = nullptr;
  QTableWidget* table_ = nullptr;
  QPushButton* showAll_ = nullptr;
  QTimer refreshTimer_;
  bool updating_ = false;
};

} // namespace vgpu::console

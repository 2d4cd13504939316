// The dashboard: live plots of the virtual GPU. Until telemetry sources exist it shows its
// empty state, which tells the user how to put a CUDA program under the shim.
#pragma once

#include <QWidget>

class QCustomPlot;
class QLabel;

namespace vgpu::console {

class DashboardPage : public QWidget {
  Q_OBJECT
public:
  explicit DashboardPage(QWidget* parent = nullptr);

  QCustomPlot* vramPlot() const { return vramPlot_; }

private:
  void retranslate();

  QLabel* emptyState_ = nullptr;
  QCustomPlot* vramPlot_ = nullptr;
};

} // namespace vgpu::console

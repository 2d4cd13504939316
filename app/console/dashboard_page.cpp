// Dashboard layout: empty-state guidance above the VRAM plot.
#include "dashboard_page.h"

#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace vgpu::console {

DashboardPage::DashboardPage(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("dashboardPage"));
  auto* layout = new QVBoxLayout(this);

  emptyState_ = new QLabel(this);
  emptyState_->setObjectName(QStringLiteral("dashboardEmptyState"));
  emptyState_->setWordWrap(true);
  emptyState_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(emptyState_);

  vramPlot_ = new QCustomPlot(this);
  vramPlot_->setObjectName(QStringLiteral("vramPlot"));
  vramPlot_->setMinimumHeight(240);
  layout->addWidget(vramPlot_, 1);

  retranslate();
}

void DashboardPage::retranslate() {
  emptyState_->setText(tr("<b>No CUDA process is using the vgpu shim yet.</b><br>"
                          "Start a CUDA program with the shim first on its library path, for example:<br>"
                          "<tt>LD_LIBRARY_PATH=/usr/lib/vgpu ./my-cuda-program</tt><br>"
                          "Its VRAM, kernel launches and call latency will appear here."));
  emptyState_->setAccessibleName(tr("Dashboard status"));
  vramPlot_->setAccessibleName(tr("VRAM used over time"));
  vramPlot_->xAxis->setLabel(tr("Time (s)"));
  vramPlot_->yAxis->setLabel(tr("VRAM used (MiB)"));
}

} // namespace vgpu::console

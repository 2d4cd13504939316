// The status header above every console page: the first-screen answer — Ollama's state and whether
// its runners use the GPU, the GPU the guest presents and where its work runs (vgpud at an
// endpoint, or the simulated device, always marked as such), VRAM used of total with a bar, and the
// alerts. Each item is a flat button that asks for the page explaining it (pageRequested). The
// header only shows a controller::status::MachineStatus; MainWindow gathers it.
#pragma once

#include "status/machine_status.h"

#include <QFrame>
#include <QList>

class QHBoxLayout;
class QProgressBar;
class QToolButton;

namespace vgpu::console {

class StatusHeader : public QFrame {
  Q_OBJECT
public:
  explicit StatusHeader(QWidget* parent = nullptr);

  void setStatus(const controller::status::MachineStatus& status);
  const controller::status::MachineStatus& status() const { return status_; }
  // The page's name as its tab shows it (translated), for the items' tooltips.
  static QString pageTitle(controller::status::StatusPage page);

  // The items, for tests and accessibility: objectNames statusOllama, statusPlacement, statusGpu,
  // statusVram, statusVramBar and statusAlert0, statusAlert1, ….
  QToolButton* ollamaItem() const { return ollama_; }
  QToolButton* placementItem() const { return placement_; }
  QToolButton* gpuItem() const { return gpu_; }
  QToolButton* vramItem() const { return vram_; }
  QProgressBar* vramBar() const { return vramBar_; }
  const QList<QToolButton*>& alertItems() const { return alerts_; }
  // The items' texts, one a line: the tray icon's tooltip.
  QString summary() const;

signals:
  void pageRequested(vgpu::controller::status::StatusPage page);
  void statusChanged(const vgpu::controller::status::MachineStatus& status);

protected:
  void changeEvent(QEvent* event) override;

private:
  QToolButton* addItem(QHBoxLayout* layout, const QString& objectName);
  void setItemPage(QToolButton* item, controller::status::StatusPage page);
  void render();
  void renderAlerts();

  controller::status::MachineStatus status_;
  QToolButton* ollama_ = nullptr;
  QToolButton* placement_ = nullptr;
  QToolButton* gpu_ = nullptr;
  QToolButton* vram_ = nullptr;
  QProgressBar* vramBar_ = nullptr;
  QHBoxLayout* alertLayout_ = nullptr;
  QList<QToolButton*> alerts_;
  bool darkStyle_ = false; // the tint render() chose: for the palette's dark or light scheme
};

} // namespace vgpu::console

// The pkexec / polkit banner and button gate (privilege_banner.h).
#include "privilege_banner.h"

#include "change_applier.h"

#include <QAbstractButton>
#include <unistd.h>

namespace vgpu::console {

namespace {

constexpr const char* kOwnToolTip = "vgpuOwnToolTip";

} // namespace

PrivilegeBanner::PrivilegeBanner(std::shared_ptr<ChangeApplier> applier, QWidget* parent)
    : QLabel(parent), applier_(std::move(applier)) {
  setObjectName(QStringLiteral("privilegeBanner"));
  setAccessibleName(tr("Why changes cannot be applied"));
  setWordWrap(true);
  setTextInteractionFlags(Qt::TextSelectableByMouse); // the remedy is a command to copy
  setFrameShape(QFrame::StyledPanel);
  setMargin(8);
  // Warning colours that stay readable on light and dark themes.
  setStyleSheet(QStringLiteral("QLabel#privilegeBanner { background: #fff3cd; color: #5c4400; }"));
  hide();
}

void PrivilegeBanner::probe() {
  if (check_ || applier_ == nullptr) {
    return;
  }
  check_ = applier_->privileges();
  setText(check_->problem());
  setVisible(!check_->ok());
}

bool PrivilegeBanner::polkitUsable() const {
  return !check_ || check_->polkitFound || ::geteuid() == 0; // root needs no authorization
}

void PrivilegeBanner::gate(QAbstractButton* button, bool wanted, bool allowed) const {
  if (!button->property(kOwnToolTip).isValid()) {
    button->setProperty(kOwnToolTip, button->toolTip());
  }
  button->setEnabled(wanted && allowed);
  button->setToolTip(allowed ? button->property(kOwnToolTip).toString() : check_->problem());
}

} // namespace vgpu::console

// The strip at the top of a page that changes the machine (Configuration, Diagnostics, Service)
// saying what is missing to run vgpu-helper (pkexec, polkit) and how to get it, and the gate the
// page's apply buttons pass: disabled, with the reason as tooltip, while it is missing. The
// machine is probed when the page is first shown (the applier keeps the answer).
#pragma once

#include "polkit_probe.h"

#include <QLabel>
#include <memory>
#include <optional>

class QAbstractButton;

namespace vgpu::console {

class ChangeApplier;

class PrivilegeBanner : public QLabel {
  Q_OBJECT
public:
  explicit PrivilegeBanner(std::shared_ptr<ChangeApplier> applier, QWidget* parent = nullptr);

  // Asks the applier (once) and shows the banner when something is missing.
  void probe();
  bool probed() const { return check_.has_value(); }
  // What the buttons may do: everything until probed, then what the check allows. Service jobs
  // go to systemd, which needs polkit (for a non-root caller) but not pkexec.
  bool helperUsable() const { return !check_ || check_->ok(); }
  bool polkitUsable() const;
  // Enables `button` when `wanted` and `allowed`; while not allowed, its tooltip says why (its own
  // tooltip comes back once allowed).
  void gate(QAbstractButton* button, bool wanted, bool allowed) const;

private:
  std::shared_ptr<ChangeApplier> applier_;
  std::optional<PrivilegeCheck> check_;
};

} // namespace vgpu::console

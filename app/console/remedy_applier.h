// RemedyApplier: how the Diagnostics page applies a doctor remedy that names a vgpu-helper verb.
// The page only knows this interface; HelperRemedyApplier runs the helper through the
// controller's HelperClient (pkexec in production), and tests put a recording double in its place.
#pragma once

#include "changes/helper_client.h"
#include "doctor/check.h"

namespace vgpu::console {

class RemedyApplier {
public:
  virtual ~RemedyApplier() = default;
  // Blocking (it may wait on a polkit dialog); the page calls it off the GUI thread.
  virtual controller::HelperReply apply(const controller::doctor::RemedyAction& action) = 0;
};

class HelperRemedyApplier : public RemedyApplier {
public:
  explicit HelperRemedyApplier(controller::HelperLaunch launch = {}) : launch_(std::move(launch)) {}
  controller::HelperReply apply(const controller::doctor::RemedyAction& action) override;

private:
  controller::HelperLaunch launch_;
};

} // namespace vgpu::console

// vgpu-helper's action log: every request, refusal and result goes to the systemd journal with a
// MESSAGE_ID and the caller's uid (PKEXEC_UID when started by pkexec), and to stderr in test mode
// (--root), where there is no journal to read.
#pragma once

#include <QString>
#include <sys/types.h>

namespace vgpu::helper {

// MESSAGE_IDs (journalctl MESSAGE_ID=...): an action carried out, and a request refused.
inline constexpr const char* kActionMessageId = "3efc48a9a17a42aeb1b32e9806a34793";
inline constexpr const char* kRefusalMessageId = "5af2baaf7e874ce99887b098a2c395a1";

class HelperLog {
public:
  HelperLog(uid_t caller, bool toStderr) : caller_(caller), toStderr_(toStderr) {}
  uid_t caller() const { return caller_; }
  void action(const QString& verb, const QString& message) const;
  void refusal(const QString& verb, const QString& message) const;

private:
  void send(const char* messageId, int priority, const QString& verb, const QString& message) const;
  uid_t caller_;
  bool toStderr_;
};

} // namespace vgpu::helper

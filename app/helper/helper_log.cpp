// HelperLog: sd_journal_send with structured fields, mirrored to stderr in test mode.
#include "helper_log.h"

#include <cstdio>
#include <syslog.h>
#include <systemd/sd-journal.h>

namespace vgpu::helper {

void HelperLog::action(const QString& verb, const QString& message) const {
  send(kActionMessageId, LOG_NOTICE, verb, message);
}

void HelperLog::refusal(const QString& verb, const QString& message) const {
  send(kRefusalMessageId, LOG_WARNING, verb, message);
}

void HelperLog::send(const char* messageId, int priority, const QString& verb, const QString& message) const {
  const QByteArray text = QStringLiteral("vgpu-helper %1 (caller uid %2): %3")
                              .arg(verb.isEmpty() ? QStringLiteral("-") : verb)
                              .arg(caller_)
                              .arg(message)
                              .toUtf8();
  const QByteArray verbBytes = verb.toUtf8();
  // The journal may be absent (containers, test machines); logging never fails a request.
  sd_journal_send("MESSAGE=%s", text.constData(), "MESSAGE_ID=%s", messageId, "PRIORITY=%i", priority,
                  "SYSLOG_IDENTIFIER=vgpu-helper", "VGPU_HELPER_VERB=%s", verbBytes.constData(), "VGPU_CALLER_UID=%u",
                  static_cast<unsigned>(caller_), nullptr);
  if (toStderr_) {
    (void)std::fprintf(stderr, "%s\n", text.constData());
  }
}

} // namespace vgpu::helper

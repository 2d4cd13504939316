// Decoding one line of vgpud's admin socket into a typed reply. Tolerant where the protocol says
// so (unknown members and unknown reply types ignored, figures vgpud does not know omitted), strict
// about types (a string where a count belongs is an error naming the member, never zero). Never
// throws; a bad line yields a HostDecodeError whose text says what is wrong and where
// ("sample.gpus[0].memory_used_bytes: expected a non-negative integer").
#pragma once

#include "host/host_types.h"

#include <QByteArray>
#include <variant>

namespace vgpu::controller::host {

struct HostDecodeError {
  QString message;
};

// A well-formed reply of a type this client does not know.
struct HostUnknownReply {
  QString type;
};

using HostDecodedLine = std::variant<HostDecodeError, HostHello, HostSample, HostOk, HostServerError, HostUnknownReply>;

// One line without its newline (a trailing '\r' is tolerated).
HostDecodedLine decodeHostLine(const QByteArray& line);
HostDecodedLine decodeHostObject(const QJsonObject& object);

} // namespace vgpu::controller::host

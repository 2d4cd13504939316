// Decoding one line of the control socket into a typed reply. Tolerant where the protocol says
// so (unknown members ignored, the session's additions optional, null percentiles = no calls in
// the window, unknown reply types reported as such), strict where a wrong type would mislead (a
// string where a count belongs is an error, not zero). Never throws; a bad line yields a
// DecodeError whose text says what is wrong and where.
#pragma once

#include "telemetry/telemetry_types.h"

#include <QByteArray>
#include <variant>

namespace vgpu::controller::telemetry {

// A line that is not a valid reply: malformed JSON, not an object, a missing or mistyped member.
struct DecodeError {
  QString message;
};

// A well-formed reply whose type this client does not know (ignored by the client).
struct UnknownReply {
  QString type;
};

using DecodedLine = std::variant<DecodeError, ProcessHello, Sample, OkReply, ServerError, UnknownReply>;

// One line without its newline (a trailing '\r' is tolerated).
DecodedLine decodeTelemetryLine(const QByteArray& line);

// The pieces, for callers holding parsed JSON already.
DecodedLine decodeTelemetryObject(const QJsonObject& object);

} // namespace vgpu::controller::telemetry

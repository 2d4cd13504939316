// A small JSON writer for the telemetry protocol: builds one compact object (no newlines) into a
// string. Hand-written because the shims take no library dependencies; it knows only what the
// protocol emits (objects, arrays, strings, integers, finite doubles, booleans, null).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::telemetry {

class JsonWriter {
public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(double number); // non-finite values are written as null
  JsonWriter& value(bool flag);
  JsonWriter& null();

  const std::string& text() const { return out_; }

private:
  void separate(); // the comma before an element, unless it follows a key or opens a container
  std::string out_;
  std::vector<bool> first_; // per open container: no element written yet
  bool afterKey_ = false;
};

// Appends `text` as a JSON string literal (quotes, escapes; invalid UTF-8 bytes become U+FFFD).
void appendJsonString(std::string& out, std::string_view text);

} // namespace vgpu::telemetry

// Parsing a VRAM quota as typed (quota_size.h).
#include "host/quota_size.h"

namespace vgpu::controller::host {

std::optional<std::uint64_t> parseQuotaSize(const QString& input) {
  QString text = input.trimmed();
  text.remove(QLatin1Char(' '));
  if (text.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
    return 0;
  }
  struct Unit {
    const char* suffix;
    int shift;
  };
  constexpr Unit kUnits[] = {{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"K", 10},
                             {"M", 20},   {"G", 30},   {"T", 40},   {"B", 0},    {"", 0}};
  for (const Unit& unit : kUnits) {
    const QString suffix = QString::fromLatin1(unit.suffix);
    if (!text.endsWith(suffix, Qt::CaseInsensitive)) {
      continue;
    }
    const QString digits = text.left(text.size() - suffix.size());
    bool ok = false;
    const qulonglong value = digits.toULongLong(&ok);
    if (!ok || digits.isEmpty() || !digits.front().isDigit() || value > (~0ULL >> unit.shift)) {
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(value) << unit.shift;
  }
  return std::nullopt;
}

} // namespace vgpu::controller::host

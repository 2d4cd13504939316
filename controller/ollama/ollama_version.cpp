// Go build information decoding (Go ≥ 1.18 inline layout) and the Ollama era table.
//
// Layout, from Go's debug/buildinfo: a 32-byte header "\xff Go buildinf:" + pointer size + flags
// (bit 1 = strings inline, bit 0 = big endian), then two uvarint-length-prefixed strings: the Go
// version and the module info. The module info is framed by two 16-byte sentinels.
#include "ollama/ollama_version.h"
#include "common/bounded_file.h"

#include <QFile>
#include <QRegularExpression>

#include <array>
#include <cstring>

namespace vgpu::controller {
namespace {

constexpr char kMagic[] = "\xff Go buildinf:";
constexpr qsizetype kMagicSize = sizeof kMagic - 1;
constexpr qsizetype kHeaderSize = 32;
constexpr qsizetype kSentinelSize = 16;
constexpr int kFlagInline = 2;
// Enough for the header and the two strings of any real build (Ollama's module info is ~6 KiB).
constexpr qsizetype kWindow = 1 << 20;

struct EraRange {
  int fromMinor, fromPatch; // first version of the era, 0.<minor>.<patch>
  OllamaEra era;
};
// Ordered: the last range whose start is <= the version decides. Between v0.24 and v0.30 the
// facts hold one tag, v0.25.0-rc0 (era A code); other 0.25–0.29 versions fall into no era.
constexpr std::array kEraTable{
    EraRange{0, 0, OllamaEra::BeforeEras}, EraRange{12, 0, OllamaEra::OldProbes}, EraRange{12, 4, OllamaEra::A},
    EraRange{25, 1, OllamaEra::Unknown},   EraRange{30, 0, OllamaEra::B},
};

struct VersionMarker {
  const char* text;
  int first, last; // indices into kOllamaTags
};
#include "ollama/ollama_version_markers.inc"

bool readUvarint(const QByteArray& data, qsizetype& at, quint64& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (at >= data.size()) {
      return false;
    }
    const auto byte = static_cast<quint8>(data[at++]);
    value |= static_cast<quint64>(byte & 0x7fU) << shift;
    if ((byte & 0x80U) == 0) {
      return true;
    }
  }
  return false;
}

bool readString(const QByteArray& data, qsizetype& at, QByteArray& out) {
  quint64 length = 0;
  if (!readUvarint(data, at, length) || length > static_cast<quint64>(data.size() - at)) {
    return false;
  }
  out = data.mid(at, static_cast<qsizetype>(length));
  at += static_cast<qsizetype>(length);
  return true;
}

// Decodes the build information whose header starts at `data[0]`.
GoBuildInfo decodeAt(const QByteArray& data, QString* error) {
  if (data.size() < kHeaderSize) {
    *error = QStringLiteral("Go build information truncated");
    return {};
  }
  const int flags = static_cast<quint8>(data[kMagicSize + 1]);
  if ((flags & kFlagInline) == 0) {
    *error = QStringLiteral("Go build information in the pre-1.18 pointer format (not decoded)");
    return {};
  }
  qsizetype at = kHeaderSize;
  QByteArray goVersion;
  QByteArray moduleInfo;
  if (!readString(data, at, goVersion) || !readString(data, at, moduleInfo)) {
    *error = QStringLiteral("Go build information malformed");
    return {};
  }
  // Strip the sentinels around the module info when present.
  if (moduleInfo.size() >= 2 * kSentinelSize) {
    moduleInfo = moduleInfo.mid(kSentinelSize, moduleInfo.size() - 2 * kSentinelSize);
  }
  return {QString::fromUtf8(goVersion), QString::fromUtf8(moduleInfo)};
}

} // namespace

QString eraName(OllamaEra era) {
  switch (era) {
  case OllamaEra::BeforeEras: return QStringLiteral("before-0.12");
  case OllamaEra::OldProbes: return QStringLiteral("old-probes");
  case OllamaEra::A: return QStringLiteral("A");
  case OllamaEra::B: return QStringLiteral("B");
  case OllamaEra::Unknown: break;
  }
  return QStringLiteral("unknown");
}

OllamaEra eraOfVersion(const QString& version) {
  static const QRegularExpression pattern(QStringLiteral("^v?(\\d+)\\.(\\d+)\\.(\\d+)(?:[-+].*)?$"));
  const QRegularExpressionMatch match = pattern.match(version);
  if (!match.hasMatch() || match.captured(1).toInt() != 0) {
    return OllamaEra::Unknown; // no 1.x exists in the facts
  }
  const int minor = match.captured(2).toInt();
  const int patch = match.captured(3).toInt();
  OllamaEra era = OllamaEra::Unknown;
  for (const EraRange& range : kEraTable) {
    if (minor > range.fromMinor || (minor == range.fromMinor && patch >= range.fromPatch)) {
      era = range.era;
    }
  }
  return era;
}

GoBuildInfo parseGoBuildInfo(const QByteArray& image, QString* error) {
  // glibc's memmem (two-way search): ~0.1 s for a 60 MiB binary, page faults included.
  const void* found =
      ::memmem(image.constData(), static_cast<size_t>(image.size()), kMagic, static_cast<size_t>(kMagicSize));
  const qsizetype at = found == nullptr ? -1 : static_cast<const char*>(found) - image.constData();
  if (at < 0) {
    *error = QStringLiteral("no Go build information in the binary");
    return {};
  }
  return decodeAt(image.mid(at, kWindow), error);
}

GoBuildInfo readGoBuildInfo(QIODevice& binary, QString* error) {
  constexpr qsizetype kChunk = 4 << 20;
  QByteArray carry;
  while (true) {
    const QByteArray chunk = binary.read(kChunk);
    if (chunk.isEmpty()) {
      *error = QStringLiteral("no Go build information in the binary");
      return {};
    }
    const QByteArray data = carry + chunk;
    const qsizetype at = data.indexOf(QByteArray::fromRawData(kMagic, kMagicSize));
    if (at >= 0) {
      QByteArray window = data.mid(at);
      if (window.size() < kWindow) {
        window += binary.read(kWindow - window.size());
      }
      return decodeAt(window, error);
    }
    carry = data.right(kMagicSize - 1);
  }
}

OllamaVersion ollamaVersionFromBuildInfo(const GoBuildInfo& info) {
  // -X=<module>/version.Version=<value>, the way Ollama's build scripts and distributions set it
  // (github.com/jmorganca/ollama before the module was renamed).
  static const QRegularExpression ldflag(
      QStringLiteral("-X[= ]github\\.com/(?:ollama|jmorganca)/ollama/version\\.Version=([^\\s\"'\\\\]+)"));
  static const QRegularExpression module(
      QStringLiteral("^mod\\tgithub\\.com/(?:ollama|jmorganca)/ollama\\tv?([0-9][^\\t]*)"),
      QRegularExpression::MultilineOption);
  OllamaVersion version;
  if (const auto match = ldflag.match(info.moduleInfo); match.hasMatch()) {
    version.text = match.captured(1);
    version.source = QStringLiteral("ldflags -X in the Go build information");
  } else if (const auto mod = module.match(info.moduleInfo); mod.hasMatch()) {
    version.text = mod.captured(1);
    version.source = QStringLiteral("module version in the Go build information");
  } else {
    version.source = info.goVersion.isEmpty()
                         ? QStringLiteral("no Go build information")
                         : QStringLiteral("the Go build information records no Ollama version (built with -trimpath "
                                          "from an untagged tree); run `ollama --version` to see it");
    return version;
  }
  if (version.text.startsWith(u'v')) {
    version.text.remove(0, 1);
  }
  version.era = eraOfVersion(version.text);
  return version;
}

OllamaVersion ollamaVersionFromMarkers(QByteArrayView image) {
  constexpr int kTags = static_cast<int>(std::size(kOllamaTags));
  std::array<bool, kTags> possible{};
  possible.fill(true);
  int present = 0;
  for (const VersionMarker& marker : kVersionMarkers) {
    const bool found =
        ::memmem(image.data(), static_cast<size_t>(image.size()), marker.text, std::strlen(marker.text)) != nullptr;
    present += found ? 1 : 0;
    for (int tag = 0; tag < kTags; ++tag) {
      const bool inside = tag >= marker.first && tag <= marker.last;
      possible[static_cast<size_t>(tag)] = possible[static_cast<size_t>(tag)] && inside == found;
    }
  }
  OllamaVersion version;
  int first = -1;
  int last = -1;
  for (int tag = 0; tag < kTags; ++tag) {
    if (possible[static_cast<size_t>(tag)]) {
      first = first < 0 ? tag : first;
      last = tag;
    }
  }
  const int markers = static_cast<int>(std::size(kVersionMarkers));
  if (present == 0 || first < 0) {
    version.source = present == 0
                         ? QStringLiteral("none of Ollama's %1 version marker messages is in the binary").arg(markers)
                         : QStringLiteral("Ollama's version marker messages in the binary contradict each "
                                          "other (%1 of %2 found)")
                               .arg(present)
                               .arg(markers);
    return version;
  }
  const QString low = QString::fromLatin1(kOllamaTags[first]).mid(1);
  const QString high = QString::fromLatin1(kOllamaTags[last]).mid(1);
  version.text = first == last ? low : low + QStringLiteral("..") + high;
  const OllamaEra lowEra = eraOfVersion(low);
  version.era = lowEra == eraOfVersion(high) ? lowEra : OllamaEra::Unknown;
  version.source = QStringLiteral("the Go build information records no version (release builds use -trimpath "
                                  "without VCS stamping); %1 of Ollama's %2 version marker messages are in the "
                                  "binary, the others not: a tag from v%3 to v%4")
                       .arg(present)
                       .arg(markers)
                       .arg(low, high);
  return version;
}

OllamaVersion readOllamaVersion(const QString& hostPath) {
  QFile file;
  OllamaVersion version;
  if (QString why; !openRegularFile(hostPath, file, &why)) {
    version.source = QStringLiteral("cannot read the binary: %1").arg(why);
    return version;
  }
  QString error;
  // Mapping the file lets the search run over it without copying; streaming is the fallback
  // for files that cannot be mapped.
  const qint64 size = file.size();
  if (uchar* mapped = size > 0 ? file.map(0, size) : nullptr) {
    const QByteArray image = QByteArray::fromRawData(reinterpret_cast<const char*>(mapped), size);
    const GoBuildInfo info = parseGoBuildInfo(image, &error);
    OllamaVersion stamped = info.goVersion.isEmpty() ? OllamaVersion{} : ollamaVersionFromBuildInfo(info);
    if (stamped.text == QLatin1String("unknown")) {
      const OllamaVersion marked = ollamaVersionFromMarkers(image);
      if (marked.text != QLatin1String("unknown")) {
        stamped = marked;
      } else {
        stamped.source = (info.goVersion.isEmpty() ? error : stamped.source) + QStringLiteral("; ") + marked.source;
      }
    }
    file.unmap(mapped);
    return stamped;
  }
  const GoBuildInfo info = readGoBuildInfo(file, &error);
  if (info.goVersion.isEmpty()) {
    version.source = error;
    return version;
  }
  return ollamaVersionFromBuildInfo(info);
}

} // namespace vgpu::controller

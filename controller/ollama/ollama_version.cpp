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
// Ordered: the last range whose start is <= the version decides. Versions 0.25–0.29 do not exist
// in the facts; they fall into no era.
constexpr std::array kEraTable{
    EraRange{0, 0, OllamaEra::BeforeEras}, EraRange{12, 0, OllamaEra::OldProbes}, EraRange{12, 4, OllamaEra::A},
    EraRange{25, 0, OllamaEra::Unknown},   EraRange{30, 0, OllamaEra::B},
};

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
    const GoBuildInfo info =
        parseGoBuildInfo(QByteArray::fromRawData(reinterpret_cast<const char*>(mapped), size), &error);
    file.unmap(mapped);
    if (info.goVersion.isEmpty()) {
      version.source = error;
      return version;
    }
    return ollamaVersionFromBuildInfo(info);
  }
  const GoBuildInfo info = readGoBuildInfo(file, &error);
  if (info.goVersion.isEmpty()) {
    version.source = error;
    return version;
  }
  return ollamaVersionFromBuildInfo(info);
}

} // namespace vgpu::controller

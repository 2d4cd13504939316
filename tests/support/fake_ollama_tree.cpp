// Builds the fake Ollama installation (see fake_ollama_tree.h).
#include "fake_ollama_tree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::test {
namespace {

[[noreturn]] void fail(const QString& what) {
  throw std::runtime_error(what.toStdString());
}

QByteArray encode(const QString& hostPath) {
  return QFile::encodeName(hostPath);
}

struct VariantLayout {
  const char* name;
  const char* ggmlFile;   // library copied from FAKE_GGML_*
  const char* ggmlSource; // its build output
  const char* cudart;     // libcudart.so.X.Y.Z or nullptr
};

constexpr VariantLayout kLayouts[] = {
    {"cuda_v12", "libggml-cuda.so", FAKE_GGML_CUDA, "libcudart.so.12.8.90"},
    {"cuda_v13", "libggml-cuda.so", FAKE_GGML_CUDA, "libcudart.so.13.0.88"},
    {"vulkan", "libggml-vulkan.so", FAKE_GGML_VULKAN, nullptr},
};

void appendUvarint(QByteArray& out, quint64 value) {
  while (value >= 0x80) {
    out.append(static_cast<char>((value & 0x7fU) | 0x80U));
    value >>= 7;
  }
  out.append(static_cast<char>(value));
}

} // namespace

FakeOllamaTree::FakeOllamaTree(const QString& directory, const FakeOllamaOptions& options)
    : root_(QDir::cleanPath(directory)) {
  QDir(root_).removeRecursively();
  if (!QDir().mkpath(root_)) {
    fail(QStringLiteral("cannot create %1").arg(root_));
  }
  writeAccounts();
  makeDirectory(QStringLiteral("/usr/share/ollama"));
  if (!options.binaryPath.isEmpty()) {
    installBinary(options.binaryPath);
  }
  copyFile(QStringLiteral(FAKE_GGML_BASE), libraryRoot() + QStringLiteral("/libggml-base.so"), 0755);
  copyFile(QStringLiteral(FAKE_GGML_CPU), libraryRoot() + QStringLiteral("/libggml-cpu-x64.so"), 0755);
  for (const QString& variant : options.variants) {
    installVariant(variant);
  }
  if (options.unitFile) {
    writeUnit();
  }
  if (options.numGpuOverride) {
    writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\"OLLAMA_NUM_GPU=999\"\n");
  }
}

QString FakeOllamaTree::hostPath(const QString& systemPath) const {
  return root_ + QDir::cleanPath(systemPath);
}

void FakeOllamaTree::makeDirectory(const QString& systemPath, uint mode) {
  const QString host = hostPath(systemPath);
  if (!QDir().mkpath(host)) {
    fail(QStringLiteral("cannot create %1").arg(host));
  }
  setMode(systemPath, mode);
}

void FakeOllamaTree::writeFile(const QString& systemPath, const QByteArray& bytes, uint mode) {
  const QFileInfo info(hostPath(systemPath));
  QDir().mkpath(info.path());
  QFile file(info.filePath());
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size()) {
    fail(QStringLiteral("cannot write %1: %2").arg(info.filePath(), file.errorString()));
  }
  file.close();
  setMode(systemPath, mode);
}

void FakeOllamaTree::copyFile(const QString& hostSource, const QString& systemPath, uint mode) {
  QFile source(hostSource);
  if (!source.open(QIODevice::ReadOnly)) {
    fail(QStringLiteral("cannot read %1: %2").arg(hostSource, source.errorString()));
  }
  writeFile(systemPath, source.readAll(), mode);
}

void FakeOllamaTree::symlink(const QString& systemPath, const QString& target) {
  const QFileInfo info(hostPath(systemPath));
  QDir().mkpath(info.path());
  if (::symlink(encode(target).constData(), encode(info.filePath()).constData()) != 0) {
    fail(QStringLiteral("cannot link %1 -> %2: %3")
             .arg(info.filePath(), target, QString::fromLocal8Bit(std::strerror(errno))));
  }
}

void FakeOllamaTree::remove(const QString& systemPath) {
  const QString host = hostPath(systemPath);
  const QFileInfo info(host);
  if (info.isDir() && !info.isSymLink()) {
    QDir(host).removeRecursively();
  } else {
    QFile::remove(host);
  }
}

void FakeOllamaTree::setMode(const QString& systemPath, uint mode) {
  if (::chmod(encode(hostPath(systemPath)).constData(), static_cast<mode_t>(mode)) != 0) {
    fail(QStringLiteral("cannot chmod %1").arg(systemPath));
  }
}

bool FakeOllamaTree::setOwner(const QString& systemPath, uint uid, uint gid) {
  return ::lchown(encode(hostPath(systemPath)).constData(), uid, gid) == 0;
}

void FakeOllamaTree::installBinary(const QString& systemPath) {
  copyFile(QStringLiteral(FAKE_OLLAMA_BINARY), systemPath, 0755);
}

void FakeOllamaTree::installVariant(const QString& name) {
  const QString folder = libraryRoot() + u'/' + name;
  makeDirectory(folder);
  for (const VariantLayout& layout : kLayouts) {
    if (name != QLatin1String(layout.name)) {
      continue;
    }
    copyFile(QString::fromUtf8(layout.ggmlSource), folder + u'/' + QLatin1String(layout.ggmlFile), 0755);
    if (layout.cudart != nullptr) {
      const QString cudart = QLatin1String(layout.cudart);
      copyFile(QStringLiteral(FAKE_CUDART), folder + u'/' + cudart, 0755);
      // libcudart.so.12 -> libcudart.so.12.8.90, as the bundles ship it.
      symlink(folder + u'/' + cudart.section(u'.', 0, 2), cudart);
    }
    return;
  }
  copyFile(QStringLiteral(FAKE_GGML_CUDA), folder + QStringLiteral("/libggml-cuda.so"), 0755);
}

void FakeOllamaTree::writeUnit(const QByteArray& text) {
  writeFile(QStringLiteral("/etc/systemd/system/ollama.service"), text);
}

void FakeOllamaTree::writeDropIn(const QString& fileName, const QByteArray& text, const QString& directory) {
  writeFile(directory + u'/' + fileName, text);
}

void FakeOllamaTree::writeAccounts() {
  writeFile(QStringLiteral("/etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n"
                                           "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                                           "ollama:x:998:998::/usr/share/ollama:/bin/false\n");
  writeFile(QStringLiteral("/etc/group"), "root:x:0:\n"
                                          "video:x:44:ollama\n"
                                          "render:x:105:ollama\n"
                                          "ollama:x:998:\n");
}

void FakeOllamaTree::writeBinaryWithVersion(const QString& systemPath, const QString& version) {
  const QString moduleInfo =
      QStringLiteral("path\tgithub.com/ollama/ollama\nmod\tgithub.com/ollama/ollama\t(devel)\t\n"
                     "build\t-ldflags=\"-w -s -X=github.com/ollama/ollama/version.Version=%1\"\n")
          .arg(version);
  writeFile(systemPath, QByteArray(4096, '\x7f') + goBuildInfo(QStringLiteral("go1.24.1"), moduleInfo), 0755);
}

QByteArray FakeOllamaTree::installShUnit() {
  return "[Unit]\n"
         "Description=Ollama Service\n"
         "After=network-online.target\n"
         "\n"
         "[Service]\n"
         "ExecStart=/usr/local/bin/ollama serve\n"
         "User=ollama\n"
         "Group=ollama\n"
         "Restart=always\n"
         "RestartSec=3\n"
         "Environment=\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
         "\n"
         "[Install]\n"
         "WantedBy=default.target\n";
}

QByteArray FakeOllamaTree::goBuildInfo(const QString& goVersion, const QString& moduleInfo) {
  static const unsigned char start[16] = {0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
                                          0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6};
  static const unsigned char end[16] = {0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
                                        0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2};
  QByteArray header("\xff Go buildinf:", 14);
  header.append('\x08');
  header.append('\x02');
  header.append(QByteArray(16, '\0'));
  const QByteArray go = goVersion.toUtf8();
  const QByteArray framed = QByteArray(reinterpret_cast<const char*>(start), 16) + moduleInfo.toUtf8() +
                            QByteArray(reinterpret_cast<const char*>(end), 16);
  QByteArray out = header;
  appendUvarint(out, static_cast<quint64>(go.size()));
  out += go;
  appendUvarint(out, static_cast<quint64>(framed.size()));
  out += framed;
  return out;
}

} // namespace vgpu::test

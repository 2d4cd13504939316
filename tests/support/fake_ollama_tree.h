// A fake Ollama installation in a temporary root, for tests of the controller, the doctor and the
// installer. The standard tree is what Ollama's install.sh leaves on a machine, built from real
// ELF files (tests/support/fake_ollama/):
//   /usr/local/bin/ollama                           fake binary, version VGPU_FAKE_OLLAMA_VERSION
//   /usr/local/lib/ollama/libggml-base.so, libggml-cpu-x64.so   (the root itself is never a variant)
//   /usr/local/lib/ollama/cuda_v12/{libggml-cuda.so, libcudart.so.12.8.90, libcudart.so.12 -> ...}
//   /usr/local/lib/ollama/cuda_v13/{libggml-cuda.so, libcudart.so.13.0.88, libcudart.so.13 -> ...}
//   /usr/local/lib/ollama/vulkan/libggml-vulkan.so
//   /etc/systemd/system/ollama.service              as install.sh writes it (User=ollama)
//   /etc/systemd/system/ollama.service.d/override.conf   Environment="OLLAMA_NUM_GPU=999"
//   /etc/passwd, /etc/group                         root and ollama (uid/gid 998, in video, render)
// Every path argument is a system path ("/usr/local/lib/ollama/cuda_v12"); the building blocks
// let a test inject faults (remove, chmod, break a symlink, add a drop-in).
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace vgpu::test {

struct FakeOllamaOptions {
  bool unitFile = true;       // write ollama.service
  bool numGpuOverride = true; // write ollama.service.d/override.conf with OLLAMA_NUM_GPU
  QStringList variants{QStringLiteral("cuda_v12"), QStringLiteral("cuda_v13"), QStringLiteral("vulkan")};
  QString binaryPath = QStringLiteral("/usr/local/bin/ollama");
};

class FakeOllamaTree {
public:
  static constexpr uint kOllamaUid = 998;
  static constexpr uint kOllamaGid = 998;

  // Empties `directory` (a host path) and builds the tree there. Throws std::runtime_error on
  // any I/O failure (tests should fail loudly, not on a half-built tree).
  explicit FakeOllamaTree(const QString& directory, const FakeOllamaOptions& options = {});

  const QString& root() const { return root_; }
  QString hostPath(const QString& systemPath) const;
  QString libraryRoot() const { return QStringLiteral("/usr/local/lib/ollama"); }

  // Building blocks (system paths). Parents are created as needed (mode 0755).
  void makeDirectory(const QString& systemPath, uint mode = 0755);
  void writeFile(const QString& systemPath, const QByteArray& bytes, uint mode = 0644);
  void copyFile(const QString& hostSource, const QString& systemPath, uint mode = 0644);
  void symlink(const QString& systemPath, const QString& target); // target verbatim (absolute = in-root)
  void remove(const QString& systemPath);                         // file, link or whole folder
  void setMode(const QString& systemPath, uint mode);
  // Returns false when the process may not chown (not root): callers SKIP those checks then.
  bool setOwner(const QString& systemPath, uint uid, uint gid);

  // Pieces of the standard tree.
  void installBinary(const QString& systemPath);
  void installVariant(const QString& name); // cuda_v12, cuda_v13, vulkan, or any name (one ggml file)
  void writeUnit(const QByteArray& text = installShUnit());
  void writeDropIn(const QString& fileName, const QByteArray& text,
                   const QString& directory = QStringLiteral("/etc/systemd/system/ollama.service.d"));
  void writeAccounts();

  // A file that is not an ELF binary but carries Go build information naming `version` (as the
  // fake binary does): for version/era tests without building a binary per version.
  void writeBinaryWithVersion(const QString& systemPath, const QString& version);

  static QByteArray installShUnit();
  // Go build information ("\xff Go buildinf:" inline format) with the given module info text.
  static QByteArray goBuildInfo(const QString& goVersion, const QString& moduleInfo);

private:
  QString root_;
};

} // namespace vgpu::test

// OllamaInstallation::detect on the fake Ollama tree (tests/support/fake_ollama_tree.h): the unit
// and drop-ins in systemd's order, the binary from ExecStart/PATH/fallbacks with symlinks resolved
// inside the root, the library root, variant folders as Ollama sees them, the service user's
// access, and the version read from the binary.
#include <catch2/catch.hpp>

#include "fake_ollama_tree.h"
#include "ollama/ollama_installation.h"
#include "ollama/root_paths.h"
#include "test_paths.h"

#include <QBuffer>
#include <unistd.h>

using namespace vgpu::controller;
using vgpu::test::FakeOllamaOptions;
using vgpu::test::FakeOllamaTree;

namespace {

QString scratch(const std::string& name) {
  return QString::fromStdString(vgpu::test::scratchDir("ollama-model-" + name).string());
}

OllamaInstallation detect(const FakeOllamaTree& tree, const QString& path = {}) {
  QProcessEnvironment environment;
  environment.insert(QStringLiteral("PATH"), path);
  return OllamaInstallation::detect(SystemRoot(tree.root()), environment);
}

QStringList problemTexts(const OllamaInstallation& installation) {
  QStringList out;
  for (const InstallationProblem& problem : installation.problems) {
    out.append(problem.where + QStringLiteral(": ") + problem.message);
  }
  return out;
}

} // namespace

TEST_CASE("the standard fake installation is described completely") {
  const FakeOllamaTree tree(scratch("standard"));
  const OllamaInstallation installation = detect(tree);
  INFO(problemTexts(installation).join(u'\n').toStdString());
  CHECK(installation.problems.isEmpty());

  REQUIRE(installation.unit);
  CHECK(installation.unit->path == QStringLiteral("/etc/systemd/system/ollama.service"));
  REQUIRE(installation.dropIns.size() == 1);
  CHECK(installation.dropIns[0].path == QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf"));
  CHECK(installation.user == QStringLiteral("ollama"));
  CHECK(installation.group == QStringLiteral("ollama"));
  REQUIRE(installation.account.uid);
  CHECK(*installation.account.uid == FakeOllamaTree::kOllamaUid);
  CHECK(installation.account.groups == QList<uint>{998, 44, 105});

  const EnvironmentValue* numGpu = installation.environmentValue(QStringLiteral("OLLAMA_NUM_GPU"));
  REQUIRE(numGpu != nullptr);
  CHECK(numGpu->value == QStringLiteral("999"));
  CHECK(numGpu->origin == QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf:2"));
  REQUIRE(installation.environmentValue(QStringLiteral("PATH")) != nullptr);
  CHECK(installation.environmentValue(QStringLiteral("PATH"))->origin ==
        QStringLiteral("/etc/systemd/system/ollama.service:11"));

  CHECK(installation.binary.source == BinarySource::ExecStart);
  CHECK(installation.binary.path == QStringLiteral("/usr/local/bin/ollama"));
  CHECK(installation.binary.resolved == QStringLiteral("/usr/local/bin/ollama"));
  CHECK(installation.version.text == QStringLiteral(VGPU_FAKE_OLLAMA_VERSION));
  CHECK(installation.version.era == OllamaEra::A);
  CHECK(installation.version.source.contains(QStringLiteral("ldflags")));
  CHECK(installation.libraryRoot.path == QStringLiteral("/usr/local/lib/ollama"));
  CHECK(installation.libraryRoot.rule == QStringLiteral("<exe dir>/../lib/ollama"));

  // The root's own libggml-base.so does not make the root a variant.
  CHECK(installation.visibleVariantNames() ==
        QStringList{QStringLiteral("cuda_v12"), QStringLiteral("cuda_v13"), QStringLiteral("vulkan")});
  const VariantFolder* v12 = installation.variant(QStringLiteral("cuda_v12"));
  REQUIRE(v12 != nullptr);
  CHECK(v12->kind == VariantKind::Cuda);
  CHECK(v12->hasGgmlCuda);
  CHECK(v12->cudaRuntimes == QStringList{QStringLiteral("12.8.90")});
  CHECK(v12->ggmlFiles == QStringList{QStringLiteral("libggml-cuda.so")});
  CHECK(v12->serviceAccess.allowed);
  const VariantFolder* v13 = installation.variant(QStringLiteral("cuda_v13"));
  REQUIRE(v13 != nullptr);
  CHECK(v13->cudaRuntimes == QStringList{QStringLiteral("13.0.88")});
  const VariantFolder* vulkan = installation.variant(QStringLiteral("vulkan"));
  REQUIRE(vulkan != nullptr);
  CHECK(vulkan->kind == VariantKind::Vulkan);
  CHECK_FALSE(vulkan->hasGgmlCuda);
  CHECK(vulkan->cudaRuntimes.isEmpty());
}

TEST_CASE("the binary comes from ExecStart, then PATH, then the fallbacks") {
  SECTION("ExecStart naming another program wins over the standard place") {
    FakeOllamaTree tree(scratch("execstart"));
    tree.installBinary(QStringLiteral("/opt/ollama/bin/ollama"));
    tree.makeDirectory(QStringLiteral("/opt/ollama/lib/ollama/cuda_v12"));
    tree.copyFile(tree.hostPath(QStringLiteral("/usr/local/lib/ollama/cuda_v12/libggml-cuda.so")),
                  QStringLiteral("/opt/ollama/lib/ollama/cuda_v12/libggml-cuda.so"));
    tree.writeDropIn(QStringLiteral("exec.conf"), "[Service]\nExecStart=\nExecStart=-/opt/ollama/bin/ollama serve\n");
    const OllamaInstallation installation = detect(tree);
    CHECK(installation.binary.source == BinarySource::ExecStart);
    CHECK(installation.binary.path == QStringLiteral("/opt/ollama/bin/ollama"));
    CHECK(installation.libraryRoot.path == QStringLiteral("/opt/ollama/lib/ollama"));
    CHECK(installation.visibleVariantNames() == QStringList{QStringLiteral("cuda_v12")});
  }
  SECTION("without a unit, PATH is searched (absolute entries only)") {
    FakeOllamaOptions options;
    options.unitFile = false;
    options.binaryPath = QStringLiteral("/opt/bin/ollama");
    const FakeOllamaTree tree(scratch("path"), options);
    const OllamaInstallation installation = detect(tree, QStringLiteral("relative/bin:/nowhere:/opt/bin"));
    CHECK(installation.binary.source == BinarySource::Path);
    CHECK(installation.binary.path == QStringLiteral("/opt/bin/ollama"));
    CHECK_FALSE(installation.unit);
    CHECK(problemTexts(installation).join(u'\n').contains(QStringLiteral("ollama.service not found")));
  }
  SECTION("a unit whose ExecStart names a missing program is reported, and the fallbacks are used") {
    FakeOllamaOptions options;
    options.binaryPath = QStringLiteral("/usr/bin/ollama");
    const FakeOllamaTree tree(scratch("fallback"), options);
    const OllamaInstallation installation = detect(tree);
    CHECK(installation.binary.source == BinarySource::Fallback);
    CHECK(installation.binary.path == QStringLiteral("/usr/bin/ollama"));
    const QString problems = problemTexts(installation).join(u'\n');
    CHECK(problems.contains(QStringLiteral("ExecStart= names /usr/local/bin/ollama, which is not an executable file")));
    // /usr/bin/../lib/ollama does not exist: Ollama falls back to the exe's own folder.
    CHECK(installation.libraryRoot.path == QStringLiteral("/usr/bin"));
    CHECK(problems.contains(QStringLiteral("falls back to /usr/bin")));
  }
  SECTION("no binary anywhere is a problem, not a crash") {
    FakeOllamaOptions options;
    options.binaryPath.clear();
    const FakeOllamaTree tree(scratch("nobinary"), options);
    const OllamaInstallation installation = detect(tree, QStringLiteral("/usr/bin"));
    CHECK(installation.binary.source == BinarySource::None);
    CHECK(installation.libraryRoot.path.isEmpty());
    CHECK(installation.variants.isEmpty());
    CHECK(installation.version.text == QStringLiteral("unknown"));
  }
}

TEST_CASE("a symlinked binary is resolved inside the root, and the library root follows the target") {
  FakeOllamaOptions options;
  options.binaryPath = QStringLiteral("/opt/ollama-0.13/bin/ollama");
  options.variants = {};
  FakeOllamaTree tree(scratch("symlink-binary"), options);
  // Absolute link targets, as on a real system: they must be read under the root (the host has no
  // /opt/ollama-0.13), and a relative hop with ".." as well.
  tree.symlink(QStringLiteral("/usr/local/bin/ollama"), QStringLiteral("/opt/current/bin/ollama"));
  tree.symlink(QStringLiteral("/opt/current"), QStringLiteral("../opt/ollama-0.13"));
  tree.makeDirectory(QStringLiteral("/opt/ollama-0.13/lib/ollama"));
  tree.installVariant(QStringLiteral("cuda_v12"));
  tree.remove(QStringLiteral("/usr/local/lib/ollama/cuda_v12"));
  tree.symlink(QStringLiteral("/opt/ollama-0.13/lib/ollama/cuda_v12"), QStringLiteral("/usr/local/lib/ollama/x"));
  tree.makeDirectory(QStringLiteral("/usr/local/lib/ollama/x"));
  tree.copyFile(tree.hostPath(QStringLiteral("/usr/local/lib/ollama/libggml-base.so")),
                QStringLiteral("/usr/local/lib/ollama/x/libggml-cuda.so"));
  const OllamaInstallation installation = detect(tree);
  CHECK(installation.binary.path == QStringLiteral("/usr/local/bin/ollama"));
  CHECK(installation.binary.resolved == QStringLiteral("/opt/ollama-0.13/bin/ollama"));
  CHECK(installation.libraryRoot.path == QStringLiteral("/opt/ollama-0.13/lib/ollama"));
  const VariantFolder* v12 = installation.variant(QStringLiteral("cuda_v12"));
  REQUIRE(v12 != nullptr);
  CHECK(v12->visible());
  CHECK(v12->linkTarget == QStringLiteral("/usr/local/lib/ollama/x"));
}

TEST_CASE("root path resolution never leaves the root") {
  FakeOllamaTree tree(scratch("resolve"));
  const SystemRoot root(tree.root());
  tree.symlink(QStringLiteral("/a/up"), QStringLiteral("../../../../usr/local/bin/ollama"));
  CHECK(resolveInRoot(root, QStringLiteral("/a/up")).path == QStringLiteral("/usr/local/bin/ollama"));
  tree.symlink(QStringLiteral("/a/loop"), QStringLiteral("/a/loop"));
  CHECK(resolveInRoot(root, QStringLiteral("/a/loop")).error.contains(QStringLiteral("too many levels")));
  CHECK_FALSE(resolveInRoot(root, QStringLiteral("/a/missing/x")).ok());
  CHECK(cleanSystemPath(QStringLiteral("/usr/local/bin/../lib/ollama")) == QStringLiteral("/usr/local/lib/ollama"));
}

TEST_CASE("variant folders are exactly the ones Ollama's glob finds, and the others are reported") {
  FakeOllamaTree tree(scratch("variants"));
  const QString lib = tree.libraryRoot();
  // cuda_v12 replaced by a symlink to nowhere: Ollama ignores it silently; we report it.
  tree.remove(lib + QStringLiteral("/cuda_v12"));
  tree.symlink(lib + QStringLiteral("/cuda_v12"), QStringLiteral("/srv/missing/cuda_v12"));
  // A working folder symlink is used under the link's name.
  tree.makeDirectory(QStringLiteral("/srv/vgpu/cuda"));
  tree.copyFile(tree.hostPath(lib + QStringLiteral("/cuda_v13/libggml-cuda.so")),
                QStringLiteral("/srv/vgpu/cuda/libggml-cuda.so"));
  tree.symlink(lib + QStringLiteral("/cuda_vgpu"), QStringLiteral("/srv/vgpu/cuda"));
  // A folder without a *ggml-* file directly inside (only deeper) is invisible to Ollama.
  tree.makeDirectory(lib + QStringLiteral("/cuda_v11/nested"));
  tree.copyFile(tree.hostPath(lib + QStringLiteral("/cuda_v13/libggml-cuda.so")),
                lib + QStringLiteral("/cuda_v11/nested/libggml-cuda.so"));
  tree.copyFile(tree.hostPath(lib + QStringLiteral("/cuda_v13/libcudart.so.13.0.88")),
                lib + QStringLiteral("/cuda_v11/libcudart.so.11.8.89"));
  // A plain file in the root is no folder at all.
  tree.writeFile(lib + QStringLiteral("/README"), "not a folder\n");
  // cuda_v13 closed to everyone but its owner (root): the ollama user cannot enter it.
  tree.setMode(lib + QStringLiteral("/cuda_v13"), 0700);

  const OllamaInstallation installation = detect(tree);
  CHECK(installation.visibleVariantNames() ==
        QStringList{QStringLiteral("cuda_v13"), QStringLiteral("cuda_vgpu"), QStringLiteral("vulkan")});
  QStringList listed;
  for (const VariantFolder& folder : installation.variants) {
    listed.append(folder.name);
  }
  CHECK(listed == QStringList{QStringLiteral("cuda_v11"), QStringLiteral("cuda_v12"), QStringLiteral("cuda_v13"),
                              QStringLiteral("cuda_vgpu"), QStringLiteral("vulkan")});

  const VariantFolder* broken = installation.variant(QStringLiteral("cuda_v12"));
  REQUIRE(broken != nullptr);
  CHECK(broken->status == VariantStatus::BrokenSymlink);
  CHECK(broken->error.contains(QStringLiteral("/srv/missing")));
  CHECK(problemTexts(installation).join(u'\n').contains(QStringLiteral("broken-symlink (Ollama ignores it silently)")));

  const VariantFolder* linked = installation.variant(QStringLiteral("cuda_vgpu"));
  REQUIRE(linked != nullptr);
  CHECK(linked->linkTarget == QStringLiteral("/srv/vgpu/cuda"));
  CHECK(linked->kind == VariantKind::Cuda);

  const VariantFolder* invisible = installation.variant(QStringLiteral("cuda_v11"));
  REQUIRE(invisible != nullptr);
  CHECK(invisible->status == VariantStatus::NoGgmlFile);
  CHECK(invisible->cudaRuntimes == QStringList{QStringLiteral("11.8.89")});

  const VariantFolder* closed = installation.variant(QStringLiteral("cuda_v13"));
  REQUIRE(closed != nullptr);
  CHECK(closed->visible());                   // this process (root in CI) can read it ...
  CHECK_FALSE(closed->serviceAccess.allowed); // ... the service user cannot
  CHECK(closed->serviceAccess.reason.contains(QStringLiteral("user ollama (uid 998) cannot read and enter")));
  CHECK(closed->serviceAccess.reason.contains(QStringLiteral("cuda_v13 (mode 0700")));

  // As root (CI) opendir never fails; as another user a 0000 folder is what Ollama's glob drops.
  if (::geteuid() != 0) {
    tree.setMode(lib + QStringLiteral("/vulkan"), 0000);
    const OllamaInstallation closedToUs = detect(tree);
    tree.setMode(lib + QStringLiteral("/vulkan"), 0755);
    REQUIRE(closedToUs.variant(QStringLiteral("vulkan")) != nullptr);
    CHECK(closedToUs.variant(QStringLiteral("vulkan"))->status == VariantStatus::Unreadable);
  }
}

TEST_CASE("service user access follows owner, group and other bits for the service's uid") {
  FakeOllamaTree tree(scratch("access"));
  const SystemRoot root(tree.root());
  const QString folder = tree.libraryRoot() + QStringLiteral("/cuda_v12");
  const ServiceAccount ollama = lookupServiceAccount(root, QStringLiteral("ollama"), QStringLiteral("ollama"));
  REQUIRE(ollama.resolved());
  CHECK(checkAccess(root, ollama, folder, AccessNeed::ReadAndEnter).allowed);

  tree.setMode(folder, 0750);
  CHECK_FALSE(checkAccess(root, ollama, folder, AccessNeed::ReadAndEnter).allowed);
  tree.setMode(folder, 0751); // enter but not list
  const AccessVerdict enterOnly = checkAccess(root, ollama, folder, AccessNeed::ReadAndEnter);
  CHECK_FALSE(enterOnly.allowed);
  CHECK(enterOnly.reason.contains(QStringLiteral("cannot read ")));
  CHECK(checkAccess(root, ollama, folder, AccessNeed::Enter).allowed);

  // A closed parent blocks everything below it.
  tree.setMode(folder, 0755);
  tree.setMode(tree.libraryRoot(), 0700);
  const AccessVerdict parent = checkAccess(root, ollama, folder, AccessNeed::ReadAndEnter);
  CHECK_FALSE(parent.allowed);
  CHECK(parent.reason.contains(QStringLiteral("cannot enter /usr/local/lib/ollama ")));
  tree.setMode(tree.libraryRoot(), 0755);

  // Root passes; an unknown user cannot be checked.
  CHECK(checkAccess(root, lookupServiceAccount(root, {}, {}), folder, AccessNeed::Read).allowed);
  const ServiceAccount nobody = lookupServiceAccount(root, QStringLiteral("nobody2"), {});
  CHECK_FALSE(nobody.resolved());
  CHECK(nobody.error == QStringLiteral("user nobody2 not found in /etc/passwd"));

  if (::geteuid() == 0) { // ownership changes need root (CI runs as root)
    tree.setMode(folder, 0750);
    REQUIRE(tree.setOwner(folder, 0, FakeOllamaTree::kOllamaGid)); // group ollama may read
    CHECK(checkAccess(root, ollama, folder, AccessNeed::ReadAndEnter).allowed);
    REQUIRE(tree.setOwner(folder, 0, 44)); // video: ollama is a supplementary member
    CHECK(checkAccess(root, ollama, folder, AccessNeed::ReadAndEnter).allowed);
    tree.setMode(folder, 0705);
    REQUIRE(tree.setOwner(folder, FakeOllamaTree::kOllamaUid, 0)); // owner bits 7 decide, not other
    CHECK(checkAccess(root, ollama, folder, AccessNeed::ReadAndEnter).allowed);
    tree.setMode(folder, 0075);
    CHECK_FALSE(checkAccess(root, ollama, folder, AccessNeed::ReadAndEnter).allowed); // owner bits 0
  }
}

TEST_CASE("drop-ins come in systemd's order; earlier directories mask same-named files") {
  FakeOllamaTree tree(scratch("dropins"));
  tree.writeDropIn(QStringLiteral("10-a.conf"), "[Service]\nEnvironment=A=usr\n",
                   QStringLiteral("/usr/lib/systemd/system/ollama.service.d"));
  tree.writeDropIn(QStringLiteral("10-a.conf"), "[Service]\nEnvironment=A=etc\n");
  tree.writeDropIn(QStringLiteral("20-b.conf"), "[Service]\nEnvironment=B=run\nUser=svc\n",
                   QStringLiteral("/run/systemd/system/ollama.service.d"));
  tree.writeDropIn(QStringLiteral("05-c.conf"), "[Service]\nEnvironment=A=lib B=lib\n",
                   QStringLiteral("/lib/systemd/system/ollama.service.d"));
  tree.writeDropIn(QStringLiteral("notes.txt"), "ignored: not *.conf\n");
  tree.symlink(QStringLiteral("/etc/systemd/system/ollama.service.d/30-broken.conf"), QStringLiteral("/srv/none.conf"));
  const OllamaInstallation installation = detect(tree);
  QStringList order;
  for (const UnitSource& dropIn : installation.dropIns) {
    order.append(dropIn.path);
  }
  CHECK(order == QStringList{QStringLiteral("/lib/systemd/system/ollama.service.d/05-c.conf"),
                             QStringLiteral("/etc/systemd/system/ollama.service.d/10-a.conf"),
                             QStringLiteral("/run/systemd/system/ollama.service.d/20-b.conf"),
                             QStringLiteral("/etc/systemd/system/ollama.service.d/30-broken.conf"),
                             QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf")});
  CHECK(installation.environmentValue(QStringLiteral("A"))->value == QStringLiteral("etc"));
  CHECK(installation.environmentValue(QStringLiteral("B"))->origin ==
        QStringLiteral("/run/systemd/system/ollama.service.d/20-b.conf:2"));
  CHECK(installation.user == QStringLiteral("svc")); // the last User= wins
  CHECK_FALSE(installation.dropIns[3].unit);
  CHECK(problemTexts(installation)
            .join(u'\n')
            .contains(QStringLiteral("/etc/systemd/system/ollama.service.d/30-broken.conf: drop-in unreadable")));
  CHECK(problemTexts(installation).join(u'\n').contains(QStringLiteral("user svc not found in /etc/passwd")));
}

TEST_CASE("a drop-in linked to /dev/null masks the same-named ones; a unit in /usr/lib is found") {
  FakeOllamaOptions options;
  options.unitFile = false;
  FakeOllamaTree tree(scratch("masked"), options);
  tree.writeFile(QStringLiteral("/usr/lib/systemd/system/ollama.service"), FakeOllamaTree::installShUnit());
  tree.writeDropIn(QStringLiteral("20-b.conf"), "[Service]\nEnvironment=B=run\n",
                   QStringLiteral("/run/systemd/system/ollama.service.d"));
  tree.symlink(QStringLiteral("/etc/systemd/system/ollama.service.d/20-b.conf"), QStringLiteral("/dev/null"));
  const OllamaInstallation installation = detect(tree);
  REQUIRE(installation.unit);
  CHECK(installation.unit->path == QStringLiteral("/usr/lib/systemd/system/ollama.service"));
  REQUIRE(installation.dropIns.size() == 1);
  CHECK(installation.dropIns[0].path == QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf"));
  CHECK(installation.environmentValue(QStringLiteral("B")) == nullptr);
  CHECK(installation.problems.isEmpty());

  tree.symlink(QStringLiteral("/etc/systemd/system/ollama.service"), QStringLiteral("/dev/null"));
  const OllamaInstallation masked = detect(tree);
  CHECK_FALSE(masked.unit);
  CHECK(problemTexts(masked).contains(QStringLiteral("/etc/systemd/system/ollama.service: ollama.service is masked "
                                                     "(linked to /dev/null): systemd will not start it")));
}

TEST_CASE("the version is read from the binary's Go build information and mapped to its era") {
  FakeOllamaTree tree(scratch("versions"));
  const struct {
    const char* version;
    OllamaEra era;
  } cases[] = {{"0.11.4", OllamaEra::BeforeEras}, {"0.12.0", OllamaEra::OldProbes}, {"0.12.3", OllamaEra::OldProbes},
               {"0.12.4", OllamaEra::A},          {"0.24.7", OllamaEra::A},         {"0.27.0", OllamaEra::Unknown},
               {"0.30.0-rc2", OllamaEra::B},      {"0.33.0", OllamaEra::B}};
  for (const auto& entry : cases) {
    INFO(entry.version);
    tree.writeBinaryWithVersion(QStringLiteral("/usr/local/bin/ollama"), QString::fromLatin1(entry.version));
    const OllamaInstallation installation = detect(tree);
    CHECK(installation.version.text == QString::fromLatin1(entry.version));
    CHECK(installation.version.era == entry.era);
  }
  CHECK(eraName(OllamaEra::OldProbes) == QStringLiteral("old-probes"));

  SECTION("a module version stamped from the tag is used when ldflags are not recorded (-trimpath)") {
    const QByteArray image = FakeOllamaTree::goBuildInfo(
        QStringLiteral("go1.24.1"), QStringLiteral("path\tgithub.com/ollama/ollama\nmod\tgithub.com/ollama/ollama\t"
                                                   "v0.31.2\t\nbuild\t-trimpath=true\n"));
    QString error;
    const OllamaVersion version = ollamaVersionFromBuildInfo(parseGoBuildInfo(QByteArray(100, 'x') + image, &error));
    CHECK(version.text == QStringLiteral("0.31.2"));
    CHECK(version.era == OllamaEra::B);
    CHECK(version.source.contains(QStringLiteral("module version")));
  }
  SECTION("streaming reads find build information that straddles a chunk boundary") {
    const QByteArray info = FakeOllamaTree::goBuildInfo(
        QStringLiteral("go1.24.1"),
        QStringLiteral("build\t-ldflags=\"-X=github.com/jmorganca/ollama/version.Version=0.12.6\"\n"));
    QByteArray image((4 << 20) - 5, '\xff');
    image += info;
    QBuffer buffer(&image);
    REQUIRE(buffer.open(QIODevice::ReadOnly));
    QString error;
    const GoBuildInfo parsed = readGoBuildInfo(buffer, &error);
    CHECK(parsed.goVersion == QStringLiteral("go1.24.1"));
    CHECK(ollamaVersionFromBuildInfo(parsed).text == QStringLiteral("0.12.6"));
  }
  SECTION("a build that records no version says unknown, and why") {
    const QByteArray image = FakeOllamaTree::goBuildInfo(
        QStringLiteral("go1.24.1"),
        QStringLiteral("path\tgithub.com/ollama/ollama\nmod\tgithub.com/ollama/ollama\t(devel)\t\n"));
    QString error;
    const OllamaVersion version = ollamaVersionFromBuildInfo(parseGoBuildInfo(image, &error));
    CHECK(version.text == QStringLiteral("unknown"));
    CHECK(version.era == OllamaEra::Unknown);
    CHECK(version.source.contains(QStringLiteral("records no Ollama version")));
  }
  SECTION("a file without build information, or a truncated one, is unknown with the reason") {
    tree.writeFile(QStringLiteral("/usr/local/bin/ollama"), "#!/bin/sh\nexec /opt/ollama \"$@\"\n", 0755);
    const OllamaInstallation installation = detect(tree);
    CHECK(installation.version.text == QStringLiteral("unknown"));
    CHECK(installation.version.source.startsWith(QStringLiteral("no Go build information in the binary; none of "
                                                                "Ollama's")));
    QString error;
    CHECK(
        parseGoBuildInfo(FakeOllamaTree::goBuildInfo(QStringLiteral("go1.24.1"), QStringLiteral("x")).left(40), &error)
            .goVersion.isEmpty());
    CHECK(error == QStringLiteral("Go build information malformed"));
  }
}

// Issue 19, finding 8: from v0.30.0 ml/path.go also tries <exe dir>/lib/ollama and takes only a
// directory; before, <exe dir>/../lib/ollama is taken when it merely exists.
TEST_CASE("the library root follows Ollama's rule of the installed version") {
  FakeOllamaTree tree(scratch("root-rule"));
  tree.remove(QStringLiteral("/usr/local/lib/ollama"));
  tree.makeDirectory(QStringLiteral("/usr/local/bin/lib/ollama/cuda_v12"));
  tree.writeFile(QStringLiteral("/usr/local/bin/lib/ollama/cuda_v12/libggml-cuda.so"), "x");

  tree.writeBinaryWithVersion(QStringLiteral("/usr/local/bin/ollama"), QStringLiteral("0.30.2"));
  OllamaInstallation eraB = detect(tree);
  CHECK(eraB.version.era == OllamaEra::B);
  CHECK(eraB.libraryRoot.path == QStringLiteral("/usr/local/bin/lib/ollama"));
  CHECK(eraB.libraryRoot.rule == QStringLiteral("<exe dir>/lib/ollama"));
  // A file where ../lib/ollama would be is not a directory: still <exe dir>/lib/ollama.
  tree.writeFile(QStringLiteral("/usr/local/lib/ollama"), "not a folder");
  eraB = detect(tree);
  CHECK(eraB.libraryRoot.path == QStringLiteral("/usr/local/bin/lib/ollama"));

  // Before v0.30.0 the same file is taken (os.Stat succeeds), and <exe dir>/lib/ollama never is.
  tree.writeBinaryWithVersion(QStringLiteral("/usr/local/bin/ollama"), QStringLiteral("0.13.5"));
  const OllamaInstallation eraA = detect(tree);
  CHECK(eraA.version.era == OllamaEra::A);
  CHECK(eraA.libraryRoot.path == QStringLiteral("/usr/local/lib/ollama"));
  tree.remove(QStringLiteral("/usr/local/lib/ollama"));
  CHECK(detect(tree).libraryRoot.path == QStringLiteral("/usr/local/bin"));
}

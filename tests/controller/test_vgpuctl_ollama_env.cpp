// vgpuctl's `ollama info` and `env get|set|unset` on the fake Ollama tree (--root), through
// runVgpuctl() as the binary runs it: JSON fields, text, dry-run output, and an honest failure
// when vgpu-helper cannot be started (applying through the helper: tests/app/test_service_flow.cpp).
#include <catch2/catch.hpp>

#include "fake_ollama_tree.h"
#include "test_paths.h"
#include "vgpuctl_cli.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using vgpu::test::FakeOllamaTree;

namespace {

struct Run {
  int code;
  QString out;
  QString err;
};

Run vgpuctl(const FakeOllamaTree& tree, const QStringList& arguments) {
  QString out;
  QString err;
  QTextStream outStream(&out);
  QTextStream errStream(&err);
  const int code = vgpu::cli::runVgpuctl(
      QStringList{QStringLiteral("vgpuctl"), QStringLiteral("--root"), tree.root()} + arguments, outStream, errStream);
  outStream.flush();
  errStream.flush();
  return {code, out, err};
}

QJsonObject parseJson(const QString& text) {
  QJsonParseError error{};
  const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
  INFO(error.errorString().toStdString() << "\n" << text.toStdString());
  REQUIRE(error.error == QJsonParseError::NoError);
  return document.object();
}

QString scratch(const std::string& name) {
  return QString::fromStdString(vgpu::test::scratchDir("vgpuctl-ollama-" + name).string());
}

const QString kDropIn = QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf");
const QString kMarker =
    QStringLiteral("# Managed by vgpu — edit with vgpu-console or vgpuctl env; other drop-ins are never touched");

} // namespace

TEST_CASE("vgpuctl ollama info --json describes the fake installation") {
  FakeOllamaTree tree(scratch("info"));
  tree.setMode(tree.libraryRoot() + QStringLiteral("/cuda_v13"), 0700);
  const Run run = vgpuctl(tree, {QStringLiteral("ollama"), QStringLiteral("info"), QStringLiteral("--json")});
  INFO(run.err.toStdString());
  CHECK(run.code == 0);
  const QJsonObject info = parseJson(run.out);
  CHECK(info[QStringLiteral("root")].toString() == tree.root());
  CHECK(info[QStringLiteral("unit")][QStringLiteral("path")].toString() ==
        QStringLiteral("/etc/systemd/system/ollama.service"));
  CHECK(info[QStringLiteral("dropIns")].toArray().size() == 1);
  CHECK(info[QStringLiteral("user")][QStringLiteral("name")].toString() == QStringLiteral("ollama"));
  CHECK(info[QStringLiteral("user")][QStringLiteral("uid")].toInt() == 998);
  CHECK(info[QStringLiteral("binary")][QStringLiteral("source")].toString() == QStringLiteral("ExecStart"));
  CHECK(info[QStringLiteral("binary")][QStringLiteral("resolved")].toString() ==
        QStringLiteral("/usr/local/bin/ollama"));
  CHECK(info[QStringLiteral("version")][QStringLiteral("text")].toString() == QStringLiteral(VGPU_FAKE_OLLAMA_VERSION));
  CHECK(info[QStringLiteral("version")][QStringLiteral("era")].toString() == QStringLiteral("A"));
  CHECK(info[QStringLiteral("libraryRoot")][QStringLiteral("path")].toString() ==
        QStringLiteral("/usr/local/lib/ollama"));
  const QJsonArray variants = info[QStringLiteral("variants")].toArray();
  REQUIRE(variants.size() == 3);
  const QJsonObject v12 = variants[0].toObject();
  CHECK(v12[QStringLiteral("name")].toString() == QStringLiteral("cuda_v12"));
  CHECK(v12[QStringLiteral("status")].toString() == QStringLiteral("visible"));
  CHECK(v12[QStringLiteral("kind")].toString() == QStringLiteral("cuda"));
  CHECK(v12[QStringLiteral("cudaRuntimes")].toArray() == QJsonArray{QStringLiteral("12.8.90")});
  CHECK(v12[QStringLiteral("hasGgmlCuda")].toBool());
  CHECK(v12[QStringLiteral("serviceUserAccess")].toBool());
  const QJsonObject v13 = variants[1].toObject();
  CHECK_FALSE(v13[QStringLiteral("serviceUserAccess")].toBool());
  CHECK(v13[QStringLiteral("serviceUserAccessProblem")].toString().contains(QStringLiteral("cannot read and enter")));
  CHECK(variants[2].toObject()[QStringLiteral("kind")].toString() == QStringLiteral("vulkan"));
  const QJsonArray findings = info[QStringLiteral("findings")].toArray();
  REQUIRE(findings.size() == 1);
  CHECK(findings[0][QStringLiteral("id")].toString() == QStringLiteral("ollama-num-gpu"));
  CHECK(findings[0][QStringLiteral("origin")].toString() ==
        QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf:2"));
  CHECK(info[QStringLiteral("problems")].toArray().isEmpty());
}

TEST_CASE("vgpuctl ollama info prints text, and exits 1 when there is no Ollama at all") {
  FakeOllamaTree tree(scratch("info-text"));
  const Run run = vgpuctl(tree, {QStringLiteral("ollama"), QStringLiteral("info")});
  CHECK(run.code == 0);
  CHECK(run.out.contains(QStringLiteral("binary:       /usr/local/bin/ollama (from ExecStart)\n")));
  CHECK(run.out.contains(QStringLiteral("version:      " VGPU_FAKE_OLLAMA_VERSION " (era A; ")));
  CHECK(run.out.contains(QStringLiteral("cuda_v12     visible         cuda    CUDA runtime 12.8.90 libggml-cuda.so")));
  CHECK(run.out.contains(QStringLiteral("Ollama does not read OLLAMA_NUM_GPU")));

  vgpu::test::FakeOllamaOptions none;
  none.unitFile = false;
  none.binaryPath.clear();
  none.numGpuOverride = false;
  FakeOllamaTree empty(scratch("info-none"), none);
  const Run missing = vgpuctl(empty, {QStringLiteral("ollama"), QStringLiteral("info")});
  CHECK(missing.code == 1);
  CHECK(missing.err.contains(QStringLiteral("no Ollama installation found")));
  CHECK(vgpuctl(tree, {QStringLiteral("ollama")}).code == 2);
  CHECK(vgpuctl(tree, {QStringLiteral("ollama"), QStringLiteral("info"), QStringLiteral("--bogus")}).code == 2);
}

TEST_CASE("vgpuctl env get shows managed values, effective values and override relations") {
  FakeOllamaTree tree(scratch("env-get"));
  tree.writeFile(kDropIn, (kMarker + QStringLiteral("\n[Service]\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n"
                                                    "Environment=\"OLLAMA_DEBUG=1\"\n"))
                              .toUtf8());
  tree.writeDropIn(QStringLiteral("override.conf"),
                   "[Service]\nEnvironment=\"OLLAMA_NUM_GPU=999\"\nEnvironment=\"OLLAMA_DEBUG=2\"\n");
  const Run run = vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("get"), QStringLiteral("--json")});
  CHECK(run.code == 0);
  const QJsonObject document = parseJson(run.out);
  CHECK(document[QStringLiteral("dropIn")][QStringLiteral("state")].toString() == QStringLiteral("managed"));
  const QJsonArray variables = document[QStringLiteral("variables")].toArray();
  REQUIRE(variables.size() == 9); // the table's settable variables (removal-only ones are not listed)
  const QJsonObject library = variables[0].toObject();
  CHECK(library[QStringLiteral("name")].toString() == QStringLiteral("OLLAMA_LLM_LIBRARY"));
  CHECK(library[QStringLiteral("value")].toString() == QStringLiteral("cuda_v12"));
  CHECK(library[QStringLiteral("effective")][QStringLiteral("origin")].toString() == kDropIn + QStringLiteral(":3"));
  CHECK(library[QStringLiteral("type")].toString() == QStringLiteral("variant-folder"));
  const QJsonObject debug = variables[1].toObject();
  CHECK(debug[QStringLiteral("effective")][QStringLiteral("value")].toString() == QStringLiteral("2"));
  const QJsonArray relations = debug[QStringLiteral("relations")].toArray();
  REQUIRE(relations.size() == 1);
  CHECK(relations[0][QStringLiteral("kind")].toString() == QStringLiteral("overridden-by"));
  CHECK(relations[0][QStringLiteral("text")].toString() ==
        QStringLiteral("overridden by /etc/systemd/system/ollama.service.d/override.conf:3"));
  CHECK(variables[2][QStringLiteral("value")].isNull());
  CHECK(document[QStringLiteral("findings")].toArray().size() == 1);

  const Run one = vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("get"), QStringLiteral("OLLAMA_DEBUG")});
  CHECK(one.code == 0);
  CHECK(one.out.contains(QStringLiteral("OLLAMA_DEBUG\n  in 50-vgpu.conf: 1\n  effective:       2 "
                                        "(/etc/systemd/system/ollama.service.d/override.conf:3)\n  overridden by ")));
  CHECK_FALSE(one.out.contains(QStringLiteral("OLLAMA_LLM_LIBRARY\n")));
}

TEST_CASE("vgpuctl env set/unset --dry-run print the exact new drop-in and a diff; no helper, nothing written") {
  FakeOllamaTree tree(scratch("env-set"));
  const Run set = vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("set"),
                                 QStringLiteral("OLLAMA_LLM_LIBRARY=cuda_v12"), QStringLiteral("--dry-run")});
  INFO(set.err.toStdString());
  CHECK(set.code == 0);
  const QString content = kMarker + QStringLiteral("\n[Service]\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n");
  CHECK(set.out == QStringLiteral("diff:\n--- /dev/null\n+++ b") + kDropIn + QStringLiteral("\n@@ -0,0 +1,3 @@\n+") +
                       kMarker + QStringLiteral("\n+[Service]\n+Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n") +
                       QStringLiteral("new content of ") + kDropIn + QStringLiteral(":\n") + content +
                       QStringLiteral("(dry run: nothing written)\n"));
  CHECK_FALSE(QFile::exists(tree.hostPath(kDropIn)));

  qputenv("VGPU_HELPER", "/nonexistent/vgpu-helper");
  const Run apply = vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("set"), QStringLiteral("OLLAMA_DEBUG=1")});
  qunsetenv("VGPU_HELPER");
  CHECK(apply.code == 1);
  CHECK(apply.err.contains(QStringLiteral("cannot start /nonexistent/vgpu-helper")));
  CHECK_FALSE(QFile::exists(tree.hostPath(kDropIn)));

  tree.writeFile(kDropIn, content.toUtf8());
  const Run unset = vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("unset"), QStringLiteral("OLLAMA_LLM_LIBRARY"),
                                   QStringLiteral("--dry-run")});
  CHECK(unset.code == 0);
  CHECK(unset.out.contains(QStringLiteral("\n-Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n")));
  CHECK(unset.out.contains(QStringLiteral("new content of ") + kDropIn + QStringLiteral(":\n") + kMarker +
                           QStringLiteral("\n[Service]\n(dry run")));

  const Run bad = vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("set"),
                                 QStringLiteral("OLLAMA_LLM_LIBRARY=cuda_v9"), QStringLiteral("--dry-run")});
  CHECK(bad.code == 1);
  CHECK(bad.err.contains(QStringLiteral("refused: no variant folder 'cuda_v9' in /usr/local/lib/ollama; installed: "
                                        "cuda_v12, cuda_v13, vulkan (or auto)")));
  const Run same = vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("set"),
                                  QStringLiteral("OLLAMA_LLM_LIBRARY=cuda_v12"), QStringLiteral("--dry-run")});
  CHECK(same.code == 0);
  CHECK(same.out.startsWith(QStringLiteral("no change: ")));
  CHECK(vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("set"), QStringLiteral("NOEQUALS")}).code == 2);
  CHECK(vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("frob")}).code == 2);
  CHECK(vgpuctl(tree, {QStringLiteral("env"), QStringLiteral("unset"), QStringLiteral("bad-name")}).code == 2);
}

// runtime.ollama-processes: what the installation checks predict, confirmed on the live processes.
// A process keeps the environment and libraries it started with, so a fixed unit does not help a
// server that still runs: the findings name the pid and the remedy says to restart. Each process
// yields its own findings; the check reports the worst (fail before warn) and keeps them all as
// evidence.
#include "doctor/machine/runtime_checks.h"

#include "doctor/engine/remedy_actions.h"
#include "doctor/machine/override_check.h"

#include "changes/library_shadowing.h"
#include "doctor/machine/ollama_checks.h"
#include "doctor/machine/ollama_processes.h"
#include "doctor/machine/runtime_sockets.h"

#include <QFileInfo>

#include <algorithm>
#include <optional>

namespace vgpu::controller::doctor {

namespace {

struct Finding {
  CheckStatus status = CheckStatus::Pass;
  QString summary;
  std::optional<Remedy> remedy;
};

Remedy installForServiceRemedy(const QString& why) {
  return Remedy{why + QStringLiteral(" Install vgpu's shim for the service (vgpuctl install --scope service), then "
                                     "restart ollama.service: a running process keeps the environment and libraries "
                                     "it started with."),
                remedyCommandOf(RemedyActionId::InstallShim)};
}

QString describe(const OllamaProcess& process) {
  return QStringLiteral("%1 pid %2").arg(ollamaProcessRoleName(process.role)).arg(process.pid);
}

bool isShimFile(const QString& path, const QString& shimDir) {
  return (!shimDir.isEmpty() && QFileInfo(path).path() == shimDir) ||
         QFileInfo(path).fileName().startsWith(QLatin1String("libvgpu-cuda"));
}

QStringList pathList(const OllamaProcess& process, const QString& name) {
  return process.environment.value(name).split(u':', Qt::SkipEmptyParts);
}

// The variant folders a runner was given: OLLAMA_LIBRARY_PATH (era A) or GGML_BACKEND_PATH's
// folder (era B); empty when neither is set.
QStringList runnerLibraryFolders(const OllamaProcess& process) {
  QStringList folders = pathList(process, QStringLiteral("OLLAMA_LIBRARY_PATH"));
  const QString backend = process.environment.value(QStringLiteral("GGML_BACKEND_PATH"));
  if (!backend.isEmpty()) {
    folders.append(QFileInfo(backend).path());
  }
  return folders;
}

// `shimOnLoaderPath`: the shim directory is in ld.so.conf (system scope), so the server needs no
// LD_LIBRARY_PATH entry for it.
void examine(const OllamaProcess& process, const QString& shimDir, bool shimOnLoaderPath, const QString& requested,
             QList<Finding>& findings) {
  const QString cuda = process.mappedCudaDriver();
  if (!cuda.isEmpty() && !isShimFile(cuda, shimDir)) {
    findings.append(
        {CheckStatus::Fail, QStringLiteral("%1 has %2 loaded, not vgpu's libcuda.so.1").arg(describe(process), cuda),
         installForServiceRemedy(QStringLiteral("Another libcuda.so.1 (%1) is found before vgpu's shim.").arg(cuda))});
  }
  const bool environmentRead = process.environmentError.isEmpty();
  if (process.role == OllamaProcessRole::Serve) {
    if (environmentRead && !shimDir.isEmpty() && !shimOnLoaderPath &&
        !pathList(process, QStringLiteral("LD_LIBRARY_PATH")).contains(shimDir)) {
      findings.append(
          {CheckStatus::Fail, QStringLiteral("%1 runs without %2 on LD_LIBRARY_PATH").arg(describe(process), shimDir),
           installForServiceRemedy(
               QStringLiteral("The server's runners inherit its LD_LIBRARY_PATH, which lacks %1.").arg(shimDir))});
    }
    return;
  }
  if (process.runnerOnCpu()) {
    findings.append({CheckStatus::Warn,
                     QStringLiteral("%1 has no libggml-cuda.so loaded: it runs on the CPU").arg(describe(process)),
                     Remedy{QStringLiteral("See loader.libggml-cuda and logs.discovery-verdict for why the CUDA "
                                           "backend did not load."),
                            std::nullopt}});
  }
  if (environmentRead && !requested.isEmpty()) {
    const QStringList folders = runnerLibraryFolders(process);
    const bool given = std::any_of(folders.begin(), folders.end(), [&requested](const QString& folder) {
      return QFileInfo(folder).fileName() == requested;
    });
    if (!folders.isEmpty() && !given) {
      findings.append({CheckStatus::Warn,
                       QStringLiteral("%1 was given %2, not the requested %3")
                           .arg(describe(process), folders.join(u':'), requested),
                       Remedy{QStringLiteral("Restart ollama.service so it starts its runners with the current "
                                             "OLLAMA_LLM_LIBRARY."),
                              std::nullopt}});
    }
  }
}

QList<Evidence> evidenceFor(const OllamaProcess& process, const QString& procRoot) {
  const QString dir = QStringLiteral("%1/%2").arg(procRoot).arg(process.pid);
  QList<Evidence> evidence;
  evidence.append({QStringLiteral("%1 (parent %2)").arg(describe(process)).arg(process.parentPid),
                   dir + QStringLiteral("/cmdline"), process.arguments.join(u' ')});
  if (process.mapsError.isEmpty()) {
    QStringList loaded;
    for (const QStringView prefix : {u"libggml-cuda", u"libcuda.so", u"libvgpu-cuda", u"libnvidia-ml.so"}) {
      const QString path = process.mappedFile(prefix);
      if (!path.isEmpty()) {
        loaded.append(path);
      }
    }
    evidence.append({QStringLiteral("GPU libraries mapped"), dir + QStringLiteral("/maps"),
                     loaded.isEmpty() ? QStringLiteral("none") : loaded.join(u' ')});
  } else {
    evidence.append({QStringLiteral("GPU libraries mapped"), dir + QStringLiteral("/maps"), process.mapsError});
  }
  if (process.environmentError.isEmpty()) {
    QStringList assignments;
    for (const QString& name : {QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("OLLAMA_LIBRARY_PATH"),
                                QStringLiteral("GGML_BACKEND_PATH"), QStringLiteral("OLLAMA_LLM_LIBRARY")}) {
      if (process.environment.contains(name)) {
        assignments.append(name + u'=' + process.environment.value(name));
      }
    }
    evidence.append({QStringLiteral("library environment"), dir + QStringLiteral("/environ"),
                     assignments.isEmpty() ? QStringLiteral("none of LD_LIBRARY_PATH, OLLAMA_LIBRARY_PATH, "
                                                            "GGML_BACKEND_PATH, OLLAMA_LLM_LIBRARY set")
                                           : assignments.join(u' ')});
  } else {
    evidence.append(
        {QStringLiteral("library environment"), dir + QStringLiteral("/environ"), process.environmentError});
  }
  return evidence;
}

} // namespace

CheckResult checkOllamaProcesses(const DoctorContext& context) {
  if (context.procRoot.isEmpty()) {
    return CheckResult::skip(QStringLiteral("running processes were not examined (no proc tree given)"));
  }
  if (!QFileInfo(context.procRoot).isDir()) {
    return CheckResult::skip(QStringLiteral("no proc tree at %1").arg(context.procRoot));
  }
  const QList<OllamaProcess> processes = findOllamaProcesses(context.procRoot);
  if (processes.isEmpty()) {
    return CheckResult::skip(
        QStringLiteral("no Ollama process runs (no ollama serve, runner or llama-server in %1)").arg(context.procRoot));
  }
  const QString requested = context.installation ? requestedLibrary(*context.installation) : QString();
  const QList<LoaderDirectory> loaderPath = loaderDirectories(SystemRoot(context.root));
  const bool shimOnLoaderPath =
      std::any_of(loaderPath.begin(), loaderPath.end(),
                  [&context](const LoaderDirectory& dir) { return dir.path == context.shimDir; });
  QList<Finding> findings;
  QList<Evidence> evidence;
  int runners = 0;
  for (const OllamaProcess& process : processes) {
    examine(process, context.shimDir, shimOnLoaderPath, requested, findings);
    evidence.append(evidenceFor(process, context.procRoot));
    runners += process.role == OllamaProcessRole::Serve ? 0 : 1;
  }
  QList<OllamaProcess> shimProcesses;
  for (const OllamaProcess& process : processes) {
    const QString cuda = process.mappedCudaDriver();
    if (!cuda.isEmpty() && isShimFile(cuda, context.shimDir)) {
      shimProcesses.append(process);
    }
  }
  if (!context.askControlSockets) {
    evidence.append({QStringLiteral("shim control socket"), QStringLiteral("not examined"),
                     QStringLiteral("the doctor was not asked to contact running processes")});
  } else if (shimProcesses.isEmpty()) {
    evidence.append({QStringLiteral("shim control socket"), QStringLiteral("not examined"),
                     QStringLiteral("no Ollama process has vgpu's libcuda.so.1 loaded")});
  } else {
    for (const auto& [pid, socket] : askControlSockets(shimProcesses, context.root)) {
      evidence.append(socket.evidence);
      if (socket.status != CheckStatus::Pass) {
        findings.append({socket.status, socket.summary, Remedy{socket.remedy, std::nullopt}});
      }
    }
  }
  CheckResult result;
  const auto worst = std::find_if(findings.begin(), findings.end(),
                                  [](const Finding& finding) { return finding.status == CheckStatus::Fail; });
  if (!findings.isEmpty()) {
    const Finding& finding = worst != findings.end() ? *worst : findings.constFirst();
    result =
        finding.status == CheckStatus::Fail ? CheckResult::fail(finding.summary) : CheckResult::warn(finding.summary);
    result.remedy = finding.remedy;
    QStringList all;
    for (const Finding& each : findings) {
      all.append(each.summary);
    }
    result.explanation = findings.size() > 1 ? all.join(u'\n') : QString(); // one: the summary says it
  } else {
    result = CheckResult::pass(
        runners == 0 ? QStringLiteral("%1 Ollama process(es) with vgpu's shim on LD_LIBRARY_PATH; no "
                                      "runner is loaded now")
                           .arg(processes.size())
                     : QStringLiteral("%1 runner(s) run with libggml-cuda.so and vgpu's libcuda.so.1").arg(runners));
  }
  result.evidence = evidence;
  // A later drop-in beating the managed LD_LIBRARY_PATH: reinstalling and restarting would loop.
  preferOverrideRemedy(context, result);
  return result;
}

} // namespace vgpu::controller::doctor

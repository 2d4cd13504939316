// The log checks: thin wrappers that turn the discovery verdict into check results with
// evidence pointing at file:line and a remedy with the helper verb where one applies.
#include "doctor/logs/log_checks.h"

#include "doctor/engine/remedy_actions.h"

#include "doctor/logs/discovery_facts.h"
#include "doctor/logs/discovery_verdict.h"

namespace vgpu::controller::doctor {

namespace {

QString whereOf(const OllamaLogInput& input, int line) {
  return QStringLiteral("%1:%2").arg(input.origin).arg(line);
}

Remedy remedyOf(const DiscoveryCause& cause) {
  Remedy remedy{cause.nextStep, std::nullopt};
  if (cause.action) {
    remedy.action = cause.action;
  }
  return remedy;
}

QString causesText(const DiscoveryVerdict& verdict) {
  QString text = QStringLiteral("Era: %1 (%2). Log level: %3.")
                     .arg(eraName(verdict.era.era), verdict.era.reason, logLevelName(verdict.logLevel));
  if (!verdict.requestedLibrary.isEmpty()) {
    text += QStringLiteral(" OLLAMA_LLM_LIBRARY=%1.").arg(verdict.requestedLibrary);
  }
  if (verdict.serverStarts > 1) {
    text += QStringLiteral(" %1 server starts in the log; only the last (from line %2) counts.")
                .arg(verdict.serverStarts)
                .arg(verdict.lastStartLine);
  }
  if (!verdict.causes.isEmpty()) {
    text += QStringLiteral("\n\nCauses, most likely first:\n");
    int rank = 0;
    for (const DiscoveryCause& cause : verdict.causes) {
      text += QStringLiteral("\n%1. %2 [%3, %4]\n   %5\n   Next step: %6\n")
                  .arg(++rank)
                  .arg(cause.title, evidenceStrengthName(cause.strength), cause.id, cause.explanation, cause.nextStep);
    }
  }
  text += QStringLiteral("\nDiscovery timeline of the last server start:\n\n");
  for (const TimelineEntry& entry : verdict.timeline) {
    text += QStringLiteral("    line %1  %2  %3\n").arg(entry.line).arg(entry.event, entry.summary);
  }
  return text;
}

// The text of line `line` (journal prefix removed), as evidence excerpts quote it.
QString lineText(const OllamaLog& log, int line) {
  for (const LogEvent& event : log.events) {
    if (event.line == line) {
      return event.text;
    }
  }
  return QString();
}

// The log input when it is present and usable; otherwise the reason it is not.
const OllamaLog* usableLog(const DoctorContext& context, QString* why) {
  if (!context.ollamaLog) {
    *why = QStringLiteral("no Ollama log given (vgpuctl doctor --log FILE; reading the journal comes with the "
                          "service model)");
    return nullptr;
  }
  if (!context.ollamaLog->readError.isEmpty() || !context.ollamaLog->log) {
    *why = context.ollamaLog->readError;
    return nullptr;
  }
  return context.ollamaLog->log.get();
}

} // namespace

CheckResult checkOllamaLog(const DoctorContext& context) {
  QString why;
  const OllamaLog* log = usableLog(context, &why);
  if (log == nullptr) {
    if (!context.ollamaLog) {
      return CheckResult::skip(why);
    }
    CheckResult result = CheckResult::fail(why);
    result.remedy = Remedy{QStringLiteral("Give a readable log file, e.g. journalctl -u ollama > ollama.log."), {}};
    return result;
  }
  const OllamaLogInput& input = *context.ollamaLog;
  if (!log->isOllamaLog) {
    CheckResult result =
        CheckResult::fail(QStringLiteral("not an Ollama log: none of its %1 lines is a line the Ollama server writes")
                              .arg(log->lineCount));
    if (!log->events.isEmpty()) {
      result.evidence.append({QStringLiteral("first line"), whereOf(input, log->events.constFirst().line),
                              log->events.constFirst().text.left(200)});
    }
    result.remedy = Remedy{QStringLiteral("Give the Ollama server's log: journalctl -u ollama --since <last restart> "
                                          "> ollama.log, or the file `ollama serve` writes to."),
                           {}};
    return result;
  }
  const ServerStart& last = log->starts.constLast();
  CheckResult result = CheckResult::pass(QStringLiteral("Ollama server log: %1 lines, %2 recognised, %3 server "
                                                        "start(s); the last starts at line %4")
                                             .arg(log->lineCount)
                                             .arg(log->recognizedLines)
                                             .arg(log->starts.size())
                                             .arg(last.firstLine));
  if (log->malformedLines > 0) {
    result.summary += QStringLiteral(" (%1 malformed slog lines kept as text)").arg(log->malformedLines);
  }
  result.evidence.append(
      {QStringLiteral("last server start"), whereOf(input, last.firstLine), last.events.constFirst().text.left(300)});
  return result;
}

CheckResult checkDebugLevelSufficient(const DoctorContext& context) {
  QString why;
  const OllamaLog* log = usableLog(context, &why);
  if (log == nullptr || !log->isOllamaLog) {
    return CheckResult::skip(log == nullptr ? why : QStringLiteral("not an Ollama log"));
  }
  const DiscoveryFacts facts = gatherDiscoveryFacts(log->starts.constLast());
  const QString level = logLevelName(facts.verbosity);
  CheckResult result;
  if (facts.debugVisible) {
    result = CheckResult::pass(QStringLiteral("the log shows discovery at %1 level").arg(level));
  } else if (facts.mode == DiscoveryMode::Gpu) {
    result = CheckResult::pass(QStringLiteral("the log is at Info level, which is enough: the GPU was found"));
  } else {
    result = CheckResult::warn(QStringLiteral("the log is at Info level: the Debug discovery lines that decide why "
                                              "Ollama chose the CPU are not in it"));
    result.explanation =
        QStringLiteral("At Info level no line about the requested library (OLLAMA_LLM_LIBRARY) is expected; its "
                       "absence is not evidence that Ollama passed the folder over. OLLAMA_DEBUG=1 adds the skip "
                       "lines, the \"bootstrap discovery took … OLLAMA_LIBRARY_PATH=[…]\" lines and initial_count.");
    result.remedy = Remedy{QStringLiteral("Set OLLAMA_DEBUG=1 temporarily, restart Ollama and run the doctor on the "
                                          "new log; remove the setting afterwards."),
                           remedyCommandOf(RemedyActionId::RaiseDebug)};
  }
  if (facts.serverConfig != nullptr) {
    result.evidence.append(
        {QStringLiteral("OLLAMA_DEBUG as the server reports it"), whereOf(*context.ollamaLog, facts.serverConfig->line),
         QStringLiteral("OLLAMA_DEBUG:%1").arg(facts.serverEnv.value(QStringLiteral("OLLAMA_DEBUG")))});
  }
  result.details = QJsonObject{{QStringLiteral("logLevel"), level}};
  return result;
}

CheckResult checkDiscoveryVerdict(const DoctorContext& context) {
  QString why;
  const OllamaLog* log = usableLog(context, &why);
  if (log == nullptr) {
    return CheckResult::skip(why);
  }
  const OllamaLogInput& input = *context.ollamaLog;
  const DiscoveryVerdict verdict = analyseDiscovery(*log);
  CheckResult result;
  switch (verdict.mode) {
  case DiscoveryMode::Gpu: result = CheckResult::pass(verdict.summary); break;
  case DiscoveryMode::Cpu:
  case DiscoveryMode::NotOllamaLog: result = CheckResult::fail(verdict.summary); break;
  case DiscoveryMode::Undecided: result = CheckResult::warn(verdict.summary); break;
  }
  result.details = verdictToJson(verdict);
  if (verdict.mode == DiscoveryMode::NotOllamaLog) {
    return result;
  }
  result.explanation = causesText(verdict);
  for (const ComputeDevice& device : verdict.devices) {
    result.evidence.append(
        {QStringLiteral("the device Ollama will use"), whereOf(input, device.line), lineText(*log, device.line)});
  }
  if (!verdict.causes.isEmpty()) {
    const DiscoveryCause& top = verdict.causes.constFirst();
    for (const LogEvidence& item : top.evidence) {
      result.evidence.append({item.why, whereOf(input, item.line), item.excerpt});
    }
    result.remedy = remedyOf(top);
  }
  return result;
}

} // namespace vgpu::controller::doctor

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>vgpu::console::DashboardPage</name>
    <message>
        <source>&lt;b&gt;No CUDA process is using the vgpu shim yet.&lt;/b&gt;&lt;br&gt;Start a CUDA program with the shim first on its library path, for example:&lt;br&gt;&lt;tt&gt;LD_LIBRARY_PATH=/usr/lib/vgpu ./my-cuda-program&lt;/tt&gt;&lt;br&gt;Its VRAM, kernel launches and call latency will appear here.</source>
        <translation>&lt;b&gt;Noch kein CUDA-Prozess verwendet den vgpu-Shim.&lt;/b&gt;&lt;br&gt;Starten Sie ein CUDA-Programm mit dem Shim vorn im Bibliothekspfad, zum Beispiel:&lt;br&gt;&lt;tt&gt;LD_LIBRARY_PATH=/usr/lib/vgpu ./mein-cuda-programm&lt;/tt&gt;&lt;br&gt;Sein VRAM, seine Kernel-Starts und die Aufruflatenz erscheinen dann hier.</translation>
    </message>
    <message>
        <source>Dashboard status</source>
        <translation>Status der Übersicht</translation>
    </message>
    <message>
        <source>VRAM used over time</source>
        <translation>Belegter VRAM im Zeitverlauf</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>Zeit (s)</translation>
    </message>
    <message>
        <source>VRAM used (MiB)</source>
        <translation>Belegter VRAM (MiB)</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DiagnosticsPage</name>
    <message>
        <source>Pass</source>
        <translation>Bestanden</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>R&amp;un diagnostics</source>
        <translation>Diagnose a&amp;usführen</translation>
    </message>
    <message>
        <source>Run diagnostics</source>
        <translation>Diagnose ausführen</translation>
    </message>
    <message>
        <source>&amp;Apply fix</source>
        <translation>Korrektur &amp;anwenden</translation>
    </message>
    <message>
        <source>Apply the selected check&apos;s fix</source>
        <translation>Die Korrektur der ausgewählten Prüfung anwenden</translation>
    </message>
    <message>
        <source>&amp;Export report…</source>
        <translation>Bericht &amp;exportieren …</translation>
    </message>
    <message>
        <source>Export the report as Markdown or JSON</source>
        <translation>Den Bericht als Markdown oder JSON exportieren</translation>
    </message>
    <message>
        <source>Run the diagnostics to find out whether Ollama can use the virtual GPU.</source>
        <translation>Führen Sie die Diagnose aus, um herauszufinden, ob Ollama die virtuelle GPU nutzen kann.</translation>
    </message>
    <message>
        <source>Diagnostics summary</source>
        <translation>Zusammenfassung der Diagnose</translation>
    </message>
    <message>
        <source>Diagnostic results</source>
        <translation>Diagnoseergebnisse</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Running the diagnostics…</source>
        <translation>Diagnose läuft …</translation>
    </message>
    <message>
        <source>Result: %1</source>
        <translation>Ergebnis: %1</translation>
    </message>
    <message>
        <source>Skipped because: %1</source>
        <translation>Übersprungen, weil: %1</translation>
    </message>
    <message>
        <source>Evidence: %1 (%2)</source>
        <translation>Beleg: %1 (%2)</translation>
    </message>
    <message>
        <source>Remedy: %1</source>
        <translation>Abhilfe: %1</translation>
    </message>
    <message>
        <source>(&quot;Apply fix&quot; runs: vgpu-helper %1)</source>
        <translation>(„Korrektur anwenden“ führt aus: vgpu-helper %1)</translation>
    </message>
    <message>
        <source>%1 passed, %2 warnings, %3 failed, %4 skipped.</source>
        <translation>%1 bestanden, %2 Warnungen, %3 fehlgeschlagen, %4 übersprungen.</translation>
    </message>
    <message>
        <source>Applying the fix for &quot;%1&quot;…</source>
        <translation>Korrektur für „%1“ wird angewendet …</translation>
    </message>
    <message>
        <source>Fix for &quot;%1&quot; applied: %2. Run the diagnostics again to confirm.</source>
        <translation>Korrektur für „%1“ angewendet: %2. Führen Sie die Diagnose erneut aus, um es zu bestätigen.</translation>
    </message>
    <message>
        <source>Fix for &quot;%1&quot; failed: %2</source>
        <translation>Korrektur für „%1“ fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>There is no report yet: run the diagnostics first.</source>
        <translation>Es gibt noch keinen Bericht: Führen Sie zuerst die Diagnose aus.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Export diagnostics report</source>
        <translation>Diagnosebericht exportieren</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Report written to %1.</source>
        <translation>Bericht nach %1 geschrieben.</translation>
    </message>
    <message>
        <source>Details of the selected check</source>
        <translation>Einzelheiten der ausgewählten Prüfung</translation>
    </message>
</context>
<context>
    <name>vgpu::console::JournalView</name>
    <message>
        <source>Filter the log (text contained in the line)</source>
        <translation>Protokoll filtern (in der Zeile enthaltener Text)</translation>
    </message>
    <message>
        <source>Log filter</source>
        <translation>Protokollfilter</translation>
    </message>
    <message>
        <source>Lines starting with %1 are GPU discovery lines.</source>
        <translation>Zeilen, die mit %1 beginnen, gehören zur GPU-Erkennung.</translation>
    </message>
    <message>
        <source>ollama.service log</source>
        <translation>Protokoll von ollama.service</translation>
    </message>
    <message>
        <source>GPU discovery line</source>
        <translation>Zeile der GPU-Erkennung</translation>
    </message>
    <message>
        <source>The log cannot be read: %1</source>
        <translation>Das Protokoll kann nicht gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>vgpu::console::MainWindow</name>
    <message>
        <source>vgpu console</source>
        <translation>vgpu-Konsole</translation>
    </message>
    <message>
        <source>Console pages</source>
        <translation>Seiten der Konsole</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>No telemetry sources connected</source>
        <translation>Keine Telemetriequellen verbunden</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnose</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ServicePage</name>
    <message>
        <source>Service %1</source>
        <translation>Dienst %1</translation>
    </message>
    <message>
        <source>Service state</source>
        <translation>Zustand des Dienstes</translation>
    </message>
    <message>
        <source>Service sub-state</source>
        <translation>Unterzustand des Dienstes</translation>
    </message>
    <message>
        <source>Main process ID</source>
        <translation>Hauptprozess-ID</translation>
    </message>
    <message>
        <source>Service uptime</source>
        <translation>Laufzeit des Dienstes</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>Zustand:</translation>
    </message>
    <message>
        <source>Sub-state:</source>
        <translation>Unterzustand:</translation>
    </message>
    <message>
        <source>Main PID:</source>
        <translation>Haupt-PID:</translation>
    </message>
    <message>
        <source>Uptime:</source>
        <translation>Laufzeit:</translation>
    </message>
    <message>
        <source>reading…</source>
        <translation>wird gelesen …</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Start ollama.service</source>
        <translation>ollama.service starten</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>Sto&amp;ppen</translation>
    </message>
    <message>
        <source>Stop ollama.service</source>
        <translation>ollama.service stoppen</translation>
    </message>
    <message>
        <source>&amp;Restart</source>
        <translation>&amp;Neu starten</translation>
    </message>
    <message>
        <source>Restart ollama.service</source>
        <translation>ollama.service neu starten</translation>
    </message>
    <message>
        <source>Result of the last job</source>
        <translation>Ergebnis des letzten Auftrags</translation>
    </message>
    <message>
        <source>Running %1 of %2…</source>
        <translation>%1 von %2 läuft …</translation>
    </message>
    <message>
        <source>%1 of %2 finished: %3</source>
        <translation>%1 von %2 beendet: %3</translation>
    </message>
    <message>
        <source>%1 of %2 failed: %3</source>
        <translation>%1 von %2 fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>unknown: %1</source>
        <translation>unbekannt: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>not active</source>
        <translation>nicht aktiv</translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ConsoleHelp</name>
    <message>
        <source>&lt;p&gt;The desktop face of vgpu: live telemetry of the processes using the vgpu shim, the vgpud hosts, the Ollama service, diagnostics with remedies and the shim&apos;s configuration. Every change to the system goes through vgpu-helper under polkit.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Die Desktop-Oberfläche von vgpu: Live-Telemetrie der Prozesse, die den vgpu-Shim verwenden, die vgpud-Hosts, der Ollama-Dienst, Diagnose mit Abhilfen und die Konfiguration des Shims. Jede Änderung am System geht über vgpu-helper unter polkit.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Built with Qt %1 (running on Qt %2) and QCustomPlot %3.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Erstellt mit Qt %1 (läuft mit Qt %2) und QCustomPlot %3.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;License: none granted yet; all rights reserved by the vgpu maintainers. Qt is used under the LGPL v3, QCustomPlot under the GPL v3.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Lizenz: bisher keine erteilt; alle Rechte bei den vgpu-Maintainern. Qt wird unter der LGPL v3 verwendet, QCustomPlot unter der GPL v3.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>OverrideConsent</name>
    <message>
        <source>The fix names no drop-in line: %1</source>
        <translation>Die Korrektur nennt keine Drop-in-Zeile: %1</translation>
    </message>
    <message>
        <source>This fix edits %1, a file vgpu does not manage: line %2 (%3) moves into %4, and is taken out of %1.</source>
        <translation>Diese Korrektur ändert %1, eine Datei, die vgpu nicht verwaltet: Zeile %2 (%3) wird nach %4 verschoben und aus %1 entfernt.</translation>
    </message>
    <message>
        <source>This fix edits %1, a file vgpu does not manage: line %2 (%3) is taken out of it, so the value in %4 applies.</source>
        <translation>Diese Korrektur ändert %1, eine Datei, die vgpu nicht verwaltet: Zeile %2 (%3) wird daraus entfernt, sodass der Wert in %4 gilt.</translation>
    </message>
    <message>
        <source>Edit a file vgpu does not manage?</source>
        <translation>Eine Datei ändern, die vgpu nicht verwaltet?</translation>
    </message>
    <message>
        <source>The fix cannot be applied: %1</source>
        <translation>Die Korrektur kann nicht angewendet werden: %1</translation>
    </message>
    <message>
        <source>Run the diagnostics again to see the files as they are now.</source>
        <translation>Führen Sie die Diagnose erneut aus, um die Dateien in ihrem jetzigen Zustand zu sehen.</translation>
    </message>
    <message>
        <source>Afterwards systemd applies %1. The change is journaled and can be undone with vgpuctl rollback.</source>
        <translation>Danach wendet systemd %1 an. Die Änderung wird protokolliert und kann mit vgpuctl rollback rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Edit the file</source>
        <translation>Datei ändern</translation>
    </message>
</context>
<context>
    <name>PolkitProbe</name>
    <message>
        <source>pkexec is not installed, so the console cannot run vgpu-helper: sudo apt install pkexec</source>
        <translation>pkexec ist nicht installiert, daher kann die Konsole vgpu-helper nicht ausführen: sudo apt install pkexec</translation>
    </message>
    <message>
        <source>No polkit service on the system bus (org.freedesktop.PolicyKit1), so changes cannot be authorized: sudo apt install polkitd, or make the change with `sudo vgpuctl …` in a terminal</source>
        <translation>Kein polkit-Dienst auf dem Systembus (org.freedesktop.PolicyKit1), daher können Änderungen nicht autorisiert werden: sudo apt install polkitd, oder die Änderung mit `sudo vgpuctl …` in einem Terminal vornehmen</translation>
    </message>
</context>
<context>
    <name>ProcessStop</name>
    <message>
        <source>Process %1 belongs to another user.</source>
        <translation>Prozess %1 gehört einem anderen Benutzer.</translation>
    </message>
    <message>
        <source>Process %1 is no longer running.</source>
        <translation>Prozess %1 läuft nicht mehr.</translation>
    </message>
    <message>
        <source>Process %1 has exited; its pid now belongs to another process, which was left alone.</source>
        <translation>Prozess %1 wurde beendet; seine PID gehört jetzt einem anderen Prozess, der unberührt blieb.</translation>
    </message>
    <message>
        <source>Could not stop process %1: %2</source>
        <translation>Prozess %1 konnte nicht gestoppt werden: %2</translation>
    </message>
    <message>
        <source>Sent SIGTERM to process %1.</source>
        <translation>SIGTERM an Prozess %1 gesendet.</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ApplyPage</name>
    <message>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <source>vgpu-helper makes the changes; each one is journaled and can be rolled back.</source>
        <translation>vgpu-helper nimmt die Änderungen vor; jede wird protokolliert und kann zurückgenommen werden.</translation>
    </message>
    <message>
        <source>&amp;Continue to restart</source>
        <translation>&amp;Weiter zum Neustart</translation>
    </message>
    <message>
        <source>Install the shim (%1 scope)</source>
        <translation>Shim installieren (Bereich %1)</translation>
    </message>
    <message>
        <source>Set %1=%2 in the managed drop-in</source>
        <translation>%1=%2 im verwalteten Drop-in setzen</translation>
    </message>
    <message>
        <source>Remove %1 from the managed drop-in</source>
        <translation>%1 aus dem verwalteten Drop-in entfernen</translation>
    </message>
    <message>
        <source>Reload systemd&apos;s unit files</source>
        <translation>Unit-Dateien von systemd neu laden</translation>
    </message>
    <message>
        <source>Write backend=%1 to %2</source>
        <translation>backend=%1 in %2 schreiben</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ChoosePage</name>
    <message>
        <source>Choose</source>
        <translation>Auswählen</translation>
    </message>
    <message>
        <source>Where the shim applies, and which of Ollama&apos;s variant folders it must use.</source>
        <translation>Wo der Shim wirkt und welchen Variantenordner von Ollama er verwenden soll.</translation>
    </message>
    <message>
        <source>Installation scope</source>
        <translation>Installationsbereich</translation>
    </message>
    <message>
        <source>ollama.service only (survives Ollama upgrades)</source>
        <translation>nur ollama.service (übersteht Ollama-Aktualisierungen)</translation>
    </message>
    <message>
        <source>Every program on this machine (ld.so.conf.d entry)</source>
        <translation>Jedes Programm auf diesem Rechner (Eintrag in ld.so.conf.d)</translation>
    </message>
    <message>
        <source>OLLAMA_LLM_LIBRARY: the variant folder Ollama must use</source>
        <translation>OLLAMA_LLM_LIBRARY: der Variantenordner, den Ollama verwenden soll</translation>
    </message>
    <message>
        <source>&amp;Scope:</source>
        <translation>&amp;Bereich:</translation>
    </message>
    <message>
        <source>&amp;OLLAMA_LLM_LIBRARY:</source>
        <translation>&amp;OLLAMA_LLM_LIBRARY:</translation>
    </message>
    <message>
        <source>&quot;Automatic&quot; leaves OLLAMA_LLM_LIBRARY unset: Ollama tries every variant folder.</source>
        <translation>„Automatisch“ lässt OLLAMA_LLM_LIBRARY ungesetzt: Ollama probiert jeden Variantenordner.</translation>
    </message>
    <message>
        <source>Automatic (unset)</source>
        <translation>Automatisch (nicht gesetzt)</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ConfigurationPage</name>
    <message>
        <source>Used by Ollama</source>
        <translation>Von Ollama verwendet</translation>
    </message>
    <message>
        <source>Ignored: no ggml library inside</source>
        <translation>Ignoriert: keine ggml-Bibliothek darin</translation>
    </message>
    <message>
        <source>Broken symlink</source>
        <translation>Defekter symbolischer Link</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>Nicht lesbar</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>Detect the Ollama installation again</source>
        <translation>Die Ollama-Installation erneut erkennen</translation>
    </message>
    <message>
        <source>&amp;Review…</source>
        <translation>&amp;Prüfen…</translation>
    </message>
    <message>
        <source>Review the exact change to the drop-in</source>
        <translation>Die genaue Änderung am Drop-in prüfen</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Anwenden</translation>
    </message>
    <message>
        <source>Apply the changes through vgpu-helper</source>
        <translation>Die Änderungen über vgpu-helper anwenden</translation>
    </message>
    <message>
        <source>Re&amp;start ollama.service</source>
        <translation>ollama.service neu &amp;starten</translation>
    </message>
    <message>
        <source>Restart ollama.service to use the changes</source>
        <translation>ollama.service neu starten, damit die Änderungen wirken</translation>
    </message>
    <message>
        <source>&amp;Undo last change</source>
        <translation>Letzte Änderung &amp;rückgängig machen</translation>
    </message>
    <message>
        <source>Roll back the last applied change</source>
        <translation>Die zuletzt angewendete Änderung zurücknehmen</translation>
    </message>
    <message>
        <source>Configuration status</source>
        <translation>Konfigurationsstatus</translation>
    </message>
    <message>
        <source>Ollama installation</source>
        <translation>Ollama-Installation</translation>
    </message>
    <message>
        <source>Ollama binary</source>
        <translation>Ollama-Programmdatei</translation>
    </message>
    <message>
        <source>Ollama version and discovery era</source>
        <translation>Ollama-Version und Erkennungs-Ära</translation>
    </message>
    <message>
        <source>Ollama library root</source>
        <translation>Ollama-Bibliothekswurzel</translation>
    </message>
    <message>
        <source>Unit file and drop-ins</source>
        <translation>Unit-Datei und Drop-ins</translation>
    </message>
    <message>
        <source>Binary:</source>
        <translation>Programmdatei:</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version:</translation>
    </message>
    <message>
        <source>Library root:</source>
        <translation>Bibliothekswurzel:</translation>
    </message>
    <message>
        <source>Unit files:</source>
        <translation>Unit-Dateien:</translation>
    </message>
    <message>
        <source>Variant folders in the library root</source>
        <translation>Variantenordner in der Bibliothekswurzel</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>CUDA runtime</source>
        <translation>CUDA-Laufzeit</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Problems found while detecting</source>
        <translation>Bei der Erkennung gefundene Probleme</translation>
    </message>
    <message>
        <source>Environment of ollama.service</source>
        <translation>Umgebung von ollama.service</translation>
    </message>
    <message>
        <source>State of the managed drop-in</source>
        <translation>Zustand des verwalteten Drop-ins</translation>
    </message>
    <message>
        <source>OLLAMA_LLM_LIBRARY: the variant folder Ollama must use</source>
        <translation>OLLAMA_LLM_LIBRARY: der Variantenordner, den Ollama verwenden soll</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>nicht gesetzt</translation>
    </message>
    <message>
        <source>Findings about the service environment</source>
        <translation>Befunde zur Dienstumgebung</translation>
    </message>
    <message>
        <source>Validation of %1</source>
        <translation>Prüfung von %1</translation>
    </message>
    <message>
        <source>Where %1 is set</source>
        <translation>Wo %1 gesetzt ist</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>nicht gefunden</translation>
    </message>
    <message>
        <source>%1 (found via %2)</source>
        <translation>%1 (gefunden über %2)</translation>
    </message>
    <message>
        <source>%1, discovery era %2 (%3)</source>
        <translation>%1, Erkennungs-Ära %2 (%3)</translation>
    </message>
    <message>
        <source>%1 (Ollama&apos;s rule: %2)</source>
        <translation>%1 (Regel von Ollama: %2)</translation>
    </message>
    <message>
        <source>no ollama.service unit found</source>
        <translation>keine Unit ollama.service gefunden</translation>
    </message>
    <message>
        <source>%1 (unreadable: %2)</source>
        <translation>%1 (nicht lesbar: %2)</translation>
    </message>
    <message>
        <source>the service user cannot use it: %1</source>
        <translation>der Dienstbenutzer kann ihn nicht verwenden: %1</translation>
    </message>
    <message>
        <source>symlink to %1</source>
        <translation>symbolischer Link auf %1</translation>
    </message>
    <message>
        <source>Problem: %1: %2</source>
        <translation>Problem: %1: %2</translation>
    </message>
    <message>
        <source>%1 does not exist yet: applying a variable creates it.</source>
        <translation>%1 existiert noch nicht: das Anwenden einer Variable legt sie an.</translation>
    </message>
    <message>
        <source>%1 is managed by vgpu.</source>
        <translation>%1 wird von vgpu verwaltet.</translation>
    </message>
    <message>
        <source>%1 cannot be changed: %2</source>
        <translation>%1 kann nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>Automatic (unset)</source>
        <translation>Automatisch (nicht gesetzt)</translation>
    </message>
    <message>
        <source>%1 (not an installed variant)</source>
        <translation>%1 (keine installierte Variante)</translation>
    </message>
    <message>
        <source>In effect: %1 (from %2)</source>
        <translation>Wirksam: %1 (aus %2)</translation>
    </message>
    <message>
        <source>Note: %1 (%2)</source>
        <translation>Hinweis: %1 (%2)</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message>
        <source>Cannot apply: %1</source>
        <translation>Kann nicht angewendet werden: %1</translation>
    </message>
    <message>
        <source>Apply runs vgpu-helper with these verbs, in this order:</source>
        <translation>Anwenden ruft vgpu-helper mit diesen Verben in dieser Reihenfolge auf:</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>The drop-in does not change.</source>
        <translation>Das Drop-in ändert sich nicht.</translation>
    </message>
    <message>
        <source>Review changes</source>
        <translation>Änderungen prüfen</translation>
    </message>
    <message>
        <source>The exact change to the managed drop-in</source>
        <translation>Die genaue Änderung am verwalteten Drop-in</translation>
    </message>
    <message>
        <source>Applying the changes…</source>
        <translation>Die Änderungen werden angewendet…</translation>
    </message>
    <message>
        <source>Applied: %1. Restart ollama.service to use the new environment.</source>
        <translation>Angewendet: %1. Starten Sie ollama.service neu, damit die neue Umgebung wirkt.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Restarting ollama.service…</source>
        <translation>ollama.service wird neu gestartet…</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keines</translation>
    </message>
    <message>
        <source>ollama.service restarted (job result: %1).</source>
        <translation>ollama.service neu gestartet (Job-Ergebnis: %1).</translation>
    </message>
    <message>
        <source>Restart failed: %1 (job result: %2).</source>
        <translation>Neustart fehlgeschlagen: %1 (Job-Ergebnis: %2).</translation>
    </message>
    <message>
        <source>Rolling back the last change…</source>
        <translation>Die letzte Änderung wird zurückgenommen…</translation>
    </message>
    <message>
        <source>Undone: %1. Restart ollama.service to use the previous environment.</source>
        <translation>Rückgängig gemacht: %1. Starten Sie ollama.service neu, damit die vorherige Umgebung wirkt.</translation>
    </message>
    <message>
        <source>Undo failed: %1</source>
        <translation>Rückgängigmachen fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ConsoleTray</name>
    <message>
        <source>vgpu console tray menu</source>
        <translation>Tray-Menü der vgpu-Konsole</translation>
    </message>
    <message>
        <source>&amp;Show console</source>
        <translation>Konsole &amp;zeigen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>vgpu console</source>
        <translation>vgpu-Konsole</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DashboardPage</name>
    <message>
        <source>Dashboard status</source>
        <translation>Status der Übersicht</translation>
    </message>
    <message>
        <source>&lt;b&gt;No CUDA process is using the vgpu shim yet.&lt;/b&gt;&lt;br&gt;Start a CUDA program with the shim first on its library path, for example:&lt;br&gt;&lt;tt&gt;LD_LIBRARY_PATH=%1 ./my-cuda-program&lt;/tt&gt;&lt;br&gt;or run &lt;tt&gt;scripts/dev console&lt;/tt&gt;, which starts a demo workload on a simulated GPU.&lt;br&gt;Its VRAM, kernel launches and call latency will appear here.</source>
        <translation>&lt;b&gt;Noch kein CUDA-Prozess verwendet den vgpu-Shim.&lt;/b&gt;&lt;br&gt;Starten Sie ein CUDA-Programm mit dem Shim am Anfang seines Bibliothekspfads, zum Beispiel:&lt;br&gt;&lt;tt&gt;LD_LIBRARY_PATH=%1 ./my-cuda-program&lt;/tt&gt;&lt;br&gt;oder führen Sie &lt;tt&gt;scripts/dev console&lt;/tt&gt; aus; das startet eine Demo-Last auf einer simulierten GPU.&lt;br&gt;Ihr VRAM, ihre Kernel-Starts und ihre Aufruflatenz erscheinen dann hier.</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>&amp;Gerät:</translation>
    </message>
    <message>
        <source>Device shown</source>
        <translation>Angezeigtes Gerät</translation>
    </message>
    <message>
        <source>P&amp;rocess:</source>
        <translation>P&amp;rozess:</translation>
    </message>
    <message>
        <source>Process shown</source>
        <translation>Angezeigter Prozess</translation>
    </message>
    <message>
        <source>&amp;Window:</source>
        <translation>&amp;Zeitfenster:</translation>
    </message>
    <message>
        <source>Time window</source>
        <translation>Zeitfenster</translation>
    </message>
    <message>
        <source>1 minute</source>
        <translation>1 Minute</translation>
    </message>
    <message>
        <source>5 minutes</source>
        <translation>5 Minuten</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 Minuten</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>Resume live plots</source>
        <translation>Live-Diagramme fortsetzen</translation>
    </message>
    <message>
        <source>Pause live plots</source>
        <translation>Live-Diagramme anhalten</translation>
    </message>
    <message>
        <source>&amp;Logarithmic latency axis</source>
        <translation>&amp;Logarithmische Latenzachse</translation>
    </message>
    <message>
        <source>Logarithmic latency axis</source>
        <translation>Logarithmische Latenzachse</translation>
    </message>
    <message>
        <source>Export P&amp;NG…</source>
        <translation>P&amp;NG exportieren…</translation>
    </message>
    <message>
        <source>Export the visible plots as a PNG image</source>
        <translation>Die sichtbaren Diagramme als PNG-Bild exportieren</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>&amp;CSV exportieren…</translation>
    </message>
    <message>
        <source>Export the visible data as CSV</source>
        <translation>Die sichtbaren Daten als CSV exportieren</translation>
    </message>
    <message>
        <source>Simulated device: memory, copies and call figures are real accounting; kernels are validated and counted, not executed.</source>
        <translation>Simuliertes Gerät: Speicher-, Kopier- und Aufrufzahlen sind echt erfasst; Kernel werden geprüft und gezählt, nicht ausgeführt.</translation>
    </message>
    <message>
        <source>Backend note</source>
        <translation>Hinweis zum Backend</translation>
    </message>
    <message>
        <source>Value under the mouse pointer</source>
        <translation>Wert unter dem Mauszeiger</translation>
    </message>
    <message>
        <source>Hover over a plot to read its values.</source>
        <translation>Fahren Sie mit der Maus über ein Diagramm, um seine Werte abzulesen.</translation>
    </message>
    <message>
        <source>VRAM</source>
        <translation>VRAM</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>VRAM used and total over time</source>
        <translation>Belegter und gesamter VRAM über die Zeit</translation>
    </message>
    <message>
        <source>used</source>
        <translation>belegt</translation>
    </message>
    <message>
        <source>total</source>
        <translation>gesamt</translation>
    </message>
    <message>
        <source>Kernel launches</source>
        <translation>Kernel-Starts</translation>
    </message>
    <message>
        <source>per second</source>
        <translation>pro Sekunde</translation>
    </message>
    <message>
        <source>Kernel launches per second over time</source>
        <translation>Kernel-Starts pro Sekunde über die Zeit</translation>
    </message>
    <message>
        <source>launches/s</source>
        <translation>Starts/s</translation>
    </message>
    <message>
        <source>Call latency</source>
        <translation>Aufruflatenz</translation>
    </message>
    <message>
        <source>µs</source>
        <translation>µs</translation>
    </message>
    <message>
        <source>Call latency percentiles over time</source>
        <translation>Perzentile der Aufruflatenz über die Zeit</translation>
    </message>
    <message>
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <source>p95</source>
        <translation>p95</translation>
    </message>
    <message>
        <source>p99</source>
        <translation>p99</translation>
    </message>
    <message>
        <source>Copy bandwidth</source>
        <translation>Kopierbandbreite</translation>
    </message>
    <message>
        <source>MiB/s</source>
        <translation>MiB/s</translation>
    </message>
    <message>
        <source>Copy bandwidth per direction over time</source>
        <translation>Kopierbandbreite je Richtung über die Zeit</translation>
    </message>
    <message>
        <source>host→device</source>
        <translation>Host→Gerät</translation>
    </message>
    <message>
        <source>device→host</source>
        <translation>Gerät→Host</translation>
    </message>
    <message>
        <source>device→device</source>
        <translation>Gerät→Gerät</translation>
    </message>
    <message>
        <source>All processes</source>
        <translation>Alle Prozesse</translation>
    </message>
    <message>
        <source>%1 (ended)</source>
        <translation>%1 (beendet)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Export plots as PNG</source>
        <translation>Diagramme als PNG exportieren</translation>
    </message>
    <message>
        <source>Export visible data as CSV</source>
        <translation>Sichtbare Daten als CSV exportieren</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <source>Time windows</source>
        <translation>Zeitfenster</translation>
    </message>
    <message>
        <source>Some of these processes run on a simulated device: no GPU runs their kernels, which are validated and counted, not executed.</source>
        <translation>Einige dieser Prozesse laufen auf einem simulierten Gerät: Keine GPU führt ihre Kernel aus; sie werden geprüft und gezählt, nicht ausgeführt.</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DemoSession</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>vgpud is running (%1)</source>
        <translation>vgpud läuft (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%n process(es) already use the shim</source>
        <translation>
            <numerusform>%n Prozess verwendet den Shim bereits</numerusform>
            <numerusform>%n Prozesse verwenden den Shim bereits</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>The demo workload or the shim library was not found (build them with scripts/dev build, or set VGPU_DEMO_WORKLOAD and VGPU_DEMO_SHIM_DIR).</source>
        <translation>Die Demo-Last oder die Shim-Bibliothek wurde nicht gefunden (bauen Sie sie mit scripts/dev build oder setzen Sie VGPU_DEMO_WORKLOAD und VGPU_DEMO_SHIM_DIR).</translation>
    </message>
    <message>
        <source>Cannot create the demo folder: %1</source>
        <translation>Der Demo-Ordner kann nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>%1 kann nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>vgpud exited with status %1 before listening</source>
        <translation>vgpud wurde mit Status %1 beendet, bevor es lauschte</translation>
    </message>
    <message>
        <source>vgpud did not create %1 within 5 s</source>
        <translation>vgpud hat %1 nicht innerhalb von 5 s angelegt</translation>
    </message>
    <message>
        <source>vgpu-demo-machine or vgpu-helper was not found (they are built with the tests: scripts/dev build)</source>
        <translation>vgpu-demo-machine oder vgpu-helper wurde nicht gefunden (sie werden mit den Tests gebaut: scripts/dev build)</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>%1 did not become ready within 20 s</source>
        <translation>%1 war nicht innerhalb von 20 s bereit</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DesktopAlerts</name>
    <message>
        <source>%1 on %2 uses %3 of its %4 VRAM quota.</source>
        <translation>%1 auf %2 belegt %3 seines VRAM-Kontingents von %4.</translation>
    </message>
    <message>
        <source>vgpud is unreachable</source>
        <translation>vgpud ist nicht erreichbar</translation>
    </message>
    <message>
        <source>Ollama&apos;s virtual GPU cannot reach vgpud. See the console&apos;s Hosts page.</source>
        <translation>Die virtuelle GPU von Ollama erreicht vgpud nicht. Siehe die Seite „Hosts“ der Konsole.</translation>
    </message>
    <message>
        <source>Ollama fell back to the CPU</source>
        <translation>Ollama ist auf die CPU ausgewichen</translation>
    </message>
    <message>
        <source>A runner has no CUDA backend loaded. The console&apos;s Diagnostics page says why.</source>
        <translation>Ein Runner hat kein CUDA-Backend geladen. Die Seite „Diagnose“ der Konsole nennt den Grund.</translation>
    </message>
    <message>
        <source>A session reached its VRAM quota</source>
        <translation>Eine Sitzung hat ihr VRAM-Kontingent erreicht</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DetectPage</name>
    <message>
        <source>Found</source>
        <translation>Gefunden</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>Erkennen</translation>
    </message>
    <message>
        <source>What is on this machine: the virtual GPU&apos;s PCI stub, Ollama, and an existing shim.</source>
        <translation>Was auf diesem Rechner vorhanden ist: das PCI-Stub-Gerät der virtuellen GPU, Ollama und ein vorhandener Shim.</translation>
    </message>
    <message>
        <source>Detection results</source>
        <translation>Erkennungsergebnisse</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Element</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>What was found</source>
        <translation>Was gefunden wurde</translation>
    </message>
    <message>
        <source>Detecting…</source>
        <translation>Erkennung läuft…</translation>
    </message>
    <message>
        <source>Detection summary</source>
        <translation>Zusammenfassung der Erkennung</translation>
    </message>
    <message>
        <source>Ollama found at %1. Continue to choose how to install the shim.</source>
        <translation>Ollama gefunden unter %1. Wählen Sie als Nächstes, wie der Shim installiert wird.</translation>
    </message>
    <message>
        <source>No Ollama installation was found; the system scope still makes the virtual GPU visible to every program.</source>
        <translation>Keine Ollama-Installation gefunden; der Systembereich macht die virtuelle GPU trotzdem für jedes Programm sichtbar.</translation>
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
    <message>
        <source>Fix for &quot;%1&quot; not applied: nothing was changed.</source>
        <translation>Korrektur für „%1“ nicht angewendet: Es wurde nichts geändert.</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DonePage</name>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Installation summary</source>
        <translation>Zusammenfassung der Installation</translation>
    </message>
    <message>
        <source>The shim was already installed; nothing was changed.</source>
        <translation>Der Shim war bereits installiert; nichts wurde geändert.</translation>
    </message>
    <message>
        <source>Installed as transaction(s): %1.</source>
        <translation>Installiert als Transaktion(en): %1.</translation>
    </message>
    <message>
        <source>Verdict: %1</source>
        <translation>Ergebnis: %1</translation>
    </message>
    <message>
        <source>To undo the installation later: vgpuctl rollback, or the Configuration page&apos;s Undo.</source>
        <translation>Um die Installation später rückgängig zu machen: vgpuctl rollback oder „Rückgängig“ auf der Seite Konfiguration.</translation>
    </message>
</context>
<context>
    <name>vgpu::console::GuestPage</name>
    <message>
        <source>Guest</source>
        <translation>Gast</translation>
    </message>
    <message>
        <source>Where this guest&apos;s GPU work goes: vgpud on the GPU host, or the simulated device.</source>
        <translation>Wohin die GPU-Arbeit dieses Gasts geht: zu vgpud auf dem GPU-Host oder zum simulierten Gerät.</translation>
    </message>
    <message>
        <source>The stub GPU this guest presents</source>
        <translation>Die Stub-GPU, die dieser Gast vorweist</translation>
    </message>
    <message>
        <source>Stub GPU:</source>
        <translation>Stub-GPU:</translation>
    </message>
    <message>
        <source>Backend: where the work is executed</source>
        <translation>Backend: wo die Arbeit ausgeführt wird</translation>
    </message>
    <message>
        <source>vgpud on the GPU host (the work runs on its GPU)</source>
        <translation>vgpud auf dem GPU-Host (die Arbeit läuft auf dessen GPU)</translation>
    </message>
    <message>
        <source>Simulated device (no GPU: kernels are counted, never run)</source>
        <translation>Simuliertes Gerät (keine GPU: Kernel werden gezählt, nie ausgeführt)</translation>
    </message>
    <message>
        <source>&amp;Backend:</source>
        <translation>&amp;Backend:</translation>
    </message>
    <message>
        <source>vgpud&apos;s endpoint</source>
        <translation>Endpunkt von vgpud</translation>
    </message>
    <message>
        <source>unix:/run/vgpud.sock, tcp:HOST:PORT or vsock:CID:PORT</source>
        <translation>unix:/run/vgpud.sock, tcp:HOST:PORT oder vsock:CID:PORT</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpunkt:</translation>
    </message>
    <message>
        <source>vgpud&apos;s token file (tcp and vsock endpoints)</source>
        <translation>Token-Datei von vgpud (für tcp- und vsock-Endpunkte)</translation>
    </message>
    <message>
        <source>/etc/vgpu/token (needed for tcp: and vsock:)</source>
        <translation>/etc/vgpu/token (nötig für tcp: und vsock:)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen…</translation>
    </message>
    <message>
        <source>Choose the token file</source>
        <translation>Die Token-Datei auswählen</translation>
    </message>
    <message>
        <source>&amp;Token file:</source>
        <translation>&amp;Token-Datei:</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Test the connection to vgpud</source>
        <translation>Die Verbindung zu vgpud testen</translation>
    </message>
    <message>
        <source>Result of the connection test</source>
        <translation>Ergebnis des Verbindungstests</translation>
    </message>
    <message>
        <source>Continue without testing the connection</source>
        <translation>Ohne Verbindungstest fortfahren</translation>
    </message>
    <message>
        <source>No stub GPU was detected.</source>
        <translation>Es wurde keine Stub-GPU erkannt.</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Not a usable setting: %1</source>
        <translation>Keine verwendbare Einstellung: %1</translation>
    </message>
    <message>
        <source>Not tested yet.</source>
        <translation>Noch nicht getestet.</translation>
    </message>
    <message>
        <source>The simulated device needs no connection.</source>
        <translation>Das simulierte Gerät braucht keine Verbindung.</translation>
    </message>
    <message>
        <source>vgpud&apos;s token file</source>
        <translation>Token-Datei von vgpud</translation>
    </message>
    <message>
        <source>Connecting to vgpud at %1…</source>
        <translation>Verbinde mit vgpud unter %1…</translation>
    </message>
    <message>
        <source>Connected: vgpud %1 (%2 backend) serves</source>
        <translation>Verbunden: vgpud %1 (Backend %2) stellt bereit</translation>
    </message>
    <message>
        <source>• %1, %2 memory, %3</source>
        <translation>• %1, %2 Speicher, %3</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation>Was zu tun ist: %1</translation>
    </message>
</context>
<context>
    <name>vgpu::console::HostSessionsModel</name>
    <message>
        <source>session %1</source>
        <translation>Sitzung %1</translation>
    </message>
    <message>
        <source> (pid %1)</source>
        <translation> (PID %1)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normal</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>läuft aus</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Guest / transport</source>
        <translation>Gast / Transport</translation>
    </message>
    <message>
        <source>Client process</source>
        <translation>Client-Prozess</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>VRAM used</source>
        <translation>VRAM belegt</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>Kontingent</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Launches/s</source>
        <translation>Starts/s</translation>
    </message>
    <message>
        <source>Copy B/s</source>
        <translation>Kopien B/s</translation>
    </message>
    <message>
        <source>Latency p50</source>
        <translation>Latenz p50</translation>
    </message>
    <message>
        <source>Latency p99</source>
        <translation>Latenz p99</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>ending</source>
        <translation>endet</translation>
    </message>
</context>
<context>
    <name>vgpu::console::HostsPage</name>
    <message>
        <source>Set VRAM quota</source>
        <translation>VRAM-Kontingent setzen</translation>
    </message>
    <message>
        <source>VRAM quota per device of %1 (e.g. 8GiB, 512MiB; 0 = none):</source>
        <translation>VRAM-Kontingent je Gerät für %1 (z. B. 8GiB, 512MiB; 0 = keins):</translation>
    </message>
    <message>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normal</translation>
    </message>
    <message>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <source>Set priority</source>
        <translation>Priorität setzen</translation>
    </message>
    <message>
        <source>Priority of %1:</source>
        <translation>Priorität von %1:</translation>
    </message>
    <message>
        <source>vgpud &amp;hosts:</source>
        <translation>vgpud-&amp;Hosts:</translation>
    </message>
    <message>
        <source>Hosts watched and their connection state</source>
        <translation>Beobachtete Hosts und ihr Verbindungszustand</translation>
    </message>
    <message>
        <source>&amp;Add host…</source>
        <translation>Host &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Add a vgpud admin endpoint</source>
        <translation>Einen vgpud-Verwaltungsendpunkt hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove host</source>
        <translation>Host &amp;entfernen</translation>
    </message>
    <message>
        <source>Stop watching the selected host</source>
        <translation>Den gewählten Host nicht mehr beobachten</translation>
    </message>
    <message>
        <source>&amp;Window:</source>
        <translation>&amp;Zeitfenster:</translation>
    </message>
    <message>
        <source>Time window</source>
        <translation>Zeitfenster</translation>
    </message>
    <message>
        <source>5 minutes</source>
        <translation>5 Minuten</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 Minuten</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>&lt;b&gt;No GPU to show yet.&lt;/b&gt;&lt;br&gt;A host&apos;s GPUs appear once vgpud answers on its admin socket (on the simulated backend, once a session has used the GPU).</source>
        <translation>&lt;b&gt;Noch keine GPU anzuzeigen.&lt;/b&gt;&lt;br&gt;Die GPUs eines Hosts erscheinen, sobald vgpud auf seinem Verwaltungs-Socket antwortet (beim simulierten Backend, sobald eine Sitzung die GPU benutzt hat).</translation>
    </message>
    <message>
        <source>&amp;Sessions (every host):</source>
        <translation>&amp;Sitzungen (alle Hosts):</translation>
    </message>
    <message>
        <source>Sessions of every host</source>
        <translation>Sitzungen aller Hosts</translation>
    </message>
    <message>
        <source>Set &amp;quota…</source>
        <translation>&amp;Kontingent setzen…</translation>
    </message>
    <message>
        <source>Set the selected session&apos;s VRAM quota</source>
        <translation>Das VRAM-Kontingent der gewählten Sitzung setzen</translation>
    </message>
    <message>
        <source>Set &amp;priority…</source>
        <translation>&amp;Priorität setzen…</translation>
    </message>
    <message>
        <source>Set the selected session&apos;s priority</source>
        <translation>Die Priorität der gewählten Sitzung setzen</translation>
    </message>
    <message>
        <source>&amp;Drain…</source>
        <translation>&amp;Auslaufen lassen…</translation>
    </message>
    <message>
        <source>Drain the selected session</source>
        <translation>Die gewählte Sitzung auslaufen lassen</translation>
    </message>
    <message>
        <source>&amp;Kill…</source>
        <translation>&amp;Beenden…</translation>
    </message>
    <message>
        <source>Kill the selected session</source>
        <translation>Die gewählte Sitzung beenden</translation>
    </message>
    <message>
        <source>Result of the last action</source>
        <translation>Ergebnis der letzten Aktion</translation>
    </message>
    <message>
        <source>VRAM by session</source>
        <translation>VRAM je Sitzung</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>VRAM used by each session, stacked, against the GPU&apos;s total</source>
        <translation>Von jeder Sitzung belegter VRAM, gestapelt, gegenüber dem Gesamtspeicher der GPU</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>%, °C, W</source>
        <translation>%, °C, W</translation>
    </message>
    <message>
        <source>GPU utilization, temperature and power over time</source>
        <translation>GPU-Auslastung, -Temperatur und -Leistung im Zeitverlauf</translation>
    </message>
    <message>
        <source>utilization %</source>
        <translation>Auslastung %</translation>
    </message>
    <message>
        <source>temperature °C</source>
        <translation>Temperatur °C</translation>
    </message>
    <message>
        <source>power W</source>
        <translation>Leistung W</translation>
    </message>
    <message>
        <source>Kernel launches</source>
        <translation>Kernel-Starts</translation>
    </message>
    <message>
        <source>per second</source>
        <translation>pro Sekunde</translation>
    </message>
    <message>
        <source>Kernel launches per second of each session</source>
        <translation>Kernel-Starts pro Sekunde jeder Sitzung</translation>
    </message>
    <message>
        <source>Copy bandwidth</source>
        <translation>Kopierbandbreite</translation>
    </message>
    <message>
        <source>MiB/s</source>
        <translation>MiB/s</translation>
    </message>
    <message>
        <source>Copy bandwidth of each session</source>
        <translation>Kopierbandbreite jeder Sitzung</translation>
    </message>
    <message>
        <source>%1 is already in the list</source>
        <translation>%1 ist bereits in der Liste</translation>
    </message>
    <message>
        <source>a TCP endpoint needs the admin token&apos;s file (vgpud&apos;s admin-token-file)</source>
        <translation>ein TCP-Endpunkt braucht die Datei des Verwaltungs-Tokens (admin-token-file von vgpud)</translation>
    </message>
    <message>
        <source>Connected to %1 (%2)</source>
        <translation>Verbunden mit %1 (%2)</translation>
    </message>
    <message>
        <source>%1: no reply, the connection ended</source>
        <translation>%1: keine Antwort, die Verbindung wurde beendet</translation>
    </message>
    <message>
        <source>%1: connecting…</source>
        <translation>%1: verbinde…</translation>
    </message>
    <message>
        <source>%1: connected to %2 (vgpud %3, backend %4)</source>
        <translation>%1: verbunden mit %2 (vgpud %3, Backend %4)</translation>
    </message>
    <message>
        <source>%1: refused — the admin token is missing or wrong (vgpud&apos;s admin-token-file, not the tenants&apos; token); retrying every %2 s</source>
        <translation>%1: abgewiesen — das Verwaltungs-Token fehlt oder ist falsch (admin-token-file von vgpud, nicht das Token der Mandanten); neuer Versuch alle %2 s</translation>
    </message>
    <message>
        <source>%1: refused — be root or a member of the group %2 (vgpud&apos;s admin-group), then log in again; retrying every %3 s</source>
        <translation>%1: abgewiesen — Sie müssen root oder Mitglied der Gruppe %2 sein (admin-group von vgpud) und sich danach neu anmelden; neuer Versuch alle %3 s</translation>
    </message>
    <message>
        <source>%1: unreachable, retrying every %2 s (%3)</source>
        <translation>%1: nicht erreichbar, neuer Versuch alle %2 s (%3)</translation>
    </message>
    <message>
        <source>%1: not watched: %2</source>
        <translation>%1: nicht beobachtet: %2</translation>
    </message>
    <message>
        <source>%1 — GPU %2: %3 (%4 total)</source>
        <translation>%1 — GPU %2: %3 (%4 gesamt)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Simulated GPU: VRAM and call figures are vgpud&apos;s accounting; vgpud sends no utilization, temperature or power for it.</source>
        <translation>Simulierte GPU: VRAM- und Aufrufzahlen sind die Buchführung von vgpud; Auslastung, Temperatur und Leistung sendet vgpud für sie nicht.</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>total</source>
        <translation>gesamt</translation>
    </message>
    <message>
        <source>session %1 (%2)</source>
        <translation>Sitzung %1 (%2)</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>Cannot read the size &apos;%1&apos; (e.g. 8GiB, 512MiB; 0 = none)</source>
        <translation>Die Größe „%1“ ist nicht lesbar (z. B. 8GiB, 512MiB; 0 = keins)</translation>
    </message>
    <message>
        <source>Remove the VRAM quota of %1?</source>
        <translation>Das VRAM-Kontingent von %1 entfernen?</translation>
    </message>
    <message>
        <source>Limit %1 to %2 of VRAM per device? It applies from the session&apos;s next allocation; memory it already holds is not taken away.</source>
        <translation>%1 auf %2 VRAM je Gerät begrenzen? Es gilt ab der nächsten Allokation der Sitzung; bereits belegter Speicher wird nicht entzogen.</translation>
    </message>
    <message>
        <source>No VRAM quota for %1</source>
        <translation>Kein VRAM-Kontingent für %1</translation>
    </message>
    <message>
        <source>VRAM quota %1 for %2</source>
        <translation>VRAM-Kontingent %1 für %2</translation>
    </message>
    <message>
        <source>Set the priority of %1 to %2?</source>
        <translation>Die Priorität von %1 auf %2 setzen?</translation>
    </message>
    <message>
        <source>Priority %1 for %2</source>
        <translation>Priorität %1 für %2</translation>
    </message>
    <message>
        <source>Drain session</source>
        <translation>Sitzung auslaufen lassen</translation>
    </message>
    <message>
        <source>Drain %1? Its new allocations, module loads and kernel launches fail from its next call; it can still free, copy and synchronise, and leave.</source>
        <translation>%1 auslaufen lassen? Neue Allokationen, Modulladevorgänge und Kernel-Starts schlagen ab dem nächsten Aufruf fehl; Freigeben, Kopieren und Synchronisieren gehen weiter, sodass der Client sich beenden kann.</translation>
    </message>
    <message>
        <source>Drain of %1</source>
        <translation>Auslaufen von %1</translation>
    </message>
    <message>
        <source>Kill session</source>
        <translation>Sitzung beenden</translation>
    </message>
    <message>
        <source>Kill %1? Its connection is closed and everything it holds is freed; its client&apos;s next call fails.</source>
        <translation>%1 beenden? Die Verbindung wird geschlossen und alles, was sie hält, freigegeben; der nächste Aufruf ihres Clients schlägt fehl.</translation>
    </message>
    <message>
        <source>Kill of %1</source>
        <translation>Beenden von %1</translation>
    </message>
    <message>
        <source>%1: not sent, the host is not connected</source>
        <translation>%1: nicht gesendet, der Host ist nicht verbunden</translation>
    </message>
    <message>
        <source>%1: sent…</source>
        <translation>%1: gesendet…</translation>
    </message>
    <message>
        <source>%1: done</source>
        <translation>%1: erledigt</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Add a vgpud host</source>
        <translation>Einen vgpud-Host hinzufügen</translation>
    </message>
    <message>
        <source>unix:/run/vgpud-admin.sock or tcp:HOST:PORT</source>
        <translation>unix:/run/vgpud-admin.sock oder tcp:HOST:PORT</translation>
    </message>
    <message>
        <source>TCP only: the file holding vgpud&apos;s admin token</source>
        <translation>Nur TCP: die Datei mit dem Verwaltungs-Token von vgpud</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpunkt:</translation>
    </message>
    <message>
        <source>&amp;Token file:</source>
        <translation>&amp;Token-Datei:</translation>
    </message>
    <message>
        <source>Admin token file</source>
        <translation>Verwaltungs-Token-Datei</translation>
    </message>
    <message>
        <source>&amp;Fit the VRAM axis to the sessions&apos; use</source>
        <translation>VRAM-Achse an die Belegung der Sitzungen &amp;anpassen</translation>
    </message>
    <message>
        <source>Off: the VRAM axis ends at the GPU&apos;s total memory</source>
        <translation>Aus: die VRAM-Achse endet beim Gesamtspeicher der GPU</translation>
    </message>
    <message>
        <source>Fit the VRAM axis to the sessions&apos; use instead of the GPU&apos;s total</source>
        <translation>Die VRAM-Achse an die Belegung der Sitzungen statt an den Gesamtspeicher der GPU anpassen</translation>
    </message>
    <message>
        <source>GPUs of every host</source>
        <translation>GPUs aller Hosts</translation>
    </message>
    <message>
        <source>Time windows</source>
        <translation>Zeitfenster</translation>
    </message>
    <message>
        <source>Value under the mouse pointer</source>
        <translation>Wert unter dem Mauszeiger</translation>
    </message>
    <message>
        <source>Hover over a plot to read its values.</source>
        <translation>Zeigen Sie auf ein Diagramm, um seine Werte abzulesen.</translation>
    </message>
    <message>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
</context>
<context>
    <name>vgpu::console::InstallWizard</name>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Fertigstellen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Roll back every change the wizard made</source>
        <translation>Jede Änderung des Assistenten zurücknehmen</translation>
    </message>
    <message>
        <source>&amp;Roll back</source>
        <translation>&amp;Zurücknehmen</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Anwenden</translation>
    </message>
    <message>
        <source>Nothing to roll back: the wizard has not changed the system.</source>
        <translation>Nichts zurückzunehmen: der Assistent hat das System nicht verändert.</translation>
    </message>
    <message>
        <source>Roll back transaction %1</source>
        <translation>Transaktion %1 zurücknehmen</translation>
    </message>
    <message>
        <source>Reload systemd&apos;s unit files</source>
        <translation>Unit-Dateien von systemd neu laden</translation>
    </message>
    <message>
        <source>Rolled back: the system is as it was before the wizard.</source>
        <translation>Zurückgenommen: das System ist wie vor dem Assistenten.</translation>
    </message>
    <message>
        <source>The rollback did not finish; see the failed step.</source>
        <translation>Die Rücknahme wurde nicht abgeschlossen; siehe den fehlgeschlagenen Schritt.</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Zurück</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Weiter &gt;</translation>
    </message>
    <message>
        <source>Continue; the steps before cannot be revisited</source>
        <translation>Fortfahren; die vorherigen Schritte sind danach nicht mehr erreichbar</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Fertigstellen</translation>
    </message>
    <message>
        <source>Set up this guest for vgpu</source>
        <translation>Diesen Gast für vgpu einrichten</translation>
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
    <message>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Werkzeuge</translation>
    </message>
    <message>
        <source>&amp;Install shim…</source>
        <translation>Shim &amp;installieren…</translation>
    </message>
    <message>
        <source>Install the vgpu shim for Ollama with a guided wizard</source>
        <translation>Den vgpu-Shim für Ollama mit einem Assistenten installieren</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message numerus="yes">
        <source>Watching %n shim process(es)</source>
        <translation>
            <numerusform>%n Shim-Prozess wird beobachtet</numerusform>
            <numerusform>%n Shim-Prozesse werden beobachtet</numerusform>
        </translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation>Hosts</translation>
    </message>
    <message>
        <source>Menu bar</source>
        <translation>Menüleiste</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>File menu</source>
        <translation>Menü Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>View menu</source>
        <translation>Menü Ansicht</translation>
    </message>
    <message>
        <source>Show %1</source>
        <translation>%1 zeigen</translation>
    </message>
    <message>
        <source>&amp;Refresh status</source>
        <translation>Status &amp;aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Help menu</source>
        <translation>Menü Hilfe</translation>
    </message>
    <message>
        <source>&amp;Documentation</source>
        <translation>&amp;Dokumentation</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts…</source>
        <translation>&amp;Tastenkürzel…</translation>
    </message>
    <message>
        <source>&amp;About vgpu-console</source>
        <translation>&amp;Über vgpu-console</translation>
    </message>
    <message>
        <source>About vgpu-console</source>
        <translation>Über vgpu-console</translation>
    </message>
    <message>
        <source>Demo: the Service, Diagnostics and Configuration pages and the install wizard manage a stand-in Ollama installation in %1 (its systemd is a test double on a private bus). Nothing on this machine changes.</source>
        <translation>Demo: Die Seiten Dienst, Diagnose und Konfiguration sowie der Installationsassistent verwalten eine nachgebildete Ollama-Installation in %1 (ihr systemd ist ein Testdouble auf einem privaten Bus). Auf diesem Rechner ändert sich nichts.</translation>
    </message>
    <message>
        <source>vgpu console — demo</source>
        <translation>vgpu-Konsole — Demo</translation>
    </message>
</context>
<context>
    <name>vgpu::console::PrivilegeBanner</name>
    <message>
        <source>Why changes cannot be applied</source>
        <translation>Warum Änderungen nicht angewendet werden können</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ProcessesPage</name>
    <message>
        <source>Processes that use the vgpu shim on this machine. Select one to show only its figures on the dashboard.</source>
        <translation>Prozesse, die auf diesem Rechner den vgpu-Shim verwenden. Wählen Sie einen aus, um nur seine Werte in der Übersicht zu zeigen.</translation>
    </message>
    <message>
        <source>Shim processes</source>
        <translation>Shim-Prozesse</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Executable</source>
        <translation>Programm</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>VRAM</source>
        <translation>VRAM</translation>
    </message>
    <message>
        <source>Launches/s</source>
        <translation>Starts/s</translation>
    </message>
    <message>
        <source>Show &amp;all processes</source>
        <translation>&amp;Alle Prozesse zeigen</translation>
    </message>
    <message>
        <source>Show all processes on the dashboard</source>
        <translation>Alle Prozesse in der Übersicht zeigen</translation>
    </message>
    <message>
        <source>simulated, in this process</source>
        <translation>simuliert, in diesem Prozess</translation>
    </message>
    <message>
        <source>simulated, in vgpud (%1)</source>
        <translation>simuliert, in vgpud (%1)</translation>
    </message>
    <message>
        <source>No GPU runs this process&apos;s kernels: they are validated and counted, never executed.</source>
        <translation>Keine GPU führt die Kernel dieses Prozesses aus: Sie werden geprüft und gezählt, nie ausgeführt.</translation>
    </message>
    <message>
        <source>Stop process</source>
        <translation>Prozess stoppen</translation>
    </message>
    <message>
        <source>This process belongs to another user; stop it as that user or as root.</source>
        <translation>Dieser Prozess gehört einem anderen Benutzer; stoppen Sie ihn als dieser Benutzer oder als root.</translation>
    </message>
    <message>
        <source>This process was not found in /proc when it was listed, so it cannot be stopped from here.</source>
        <translation>Dieser Prozess war beim Auflisten nicht in /proc zu finden und kann daher nicht von hier gestoppt werden.</translation>
    </message>
    <message>
        <source>Process actions</source>
        <translation>Prozessaktionen</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Show in &amp;dashboard</source>
        <translation>In der Ü&amp;bersicht zeigen</translation>
    </message>
    <message>
        <source>&amp;Stop process…</source>
        <translation>Prozess &amp;stoppen…</translation>
    </message>
    <message>
        <source>Send SIGTERM to process %1</source>
        <translation>SIGTERM an Prozess %1 senden</translation>
    </message>
    <message>
        <source>Stop process %1 (%2)? It receives SIGTERM and may lose unsaved work.</source>
        <translation>Prozess %1 (%2) stoppen? Er erhält SIGTERM und kann ungesicherte Arbeit verlieren.</translation>
    </message>
</context>
<context>
    <name>vgpu::console::RestartPage</name>
    <message>
        <source>Restart</source>
        <translation>Neustart</translation>
    </message>
    <message>
        <source>ollama.service restarts with the new environment.</source>
        <translation>ollama.service startet mit der neuen Umgebung neu.</translation>
    </message>
    <message>
        <source>&amp;Verify</source>
        <translation>&amp;Überprüfen</translation>
    </message>
    <message>
        <source>Restart ollama.service</source>
        <translation>ollama.service neu starten</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ReviewPage</name>
    <message>
        <source>Review</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>The exact changes. Nothing has been changed yet.</source>
        <translation>Die genauen Änderungen. Noch wurde nichts geändert.</translation>
    </message>
    <message>
        <source>The installation plan</source>
        <translation>Der Installationsplan</translation>
    </message>
    <message>
        <source>The installation cannot be planned: %1</source>
        <translation>Die Installation kann nicht geplant werden: %1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>The service environment cannot be planned: %1</source>
        <translation>Die Dienstumgebung kann nicht geplant werden: %1</translation>
    </message>
    <message>
        <source>The managed drop-in does not change.</source>
        <translation>Das verwaltete Drop-in ändert sich nicht.</translation>
    </message>
    <message>
        <source>The managed drop-in:
%1</source>
        <translation>Das verwaltete Drop-in:
%1</translation>
    </message>
    <message>
        <source>Apply runs, in this order:</source>
        <translation>Anwenden führt in dieser Reihenfolge aus:</translation>
    </message>
    <message>
        <source>The shim configuration cannot be planned: %1</source>
        <translation>Die Shim-Konfiguration kann nicht geplant werden: %1</translation>
    </message>
    <message>
        <source>The shim configuration %1 does not change.</source>
        <translation>Die Shim-Konfiguration %1 ändert sich nicht.</translation>
    </message>
    <message>
        <source>The shim configuration:
%1</source>
        <translation>Die Shim-Konfiguration:
%1</translation>
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
    <message>
        <source>systemd refused the %1 of %2 (%3); asking vgpu-helper, which may ask for a password…</source>
        <translation>systemd hat %1 von %2 abgelehnt (%3); vgpu-helper wird gefragt und fragt eventuell nach einem Passwort…</translation>
    </message>
    <message>
        <source>%1 of %2 finished through vgpu-helper: %3</source>
        <translation>%1 von %2 über vgpu-helper abgeschlossen: %3</translation>
    </message>
    <message>
        <source>%1 of %2 failed through vgpu-helper: %3</source>
        <translation>%1 von %2 über vgpu-helper fehlgeschlagen: %3</translation>
    </message>
</context>
<context>
    <name>vgpu::console::StatusHeader</name>
    <message>
        <source>Open the %1 page</source>
        <translation>Die Seite „%1“ öffnen</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation>Hosts</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnose</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>Ollama: not installed</source>
        <translation>Ollama: nicht installiert</translation>
    </message>
    <message>
        <source>Ollama: not running</source>
        <translation>Ollama: läuft nicht</translation>
    </message>
    <message>
        <source>Ollama: running</source>
        <translation>Ollama: läuft</translation>
    </message>
    <message>
        <source>Ollama: state unknown</source>
        <translation>Ollama: Zustand unbekannt</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message numerus="yes">
        <source>on the GPU (%n runner(s))</source>
        <translation>
            <numerusform>auf der GPU (%n Runner)</numerusform>
            <numerusform>auf der GPU (%n Runner)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>on the CPU: %1 of %n runner(s) without the CUDA backend</source>
        <translation>
            <numerusform>auf der CPU: %1 von %n Runner ohne CUDA-Backend</numerusform>
            <numerusform>auf der CPU: %1 von %n Runnern ohne CUDA-Backend</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>on a SIMULATED device (%n runner(s))</source>
        <translation>
            <numerusform>auf einem SIMULIERTEN Gerät (%n Runner)</numerusform>
            <numerusform>auf einem SIMULIERTEN Gerät (%n Runner)</numerusform>
        </translation>
    </message>
    <message>
        <source>idle: no model loaded</source>
        <translation>untätig: kein Modell geladen</translation>
    </message>
    <message>
        <source>no Ollama process runs</source>
        <translation>kein Ollama-Prozess läuft</translation>
    </message>
    <message>
        <source>runners not examined</source>
        <translation>Runner nicht untersucht</translation>
    </message>
    <message>
        <source>SIMULATED in the process, kernels are not run</source>
        <translation>SIMULIERT im Prozess, Kernel werden nicht ausgeführt</translation>
    </message>
    <message>
        <source>SIMULATED in vgpud at %1, kernels are not run</source>
        <translation>SIMULIERT in vgpud unter %1, Kernel werden nicht ausgeführt</translation>
    </message>
    <message>
        <source>executed: unknown</source>
        <translation>ausgeführt: unbekannt</translation>
    </message>
    <message>
        <source>vgpud at %1</source>
        <translation>vgpud unter %1</translation>
    </message>
    <message>
        <source>No GPU presented now (configured: %1)</source>
        <translation>Derzeit keine GPU vorhanden (konfiguriert: %1)</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>⚠ Ollama is not installed</source>
        <translation>⚠ Ollama ist nicht installiert</translation>
    </message>
    <message>
        <source>⚠ ollama.service is not running</source>
        <translation>⚠ ollama.service läuft nicht</translation>
    </message>
    <message>
        <source>⚠ CPU fallback: a runner has no CUDA backend</source>
        <translation>⚠ CPU-Rückfall: ein Runner hat kein CUDA-Backend</translation>
    </message>
    <message>
        <source>⚠ vgpud unreachable</source>
        <translation>⚠ vgpud nicht erreichbar</translation>
    </message>
    <message>
        <source>⚠ Simulated device: no GPU runs the kernels</source>
        <translation>⚠ Simuliertes Gerät: keine GPU führt die Kernel aus</translation>
    </message>
    <message>
        <source>⚠ A shim process could not be read</source>
        <translation>⚠ Ein Shim-Prozess konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Machine status</source>
        <translation>Zustand des Rechners</translation>
    </message>
    <message>
        <source>VRAM %1 of %2</source>
        <translation>VRAM %1 von %2</translation>
    </message>
    <message>
        <source>VRAM unknown</source>
        <translation>VRAM unbekannt</translation>
    </message>
    <message>
        <source>%1 — open the %2 page</source>
        <translation>%1 — die Seite „%2“ öffnen</translation>
    </message>
    <message>
        <source>No alerts</source>
        <translation>Keine Warnungen</translation>
    </message>
    <message>
        <source>Ollama state</source>
        <translation>Zustand von Ollama</translation>
    </message>
    <message>
        <source>Where Ollama&apos;s runners work</source>
        <translation>Wo die Runner von Ollama arbeiten</translation>
    </message>
    <message>
        <source>GPU and where its work runs</source>
        <translation>GPU und wo ihre Arbeit ausgeführt wird</translation>
    </message>
    <message>
        <source>VRAM used</source>
        <translation>Belegter VRAM</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Warnungen</translation>
    </message>
</context>
<context>
    <name>vgpu::console::StepsPage</name>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Steps and their state</source>
        <translation>Schritte und ihr Zustand</translation>
    </message>
    <message>
        <source>Error of the failed step</source>
        <translation>Fehler des fehlgeschlagenen Schritts</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>(job result: %1)</source>
        <translation>(Job-Ergebnis: %1)</translation>
    </message>
</context>
<context>
    <name>vgpu::console::VerifyPage</name>
    <message>
        <source>Verify</source>
        <translation>Überprüfen</translation>
    </message>
    <message>
        <source>Ollama&apos;s log after the restart: does it find the GPU?</source>
        <translation>Das Protokoll von Ollama nach dem Neustart: findet es die GPU?</translation>
    </message>
    <message>
        <source>Time waited for the discovery lines</source>
        <translation>Wartezeit auf die Erkennungszeilen</translation>
    </message>
    <message>
        <source>GPU or CPU verdict</source>
        <translation>Ergebnis GPU oder CPU</translation>
    </message>
    <message>
        <source>Evidence for the verdict</source>
        <translation>Belege für das Ergebnis</translation>
    </message>
    <message>
        <source>Waiting for the discovery lines</source>
        <translation>Warten auf die Erkennungszeilen</translation>
    </message>
    <message>
        <source>Waiting up to %1 s for Ollama&apos;s GPU discovery</source>
        <translation>Bis zu %1 s Warten auf die GPU-Erkennung von Ollama</translation>
    </message>
    <message>
        <source>Waited %1 of %2 s for the discovery lines</source>
        <translation>%1 von %2 s auf die Erkennungszeilen gewartet</translation>
    </message>
    <message>
        <source>GPU: %1</source>
        <translation>GPU: %1</translation>
    </message>
    <message>
        <source>Discovery finished</source>
        <translation>Erkennung abgeschlossen</translation>
    </message>
    <message>
        <source>CPU: %1</source>
        <translation>CPU: %1</translation>
    </message>
    <message>
        <source>Undecided after %1 s: %2</source>
        <translation>Nach %1 s unentschieden: %2</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>Zeit abgelaufen</translation>
    </message>
    <message>
        <source>Evidence: %1 (%2)&lt;br&gt;&lt;code&gt;%3&lt;/code&gt;</source>
        <translation>Beleg: %1 (%2)&lt;br&gt;&lt;code&gt;%3&lt;/code&gt;</translation>
    </message>
    <message>
        <source>Next step: %1</source>
        <translation>Nächster Schritt: %1</translation>
    </message>
    <message>
        <source>Check &amp;again</source>
        <translation>&amp;Erneut prüfen</translation>
    </message>
    <message>
        <source>Wait for Ollama&apos;s discovery lines again</source>
        <translation>Erneut auf Ollamas Erkennungszeilen warten</translation>
    </message>
    <message>
        <source>Open &amp;journal</source>
        <translation>&amp;Journal öffnen</translation>
    </message>
    <message>
        <source>Show ollama.service&apos;s log since the restart</source>
        <translation>Das Protokoll von ollama.service seit dem Neustart anzeigen</translation>
    </message>
    <message>
        <source>ollama.service&apos;s log could not be read (%1). Check that this user may read the system journal (the groups systemd-journal or adm), then Check again.</source>
        <translation>Das Protokoll von ollama.service konnte nicht gelesen werden (%1). Prüfen Sie, ob dieser Benutzer das Systemjournal lesen darf (Gruppen systemd-journal oder adm), dann „Erneut prüfen“.</translation>
    </message>
    <message>
        <source>ollama.service&apos;s log cannot be followed (%1).</source>
        <translation>Dem Protokoll von ollama.service kann nicht gefolgt werden (%1).</translation>
    </message>
    <message>
        <source>The doctor&apos;s log check: %1</source>
        <translation>Die Protokollprüfung des Doctors: %1</translation>
    </message>
    <message>
        <source>ollama.service wrote no log lines since the restart. Is it running (vgpuctl service status)? Its log may also not reach the journal.</source>
        <translation>ollama.service hat seit dem Neustart keine Protokollzeilen geschrieben. Läuft der Dienst (vgpuctl service status)? Möglicherweise erreicht sein Protokoll auch das Journal nicht.</translation>
    </message>
    <message>
        <source>Ollama has not looked for a GPU yet: it discovers GPUs when it first loads a model. Load one on this machine (ollama run &lt;model&gt;), then Check again.</source>
        <translation>Ollama hat noch nicht nach einer GPU gesucht: Es erkennt GPUs, wenn es zum ersten Mal ein Modell lädt. Laden Sie eines auf dieser Maschine (ollama run &lt;model&gt;), dann „Erneut prüfen“.</translation>
    </message>
    <message>
        <source>ollama.service&apos;s log since the restart</source>
        <translation>Protokoll von ollama.service seit dem Neustart</translation>
    </message>
    <message>
        <source>Log entries</source>
        <translation>Protokolleinträge</translation>
    </message>
    <message>
        <source>The log could not be read: %1</source>
        <translation>Das Protokoll konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No entries since the restart.</source>
        <translation>Keine Einträge seit dem Neustart.</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Close the log</source>
        <translation>Das Protokoll schließen</translation>
    </message>
</context>
</TS>

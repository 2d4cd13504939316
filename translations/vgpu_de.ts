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
</context>
</TS>

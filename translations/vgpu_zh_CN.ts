<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>vgpu::console::DashboardPage</name>
    <message>
        <source>&lt;b&gt;No CUDA process is using the vgpu shim yet.&lt;/b&gt;&lt;br&gt;Start a CUDA program with the shim first on its library path, for example:&lt;br&gt;&lt;tt&gt;LD_LIBRARY_PATH=/usr/lib/vgpu ./my-cuda-program&lt;/tt&gt;&lt;br&gt;Its VRAM, kernel launches and call latency will appear here.</source>
        <translation>&lt;b&gt;目前还没有 CUDA 进程在使用 vgpu 垫片库。&lt;/b&gt;&lt;br&gt;请将垫片库放在库搜索路径的最前面来启动 CUDA 程序，例如：&lt;br&gt;&lt;tt&gt;LD_LIBRARY_PATH=/usr/lib/vgpu ./my-cuda-program&lt;/tt&gt;&lt;br&gt;其显存、内核启动次数和调用延迟将显示在这里。</translation>
    </message>
    <message>
        <source>Dashboard status</source>
        <translation>仪表板状态</translation>
    </message>
    <message>
        <source>VRAM used over time</source>
        <translation>显存使用随时间变化</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>VRAM used (MiB)</source>
        <translation>已用显存（MiB）</translation>
    </message>
</context>
<context>
    <name>vgpu::console::MainWindow</name>
    <message>
        <source>vgpu console</source>
        <translation>vgpu 控制台</translation>
    </message>
    <message>
        <source>Console pages</source>
        <translation>控制台页面</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表板</translation>
    </message>
    <message>
        <source>No telemetry sources connected</source>
        <translation>未连接任何遥测数据源</translation>
    </message>
</context>
</TS>

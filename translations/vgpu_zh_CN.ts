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
    <name>vgpu::console::DiagnosticsPage</name>
    <message>
        <source>Pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>R&amp;un diagnostics</source>
        <translation>运行诊断(&amp;U)</translation>
    </message>
    <message>
        <source>Run diagnostics</source>
        <translation>运行诊断</translation>
    </message>
    <message>
        <source>&amp;Apply fix</source>
        <translation>应用修复(&amp;A)</translation>
    </message>
    <message>
        <source>Apply the selected check&apos;s fix</source>
        <translation>应用所选检查的修复</translation>
    </message>
    <message>
        <source>&amp;Export report…</source>
        <translation>导出报告(&amp;E)…</translation>
    </message>
    <message>
        <source>Export the report as Markdown or JSON</source>
        <translation>将报告导出为 Markdown 或 JSON</translation>
    </message>
    <message>
        <source>Run the diagnostics to find out whether Ollama can use the virtual GPU.</source>
        <translation>运行诊断以确定 Ollama 能否使用虚拟 GPU。</translation>
    </message>
    <message>
        <source>Diagnostics summary</source>
        <translation>诊断摘要</translation>
    </message>
    <message>
        <source>Diagnostic results</source>
        <translation>诊断结果</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Running the diagnostics…</source>
        <translation>正在运行诊断…</translation>
    </message>
    <message>
        <source>Result: %1</source>
        <translation>结果：%1</translation>
    </message>
    <message>
        <source>Skipped because: %1</source>
        <translation>已跳过，原因：%1</translation>
    </message>
    <message>
        <source>Evidence: %1 (%2)</source>
        <translation>证据：%1（%2）</translation>
    </message>
    <message>
        <source>Remedy: %1</source>
        <translation>解决办法：%1</translation>
    </message>
    <message>
        <source>(&quot;Apply fix&quot; runs: vgpu-helper %1)</source>
        <translation>（“应用修复”将运行：vgpu-helper %1）</translation>
    </message>
    <message>
        <source>%1 passed, %2 warnings, %3 failed, %4 skipped.</source>
        <translation>%1 项通过，%2 项警告，%3 项失败，%4 项跳过。</translation>
    </message>
    <message>
        <source>Applying the fix for &quot;%1&quot;…</source>
        <translation>正在应用“%1”的修复…</translation>
    </message>
    <message>
        <source>Fix for &quot;%1&quot; applied: %2. Run the diagnostics again to confirm.</source>
        <translation>已应用“%1”的修复：%2。请再次运行诊断以确认。</translation>
    </message>
    <message>
        <source>Fix for &quot;%1&quot; failed: %2</source>
        <translation>“%1”的修复失败：%2</translation>
    </message>
    <message>
        <source>There is no report yet: run the diagnostics first.</source>
        <translation>尚无报告：请先运行诊断。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Export diagnostics report</source>
        <translation>导出诊断报告</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Report written to %1.</source>
        <translation>报告已写入 %1。</translation>
    </message>
    <message>
        <source>Details of the selected check</source>
        <translation>所选检查的详细信息</translation>
    </message>
</context>
<context>
    <name>vgpu::console::JournalView</name>
    <message>
        <source>Filter the log (text contained in the line)</source>
        <translation>筛选日志（行中包含的文本）</translation>
    </message>
    <message>
        <source>Log filter</source>
        <translation>日志筛选</translation>
    </message>
    <message>
        <source>Lines starting with %1 are GPU discovery lines.</source>
        <translation>以 %1 开头的行是 GPU 发现行。</translation>
    </message>
    <message>
        <source>ollama.service log</source>
        <translation>ollama.service 日志</translation>
    </message>
    <message>
        <source>GPU discovery line</source>
        <translation>GPU 发现行</translation>
    </message>
    <message>
        <source>The log cannot be read: %1</source>
        <translation>无法读取日志：%1</translation>
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
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ServicePage</name>
    <message>
        <source>Service %1</source>
        <translation>服务 %1</translation>
    </message>
    <message>
        <source>Service state</source>
        <translation>服务状态</translation>
    </message>
    <message>
        <source>Service sub-state</source>
        <translation>服务子状态</translation>
    </message>
    <message>
        <source>Main process ID</source>
        <translation>主进程 ID</translation>
    </message>
    <message>
        <source>Service uptime</source>
        <translation>服务运行时间</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Sub-state:</source>
        <translation>子状态：</translation>
    </message>
    <message>
        <source>Main PID:</source>
        <translation>主 PID：</translation>
    </message>
    <message>
        <source>Uptime:</source>
        <translation>运行时间：</translation>
    </message>
    <message>
        <source>reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>启动(&amp;S)</translation>
    </message>
    <message>
        <source>Start ollama.service</source>
        <translation>启动 ollama.service</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop ollama.service</source>
        <translation>停止 ollama.service</translation>
    </message>
    <message>
        <source>&amp;Restart</source>
        <translation>重启(&amp;R)</translation>
    </message>
    <message>
        <source>Restart ollama.service</source>
        <translation>重启 ollama.service</translation>
    </message>
    <message>
        <source>Result of the last job</source>
        <translation>上一个作业的结果</translation>
    </message>
    <message>
        <source>Running %1 of %2…</source>
        <translation>正在对 %2 执行 %1…</translation>
    </message>
    <message>
        <source>%1 of %2 finished: %3</source>
        <translation>%2 的 %1 已完成：%3</translation>
    </message>
    <message>
        <source>%1 of %2 failed: %3</source>
        <translation>%2 的 %1 失败：%3</translation>
    </message>
    <message>
        <source>unknown: %1</source>
        <translation>未知：%1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>not active</source>
        <translation>未激活</translation>
    </message>
</context>
</TS>

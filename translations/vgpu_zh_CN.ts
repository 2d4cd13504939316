<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConsoleHelp</name>
    <message>
        <source>&lt;p&gt;The desktop face of vgpu: live telemetry of the processes using the vgpu shim, the vgpud hosts, the Ollama service, diagnostics with remedies and the shim&apos;s configuration. Every change to the system goes through vgpu-helper under polkit.&lt;/p&gt;</source>
        <translation>&lt;p&gt;vgpu 的桌面界面：使用 vgpu shim 的进程的实时遥测、vgpud 主机、Ollama 服务、带修复方法的诊断以及 shim 的配置。对系统的每项更改都通过 polkit 下的 vgpu-helper 进行。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Built with Qt %1 (running on Qt %2) and QCustomPlot %3.&lt;/p&gt;</source>
        <translation>&lt;p&gt;使用 Qt %1（运行于 Qt %2）和 QCustomPlot %3 构建。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;License: none granted yet; all rights reserved by the vgpu maintainers. Qt is used under the LGPL v3, QCustomPlot under the GPL v3.&lt;/p&gt;</source>
        <translation>&lt;p&gt;许可证：尚未授予；vgpu 维护者保留所有权利。Qt 依据 LGPL v3 使用，QCustomPlot 依据 GPL v3 使用。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>OverrideConsent</name>
    <message>
        <source>The fix names no drop-in line: %1</source>
        <translation>该修复未指明 drop-in 行：%1</translation>
    </message>
    <message>
        <source>This fix edits %1, a file vgpu does not manage: line %2 (%3) moves into %4, and is taken out of %1.</source>
        <translation>此修复会编辑 %1（vgpu 不管理的文件）：第 %2 行（%3）移入 %4，并从 %1 中删除。</translation>
    </message>
    <message>
        <source>This fix edits %1, a file vgpu does not manage: line %2 (%3) is taken out of it, so the value in %4 applies.</source>
        <translation>此修复会编辑 %1（vgpu 不管理的文件）：从中删除第 %2 行（%3），从而使 %4 中的值生效。</translation>
    </message>
    <message>
        <source>Edit a file vgpu does not manage?</source>
        <translation>要编辑 vgpu 不管理的文件吗？</translation>
    </message>
    <message>
        <source>The fix cannot be applied: %1</source>
        <translation>无法应用该修复：%1</translation>
    </message>
    <message>
        <source>Run the diagnostics again to see the files as they are now.</source>
        <translation>请重新运行诊断以查看文件的当前状态。</translation>
    </message>
    <message>
        <source>Afterwards systemd applies %1. The change is journaled and can be undone with vgpuctl rollback.</source>
        <translation>之后 systemd 将应用 %1。此更改会记入日志，并可用 vgpuctl rollback 撤销。</translation>
    </message>
    <message>
        <source>Edit the file</source>
        <translation>编辑该文件</translation>
    </message>
</context>
<context>
    <name>PolkitProbe</name>
    <message>
        <source>pkexec is not installed, so the console cannot run vgpu-helper: sudo apt install pkexec</source>
        <translation>未安装 pkexec，因此控制台无法运行 vgpu-helper：sudo apt install pkexec</translation>
    </message>
    <message>
        <source>No polkit service on the system bus (org.freedesktop.PolicyKit1), so changes cannot be authorized: sudo apt install polkitd, or make the change with `sudo vgpuctl …` in a terminal</source>
        <translation>系统总线上没有 polkit 服务（org.freedesktop.PolicyKit1），因此无法授权更改：sudo apt install polkitd，或在终端中用 `sudo vgpuctl …` 进行更改</translation>
    </message>
</context>
<context>
    <name>ProcessStop</name>
    <message>
        <source>Process %1 belongs to another user.</source>
        <translation>进程 %1 属于其他用户。</translation>
    </message>
    <message>
        <source>Process %1 is no longer running.</source>
        <translation>进程 %1 已不再运行。</translation>
    </message>
    <message>
        <source>Process %1 has exited; its pid now belongs to another process, which was left alone.</source>
        <translation>进程 %1 已退出；其 PID 现在属于另一个进程，该进程未受影响。</translation>
    </message>
    <message>
        <source>Could not stop process %1: %2</source>
        <translation>无法停止进程 %1：%2</translation>
    </message>
    <message>
        <source>Sent SIGTERM to process %1.</source>
        <translation>已向进程 %1 发送 SIGTERM。</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ApplyPage</name>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>vgpu-helper makes the changes; each one is journaled and can be rolled back.</source>
        <translation>由 vgpu-helper 执行更改；每项更改都有日志记录，并可回滚。</translation>
    </message>
    <message>
        <source>&amp;Continue to restart</source>
        <translation>继续重启(&amp;C)</translation>
    </message>
    <message>
        <source>Install the shim (%1 scope)</source>
        <translation>安装 shim（%1 范围）</translation>
    </message>
    <message>
        <source>Set %1=%2 in the managed drop-in</source>
        <translation>在受管 drop-in 中设置 %1=%2</translation>
    </message>
    <message>
        <source>Remove %1 from the managed drop-in</source>
        <translation>从受管 drop-in 中移除 %1</translation>
    </message>
    <message>
        <source>Reload systemd&apos;s unit files</source>
        <translation>重新加载 systemd 的单元文件</translation>
    </message>
    <message>
        <source>Write backend=%1 to %2</source>
        <translation>将 backend=%1 写入 %2</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ChoosePage</name>
    <message>
        <source>Choose</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Where the shim applies, and which of Ollama&apos;s variant folders it must use.</source>
        <translation>shim 的作用范围，以及必须使用 Ollama 的哪个变体文件夹。</translation>
    </message>
    <message>
        <source>Installation scope</source>
        <translation>安装范围</translation>
    </message>
    <message>
        <source>ollama.service only (survives Ollama upgrades)</source>
        <translation>仅 ollama.service（Ollama 升级后仍保留）</translation>
    </message>
    <message>
        <source>Every program on this machine (ld.so.conf.d entry)</source>
        <translation>本机上的所有程序（ld.so.conf.d 条目）</translation>
    </message>
    <message>
        <source>OLLAMA_LLM_LIBRARY: the variant folder Ollama must use</source>
        <translation>OLLAMA_LLM_LIBRARY：Ollama 必须使用的变体文件夹</translation>
    </message>
    <message>
        <source>&amp;Scope:</source>
        <translation>范围(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;OLLAMA_LLM_LIBRARY:</source>
        <translation>&amp;OLLAMA_LLM_LIBRARY：</translation>
    </message>
    <message>
        <source>&quot;Automatic&quot; leaves OLLAMA_LLM_LIBRARY unset: Ollama tries every variant folder.</source>
        <translation>“自动”表示不设置 OLLAMA_LLM_LIBRARY：Ollama 会尝试每个变体文件夹。</translation>
    </message>
    <message>
        <source>Automatic (unset)</source>
        <translation>自动（未设置）</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ConfigurationPage</name>
    <message>
        <source>Used by Ollama</source>
        <translation>Ollama 使用</translation>
    </message>
    <message>
        <source>Ignored: no ggml library inside</source>
        <translation>已忽略：其中没有 ggml 库</translation>
    </message>
    <message>
        <source>Broken symlink</source>
        <translation>符号链接已损坏</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>不可读</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <source>Detect the Ollama installation again</source>
        <translation>重新检测 Ollama 安装</translation>
    </message>
    <message>
        <source>&amp;Review…</source>
        <translation>审阅(&amp;R)…</translation>
    </message>
    <message>
        <source>Review the exact change to the drop-in</source>
        <translation>审阅对 drop-in 的确切更改</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>应用(&amp;A)</translation>
    </message>
    <message>
        <source>Apply the changes through vgpu-helper</source>
        <translation>通过 vgpu-helper 应用更改</translation>
    </message>
    <message>
        <source>Re&amp;start ollama.service</source>
        <translation>重启 ollama.service(&amp;S)</translation>
    </message>
    <message>
        <source>Restart ollama.service to use the changes</source>
        <translation>重启 ollama.service 以使更改生效</translation>
    </message>
    <message>
        <source>&amp;Undo last change</source>
        <translation>撤销上次更改(&amp;U)</translation>
    </message>
    <message>
        <source>Roll back the last applied change</source>
        <translation>回滚上次应用的更改</translation>
    </message>
    <message>
        <source>Configuration status</source>
        <translation>配置状态</translation>
    </message>
    <message>
        <source>Ollama installation</source>
        <translation>Ollama 安装</translation>
    </message>
    <message>
        <source>Ollama binary</source>
        <translation>Ollama 可执行文件</translation>
    </message>
    <message>
        <source>Ollama version and discovery era</source>
        <translation>Ollama 版本与发现时期</translation>
    </message>
    <message>
        <source>Ollama library root</source>
        <translation>Ollama 库根目录</translation>
    </message>
    <message>
        <source>Unit file and drop-ins</source>
        <translation>单元文件与 drop-in</translation>
    </message>
    <message>
        <source>Binary:</source>
        <translation>可执行文件：</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <source>Library root:</source>
        <translation>库根目录：</translation>
    </message>
    <message>
        <source>Unit files:</source>
        <translation>单元文件：</translation>
    </message>
    <message>
        <source>Variant folders in the library root</source>
        <translation>库根目录中的变体文件夹</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>CUDA runtime</source>
        <translation>CUDA 运行时</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Problems found while detecting</source>
        <translation>检测时发现的问题</translation>
    </message>
    <message>
        <source>Environment of ollama.service</source>
        <translation>ollama.service 的环境</translation>
    </message>
    <message>
        <source>State of the managed drop-in</source>
        <translation>受管 drop-in 的状态</translation>
    </message>
    <message>
        <source>OLLAMA_LLM_LIBRARY: the variant folder Ollama must use</source>
        <translation>OLLAMA_LLM_LIBRARY：Ollama 必须使用的变体文件夹</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>Findings about the service environment</source>
        <translation>关于服务环境的发现</translation>
    </message>
    <message>
        <source>Validation of %1</source>
        <translation>%1 的校验</translation>
    </message>
    <message>
        <source>Where %1 is set</source>
        <translation>%1 的设置位置</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>%1 (found via %2)</source>
        <translation>%1（通过 %2 找到）</translation>
    </message>
    <message>
        <source>%1, discovery era %2 (%3)</source>
        <translation>%1，发现时期 %2（%3）</translation>
    </message>
    <message>
        <source>%1 (Ollama&apos;s rule: %2)</source>
        <translation>%1（Ollama 的规则：%2）</translation>
    </message>
    <message>
        <source>no ollama.service unit found</source>
        <translation>未找到 ollama.service 单元</translation>
    </message>
    <message>
        <source>%1 (unreadable: %2)</source>
        <translation>%1（不可读：%2）</translation>
    </message>
    <message>
        <source>the service user cannot use it: %1</source>
        <translation>服务用户无法使用：%1</translation>
    </message>
    <message>
        <source>symlink to %1</source>
        <translation>指向 %1 的符号链接</translation>
    </message>
    <message>
        <source>Problem: %1: %2</source>
        <translation>问题：%1：%2</translation>
    </message>
    <message>
        <source>%1 does not exist yet: applying a variable creates it.</source>
        <translation>%1 尚不存在：应用变量时会创建它。</translation>
    </message>
    <message>
        <source>%1 is managed by vgpu.</source>
        <translation>%1 由 vgpu 管理。</translation>
    </message>
    <message>
        <source>%1 cannot be changed: %2</source>
        <translation>%1 无法更改：%2</translation>
    </message>
    <message>
        <source>Automatic (unset)</source>
        <translation>自动（未设置）</translation>
    </message>
    <message>
        <source>%1 (not an installed variant)</source>
        <translation>%1（不是已安装的变体）</translation>
    </message>
    <message>
        <source>In effect: %1 (from %2)</source>
        <translation>生效值：%1（来自 %2）</translation>
    </message>
    <message>
        <source>Note: %1 (%2)</source>
        <translation>注意：%1（%2）</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>注意：%1</translation>
    </message>
    <message>
        <source>Cannot apply: %1</source>
        <translation>无法应用：%1</translation>
    </message>
    <message>
        <source>Apply runs vgpu-helper with these verbs, in this order:</source>
        <translation>“应用”将按以下顺序以这些动词运行 vgpu-helper：</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>The drop-in does not change.</source>
        <translation>drop-in 不会改变。</translation>
    </message>
    <message>
        <source>Review changes</source>
        <translation>审阅更改</translation>
    </message>
    <message>
        <source>The exact change to the managed drop-in</source>
        <translation>对受管 drop-in 的确切更改</translation>
    </message>
    <message>
        <source>Applying the changes…</source>
        <translation>正在应用更改…</translation>
    </message>
    <message>
        <source>Applied: %1. Restart ollama.service to use the new environment.</source>
        <translation>已应用：%1。请重启 ollama.service 以使用新环境。</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Restarting ollama.service…</source>
        <translation>正在重启 ollama.service…</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>ollama.service restarted (job result: %1).</source>
        <translation>ollama.service 已重启（作业结果：%1）。</translation>
    </message>
    <message>
        <source>Restart failed: %1 (job result: %2).</source>
        <translation>重启失败：%1（作业结果：%2）。</translation>
    </message>
    <message>
        <source>Rolling back the last change…</source>
        <translation>正在回滚上次更改…</translation>
    </message>
    <message>
        <source>Undone: %1. Restart ollama.service to use the previous environment.</source>
        <translation>已撤销：%1。请重启 ollama.service 以使用之前的环境。</translation>
    </message>
    <message>
        <source>Undo failed: %1</source>
        <translation>撤销失败：%1</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ConsoleTray</name>
    <message>
        <source>vgpu console tray menu</source>
        <translation>vgpu 控制台托盘菜单</translation>
    </message>
    <message>
        <source>&amp;Show console</source>
        <translation>显示控制台(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>vgpu console</source>
        <translation>vgpu 控制台</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DashboardPage</name>
    <message>
        <source>Dashboard status</source>
        <translation>仪表板状态</translation>
    </message>
    <message>
        <source>&lt;b&gt;No CUDA process is using the vgpu shim yet.&lt;/b&gt;&lt;br&gt;Start a CUDA program with the shim first on its library path, for example:&lt;br&gt;&lt;tt&gt;LD_LIBRARY_PATH=%1 ./my-cuda-program&lt;/tt&gt;&lt;br&gt;or run &lt;tt&gt;scripts/dev console&lt;/tt&gt;, which starts a demo workload on a simulated GPU.&lt;br&gt;Its VRAM, kernel launches and call latency will appear here.</source>
        <translation>&lt;b&gt;还没有 CUDA 进程在使用 vgpu shim。&lt;/b&gt;&lt;br&gt;请启动一个 CUDA 程序，并将 shim 放在其库路径的最前面，例如：&lt;br&gt;&lt;tt&gt;LD_LIBRARY_PATH=%1 ./my-cuda-program&lt;/tt&gt;&lt;br&gt;或运行 &lt;tt&gt;scripts/dev console&lt;/tt&gt;，它会在模拟 GPU 上启动一个演示负载。&lt;br&gt;其显存、内核启动和调用延迟将显示在这里。</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>设备(&amp;D)：</translation>
    </message>
    <message>
        <source>Device shown</source>
        <translation>显示的设备</translation>
    </message>
    <message>
        <source>P&amp;rocess:</source>
        <translation>进程(&amp;R)：</translation>
    </message>
    <message>
        <source>Process shown</source>
        <translation>显示的进程</translation>
    </message>
    <message>
        <source>&amp;Window:</source>
        <translation>时间窗口(&amp;W)：</translation>
    </message>
    <message>
        <source>Time window</source>
        <translation>时间窗口</translation>
    </message>
    <message>
        <source>1 minute</source>
        <translation>1 分钟</translation>
    </message>
    <message>
        <source>5 minutes</source>
        <translation>5 分钟</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Resume live plots</source>
        <translation>继续实时图表</translation>
    </message>
    <message>
        <source>Pause live plots</source>
        <translation>暂停实时图表</translation>
    </message>
    <message>
        <source>&amp;Logarithmic latency axis</source>
        <translation>对数延迟坐标轴(&amp;L)</translation>
    </message>
    <message>
        <source>Logarithmic latency axis</source>
        <translation>对数延迟坐标轴</translation>
    </message>
    <message>
        <source>Export P&amp;NG…</source>
        <translation>导出 PNG(&amp;N)…</translation>
    </message>
    <message>
        <source>Export the visible plots as a PNG image</source>
        <translation>将可见图表导出为 PNG 图像</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>导出 CSV(&amp;C)…</translation>
    </message>
    <message>
        <source>Export the visible data as CSV</source>
        <translation>将可见数据导出为 CSV</translation>
    </message>
    <message>
        <source>Simulated device: memory, copies and call figures are real accounting; kernels are validated and counted, not executed.</source>
        <translation>模拟设备：内存、拷贝和调用数据为真实统计；内核会被校验和计数，但不会执行。</translation>
    </message>
    <message>
        <source>Backend note</source>
        <translation>后端说明</translation>
    </message>
    <message>
        <source>Value under the mouse pointer</source>
        <translation>鼠标指针处的数值</translation>
    </message>
    <message>
        <source>Hover over a plot to read its values.</source>
        <translation>将鼠标悬停在图表上以读取数值。</translation>
    </message>
    <message>
        <source>VRAM</source>
        <translation>显存</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>VRAM used and total over time</source>
        <translation>已用显存与总显存随时间变化</translation>
    </message>
    <message>
        <source>used</source>
        <translation>已用</translation>
    </message>
    <message>
        <source>total</source>
        <translation>总计</translation>
    </message>
    <message>
        <source>Kernel launches</source>
        <translation>内核启动</translation>
    </message>
    <message>
        <source>per second</source>
        <translation>每秒</translation>
    </message>
    <message>
        <source>Kernel launches per second over time</source>
        <translation>每秒内核启动次数随时间变化</translation>
    </message>
    <message>
        <source>launches/s</source>
        <translation>次/秒</translation>
    </message>
    <message>
        <source>Call latency</source>
        <translation>调用延迟</translation>
    </message>
    <message>
        <source>µs</source>
        <translation>µs</translation>
    </message>
    <message>
        <source>Call latency percentiles over time</source>
        <translation>调用延迟百分位随时间变化</translation>
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
        <translation>拷贝带宽</translation>
    </message>
    <message>
        <source>MiB/s</source>
        <translation>MiB/s</translation>
    </message>
    <message>
        <source>Copy bandwidth per direction over time</source>
        <translation>各方向拷贝带宽随时间变化</translation>
    </message>
    <message>
        <source>host→device</source>
        <translation>主机→设备</translation>
    </message>
    <message>
        <source>device→host</source>
        <translation>设备→主机</translation>
    </message>
    <message>
        <source>device→device</source>
        <translation>设备→设备</translation>
    </message>
    <message>
        <source>All processes</source>
        <translation>所有进程</translation>
    </message>
    <message>
        <source>%1 (ended)</source>
        <translation>%1（已结束）</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Export plots as PNG</source>
        <translation>将图表导出为 PNG</translation>
    </message>
    <message>
        <source>Export visible data as CSV</source>
        <translation>将可见数据导出为 CSV</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Time windows</source>
        <translation>时间窗口</translation>
    </message>
    <message>
        <source>Some of these processes run on a simulated device: no GPU runs their kernels, which are validated and counted, not executed.</source>
        <translation>其中部分进程运行在模拟设备上：没有 GPU 执行它们的内核，内核只会被校验和计数，不会执行。</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DemoSession</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>vgpud is running (%1)</source>
        <translation>vgpud 正在运行（%1）</translation>
    </message>
    <message numerus="yes">
        <source>%n process(es) already use the shim</source>
        <translation>
            <numerusform>已有 %n 个进程在使用 shim</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot create %1</source>
        <translation>无法创建 %1</translation>
    </message>
    <message>
        <source>The demo workload or the shim library was not found (build them with scripts/dev build, or set VGPU_DEMO_WORKLOAD and VGPU_DEMO_SHIM_DIR).</source>
        <translation>未找到演示负载或 shim 库（请用 scripts/dev build 构建，或设置 VGPU_DEMO_WORKLOAD 和 VGPU_DEMO_SHIM_DIR）。</translation>
    </message>
    <message>
        <source>Cannot create the demo folder: %1</source>
        <translation>无法创建演示文件夹：%1</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>vgpud exited with status %1 before listening</source>
        <translation>vgpud 在开始监听之前以状态 %1 退出</translation>
    </message>
    <message>
        <source>vgpud did not create %1 within 5 s</source>
        <translation>vgpud 未在 5 秒内创建 %1</translation>
    </message>
    <message>
        <source>vgpu-demo-machine or vgpu-helper was not found (they are built with the tests: scripts/dev build)</source>
        <translation>未找到 vgpu-demo-machine 或 vgpu-helper（它们随测试一起构建：scripts/dev build）</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>%1 did not become ready within 20 s</source>
        <translation>%1 未在 20 秒内就绪</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DesktopAlerts</name>
    <message>
        <source>%1 on %2 uses %3 of its %4 VRAM quota.</source>
        <translation>%2 上的 %1 使用了 %3，其 VRAM 配额为 %4。</translation>
    </message>
    <message>
        <source>vgpud is unreachable</source>
        <translation>无法访问 vgpud</translation>
    </message>
    <message>
        <source>Ollama&apos;s virtual GPU cannot reach vgpud. See the console&apos;s Hosts page.</source>
        <translation>Ollama 的虚拟 GPU 无法访问 vgpud。请查看控制台的“主机”页面。</translation>
    </message>
    <message>
        <source>Ollama fell back to the CPU</source>
        <translation>Ollama 已回退到 CPU</translation>
    </message>
    <message>
        <source>A runner has no CUDA backend loaded. The console&apos;s Diagnostics page says why.</source>
        <translation>某个运行器未加载 CUDA 后端。控制台的“诊断”页面会说明原因。</translation>
    </message>
    <message>
        <source>A session reached its VRAM quota</source>
        <translation>某个会话已达到其 VRAM 配额</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DetectPage</name>
    <message>
        <source>Found</source>
        <translation>已找到</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>检测</translation>
    </message>
    <message>
        <source>What is on this machine: the virtual GPU&apos;s PCI stub, Ollama, and an existing shim.</source>
        <translation>本机上有什么：虚拟 GPU 的 PCI 存根设备、Ollama 以及已有的 shim。</translation>
    </message>
    <message>
        <source>Detection results</source>
        <translation>检测结果</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>What was found</source>
        <translation>发现的内容</translation>
    </message>
    <message>
        <source>Detecting…</source>
        <translation>正在检测…</translation>
    </message>
    <message>
        <source>Detection summary</source>
        <translation>检测摘要</translation>
    </message>
    <message>
        <source>Ollama found at %1. Continue to choose how to install the shim.</source>
        <translation>在 %1 找到 Ollama。继续以选择 shim 的安装方式。</translation>
    </message>
    <message>
        <source>No Ollama installation was found; the system scope still makes the virtual GPU visible to every program.</source>
        <translation>未找到 Ollama 安装；系统范围仍会让所有程序看到虚拟 GPU。</translation>
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
    <message>
        <source>Fix for &quot;%1&quot; not applied: nothing was changed.</source>
        <translation>未应用“%1”的修复：未做任何更改。</translation>
    </message>
</context>
<context>
    <name>vgpu::console::DonePage</name>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Installation summary</source>
        <translation>安装摘要</translation>
    </message>
    <message>
        <source>The shim was already installed; nothing was changed.</source>
        <translation>shim 已经安装；未做任何更改。</translation>
    </message>
    <message>
        <source>Installed as transaction(s): %1.</source>
        <translation>已作为事务安装：%1。</translation>
    </message>
    <message>
        <source>Verdict: %1</source>
        <translation>结论：%1</translation>
    </message>
    <message>
        <source>To undo the installation later: vgpuctl rollback, or the Configuration page&apos;s Undo.</source>
        <translation>以后要撤销安装：运行 vgpuctl rollback，或使用“配置”页面的撤销。</translation>
    </message>
</context>
<context>
    <name>vgpu::console::GuestPage</name>
    <message>
        <source>Guest</source>
        <translation>客户机</translation>
    </message>
    <message>
        <source>Where this guest&apos;s GPU work goes: vgpud on the GPU host, or the simulated device.</source>
        <translation>此客户机的 GPU 工作发往何处：GPU 主机上的 vgpud，或模拟设备。</translation>
    </message>
    <message>
        <source>The stub GPU this guest presents</source>
        <translation>此客户机呈现的存根 GPU</translation>
    </message>
    <message>
        <source>Stub GPU:</source>
        <translation>存根 GPU：</translation>
    </message>
    <message>
        <source>Backend: where the work is executed</source>
        <translation>后端：工作在何处执行</translation>
    </message>
    <message>
        <source>vgpud on the GPU host (the work runs on its GPU)</source>
        <translation>GPU 主机上的 vgpud（工作在其 GPU 上运行）</translation>
    </message>
    <message>
        <source>Simulated device (no GPU: kernels are counted, never run)</source>
        <translation>模拟设备（无 GPU：内核只计数，从不运行）</translation>
    </message>
    <message>
        <source>&amp;Backend:</source>
        <translation>后端(&amp;B)：</translation>
    </message>
    <message>
        <source>vgpud&apos;s endpoint</source>
        <translation>vgpud 的端点</translation>
    </message>
    <message>
        <source>unix:/run/vgpud.sock, tcp:HOST:PORT or vsock:CID:PORT</source>
        <translation>unix:/run/vgpud.sock、tcp:主机:端口 或 vsock:CID:端口</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>端点(&amp;E)：</translation>
    </message>
    <message>
        <source>vgpud&apos;s token file (tcp and vsock endpoints)</source>
        <translation>vgpud 的令牌文件（tcp 和 vsock 端点）</translation>
    </message>
    <message>
        <source>/etc/vgpu/token (needed for tcp: and vsock:)</source>
        <translation>/etc/vgpu/token（tcp: 和 vsock: 需要）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Choose the token file</source>
        <translation>选择令牌文件</translation>
    </message>
    <message>
        <source>&amp;Token file:</source>
        <translation>令牌文件(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>Test the connection to vgpud</source>
        <translation>测试与 vgpud 的连接</translation>
    </message>
    <message>
        <source>Result of the connection test</source>
        <translation>连接测试的结果</translation>
    </message>
    <message>
        <source>Continue without testing the connection</source>
        <translation>不测试连接而继续</translation>
    </message>
    <message>
        <source>No stub GPU was detected.</source>
        <translation>未检测到存根 GPU。</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Not a usable setting: %1</source>
        <translation>不可用的设置：%1</translation>
    </message>
    <message>
        <source>Not tested yet.</source>
        <translation>尚未测试。</translation>
    </message>
    <message>
        <source>The simulated device needs no connection.</source>
        <translation>模拟设备不需要连接。</translation>
    </message>
    <message>
        <source>vgpud&apos;s token file</source>
        <translation>vgpud 的令牌文件</translation>
    </message>
    <message>
        <source>Connecting to vgpud at %1…</source>
        <translation>正在连接 %1 上的 vgpud…</translation>
    </message>
    <message>
        <source>Connected: vgpud %1 (%2 backend) serves</source>
        <translation>已连接：vgpud %1（%2 后端）提供</translation>
    </message>
    <message>
        <source>• %1, %2 memory, %3</source>
        <translation>• %1，%2 显存，%3</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation>应对方法：%1</translation>
    </message>
</context>
<context>
    <name>vgpu::console::HostSessionsModel</name>
    <message>
        <source>session %1</source>
        <translation>会话 %1</translation>
    </message>
    <message>
        <source> (pid %1)</source>
        <translation>（PID %1）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>active</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>排空中</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>启动中</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Guest / transport</source>
        <translation>客户机 / 传输</translation>
    </message>
    <message>
        <source>Client process</source>
        <translation>客户端进程</translation>
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
        <translation>已用显存</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>配额</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Launches/s</source>
        <translation>启动次数/秒</translation>
    </message>
    <message>
        <source>Copy B/s</source>
        <translation>复制 B/秒</translation>
    </message>
    <message>
        <source>Latency p50</source>
        <translation>延迟 p50</translation>
    </message>
    <message>
        <source>Latency p99</source>
        <translation>延迟 p99</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>ending</source>
        <translation>正在结束</translation>
    </message>
</context>
<context>
    <name>vgpu::console::HostsPage</name>
    <message>
        <source>Set VRAM quota</source>
        <translation>设置显存配额</translation>
    </message>
    <message>
        <source>VRAM quota per device of %1 (e.g. 8GiB, 512MiB; 0 = none):</source>
        <translation>%1 每个设备的显存配额（例如 8GiB、512MiB；0 = 无）：</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Set priority</source>
        <translation>设置优先级</translation>
    </message>
    <message>
        <source>Priority of %1:</source>
        <translation>%1 的优先级：</translation>
    </message>
    <message>
        <source>vgpud &amp;hosts:</source>
        <translation>vgpud 主机(&amp;H)：</translation>
    </message>
    <message>
        <source>Hosts watched and their connection state</source>
        <translation>所监视的主机及其连接状态</translation>
    </message>
    <message>
        <source>&amp;Add host…</source>
        <translation>添加主机(&amp;A)…</translation>
    </message>
    <message>
        <source>Add a vgpud admin endpoint</source>
        <translation>添加一个 vgpud 管理端点</translation>
    </message>
    <message>
        <source>&amp;Remove host</source>
        <translation>移除主机(&amp;R)</translation>
    </message>
    <message>
        <source>Stop watching the selected host</source>
        <translation>停止监视所选主机</translation>
    </message>
    <message>
        <source>&amp;Window:</source>
        <translation>时间窗口(&amp;W)：</translation>
    </message>
    <message>
        <source>Time window</source>
        <translation>时间窗口</translation>
    </message>
    <message>
        <source>5 minutes</source>
        <translation>5 分钟</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>&lt;b&gt;No GPU to show yet.&lt;/b&gt;&lt;br&gt;A host&apos;s GPUs appear once vgpud answers on its admin socket (on the simulated backend, once a session has used the GPU).</source>
        <translation>&lt;b&gt;尚无可显示的 GPU。&lt;/b&gt;&lt;br&gt;vgpud 在其管理套接字上应答后，主机的 GPU 即会出现（模拟后端下，需有会话使用过该 GPU）。</translation>
    </message>
    <message>
        <source>&amp;Sessions (every host):</source>
        <translation>会话（所有主机）(&amp;S)：</translation>
    </message>
    <message>
        <source>Sessions of every host</source>
        <translation>所有主机的会话</translation>
    </message>
    <message>
        <source>Set &amp;quota…</source>
        <translation>设置配额(&amp;Q)…</translation>
    </message>
    <message>
        <source>Set the selected session&apos;s VRAM quota</source>
        <translation>设置所选会话的显存配额</translation>
    </message>
    <message>
        <source>Set &amp;priority…</source>
        <translation>设置优先级(&amp;P)…</translation>
    </message>
    <message>
        <source>Set the selected session&apos;s priority</source>
        <translation>设置所选会话的优先级</translation>
    </message>
    <message>
        <source>&amp;Drain…</source>
        <translation>排空(&amp;D)…</translation>
    </message>
    <message>
        <source>Drain the selected session</source>
        <translation>排空所选会话</translation>
    </message>
    <message>
        <source>&amp;Kill…</source>
        <translation>终止(&amp;K)…</translation>
    </message>
    <message>
        <source>Kill the selected session</source>
        <translation>终止所选会话</translation>
    </message>
    <message>
        <source>Result of the last action</source>
        <translation>上一操作的结果</translation>
    </message>
    <message>
        <source>VRAM by session</source>
        <translation>各会话显存</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>VRAM used by each session, stacked, against the GPU&apos;s total</source>
        <translation>各会话已用显存（堆叠），对照 GPU 总显存</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>%, °C, W</source>
        <translation>%、°C、W</translation>
    </message>
    <message>
        <source>GPU utilization, temperature and power over time</source>
        <translation>GPU 利用率、温度和功率随时间变化</translation>
    </message>
    <message>
        <source>utilization %</source>
        <translation>利用率 %</translation>
    </message>
    <message>
        <source>temperature °C</source>
        <translation>温度 °C</translation>
    </message>
    <message>
        <source>power W</source>
        <translation>功率 W</translation>
    </message>
    <message>
        <source>Kernel launches</source>
        <translation>内核启动</translation>
    </message>
    <message>
        <source>per second</source>
        <translation>每秒</translation>
    </message>
    <message>
        <source>Kernel launches per second of each session</source>
        <translation>各会话每秒内核启动次数</translation>
    </message>
    <message>
        <source>Copy bandwidth</source>
        <translation>复制带宽</translation>
    </message>
    <message>
        <source>MiB/s</source>
        <translation>MiB/秒</translation>
    </message>
    <message>
        <source>Copy bandwidth of each session</source>
        <translation>各会话的复制带宽</translation>
    </message>
    <message>
        <source>%1 is already in the list</source>
        <translation>%1 已在列表中</translation>
    </message>
    <message>
        <source>a TCP endpoint needs the admin token&apos;s file (vgpud&apos;s admin-token-file)</source>
        <translation>TCP 端点需要管理令牌文件（vgpud 的 admin-token-file）</translation>
    </message>
    <message>
        <source>Connected to %1 (%2)</source>
        <translation>已连接到 %1（%2）</translation>
    </message>
    <message>
        <source>%1: no reply, the connection ended</source>
        <translation>%1：无应答，连接已结束</translation>
    </message>
    <message>
        <source>%1: connecting…</source>
        <translation>%1：正在连接…</translation>
    </message>
    <message>
        <source>%1: connected to %2 (vgpud %3, backend %4)</source>
        <translation>%1：已连接到 %2（vgpud %3，后端 %4）</translation>
    </message>
    <message>
        <source>%1: refused — the admin token is missing or wrong (vgpud&apos;s admin-token-file, not the tenants&apos; token); retrying every %2 s</source>
        <translation>%1：被拒绝 — 管理令牌缺失或错误（vgpud 的 admin-token-file，而非租户令牌）；每 %2 秒重试</translation>
    </message>
    <message>
        <source>%1: refused — be root or a member of the group %2 (vgpud&apos;s admin-group), then log in again; retrying every %3 s</source>
        <translation>%1：被拒绝 — 需要 root 或 %2 组（vgpud 的 admin-group）成员身份，然后重新登录；每 %3 秒重试</translation>
    </message>
    <message>
        <source>%1: unreachable, retrying every %2 s (%3)</source>
        <translation>%1：无法访问，每 %2 秒重试（%3）</translation>
    </message>
    <message>
        <source>%1: not watched: %2</source>
        <translation>%1：未监视：%2</translation>
    </message>
    <message>
        <source>%1 — GPU %2: %3 (%4 total)</source>
        <translation>%1 — GPU %2：%3（共 %4）</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Simulated GPU: VRAM and call figures are vgpud&apos;s accounting; vgpud sends no utilization, temperature or power for it.</source>
        <translation>模拟 GPU：显存和调用数据来自 vgpud 的记账；vgpud 不为其发送利用率、温度或功率。</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>total</source>
        <translation>总计</translation>
    </message>
    <message>
        <source>session %1 (%2)</source>
        <translation>会话 %1（%2）</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2 上的%1</translation>
    </message>
    <message>
        <source>Cannot read the size &apos;%1&apos; (e.g. 8GiB, 512MiB; 0 = none)</source>
        <translation>无法识别大小“%1”（例如 8GiB、512MiB；0 = 无）</translation>
    </message>
    <message>
        <source>Remove the VRAM quota of %1?</source>
        <translation>移除%1的显存配额？</translation>
    </message>
    <message>
        <source>Limit %1 to %2 of VRAM per device? It applies from the session&apos;s next allocation; memory it already holds is not taken away.</source>
        <translation>将%1限制为每个设备 %2 显存？从该会话的下一次分配起生效；已占用的内存不会被收回。</translation>
    </message>
    <message>
        <source>No VRAM quota for %1</source>
        <translation>%1无显存配额</translation>
    </message>
    <message>
        <source>VRAM quota %1 for %2</source>
        <translation>%2的显存配额 %1</translation>
    </message>
    <message>
        <source>Set the priority of %1 to %2?</source>
        <translation>将%1的优先级设为%2？</translation>
    </message>
    <message>
        <source>Priority %1 for %2</source>
        <translation>%2的优先级 %1</translation>
    </message>
    <message>
        <source>Drain session</source>
        <translation>排空会话</translation>
    </message>
    <message>
        <source>Drain %1? Its new allocations, module loads and kernel launches fail from its next call; it can still free, copy and synchronise, and leave.</source>
        <translation>排空%1？从其下一次调用起，新的分配、模块加载和内核启动将失败；释放、复制和同步仍可进行，以便其退出。</translation>
    </message>
    <message>
        <source>Drain of %1</source>
        <translation>排空%1</translation>
    </message>
    <message>
        <source>Kill session</source>
        <translation>终止会话</translation>
    </message>
    <message>
        <source>Kill %1? Its connection is closed and everything it holds is freed; its client&apos;s next call fails.</source>
        <translation>终止%1？其连接将被关闭，所占用的一切将被释放；其客户端的下一次调用将失败。</translation>
    </message>
    <message>
        <source>Kill of %1</source>
        <translation>终止%1</translation>
    </message>
    <message>
        <source>%1: not sent, the host is not connected</source>
        <translation>%1：未发送，主机未连接</translation>
    </message>
    <message>
        <source>%1: sent…</source>
        <translation>%1：已发送…</translation>
    </message>
    <message>
        <source>%1: done</source>
        <translation>%1：完成</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>Add a vgpud host</source>
        <translation>添加 vgpud 主机</translation>
    </message>
    <message>
        <source>unix:/run/vgpud-admin.sock or tcp:HOST:PORT</source>
        <translation>unix:/run/vgpud-admin.sock 或 tcp:主机:端口</translation>
    </message>
    <message>
        <source>TCP only: the file holding vgpud&apos;s admin token</source>
        <translation>仅 TCP：保存 vgpud 管理令牌的文件</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>端点(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Token file:</source>
        <translation>令牌文件(&amp;T)：</translation>
    </message>
    <message>
        <source>Admin token file</source>
        <translation>管理令牌文件</translation>
    </message>
    <message>
        <source>&amp;Fit the VRAM axis to the sessions&apos; use</source>
        <translation>显存轴适配会话用量(&amp;F)</translation>
    </message>
    <message>
        <source>Off: the VRAM axis ends at the GPU&apos;s total memory</source>
        <translation>关闭时：显存轴以 GPU 总显存为上限</translation>
    </message>
    <message>
        <source>Fit the VRAM axis to the sessions&apos; use instead of the GPU&apos;s total</source>
        <translation>让显存轴适配会话用量，而非 GPU 总显存</translation>
    </message>
    <message>
        <source>GPUs of every host</source>
        <translation>所有主机的 GPU</translation>
    </message>
    <message>
        <source>Time windows</source>
        <translation>时间窗口</translation>
    </message>
    <message>
        <source>Value under the mouse pointer</source>
        <translation>鼠标指针处的数值</translation>
    </message>
    <message>
        <source>Hover over a plot to read its values.</source>
        <translation>将鼠标悬停在图表上以读取数值。</translation>
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
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Roll back every change the wizard made</source>
        <translation>回滚向导所做的每项更改</translation>
    </message>
    <message>
        <source>&amp;Roll back</source>
        <translation>回滚(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>应用(&amp;A)</translation>
    </message>
    <message>
        <source>Nothing to roll back: the wizard has not changed the system.</source>
        <translation>无需回滚：向导尚未更改系统。</translation>
    </message>
    <message>
        <source>Roll back transaction %1</source>
        <translation>回滚事务 %1</translation>
    </message>
    <message>
        <source>Reload systemd&apos;s unit files</source>
        <translation>重新加载 systemd 的单元文件</translation>
    </message>
    <message>
        <source>Rolled back: the system is as it was before the wizard.</source>
        <translation>已回滚：系统已恢复到运行向导之前的状态。</translation>
    </message>
    <message>
        <source>The rollback did not finish; see the failed step.</source>
        <translation>回滚未完成；请查看失败的步骤。</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; 上一步(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>下一步(&amp;N) &gt;</translation>
    </message>
    <message>
        <source>Continue; the steps before cannot be revisited</source>
        <translation>继续；之后无法返回之前的步骤</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>完成(&amp;F)</translation>
    </message>
    <message>
        <source>Set up this guest for vgpu</source>
        <translation>为 vgpu 设置此客户机</translation>
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
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>&amp;Install shim…</source>
        <translation>安装 shim(&amp;I)…</translation>
    </message>
    <message>
        <source>Install the vgpu shim for Ollama with a guided wizard</source>
        <translation>通过向导为 Ollama 安装 vgpu shim</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程</translation>
    </message>
    <message numerus="yes">
        <source>Watching %n shim process(es)</source>
        <translation>
            <numerusform>正在监视 %n 个 shim 进程</numerusform>
        </translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Menu bar</source>
        <translation>菜单栏</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>File menu</source>
        <translation>文件菜单</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>View menu</source>
        <translation>视图菜单</translation>
    </message>
    <message>
        <source>Show %1</source>
        <translation>显示%1</translation>
    </message>
    <message>
        <source>&amp;Refresh status</source>
        <translation>刷新状态(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Help menu</source>
        <translation>帮助菜单</translation>
    </message>
    <message>
        <source>&amp;Documentation</source>
        <translation>文档(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts…</source>
        <translation>键盘快捷键(&amp;K)…</translation>
    </message>
    <message>
        <source>&amp;About vgpu-console</source>
        <translation>关于 vgpu-console(&amp;A)</translation>
    </message>
    <message>
        <source>About vgpu-console</source>
        <translation>关于 vgpu-console</translation>
    </message>
    <message>
        <source>Demo: the Service, Diagnostics and Configuration pages and the install wizard manage a stand-in Ollama installation in %1 (its systemd is a test double on a private bus). Nothing on this machine changes.</source>
        <translation>演示：服务、诊断和配置页面以及安装向导管理的是 %1 中的替身 Ollama 安装（其 systemd 是私有总线上的测试替身）。本机不会有任何更改。</translation>
    </message>
    <message>
        <source>vgpu console — demo</source>
        <translation>vgpu 控制台 — 演示</translation>
    </message>
</context>
<context>
    <name>vgpu::console::PrivilegeBanner</name>
    <message>
        <source>Why changes cannot be applied</source>
        <translation>无法应用更改的原因</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ProcessesPage</name>
    <message>
        <source>Processes that use the vgpu shim on this machine. Select one to show only its figures on the dashboard.</source>
        <translation>本机上使用 vgpu shim 的进程。选择一个进程，仪表板将只显示它的数据。</translation>
    </message>
    <message>
        <source>Shim processes</source>
        <translation>Shim 进程</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Executable</source>
        <translation>可执行文件</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>VRAM</source>
        <translation>显存</translation>
    </message>
    <message>
        <source>Launches/s</source>
        <translation>启动次数/秒</translation>
    </message>
    <message>
        <source>Show &amp;all processes</source>
        <translation>显示所有进程(&amp;A)</translation>
    </message>
    <message>
        <source>Show all processes on the dashboard</source>
        <translation>在仪表板上显示所有进程</translation>
    </message>
    <message>
        <source>simulated, in this process</source>
        <translation>模拟，在本进程中</translation>
    </message>
    <message>
        <source>simulated, in vgpud (%1)</source>
        <translation>模拟，在 vgpud 中（%1）</translation>
    </message>
    <message>
        <source>No GPU runs this process&apos;s kernels: they are validated and counted, never executed.</source>
        <translation>没有 GPU 执行此进程的内核：内核只会被校验和计数，从不执行。</translation>
    </message>
    <message>
        <source>Stop process</source>
        <translation>停止进程</translation>
    </message>
    <message>
        <source>This process belongs to another user; stop it as that user or as root.</source>
        <translation>此进程属于其他用户；请以该用户或 root 身份停止它。</translation>
    </message>
    <message>
        <source>This process was not found in /proc when it was listed, so it cannot be stopped from here.</source>
        <translation>列出此进程时在 /proc 中找不到它，因此无法从此处停止。</translation>
    </message>
    <message>
        <source>Process actions</source>
        <translation>进程操作</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Show in &amp;dashboard</source>
        <translation>在仪表板中显示(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Stop process…</source>
        <translation>停止进程(&amp;S)…</translation>
    </message>
    <message>
        <source>Send SIGTERM to process %1</source>
        <translation>向进程 %1 发送 SIGTERM</translation>
    </message>
    <message>
        <source>Stop process %1 (%2)? It receives SIGTERM and may lose unsaved work.</source>
        <translation>停止进程 %1（%2）？它将收到 SIGTERM，可能丢失未保存的工作。</translation>
    </message>
</context>
<context>
    <name>vgpu::console::RestartPage</name>
    <message>
        <source>Restart</source>
        <translation>重启</translation>
    </message>
    <message>
        <source>ollama.service restarts with the new environment.</source>
        <translation>ollama.service 将以新环境重启。</translation>
    </message>
    <message>
        <source>&amp;Verify</source>
        <translation>验证(&amp;V)</translation>
    </message>
    <message>
        <source>Restart ollama.service</source>
        <translation>重启 ollama.service</translation>
    </message>
</context>
<context>
    <name>vgpu::console::ReviewPage</name>
    <message>
        <source>Review</source>
        <translation>审阅</translation>
    </message>
    <message>
        <source>The exact changes. Nothing has been changed yet.</source>
        <translation>确切的更改。目前尚未更改任何内容。</translation>
    </message>
    <message>
        <source>The installation plan</source>
        <translation>安装计划</translation>
    </message>
    <message>
        <source>The installation cannot be planned: %1</source>
        <translation>无法规划安装：%1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>The service environment cannot be planned: %1</source>
        <translation>无法规划服务环境：%1</translation>
    </message>
    <message>
        <source>The managed drop-in does not change.</source>
        <translation>受管 drop-in 不会改变。</translation>
    </message>
    <message>
        <source>The managed drop-in:
%1</source>
        <translation>受管 drop-in：
%1</translation>
    </message>
    <message>
        <source>Apply runs, in this order:</source>
        <translation>“应用”将按以下顺序运行：</translation>
    </message>
    <message>
        <source>The shim configuration cannot be planned: %1</source>
        <translation>无法规划 shim 配置：%1</translation>
    </message>
    <message>
        <source>The shim configuration %1 does not change.</source>
        <translation>shim 配置 %1 不变。</translation>
    </message>
    <message>
        <source>The shim configuration:
%1</source>
        <translation>shim 配置：
%1</translation>
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
    <message>
        <source>systemd refused the %1 of %2 (%3); asking vgpu-helper, which may ask for a password…</source>
        <translation>systemd 拒绝了对 %2 的 %1（%3）；正在请求 vgpu-helper，可能需要输入密码…</translation>
    </message>
    <message>
        <source>%1 of %2 finished through vgpu-helper: %3</source>
        <translation>通过 vgpu-helper 完成了 %2 的 %1：%3</translation>
    </message>
    <message>
        <source>%1 of %2 failed through vgpu-helper: %3</source>
        <translation>通过 vgpu-helper 执行 %2 的 %1 失败：%3</translation>
    </message>
</context>
<context>
    <name>vgpu::console::StatusHeader</name>
    <message>
        <source>Open the %1 page</source>
        <translation>打开“%1”页面</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表板</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Ollama: not installed</source>
        <translation>Ollama：未安装</translation>
    </message>
    <message>
        <source>Ollama: not running</source>
        <translation>Ollama：未运行</translation>
    </message>
    <message>
        <source>Ollama: running</source>
        <translation>Ollama：运行中</translation>
    </message>
    <message>
        <source>Ollama: state unknown</source>
        <translation>Ollama：状态未知</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message numerus="yes">
        <source>on the GPU (%n runner(s))</source>
        <translation>
            <numerusform>在 GPU 上（%n 个运行器）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>on the CPU: %1 of %n runner(s) without the CUDA backend</source>
        <translation>
            <numerusform>在 CPU 上：%n 个运行器中有 %1 个没有 CUDA 后端</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>on a SIMULATED device (%n runner(s))</source>
        <translation>
            <numerusform>在模拟设备上（%n 个运行器）</numerusform>
        </translation>
    </message>
    <message>
        <source>idle: no model loaded</source>
        <translation>空闲：未加载模型</translation>
    </message>
    <message>
        <source>no Ollama process runs</source>
        <translation>没有 Ollama 进程在运行</translation>
    </message>
    <message>
        <source>runners not examined</source>
        <translation>未检查运行器</translation>
    </message>
    <message>
        <source>SIMULATED in the process, kernels are not run</source>
        <translation>模拟设备（进程内），内核不会被执行</translation>
    </message>
    <message>
        <source>SIMULATED in vgpud at %1, kernels are not run</source>
        <translation>模拟设备（vgpud，%1），内核不会被执行</translation>
    </message>
    <message>
        <source>executed: unknown</source>
        <translation>执行位置：未知</translation>
    </message>
    <message>
        <source>vgpud at %1</source>
        <translation>vgpud（%1）</translation>
    </message>
    <message>
        <source>No GPU presented now (configured: %1)</source>
        <translation>当前未呈现 GPU（已配置：%1）</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>⚠ Ollama is not installed</source>
        <translation>⚠ 未安装 Ollama</translation>
    </message>
    <message>
        <source>⚠ ollama.service is not running</source>
        <translation>⚠ ollama.service 未运行</translation>
    </message>
    <message>
        <source>⚠ CPU fallback: a runner has no CUDA backend</source>
        <translation>⚠ 回退到 CPU：有运行器没有 CUDA 后端</translation>
    </message>
    <message>
        <source>⚠ vgpud unreachable</source>
        <translation>⚠ 无法连接 vgpud</translation>
    </message>
    <message>
        <source>⚠ Simulated device: no GPU runs the kernels</source>
        <translation>⚠ 模拟设备：没有 GPU 执行内核</translation>
    </message>
    <message>
        <source>⚠ A shim process could not be read</source>
        <translation>⚠ 无法读取某个 shim 进程</translation>
    </message>
    <message>
        <source>Machine status</source>
        <translation>机器状态</translation>
    </message>
    <message>
        <source>VRAM %1 of %2</source>
        <translation>显存 %1 / %2</translation>
    </message>
    <message>
        <source>VRAM unknown</source>
        <translation>显存未知</translation>
    </message>
    <message>
        <source>%1 — open the %2 page</source>
        <translation>%1 — 打开“%2”页面</translation>
    </message>
    <message>
        <source>No alerts</source>
        <translation>无警报</translation>
    </message>
    <message>
        <source>Ollama state</source>
        <translation>Ollama 状态</translation>
    </message>
    <message>
        <source>Where Ollama&apos;s runners work</source>
        <translation>Ollama 运行器的工作位置</translation>
    </message>
    <message>
        <source>GPU and where its work runs</source>
        <translation>GPU 及其工作的执行位置</translation>
    </message>
    <message>
        <source>VRAM used</source>
        <translation>已用显存</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>警报</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>警报</translation>
    </message>
</context>
<context>
    <name>vgpu::console::StepsPage</name>
    <message>
        <source>Pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Steps and their state</source>
        <translation>步骤及其状态</translation>
    </message>
    <message>
        <source>Error of the failed step</source>
        <translation>失败步骤的错误</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>(job result: %1)</source>
        <translation>（作业结果：%1）</translation>
    </message>
</context>
<context>
    <name>vgpu::console::VerifyPage</name>
    <message>
        <source>Verify</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Ollama&apos;s log after the restart: does it find the GPU?</source>
        <translation>重启后的 Ollama 日志：它找到 GPU 了吗？</translation>
    </message>
    <message>
        <source>Time waited for the discovery lines</source>
        <translation>等待发现日志行的时间</translation>
    </message>
    <message>
        <source>GPU or CPU verdict</source>
        <translation>GPU 或 CPU 结论</translation>
    </message>
    <message>
        <source>Evidence for the verdict</source>
        <translation>结论的证据</translation>
    </message>
    <message>
        <source>Waiting for the discovery lines</source>
        <translation>正在等待发现日志行</translation>
    </message>
    <message>
        <source>Waiting up to %1 s for Ollama&apos;s GPU discovery</source>
        <translation>最多等待 %1 秒以完成 Ollama 的 GPU 发现</translation>
    </message>
    <message>
        <source>Waited %1 of %2 s for the discovery lines</source>
        <translation>已等待发现日志行 %1/%2 秒</translation>
    </message>
    <message>
        <source>GPU: %1</source>
        <translation>GPU: %1</translation>
    </message>
    <message>
        <source>Discovery finished</source>
        <translation>发现已完成</translation>
    </message>
    <message>
        <source>CPU: %1</source>
        <translation>CPU: %1</translation>
    </message>
    <message>
        <source>Undecided after %1 s: %2</source>
        <translation>%1 秒后仍未确定：%2</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>Evidence: %1 (%2)&lt;br&gt;&lt;code&gt;%3&lt;/code&gt;</source>
        <translation>证据：%1（%2）&lt;br&gt;&lt;code&gt;%3&lt;/code&gt;</translation>
    </message>
    <message>
        <source>Next step: %1</source>
        <translation>下一步：%1</translation>
    </message>
    <message>
        <source>Check &amp;again</source>
        <translation>再次检查(&amp;A)</translation>
    </message>
    <message>
        <source>Wait for Ollama&apos;s discovery lines again</source>
        <translation>再次等待 Ollama 的发现日志行</translation>
    </message>
    <message>
        <source>Open &amp;journal</source>
        <translation>打开日志(&amp;J)</translation>
    </message>
    <message>
        <source>Show ollama.service&apos;s log since the restart</source>
        <translation>显示重启以来 ollama.service 的日志</translation>
    </message>
    <message>
        <source>ollama.service&apos;s log could not be read (%1). Check that this user may read the system journal (the groups systemd-journal or adm), then Check again.</source>
        <translation>无法读取 ollama.service 的日志（%1）。请确认此用户可以读取系统日志（systemd-journal 或 adm 组），然后再次检查。</translation>
    </message>
    <message>
        <source>ollama.service&apos;s log cannot be followed (%1).</source>
        <translation>无法跟踪 ollama.service 的日志（%1）。</translation>
    </message>
    <message>
        <source>The doctor&apos;s log check: %1</source>
        <translation>doctor 的日志检查：%1</translation>
    </message>
    <message>
        <source>ollama.service wrote no log lines since the restart. Is it running (vgpuctl service status)? Its log may also not reach the journal.</source>
        <translation>ollama.service 自重启以来没有写入任何日志行。它在运行吗（vgpuctl service status）？它的日志也可能没有进入系统日志。</translation>
    </message>
    <message>
        <source>Ollama has not looked for a GPU yet: it discovers GPUs when it first loads a model. Load one on this machine (ollama run &lt;model&gt;), then Check again.</source>
        <translation>Ollama 尚未查找 GPU：它在首次加载模型时才发现 GPU。请在本机加载一个模型（ollama run &lt;model&gt;），然后再次检查。</translation>
    </message>
    <message>
        <source>ollama.service&apos;s log since the restart</source>
        <translation>重启以来 ollama.service 的日志</translation>
    </message>
    <message>
        <source>Log entries</source>
        <translation>日志条目</translation>
    </message>
    <message>
        <source>The log could not be read: %1</source>
        <translation>无法读取日志：%1</translation>
    </message>
    <message>
        <source>No entries since the restart.</source>
        <translation>重启以来没有条目。</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>Close the log</source>
        <translation>关闭日志</translation>
    </message>
</context>
</TS>

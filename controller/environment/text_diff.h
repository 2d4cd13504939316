// A unified-style line diff for showing planned file changes (vgpuctl --dry-run, the console's
// plan view). Files here are a few dozen lines, so one hunk with full context is enough.
#pragma once

#include <QString>

namespace vgpu::controller {

// "--- <fromLabel>\n+++ <toLabel>\n@@ -1,N +1,M @@\n" then ' ', '-', '+' lines from a longest
// common subsequence. Empty when the texts are equal. A missing file is passed as "" with the
// label /dev/null.
QString unifiedDiff(const QString& oldText, const QString& newText, const QString& fromLabel, const QString& toLabel);

} // namespace vgpu::controller

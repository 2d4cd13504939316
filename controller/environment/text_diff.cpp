// Longest-common-subsequence line diff.
#include "environment/text_diff.h"

#include <QList>
#include <QStringList>
#include <algorithm>
#include <vector>

namespace vgpu::controller {
namespace {

QStringList linesOf(const QString& text) {
  if (text.isEmpty()) {
    return {};
  }
  QStringList lines = text.split(u'\n');
  if (text.endsWith(u'\n')) {
    lines.removeLast();
  }
  return lines;
}

QString range(qsizetype count) {
  return count == 0 ? QStringLiteral("0,0") : QStringLiteral("1,%1").arg(count);
}

} // namespace

QString unifiedDiff(const QString& oldText, const QString& newText, const QString& fromLabel, const QString& toLabel) {
  if (oldText == newText) {
    return {};
  }
  const QStringList a = linesOf(oldText);
  const QStringList b = linesOf(newText);
  const auto n = static_cast<size_t>(a.size());
  const auto m = static_cast<size_t>(b.size());
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[static_cast<qsizetype>(i)] == b[static_cast<qsizetype>(j)] ? lcs[i + 1][j + 1] + 1
                                                                               : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  QString out =
      QStringLiteral("--- %1\n+++ %2\n@@ -%3 +%4 @@\n").arg(fromLabel, toLabel, range(a.size()), range(b.size()));
  size_t i = 0;
  size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[static_cast<qsizetype>(i)] == b[static_cast<qsizetype>(j)]) {
      out += u' ' + a[static_cast<qsizetype>(i)] + u'\n';
      ++i;
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out += u'-' + a[static_cast<qsizetype>(i)] + u'\n';
      ++i;
    } else {
      out += u'+' + b[static_cast<qsizetype>(j)] + u'\n';
      ++j;
    }
  }
  return out;
}

} // namespace vgpu::controller

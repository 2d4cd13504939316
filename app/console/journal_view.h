// JournalView: the Service page's live log of ollama.service. It reads a LogSource (the systemd
// journal in production, a plain file in tests), follows it, filters the lines by a text box, and
// marks the lines the doctor's log classifier recognises as GPU discovery with a prefix, bold
// text and a background (so the highlight is not carried by colour alone).
#pragma once

#include "journal/journal_entry.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;

namespace vgpu::console {

class JournalView : public QWidget {
  Q_OBJECT
public:
  explicit JournalView(QWidget* parent = nullptr);

  // Reads `source` from `query`'s start and follows it; errors are shown in the view.
  void start(controller::LogSource* source, const controller::JournalQuery& query);

  QListWidget* lines() const { return lines_; }
  QLineEdit* filter() const { return filter_; }
  // Lines kept; the oldest are dropped beyond this so a long-running console stays small.
  static constexpr int kMaxLines = 5000;
  // The marker that starts a discovery line (also part of the legend).
  static QString discoveryMarker();
  // Shown above the lines, e.g. when no log source could be opened at all.
  void showError(const QString& error);

private:
  void retranslate();
  void append(const QList<controller::JournalEntry>& entries);
  void applyFilter();

  QLineEdit* filter_ = nullptr;
  QLabel* legend_ = nullptr;
  QLabel* error_ = nullptr;
  QListWidget* lines_ = nullptr;
};

} // namespace vgpu::console

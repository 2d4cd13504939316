// Journal view: one list item per entry; the filter hides items instead of rebuilding the list so
// following stays cheap; discovery lines are decided by the doctor's classifier, not by a second
// list of patterns here.
#include "journal_view.h"

#include "doctor/logs/ollama_log_events.h"

#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace vgpu::console {

namespace {

// The journal's MESSAGE is the whole line Ollama wrote; parseOllamaLogEvents() also removes a
// syslog-style prefix, which plain log files (saved `journalctl` output) carry.
bool isDiscoveryLine(const QString& message) {
  using controller::doctor::EventKind;
  const QList<controller::doctor::LogEvent> events = controller::doctor::parseOllamaLogEvents(message);
  const EventKind kind = events.isEmpty() ? EventKind::Other : events.first().kind;
  return kind != EventKind::Other && kind != EventKind::Malformed;
}

// Lines without a time of their own (saved journalctl output carries it in the text) get none.
QString timePrefix(quint64 realtimeUs) {
  if (realtimeUs == 0) {
    return {};
  }
  return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(realtimeUs / 1000)).toString(QStringLiteral("HH:mm:ss "));
}

} // namespace

QString JournalView::discoveryMarker() {
  return QStringLiteral("\u25B6 ");
}

JournalView::JournalView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("journalView"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);

  filter_ = new QLineEdit(this);
  filter_->setObjectName(QStringLiteral("journalFilter"));
  filter_->setClearButtonEnabled(true);
  layout->addWidget(filter_);

  legend_ = new QLabel(this);
  legend_->setObjectName(QStringLiteral("journalLegend"));
  layout->addWidget(legend_);

  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("journalError"));
  error_->setWordWrap(true);
  error_->hide();
  layout->addWidget(error_);

  lines_ = new QListWidget(this);
  lines_->setObjectName(QStringLiteral("journalLines"));
  lines_->setUniformItemSizes(true);
  lines_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  layout->addWidget(lines_, 1);

  connect(filter_, &QLineEdit::textChanged, this, &JournalView::applyFilter);
  retranslate();
}

void JournalView::retranslate() {
  filter_->setPlaceholderText(tr("Filter the log (text contained in the line)"));
  filter_->setAccessibleName(tr("Log filter"));
  legend_->setText(tr("Lines starting with %1 are GPU discovery lines.").arg(discoveryMarker().trimmed()));
  lines_->setAccessibleName(tr("ollama.service log"));
}

void JournalView::start(controller::LogSource* source, const controller::JournalQuery& query) {
  QList<controller::JournalEntry> entries;
  QString error;
  connect(source, &controller::LogSource::entriesAppended, this, &JournalView::append);
  connect(source, &controller::LogSource::followFailed, this, &JournalView::showError);
  if (!source->read(query, &entries, &error)) {
    showError(error);
    return;
  }
  append(entries);
  if (!source->follow(&error)) {
    showError(error);
  }
}

void JournalView::append(const QList<controller::JournalEntry>& entries) {
  const QString needle = filter_->text();
  for (const controller::JournalEntry& entry : entries) {
    const bool discovery = isDiscoveryLine(entry.message);
    const QString text =
        (discovery ? discoveryMarker() : QStringLiteral("  ")) + timePrefix(entry.realtimeUs) + entry.message;
    auto* item = new QListWidgetItem(text, lines_);
    if (discovery) {
      QFont font = item->font();
      font.setBold(true);
      item->setFont(font);
      item->setBackground(QColor(255, 236, 179)); // amber, with dark text: readable in light and dark themes
      item->setForeground(QColor(Qt::black));
      item->setToolTip(tr("GPU discovery line"));
    }
    item->setHidden(!needle.isEmpty() && !text.contains(needle, Qt::CaseInsensitive));
  }
  while (lines_->count() > kMaxLines) {
    delete lines_->takeItem(0);
  }
  if (needle.isEmpty()) {
    lines_->scrollToBottom();
  }
}

void JournalView::applyFilter() {
  const QString needle = filter_->text();
  for (int row = 0; row < lines_->count(); ++row) {
    QListWidgetItem* item = lines_->item(row);
    item->setHidden(!needle.isEmpty() && !item->text().contains(needle, Qt::CaseInsensitive));
  }
}

void JournalView::showError(const QString& error) {
  error_->setText(tr("The log cannot be read: %1").arg(error));
  error_->show();
}

} // namespace vgpu::console

// systemd word splitting and quoting: tables of inputs, and quote/split round trips.
#include <catch2/catch.hpp>

#include "systemd/systemd_words.h"

using namespace vgpu::controller;

TEST_CASE("systemd word splitting") {
  struct Case {
    QString input;
    QStringList words;
  };
  const Case cases[] = {
      {QStringLiteral(""), {}},
      {QStringLiteral("  a  b\tc "), {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}},
      {QStringLiteral("\"A=x y\" B=z"), {QStringLiteral("A=x y"), QStringLiteral("B=z")}},
      {QStringLiteral("'single \"inner\"'"), {QStringLiteral("single \"inner\"")}},
      {QStringLiteral("pre\"quoted part\"post"), {QStringLiteral("prequoted partpost")}},
      {QStringLiteral("a\\sb \\x41 \\101 \\u00e9"),
       {QStringLiteral("a b"), QStringLiteral("A"), QStringLiteral("A"), QString::fromUtf8("é")}},
      {QStringLiteral("\"\""), {QString()}},
  };
  for (const Case& c : cases) {
    INFO(c.input.toStdString());
    const WordSplit split = splitSystemdWords(c.input);
    CHECK(split.error.isEmpty());
    CHECK(split.words == c.words);
  }
}

TEST_CASE("systemd word splitting reports malformed values") {
  for (const QString& input : {QStringLiteral("\"open"), QStringLiteral("'open"), QStringLiteral("bad\\q"),
                               QStringLiteral("trailing\\"), QStringLiteral("\\x4"), QStringLiteral("\\x00")}) {
    INFO(input.toStdString());
    CHECK_FALSE(splitSystemdWords(input).error.isEmpty());
  }
}

TEST_CASE("quoted words survive splitting unchanged") {
  const QString samples[] = {
      QStringLiteral("plain"),         QStringLiteral("two words"),
      QStringLiteral("quote\"inside"), QStringLiteral("back\\slash"),
      QStringLiteral("100%"),          QStringLiteral("tab\there"),
      QStringLiteral("'single'"),      QStringLiteral(""),
      QString::fromUtf8("ünïcødé"),    QStringLiteral("LD_LIBRARY_PATH=/usr/lib/vgpu:/usr/local/lib/ollama"),
  };
  for (const QString& sample : samples) {
    INFO(sample.toStdString());
    const auto quoted = quoteSystemdWord(sample);
    REQUIRE(quoted);
    const WordSplit split = splitSystemdWords(*quoted);
    REQUIRE(split.error.isEmpty());
    REQUIRE(split.words.size() == 1);
    CHECK(resolveSpecifiers(split.words.first()) == sample);
  }
}

TEST_CASE("values a unit file cannot carry are refused") {
  CHECK_FALSE(quoteSystemdWord(QStringLiteral("line\nbreak")));
  CHECK_FALSE(quoteSystemdWord(QStringLiteral("carriage\rreturn")));
  CHECK_FALSE(quoteSystemdWord(QString(QChar(0))));
  CHECK_FALSE(quoteSystemdWord(QStringLiteral("escape\x1b")));
}

TEST_CASE("specifiers other than %% are kept and flagged") {
  bool unresolved = false;
  CHECK(resolveSpecifiers(QStringLiteral("%%"), &unresolved) == QStringLiteral("%"));
  CHECK_FALSE(unresolved);
  CHECK(resolveSpecifiers(QStringLiteral("/run/%n"), &unresolved) == QStringLiteral("/run/%n"));
  CHECK(unresolved);
}

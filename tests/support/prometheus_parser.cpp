// The strict exposition-format checker (see prometheus_parser.h). One pass over the lines with a
// cursor per line; family bookkeeping in maps keyed by name.
#include "prometheus_parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace vgpu::test {
namespace {

const std::set<std::string> kTypes{"counter", "gauge", "summary", "histogram", "untyped"};

bool nameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool nameChar(char c) {
  return nameStart(c) || (c >= '0' && c <= '9');
}

bool validMetricName(const std::string& name) {
  if (name.empty() || !(nameStart(name[0]) || name[0] == ':')) {
    return false;
  }
  for (const char c : name) {
    if (!nameChar(c) && c != ':') {
      return false;
    }
  }
  return true;
}

bool validLabelName(const std::string& name) {
  if (name.empty() || !nameStart(name[0]) || name.rfind("__", 0) == 0) {
    return false;
  }
  for (const char c : name) {
    if (!nameChar(c)) {
      return false;
    }
  }
  return true;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A Go ParseFloat-compatible value: decimal/exponent forms, NaN, +Inf, -Inf, Inf.
bool parseValue(const std::string& text, double& value) {
  if (text == "NaN") {
    value = std::nan("");
    return true;
  }
  if (text == "+Inf" || text == "Inf") {
    value = HUGE_VAL;
    return true;
  }
  if (text == "-Inf") {
    value = -HUGE_VAL;
    return true;
  }
  if (text.empty() || text.find_first_not_of("0123456789+-.eE") != std::string::npos) {
    return false;
  }
  char* end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno == 0;
}

class Parser {
public:
  explicit Parser(PrometheusExposition& result) : result_(result) {}

  bool line(const std::string& text, int number) {
    number_ = number;
    if (text.empty()) {
      return true;
    }
    if (text[0] == '#') {
      return comment(text);
    }
    return sample(text);
  }

  bool fail(const std::string& what) {
    if (result_.error.empty()) {
      result_.error = "line " + std::to_string(number_) + ": " + what;
    }
    return false;
  }

private:
  PrometheusFamily& familyNamed(const std::string& name) {
    const auto found = index_.find(name);
    if (found != index_.end()) {
      return result_.families[found->second];
    }
    index_[name] = result_.families.size();
    result_.families.push_back({name, "", "", {}});
    return result_.families.back();
  }

  bool comment(const std::string& text) {
    std::istringstream words(text);
    std::string hash;
    std::string keyword;
    std::string name;
    words >> hash >> keyword;
    if (hash != "#" || (keyword != "HELP" && keyword != "TYPE")) {
      return true; // a plain comment
    }
    words >> name;
    if (!validMetricName(name)) {
      return fail("invalid metric name in " + keyword + ": '" + name + "'");
    }
    std::string rest;
    std::getline(words, rest);
    if (!rest.empty() && rest[0] == ' ') {
      rest.erase(0, 1);
    }
    if (started_.count(name) != 0) {
      return fail(keyword + " for " + name + " after its samples");
    }
    PrometheusFamily& family = familyNamed(name);
    if (keyword == "HELP") {
      if (seenHelp_.count(name) != 0) {
        return fail("second HELP for " + name);
      }
      seenHelp_.insert(name);
      for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '\\' && (i + 1 >= rest.size() || (rest[i + 1] != '\\' && rest[i + 1] != 'n'))) {
          return fail("invalid escape in HELP of " + name);
        }
        if (rest[i] == '\\') {
          ++i;
        }
      }
      family.help = rest;
      return true;
    }
    if (!family.type.empty()) {
      return fail("second TYPE for " + name);
    }
    if (kTypes.count(rest) == 0) {
      return fail("unknown TYPE '" + rest + "' for " + name);
    }
    family.type = rest;
    return true;
  }

  // The family a sample name belongs to, by the TYPE suffix rules; "" when none is declared.
  std::string familyOf(const std::string& name, const std::map<std::string, std::string>& labels, std::string& why) {
    for (const char* suffix : {"_sum", "_count", "_bucket"}) {
      if (endsWith(name, suffix)) {
        std::string base = name.substr(0, name.size() - std::string(suffix).size());
        const auto found = index_.find(base);
        if (found != index_.end()) {
          const std::string& type = result_.families[found->second].type;
          if ((type == "summary" && std::string(suffix) != "_bucket") || type == "histogram") {
            if (std::string(suffix) == "_bucket" && labels.count("le") == 0) {
              why = "histogram bucket " + name + " without an le label";
            }
            return base;
          }
        }
      }
    }
    const auto found = index_.find(name);
    if (found == index_.end()) {
      return {};
    }
    const std::string& type = result_.families[found->second].type;
    if (type == "histogram") {
      why = "histogram " + name + " has a sample without _bucket/_sum/_count";
    }
    if (type == "summary" && labels.count("quantile") == 0) {
      why = "summary " + name + " sample without a quantile label";
    }
    return name;
  }

  bool sample(const std::string& text) {
    std::size_t at = 0;
    while (at < text.size() && (nameChar(text[at]) || text[at] == ':')) {
      ++at;
    }
    PrometheusSample sample;
    sample.name = text.substr(0, at);
    if (!validMetricName(sample.name)) {
      return fail("invalid metric name '" + sample.name + "'");
    }
    if (at < text.size() && text[at] == '{') {
      ++at;
      while (true) {
        if (at < text.size() && text[at] == '}') {
          ++at;
          break;
        }
        const std::size_t start = at;
        while (at < text.size() && nameChar(text[at])) {
          ++at;
        }
        const std::string label = text.substr(start, at - start);
        if (!validLabelName(label)) {
          return fail("invalid label name '" + label + "'");
        }
        if (at + 1 >= text.size() || text[at] != '=' || text[at + 1] != '"') {
          return fail("expected =\" after label " + label);
        }
        at += 2;
        std::string value;
        bool closed = false;
        while (at < text.size()) {
          const char c = text[at++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (at >= text.size()) {
              break;
            }
            const char next = text[at++];
            if (next == '\\' || next == '"') {
              value += next;
            } else if (next == 'n') {
              value += '\n';
            } else {
              return fail(std::string("invalid escape \\") + next + " in label " + label);
            }
            continue;
          }
          value += c;
        }
        if (!closed) {
          return fail("unterminated value of label " + label);
        }
        if (!sample.labels.emplace(label, value).second) {
          return fail("label " + label + " twice");
        }
        if (at < text.size() && text[at] == ',') {
          ++at;
        } else if (at >= text.size() || text[at] != '}') {
          return fail("expected , or } after label " + label);
        }
      }
    }
    if (at >= text.size() || text[at] != ' ') {
      return fail("expected a space before the value of " + sample.name);
    }
    std::istringstream rest(text.substr(at + 1));
    std::string valueText;
    std::string timestamp;
    std::string extra;
    rest >> valueText >> timestamp >> extra;
    if (!parseValue(valueText, sample.value)) {
      return fail("invalid value '" + valueText + "' of " + sample.name);
    }
    if (!timestamp.empty() && timestamp.find_first_not_of("-0123456789") != std::string::npos) {
      return fail("invalid timestamp '" + timestamp + "'");
    }
    if (!extra.empty()) {
      return fail("trailing text after the value of " + sample.name);
    }
    std::string why;
    const std::string familyName = familyOf(sample.name, sample.labels, why);
    if (!why.empty()) {
      return fail(why);
    }
    if (familyName.empty() || result_.families[index_[familyName]].type.empty()) {
      return fail("sample " + sample.name + " before its TYPE line");
    }
    PrometheusFamily& family = result_.families[index_[familyName]];
    if (seenHelp_.count(familyName) == 0) {
      return fail("sample " + sample.name + " before its HELP line");
    }
    if (family.type == "counter" && (std::isnan(sample.value) || sample.value < 0)) {
      return fail("counter " + sample.name + " with a negative or NaN value");
    }
    if (current_ != familyName) {
      if (started_.count(familyName) != 0) {
        return fail("samples of " + familyName + " are not contiguous");
      }
      started_.insert(familyName);
      current_ = familyName;
    }
    std::string series = sample.name;
    for (const auto& [name, value] : sample.labels) {
      series.append(1, '\x1f').append(name).append(1, '=').append(value);
    }
    if (!series_.insert(series).second) {
      return fail("duplicate series " + sample.name);
    }
    family.samples.push_back(std::move(sample));
    return true;
  }

  PrometheusExposition& result_;
  int number_ = 0;
  std::map<std::string, std::size_t> index_;
  std::set<std::string> seenHelp_;
  std::set<std::string> started_;
  std::string current_;
  std::set<std::string> series_;
};

} // namespace

const PrometheusFamily* PrometheusExposition::family(const std::string& name) const {
  for (const PrometheusFamily& entry : families) {
    if (entry.name == name) {
      return &entry;
    }
  }
  return nullptr;
}

PrometheusExposition parsePrometheusText(const std::string& text) {
  PrometheusExposition result;
  Parser parser(result);
  if (!text.empty() && text.back() != '\n') {
    int lines = 1;
    for (const char c : text) {
      lines += c == '\n' ? 1 : 0;
    }
    result.error = "line " + std::to_string(lines) + ": the last line has no newline";
    return result;
  }
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    ++number;
    if (!parser.line(text.substr(start, end - start), number)) {
      return result;
    }
    start = end + 1;
  }
  return result;
}

} // namespace vgpu::test

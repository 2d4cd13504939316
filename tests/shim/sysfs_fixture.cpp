// Fixture sysfs trees from readable descriptions; config space is generated here rather than
// committed as binaries.
#include "sysfs_fixture.h"

#include "test_paths.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unistd.h>
#include <vector>

namespace vgpu::test {
namespace {

void writeFile(const std::filesystem::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned hexValue(const std::string& text) {
  std::size_t used = 0;
  const unsigned long value = std::stoul(text, &used, 16);
  if (used != text.size()) {
    throw std::runtime_error("not hex: " + text);
  }
  return static_cast<unsigned>(value);
}

// A 64-byte type-0 configuration header.
std::string configHeader(unsigned vendor, unsigned device, unsigned classCode, unsigned subVendor, unsigned subDevice,
                         unsigned revision) {
  std::array<std::uint8_t, 64> config{};
  const auto put16 = [&](std::size_t at, unsigned value) {
    config[at] = static_cast<std::uint8_t>(value & 0xff);
    config[at + 1] = static_cast<std::uint8_t>((value >> 8) & 0xff);
  };
  put16(0x00, vendor);
  put16(0x02, device);
  put16(0x06, 0x0010); // status: capabilities list
  config[0x08] = static_cast<std::uint8_t>(revision);
  config[0x09] = static_cast<std::uint8_t>(classCode & 0xff);
  config[0x0a] = static_cast<std::uint8_t>((classCode >> 8) & 0xff);
  config[0x0b] = static_cast<std::uint8_t>((classCode >> 16) & 0xff);
  put16(0x2c, subVendor);
  put16(0x2e, subDevice);
  return std::string(config.begin(), config.end());
}

// A hexdump as captured (`od`-style rows of 16 bytes; "*" repeats the previous row up to 256 bytes).
std::string configFromHexdump(const std::string& text) {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint8_t> previous;
  std::istringstream lines(text);
  std::string line;
  bool repeat = false;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string word;
    std::vector<std::uint8_t> row;
    while (words >> word) {
      if (word == "*") {
        repeat = true;
        continue;
      }
      row.push_back(static_cast<std::uint8_t>(hexValue(word)));
    }
    if (!row.empty()) {
      bytes.insert(bytes.end(), row.begin(), row.end());
      previous = row;
    }
  }
  while (repeat && bytes.size() < 256 && !previous.empty()) {
    bytes.insert(bytes.end(), previous.begin(), previous.end());
  }
  return std::string(bytes.begin(), bytes.end());
}

std::string hexFile(unsigned value, int digits) {
  char text[16];
  static_cast<void>(std::snprintf(text, sizeof text, "0x%0*x\n", digits, value));
  return text;
}

} // namespace

std::filesystem::path buildSysfsTree(const std::string& name) {
  // Per process: test programs run in parallel under ctest -j and build the same trees.
  std::filesystem::path root = scratchDir("sysfs-" + name + "-" + std::to_string(::getpid()));
  const std::filesystem::path devices = root / "bus" / "pci" / "devices";
  std::filesystem::create_directories(devices);

  std::istringstream lines(readText(dataDir() / "sysfs" / (name + ".devices")));
  std::string line;
  std::map<std::string, std::set<std::string>> omitted;
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> entries; // address → files
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string kind;
    if (!(words >> kind) || kind.front() == '#') {
      continue;
    }
    if (kind == "device") {
      std::string address, vendor, device, classCode, subVendor, subDevice, revision;
      if (!(words >> address >> vendor >> device >> classCode >> subVendor >> subDevice >> revision)) {
        throw std::runtime_error("bad device line: " + line);
      }
      std::map<std::string, std::string> files;
      files["vendor"] = hexFile(hexValue(vendor), 4);
      files["device"] = hexFile(hexValue(device), 4);
      files["class"] = hexFile(hexValue(classCode), 6);
      files["subsystem_vendor"] = hexFile(hexValue(subVendor), 4);
      files["subsystem_device"] = hexFile(hexValue(subDevice), 4);
      files["config"] = configHeader(hexValue(vendor), hexValue(device), hexValue(classCode), hexValue(subVendor),
                                     hexValue(subDevice), hexValue(revision));
      entries.emplace_back(address, std::move(files));
    } else if (kind == "capture") {
      std::string address, directory;
      if (!(words >> address >> directory)) {
        throw std::runtime_error("bad capture line: " + line);
      }
      const std::filesystem::path captured = sourceDir() / directory;
      std::map<std::string, std::string> files;
      files["config"] = configFromHexdump(readText(captured / "config-hex"));
      const auto vendor = static_cast<unsigned>(static_cast<std::uint8_t>(files["config"][0])) |
                          static_cast<unsigned>(static_cast<std::uint8_t>(files["config"][1])) << 8;
      files["vendor"] = hexFile(vendor, 4);
      files["device"] = readText(captured / "device");
      files["class"] = readText(captured / "class");
      entries.emplace_back(address, std::move(files));
    } else if (kind == "omit") {
      std::string address, file;
      if (!(words >> address >> file)) {
        throw std::runtime_error("bad omit line: " + line);
      }
      omitted[address].insert(file);
    } else if (kind == "entry") {
      std::string entry;
      if (!(words >> entry)) {
        throw std::runtime_error("bad entry line: " + line);
      }
      std::filesystem::create_directories(devices / entry);
    } else {
      throw std::runtime_error("unknown line kind: " + line);
    }
  }
  for (const auto& [address, files] : entries) {
    const std::filesystem::path directory = devices / address;
    std::filesystem::create_directories(directory);
    for (const auto& [file, contents] : files) {
      if (omitted[address].count(file) == 0) {
        writeFile(directory / file, contents);
      }
    }
  }
  return root;
}

std::string testBackend() {
  const char* configured = std::getenv("VGPU_BACKEND"); // NOLINT(concurrency-mt-unsafe): tests read only
  return configured != nullptr && configured[0] != '\0' ? configured : "sim";
}

} // namespace vgpu::test

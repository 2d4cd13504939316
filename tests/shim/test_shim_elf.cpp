// The built shim libraries as the dynamic loader sees them: SONAMEs, NEEDED entries (no Qt, only
// the allowed system libraries), exported symbols limited to the API, and no static constructors.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe != nullptr);
  std::string output;
  std::array<char, 4096> buffer{};
  while (const size_t n = fread(buffer.data(), 1, buffer.size(), pipe.get())) {
    output.append(buffer.data(), n);
  }
  return output;
}

struct DynamicSection {
  std::string soname;
  std::set<std::string> needed;
  long initArrayBytes = 0;
};

DynamicSection readDynamic(const std::string& library) {
  const std::string output = run(std::string(VGPU_READELF) + " -d -W '" + library + "'");
  DynamicSection section;
  const std::regex soname(R"(\(SONAME\)\s+Library soname: \[([^\]]+)\])");
  const std::regex needed(R"(\(NEEDED\)\s+Shared library: \[([^\]]+)\])");
  const std::regex initArray(R"(\(INIT_ARRAYSZ\)\s+(\d+) \(bytes\))");
  std::istringstream lines(output);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, match, soname)) {
      section.soname = match[1];
    } else if (std::regex_search(line, match, needed)) {
      section.needed.insert(match[1]);
    } else if (std::regex_search(line, match, initArray)) {
      section.initArrayBytes = std::stol(match[1]);
    }
  }
  return section;
}

std::set<std::string> exportedFunctions(const std::string& library) {
  const std::string output = run(std::string(VGPU_READELF) + " --dyn-syms -W '" + library + "'");
  std::set<std::string> names;
  std::istringstream lines(output);
  std::string line;
  // Num: Value Size Type Bind Vis Ndx Name
  const std::regex row(R"(^\s*\d+:\s+\S+\s+\d+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+))");
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, match, row) && match[4] != "UND" && match[2] == "GLOBAL") {
      names.insert(match[5]);
    }
  }
  return names;
}

const std::set<std::string> kAllowedNeeded = {"libc.so.6",     "libstdc++.so.6", "libm.so.6",
                                              "libgcc_s.so.1", "libpci.so.3",    "ld-linux-x86-64.so.2"};

// A sanitizer build (presets asan, tsan; the test is built like the shim) links the sanitizer's
// runtime into the shim and registers its instrumented globals from a constructor of the
// compiler's: both are the instrumentation's, checked in the default suite only.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kInstrumented = true;
#else
constexpr bool kInstrumented = false;
#endif

bool sanitizerRuntime(const std::string& library) {
  return kInstrumented && (library.rfind("libasan.so.", 0) == 0 || library.rfind("libubsan.so.", 0) == 0 ||
                           library.rfind("libtsan.so.", 0) == 0);
}

void checkShim(const std::string& path, const std::string& expectedSoname, const std::string& prefix) {
  INFO("library " << path);
  const DynamicSection dynamic = readDynamic(path);
  CHECK(dynamic.soname == expectedSoname);
  for (const std::string& library : dynamic.needed) {
    INFO("NEEDED " << library);
    CHECK(library.find("Qt") == std::string::npos);
    CHECK((kAllowedNeeded.count(library) == 1 || sanitizerRuntime(library)));
  }
  // GCC puts frame_dummy (8 bytes) in every init array; anything more is a static constructor,
  // i.e. work done when a foreign process loads the shim.
  CHECK((kInstrumented || dynamic.initArrayBytes <= 8));

  const std::set<std::string> exported = exportedFunctions(path);
  CHECK_FALSE(exported.empty());
  for (const std::string& name : exported) {
    INFO("exported " << name);
    CHECK(name.rfind(prefix, 0) == 0);
  }
}

} // namespace

TEST_CASE("libvgpu-cuda is libcuda.so.1, Qt-free, exports only cu* and has no constructors") {
  checkShim(VGPU_CUDA_SHIM_PATH, "libcuda.so.1", "cu");
  const auto exported = exportedFunctions(VGPU_CUDA_SHIM_PATH);
  for (const char* name :
       {"cuInit", "cuDriverGetVersion", "cuDeviceGetCount", "cuGetProcAddress", "cuGetProcAddress_v2"}) {
    INFO(name);
    CHECK(exported.count(name) == 1);
  }
}

// A program linked with -lcuda must load against the shim, and dlsym users find every symbol
// (PyTorch's DriverAPI asserts each of its own: cuMemExportToShareableHandle, cuMulticastCreate, ...).
// The CUDA toolkit's stub of the driver has the driver's dynamic symbols.
TEST_CASE("libvgpu-cuda exports every function NVIDIA's libcuda.so.1 exports") {
  INFO("the CUDA toolkit's lib64/stubs/libcuda.so, found at configure time: '" << VGPU_CUDA_DRIVER_STUB << "'");
  REQUIRE(std::string(VGPU_CUDA_DRIVER_STUB) != "");
  const auto nvidia = exportedFunctions(VGPU_CUDA_DRIVER_STUB);
  REQUIRE(nvidia.size() > 600);
  const auto ours = exportedFunctions(VGPU_CUDA_SHIM_PATH);
  std::string missing;
  for (const std::string& name : nvidia) {
    if (ours.count(name) == 0) {
      missing += " " + name;
    }
  }
  INFO("not exported (scripts/dev-tools/list-missing-driver-exports.py prints their catalog rows):" << missing);
  CHECK(missing.empty());
}

TEST_CASE("libvgpu-nvml is libnvidia-ml.so.1, Qt-free, exports only nvml* and has no constructors") {
  checkShim(VGPU_NVML_SHIM_PATH, "libnvidia-ml.so.1", "nvml");
  const auto exported = exportedFunctions(VGPU_NVML_SHIM_PATH);
  for (const char* name : {"nvmlInit_v2", "nvmlInit", "nvmlShutdown", "nvmlErrorString", "nvmlDeviceGetCount_v2"}) {
    INFO(name);
    CHECK(exported.count(name) == 1);
  }
}

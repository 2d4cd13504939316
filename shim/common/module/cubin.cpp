// Kernels and globals of a cubin. Kernels are the `.text.<name>` sections whose symbol is marked as
// an entry (STO_CUDA_ENTRY in st_other) or that have a `.nv.info.<name>` section; their parameter
// layout comes from EIATTR_KPARAM_INFO records (one per parameter, any order) and the buffer size
// from EIATTR_PARAM_CBANK (or EIATTR_CBANK_PARAM_SIZE). Globals are the object symbols defined in
// `.nv.global*` (__device__) and `.nv.constant<N>` banks other than the parameter bank 0.
#include "vgpu/module/cubin.h"

#include "byte_reader.h"
#include "elf_file.h"
#include "nv_info.h"

#include <algorithm>

namespace vgpu::module {
namespace {

using detail::ElfFile;
using detail::ElfSection;
using detail::hex;
using detail::NvInfoAttribute;
using Result = ParseResult<CubinInfo>;

constexpr unsigned char kStoCudaEntry = 0x10;
constexpr std::string_view kTextPrefix = ".text.";
constexpr std::string_view kInfoPrefix = ".nv.info.";
constexpr std::string_view kSharedPrefix = ".nv.shared.";
constexpr std::uint32_t kKparamSizeShift = 18;
constexpr std::uint32_t kMaxParamBuffer = 32768; // CUDA 12.1+ allows 32764 bytes of parameters
// sm_90+ cubins reserve a window at the start of each kernel's shared memory for the system
// (marked by .nv.shared.reserved.0); .nv.shared.<kernel> sizes include it, the driver's
// CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES does not. Its size is .nv.reservedSmem.cap where given (sm_100+),
// else 1 KiB (sm_90, measured against the H100 driver).
constexpr std::uint64_t kDefaultReservedShared = 1024;

std::uint64_t reservedShared(const ElfFile& elf) {
  if (!elf.findSection(".nv.shared.reserved.0") && !elf.findSymbol(".nv.reservedSmem.offset0")) {
    return 0;
  }
  const detail::ElfSymbol* cap = elf.findSymbol(".nv.reservedSmem.cap");
  return cap ? cap->value : kDefaultReservedShared;
}

Result malformed(const std::string& message) {
  return Result::failure(ParseErrorKind::Malformed, "cubin: " + message);
}

bool isAttribute(const detail::NvInfoRecord& record, NvInfoAttribute attribute) {
  return record.attribute == static_cast<std::uint8_t>(attribute);
}

struct OrderedParam {
  std::uint16_t ordinal;
  KernelParam param;
};

// Fills params, paramBufferSize and maxThreadsPerBlock from the kernel's .nv.info section.
std::string readKernelInfo(const ElfSection& info, KernelInfo& kernel) {
  const std::string where = "section " + std::string(info.name);
  auto records = detail::readNvInfo(info.contents);
  if (!records) {
    return where + ": " + records.error();
  }
  std::vector<OrderedParam> params;
  std::optional<std::uint32_t> cbankSize;
  for (const detail::NvInfoRecord& record : records.value()) {
    const std::string at = where + ", record at " + hex(record.offset);
    if (isAttribute(record, NvInfoAttribute::KparamInfo)) {
      std::uint16_t ordinal = 0;
      std::uint16_t offset = 0;
      std::uint32_t packed = 0;
      if (!detail::readAt(record.payload, 4, ordinal) || !detail::readAt(record.payload, 6, offset) ||
          !detail::readAt(record.payload, 8, packed)) {
        return at + ": EIATTR_KPARAM_INFO needs 12 bytes, has " + std::to_string(record.payload.size());
      }
      params.push_back({ordinal, {offset, packed >> kKparamSizeShift}});
    } else if (isAttribute(record, NvInfoAttribute::ParamCbank)) {
      std::uint16_t size = 0;
      if (!detail::readAt(record.payload, 6, size)) {
        return at + ": EIATTR_PARAM_CBANK needs 8 bytes, has " + std::to_string(record.payload.size());
      }
      cbankSize = size;
    } else if (isAttribute(record, NvInfoAttribute::CbankParamSize) && !cbankSize) {
      cbankSize = record.value;
    } else if (isAttribute(record, NvInfoAttribute::MaxThreads) || isAttribute(record, NvInfoAttribute::ReqNtid)) {
      std::uint32_t dims[3] = {};
      if (!detail::readAt(record.payload, 0, dims)) {
        return at + ": thread-count attribute needs 12 bytes, has " + std::to_string(record.payload.size());
      }
      const std::uint64_t product = std::uint64_t{dims[0]} * dims[1] * dims[2];
      if (product > 0 && product <= 0xffffffffu) {
        kernel.maxThreadsPerBlock = static_cast<std::uint32_t>(product);
      }
    }
  }
  std::sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.ordinal < b.ordinal; });
  std::uint32_t end = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const KernelParam& param = params[i].param;
    if (params[i].ordinal != i) {
      return where + ": parameter ordinals are not 0.." + std::to_string(params.size() - 1) + " (found " +
             std::to_string(params[i].ordinal) + " at position " + std::to_string(i) + ")";
    }
    end = std::max(end, param.offset + param.size);
    kernel.params.push_back(param);
  }
  kernel.paramBufferSize = cbankSize.value_or(end);
  if (end > kernel.paramBufferSize || kernel.paramBufferSize > kMaxParamBuffer) {
    return where + ": parameters end at " + hex(end) + ", the parameter buffer is " + hex(kernel.paramBufferSize) +
           " (limit " + hex(kMaxParamBuffer) + ")";
  }
  return {};
}

bool isGlobalSection(std::string_view name, bool& constant) {
  if (name.starts_with(".nv.global")) {
    constant = false;
    return true;
  }
  // .nv.constant0.<kernel> holds a kernel's parameters, not a module variable.
  if (name.starts_with(".nv.constant") && !name.starts_with(".nv.constant0")) {
    constant = true;
    return true;
  }
  return false;
}

} // namespace

const KernelInfo* CubinInfo::findKernel(std::string_view name) const {
  const auto it = std::find_if(kernels.begin(), kernels.end(), [&](const KernelInfo& k) { return k.name == name; });
  return it == kernels.end() ? nullptr : &*it;
}

const GlobalInfo* CubinInfo::findGlobal(std::string_view name) const {
  const auto it = std::find_if(globals.begin(), globals.end(), [&](const GlobalInfo& g) { return g.name == name; });
  return it == globals.end() ? nullptr : &*it;
}

ParseResult<CubinInfo> parseCubin(std::span<const std::uint8_t> bytes) {
  auto parsed = detail::readElf(bytes);
  if (!parsed) {
    return Result::failureFrom(parsed);
  }
  const ElfFile& elf = parsed.value();
  CubinInfo info;
  info.arch = elf.smArch();
  const std::uint64_t reserved = reservedShared(elf);

  // Registers per function symbol, from the module-wide .nv.info.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> registers;
  if (const ElfSection* moduleInfo = elf.findSection(".nv.info")) {
    auto records = detail::readNvInfo(moduleInfo->contents);
    if (!records) {
      return malformed("section .nv.info: " + records.error());
    }
    for (const detail::NvInfoRecord& record : records.value()) {
      std::uint32_t pair[2] = {};
      if (isAttribute(record, NvInfoAttribute::RegCount) && detail::readAt(record.payload, 0, pair)) {
        registers.emplace_back(pair[0], pair[1]);
      }
    }
  }

  for (const ElfSection& section : elf.sections) {
    if (!section.name.starts_with(kTextPrefix)) {
      continue;
    }
    const std::string_view name = section.name.substr(kTextPrefix.size());
    const ElfSection* kernelInfo = elf.findSection(std::string(kInfoPrefix) + std::string(name));
    std::optional<std::size_t> symbolIndex;
    bool entry = false;
    for (std::size_t s = 0; s < elf.symbols.size(); ++s) {
      if (elf.symbols[s].name == name && elf.symbols[s].type == STT_FUNC) {
        symbolIndex = s;
        entry = (elf.symbols[s].other & kStoCudaEntry) != 0;
        break;
      }
    }
    if (!entry && !(kernelInfo && !symbolIndex)) {
      continue; // a device function (relocatable code) rather than a kernel
    }
    KernelInfo kernel;
    kernel.name = std::string(name);
    if (kernelInfo) {
      if (std::string problem = readKernelInfo(*kernelInfo, kernel); !problem.empty()) {
        return malformed(problem);
      }
    }
    if (const ElfSection* shared = elf.findSection(std::string(kSharedPrefix) + std::string(name))) {
      const std::uint64_t size = shared->header.sh_size > reserved ? shared->header.sh_size - reserved : 0;
      kernel.staticSharedSize = static_cast<std::uint32_t>(std::min<std::uint64_t>(size, 0xffffffffu));
    }
    for (const auto& [symbol, count] : registers) {
      if (symbolIndex && symbol == *symbolIndex) {
        kernel.registers = count;
      }
    }
    info.kernels.push_back(std::move(kernel));
  }

  for (const detail::ElfSymbol& symbol : elf.symbols) {
    if (symbol.type != STT_OBJECT || symbol.sectionIndex == SHN_UNDEF || symbol.sectionIndex >= elf.sections.size()) {
      continue;
    }
    bool constant = false;
    if (isGlobalSection(elf.sections[symbol.sectionIndex].name, constant)) {
      info.globals.push_back({std::string(symbol.name), symbol.size, constant});
    }
  }
  return Result::success(std::move(info));
}

} // namespace vgpu::module

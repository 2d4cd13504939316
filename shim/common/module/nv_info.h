// The attribute records of a cubin's `.nv.info` (module-wide) and `.nv.info.<kernel>` sections:
// a byte of format, a byte of attribute, then by format: nothing (NVAL), a byte (BVAL), a 16-bit
// value (HVAL) or a 16-bit size and that many bytes (SVAL). Records are 4-byte aligned.
#pragma once

#include "vgpu/module/parse_result.h"

#include <cstdint>
#include <span>
#include <vector>

namespace vgpu::module::detail {

enum class NvInfoFormat : std::uint8_t { Nval = 1, Bval = 2, Hval = 3, Sval = 4 };

// Attribute numbers used here (EIATTR_* as cuobjdump names them).
enum class NvInfoAttribute : std::uint8_t {
  MaxThreads = 0x05,     // SVAL: u32 x, y, z from __launch_bounds__ / .maxntid
  ParamCbank = 0x0a,     // SVAL: u32 constant-bank section symbol, u16 offset, u16 size of the parameters
  ReqNtid = 0x10,        // SVAL: u32 x, y, z from .reqntid
  KparamInfo = 0x17,     // SVAL: u32 index, u16 ordinal, u16 offset, u32 packed (size in bits 18..31)
  CbankParamSize = 0x19, // HVAL: size of the parameters
  RegCount = 0x2f,       // SVAL: u32 function symbol, u32 registers (module-wide .nv.info)
};

struct NvInfoRecord {
  NvInfoFormat format = NvInfoFormat::Nval;
  std::uint8_t attribute = 0;
  std::uint16_t value = 0;               // BVAL / HVAL
  std::span<const std::uint8_t> payload; // SVAL
  std::size_t offset = 0;                // of the record in its section
};

ParseResult<std::vector<NvInfoRecord>> readNvInfo(std::span<const std::uint8_t> section);

} // namespace vgpu::module::detail

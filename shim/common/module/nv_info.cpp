// Reads `.nv.info*` attribute records (see nv_info.h), checking each record against the section.
#include "nv_info.h"

#include "byte_reader.h"

#include <string>

namespace vgpu::module::detail {

ParseResult<std::vector<NvInfoRecord>> readNvInfo(std::span<const std::uint8_t> section) {
  using Result = ParseResult<std::vector<NvInfoRecord>>;
  std::vector<NvInfoRecord> records;
  std::size_t offset = 0;
  while (offset < section.size()) {
    if (!fits(section.size(), offset, 4)) {
      return Result::failure(ParseErrorKind::Malformed, "record at " + hex(offset) + " is cut off (" +
                                                            std::to_string(section.size() - offset) +
                                                            " bytes left, a record needs 4)");
    }
    NvInfoRecord record;
    record.offset = offset;
    record.format = static_cast<NvInfoFormat>(section[offset]);
    record.attribute = section[offset + 1];
    std::uint16_t word = 0;
    readAt(section, offset + 2, word);
    switch (record.format) {
    case NvInfoFormat::Nval: break;
    case NvInfoFormat::Bval: record.value = section[offset + 2]; break;
    case NvInfoFormat::Hval: record.value = word; break;
    case NvInfoFormat::Sval:
      if (!fits(section.size(), offset + 4, word)) {
        return Result::failure(ParseErrorKind::Malformed, "record at " + hex(offset) + " (attribute " +
                                                              hex(record.attribute) + "): value size " + hex(word) +
                                                              " runs past the section end " + hex(section.size()));
      }
      record.payload = section.subspan(offset + 4, word);
      offset += word;
      break;
    default:
      return Result::failure(ParseErrorKind::Malformed,
                             "record at " + hex(offset) + ": unknown format byte " + hex(section[offset]));
    }
    offset += 4;
    records.push_back(record);
  }
  return Result::success(std::move(records));
}

} // namespace vgpu::module::detail

// elfMachine: the first 20 bytes of the file, through openRegularFile.
#include "common/elf_machine.h"

#include "common/bounded_file.h"

namespace vgpu::controller {

std::optional<quint16> elfMachine(const QString& hostPath) {
  QFile file;
  if (QString why; !openRegularFile(hostPath, file, &why)) {
    return std::nullopt;
  }
  const QByteArray header = file.read(20);
  if (header.size() < 20 ||
      !header.startsWith("\x7f"
                         "ELF") ||
      header[5] != 1) { // EI_DATA: little endian
    return std::nullopt;
  }
  return static_cast<quint16>(static_cast<quint8>(header[18]) | (static_cast<quint8>(header[19]) << 8));
}

} // namespace vgpu::controller

// The stream attributes that cross to vgpud (wire call StreamSetAttribute), encoded and decoded
// here once for both sides: the shim's remote backend writes them, vgpud's session reads them. Only
// the four attributes CUDA documents as valid for streams travel (stream_attributes.h checked them
// first); each carries the fields its member of the value union uses, nothing of the union's raw
// bytes.
#pragma once

#include "vgpu/wire_codec.h"

#include <cuda.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace vgpu::cuda {

// The bits of a 32-bit enum field as written, read without loading the enum: a caller (or a peer)
// may have stored a value outside the enumeration, and loading that as the enum is undefined.
template <typename Enum> std::uint32_t enumBits(const Enum& field) {
  static_assert(sizeof(Enum) == sizeof(std::uint32_t));
  std::uint32_t bits = 0;
  std::memcpy(&bits, &field, sizeof bits);
  return bits;
}
template <typename Enum> void setEnumBits(Enum& field, std::uint32_t bits) {
  static_assert(sizeof(Enum) == sizeof(std::uint32_t));
  std::memcpy(&field, &bits, sizeof bits);
}

inline bool travelsToGpu(CUlaunchAttributeID id) {
  return id == CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW || id == CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY ||
         id == CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN || id == CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP;
}

struct StreamAttributeRequest {
  std::uint64_t stream = 0;
  CUlaunchAttributeID id = CU_LAUNCH_ATTRIBUTE_IGNORE;
  CUlaunchAttributeValue value{};
};

inline std::vector<std::uint8_t> encodeStreamAttribute(const StreamAttributeRequest& request) {
  std::vector<std::uint8_t> out;
  wire::Writer writer(out);
  writer.put(request.stream);
  writer.put(static_cast<std::uint32_t>(request.id));
  const CUlaunchAttributeValue& value = request.value;
  switch (request.id) {
  case CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW:
    writer.put(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(value.accessPolicyWindow.base_ptr)));
    writer.put(static_cast<std::uint64_t>(value.accessPolicyWindow.num_bytes));
    writer.put(value.accessPolicyWindow.hitRatio);
    writer.put(enumBits(value.accessPolicyWindow.hitProp));
    writer.put(enumBits(value.accessPolicyWindow.missProp));
    break;
  case CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY: writer.put(enumBits(value.syncPolicy)); break;
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN: writer.put(enumBits(value.memSyncDomain)); break;
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP:
    writer.put(value.memSyncDomainMap.default_);
    writer.put(value.memSyncDomainMap.remote);
    break;
  default: break; // not a stream attribute: the id alone, which the reader refuses
  }
  return out;
}

// False for a payload that is not exactly one stream attribute (an unknown id included).
inline bool decodeStreamAttribute(wire::Reader& reader, StreamAttributeRequest& out) {
  out.stream = reader.get<std::uint64_t>();
  const std::uint32_t id = reader.get<std::uint32_t>();
  out.id = CU_LAUNCH_ATTRIBUTE_IGNORE;
  out.value = {};
  CUlaunchAttributeValue& value = out.value;
  // The id is matched as a number: a peer's unknown id never becomes an enum value.
  switch (id) {
  case CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW:
    out.id = CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW;
    value.accessPolicyWindow.base_ptr =
        reinterpret_cast<void*>(static_cast<std::uintptr_t>(reader.get<std::uint64_t>()));
    value.accessPolicyWindow.num_bytes = static_cast<std::size_t>(reader.get<std::uint64_t>());
    value.accessPolicyWindow.hitRatio = reader.get<float>();
    setEnumBits(value.accessPolicyWindow.hitProp, reader.get<std::uint32_t>());
    setEnumBits(value.accessPolicyWindow.missProp, reader.get<std::uint32_t>());
    break;
  case CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY:
    out.id = CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY;
    setEnumBits(value.syncPolicy, reader.get<std::uint32_t>());
    break;
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN:
    out.id = CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN;
    setEnumBits(value.memSyncDomain, reader.get<std::uint32_t>());
    break;
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP:
    out.id = CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP;
    value.memSyncDomainMap.default_ = reader.get<unsigned char>();
    value.memSyncDomainMap.remote = reader.get<unsigned char>();
    break;
  default: return false;
  }
  return !reader.failed();
}

} // namespace vgpu::cuda

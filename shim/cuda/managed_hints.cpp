#include "managed_hints.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace vgpu::cuda::managed_hints {
namespace {

// The hints of a run of pages; pages no run covers have the defaults.
struct PageState {
  bool readMostly = false;
  Location preferred;
  std::uint64_t accessedByDevices = 0; // bit d: device d
  bool accessedByHost = false;
  Location lastPrefetch;
  bool operator==(const PageState&) const = default;
};

struct Run {
  CUdeviceptr end = 0;
  PageState state;
};

struct Allocation {
  std::size_t size = 0;
  std::map<CUdeviceptr, Run> runs; // by start; disjoint
};

struct Hints {
  std::mutex mutex;
  std::map<CUdeviceptr, Allocation> allocations;
};

Hints& hints() {
  static Hints* const all = new Hints; // never destroyed: used until the last exit-time call
  return *all;
}

// The range rounded out to whole pages, kept inside the allocation.
std::pair<CUdeviceptr, CUdeviceptr> pages(CUdeviceptr base, std::size_t size, CUdeviceptr start, std::size_t bytes) {
  const CUdeviceptr first = std::max<CUdeviceptr>(base, start & ~CUdeviceptr{kPageBytes - 1});
  const CUdeviceptr last =
      std::min<CUdeviceptr>(base + size, (start + bytes + kPageBytes - 1) & ~CUdeviceptr{kPageBytes - 1});
  return {first, std::max(first, last)};
}

// Splits the run containing `at` (strictly inside it) in two.
void splitAt(std::map<CUdeviceptr, Run>& runs, CUdeviceptr at) {
  auto it = runs.upper_bound(at);
  if (it == runs.begin()) {
    return;
  }
  --it;
  if (it->first < at && at < it->second.end) {
    runs[at] = Run{it->second.end, it->second.state};
    it->second.end = at;
  }
}

// Applies `change` to every page of [first, last), runs made for pages that had the defaults.
template <typename Change> void apply(Allocation& allocation, CUdeviceptr first, CUdeviceptr last, Change change) {
  auto& runs = allocation.runs;
  splitAt(runs, first);
  splitAt(runs, last);
  CUdeviceptr at = first;
  while (at < last) {
    auto it = runs.find(at);
    if (it == runs.end()) {
      const auto next = runs.lower_bound(at);
      const CUdeviceptr gapEnd = next == runs.end() ? last : std::min(last, next->first);
      it = runs.emplace(at, Run{gapEnd, PageState{}}).first;
    }
    change(it->second.state);
    at = it->second.end;
  }
  // Neighbours left equal merge again, so runs stay as few as the distinct hints.
  for (auto it = runs.begin(); it != runs.end();) {
    const auto next = std::next(it);
    if (next != runs.end() && it->second.end == next->first && it->second.state == next->second.state) {
      it->second.end = next->second.end;
      runs.erase(next);
    } else {
      it = next;
    }
  }
}

// The distinct states of the pages of [first, last), the defaults included where no run covers one.
std::vector<PageState> statesOf(const Allocation* allocation, CUdeviceptr first, CUdeviceptr last) {
  std::vector<PageState> states;
  const auto add = [&states](const PageState& state) {
    if (std::find(states.begin(), states.end(), state) == states.end()) {
      states.push_back(state);
    }
  };
  if (allocation == nullptr) {
    add(PageState{});
    return states;
  }
  CUdeviceptr at = first;
  auto it = allocation->runs.upper_bound(first);
  if (it != allocation->runs.begin() && std::prev(it)->second.end > first) {
    --it;
  }
  for (; it != allocation->runs.end() && it->first < last; ++it) {
    if (it->first > at) {
      add(PageState{}); // a gap before this run
    }
    add(it->second.state);
    at = it->second.end;
  }
  if (at < last) {
    add(PageState{});
  }
  return states;
}

// The location every page shares, or nullopt.
template <typename Pick> std::optional<Location> common(const std::vector<PageState>& states, Pick pick) {
  const Location first = pick(states.front());
  for (const PageState& state : states) {
    if (!(pick(state) == first)) {
      return std::nullopt;
    }
  }
  return first.type == CU_MEM_LOCATION_TYPE_INVALID ? std::nullopt : std::optional<Location>(first);
}

// The legacy form: a device ordinal, CU_DEVICE_CPU for the host, CU_DEVICE_INVALID otherwise.
int legacyId(const std::optional<Location>& location) {
  if (!location) {
    return CU_DEVICE_INVALID;
  }
  return location->type == CU_MEM_LOCATION_TYPE_DEVICE ? location->id : CU_DEVICE_CPU;
}

CUresult writeInt(void* data, std::size_t dataSize, int value) {
  if (dataSize != sizeof(int)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::memcpy(data, &value, sizeof value);
  return CUDA_SUCCESS;
}

CUresult writeType(void* data, std::size_t dataSize, const std::optional<Location>& location) {
  if (dataSize != sizeof(CUmemLocationType)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUmemLocationType type = location ? location->type : CU_MEM_LOCATION_TYPE_INVALID;
  std::memcpy(data, &type, sizeof type);
  return CUDA_SUCCESS;
}

// The id a location type query goes with: a device ordinal or a host NUMA node; else to be ignored.
int idOf(const std::optional<Location>& location) {
  return location && (location->type == CU_MEM_LOCATION_TYPE_DEVICE || location->type == CU_MEM_LOCATION_TYPE_HOST_NUMA)
             ? location->id
             : CU_DEVICE_INVALID;
}

} // namespace

CUresult advise(CUdeviceptr base, std::size_t size, CUdeviceptr start, std::size_t bytes, CUmem_advise advice,
                Location location) {
  const auto [first, last] = pages(base, size, start, bytes);
  const std::lock_guard lock(hints().mutex);
  Allocation& allocation = hints().allocations[base];
  allocation.size = size;
  const bool device = location.type == CU_MEM_LOCATION_TYPE_DEVICE;
  if (device && (location.id < 0 || location.id >= 64)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  const std::uint64_t bit = device ? std::uint64_t{1} << location.id : 0;
  switch (advice) {
  case CU_MEM_ADVISE_SET_READ_MOSTLY: apply(allocation, first, last, [](PageState& s) { s.readMostly = true; }); break;
  case CU_MEM_ADVISE_UNSET_READ_MOSTLY:
    apply(allocation, first, last, [](PageState& s) { s.readMostly = false; });
    break;
  case CU_MEM_ADVISE_SET_PREFERRED_LOCATION:
    apply(allocation, first, last, [location](PageState& s) { s.preferred = location; });
    break;
  case CU_MEM_ADVISE_UNSET_PREFERRED_LOCATION:
    apply(allocation, first, last, [](PageState& s) { s.preferred = Location{}; });
    break;
  case CU_MEM_ADVISE_SET_ACCESSED_BY:
    apply(allocation, first, last, [bit, device](PageState& s) {
      s.accessedByDevices |= bit;
      s.accessedByHost = s.accessedByHost || !device;
    });
    break;
  case CU_MEM_ADVISE_UNSET_ACCESSED_BY:
    apply(allocation, first, last, [bit, device](PageState& s) {
      s.accessedByDevices &= ~bit;
      s.accessedByHost = s.accessedByHost && device;
    });
    break;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

void prefetched(CUdeviceptr base, std::size_t size, CUdeviceptr start, std::size_t bytes, Location location) {
  const auto [first, last] = pages(base, size, start, bytes);
  const std::lock_guard lock(hints().mutex);
  Allocation& allocation = hints().allocations[base];
  allocation.size = size;
  apply(allocation, first, last, [location](PageState& s) { s.lastPrefetch = location; });
}

CUresult attribute(CUdeviceptr base, std::size_t size, CUdeviceptr start, std::size_t bytes,
                   CUmem_range_attribute attribute, void* data, std::size_t dataSize) {
  if (data == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto [first, last] = pages(base, size, start, bytes);
  std::vector<PageState> states;
  {
    const std::lock_guard lock(hints().mutex);
    const auto it = hints().allocations.find(base);
    states = statesOf(it == hints().allocations.end() ? nullptr : &it->second, first, last);
  }
  const auto preferred = [](const PageState& s) { return s.preferred; };
  const auto prefetch = [](const PageState& s) { return s.lastPrefetch; };
  switch (attribute) {
  case CU_MEM_RANGE_ATTRIBUTE_READ_MOSTLY:
    return writeInt(data, dataSize,
                    std::all_of(states.begin(), states.end(), [](const PageState& s) { return s.readMostly; }) ? 1 : 0);
  case CU_MEM_RANGE_ATTRIBUTE_PREFERRED_LOCATION: return writeInt(data, dataSize, legacyId(common(states, preferred)));
  case CU_MEM_RANGE_ATTRIBUTE_LAST_PREFETCH_LOCATION:
    return writeInt(data, dataSize, legacyId(common(states, prefetch)));
  case CU_MEM_RANGE_ATTRIBUTE_PREFERRED_LOCATION_TYPE: return writeType(data, dataSize, common(states, preferred));
  case CU_MEM_RANGE_ATTRIBUTE_PREFERRED_LOCATION_ID: return writeInt(data, dataSize, idOf(common(states, preferred)));
  case CU_MEM_RANGE_ATTRIBUTE_LAST_PREFETCH_LOCATION_TYPE: return writeType(data, dataSize, common(states, prefetch));
  case CU_MEM_RANGE_ATTRIBUTE_LAST_PREFETCH_LOCATION_ID:
    return writeInt(data, dataSize, idOf(common(states, prefetch)));
  case CU_MEM_RANGE_ATTRIBUTE_ACCESSED_BY: {
    if (dataSize == 0 || dataSize % sizeof(int) != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    std::uint64_t devices = ~std::uint64_t{0};
    for (const PageState& state : states) {
      devices &= state.accessedByDevices; // only devices advised for the whole range
    }
    std::vector<int> list(dataSize / sizeof(int), CU_DEVICE_INVALID);
    std::size_t next = 0;
    for (int device = 0; device < 64 && next < list.size(); ++device) {
      if ((devices >> device & 1) != 0) {
        list[next++] = device;
      }
    }
    std::memcpy(data, list.data(), dataSize);
    return CUDA_SUCCESS;
  }
  }
  return CUDA_ERROR_INVALID_VALUE;
}

void forget(CUdeviceptr base) {
  const std::lock_guard lock(hints().mutex);
  hints().allocations.erase(base);
}

} // namespace vgpu::cuda::managed_hints

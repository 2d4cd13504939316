// Guest regions: opening and checking the backing files, the header, and the page table shared by
// session threads and worker processes.
#include "guest_regions.h"

#include "vgpu/guest_region_header.h"
#include "vgpu/log.h"

#include <cerrno>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace vgpu::daemon {

struct GuestRegions::PageTable {
  struct Entry {
    std::uint64_t owner; // session id; 0: free
    std::uint64_t run;   // at a slice's first page: its length in pages; 0 elsewhere
  };
  pthread_mutex_t mutex;
  std::uint64_t pages;
  // `pages` entries follow the table in the same mapping.
  Entry* entries() { return reinterpret_cast<Entry*>(this + 1); }
  const Entry* entries() const { return reinterpret_cast<const Entry*>(this + 1); }
};

namespace {

constexpr const char* kComponent = "vgpud";

std::string systemError() {
  return std::system_category().message(errno);
}

// A robust, process-shared lock: a worker that died holding it leaves the table consistent (every
// update below is complete before the next one starts), so the next owner marks it so and goes on.
class TableLock {
public:
  explicit TableLock(pthread_mutex_t& mutex) : mutex_(mutex) {
    if (::pthread_mutex_lock(&mutex_) == EOWNERDEAD) {
      ::pthread_mutex_consistent(&mutex_);
    }
  }
  ~TableLock() { ::pthread_mutex_unlock(&mutex_); }
  TableLock(const TableLock&) = delete;
  TableLock& operator=(const TableLock&) = delete;

private:
  pthread_mutex_t& mutex_;
};

// The backing file: opened without following a link and without blocking (a FIFO named here is
// refused, never waited on), created when absent.
int openBackingFile(const GuestRegionSpec& spec, std::string& error) {
  int fd = ::open(spec.path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT) {
    fd = ::open(spec.path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_CREAT | O_EXCL, 0600);
    if (fd >= 0 && ::ftruncate(fd, static_cast<off_t>(spec.createBytes)) != 0) {
      error = "cannot size " + spec.path + ": " + systemError();
      ::close(fd);
      ::unlink(spec.path.c_str());
      return -1;
    }
    if (fd >= 0) {
      log::writef(log::Level::Info, kComponent, "guest region %s created (%llu MiB)", spec.path.c_str(),
                  static_cast<unsigned long long>(spec.createBytes >> 20));
    }
  }
  if (fd < 0) {
    error = "cannot open guest region " + spec.path + ": " + systemError();
  }
  return fd;
}

// A file another user could truncate would fault vgpud (SIGBUS) while it copies: only root's or
// vgpud's own, not writable by others, a regular file of a size that is whole pages.
bool checkBackingFile(int fd, const std::string& path, std::uint64_t& bytes, std::string& error) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    error = "guest region " + path + " is not a regular file";
    return false;
  }
  if (info.st_uid != 0 && info.st_uid != ::geteuid()) {
    error = "guest region " + path + " belongs to uid " + std::to_string(info.st_uid) +
            ": it must belong to root or to vgpud's user (another owner could truncate it under vgpud)";
    return false;
  }
  if ((info.st_mode & S_IWOTH) != 0) {
    error = "guest region " + path + " is writable by others: chmod o-w it";
    return false;
  }
  bytes = static_cast<std::uint64_t>(info.st_size);
  if (bytes < kMinGuestRegionBytes || bytes > kMaxGuestRegionBytes || bytes % kGuestRegionPageBytes != 0) {
    error = "guest region " + path + " has " + std::to_string(bytes) + " bytes: it must be 4 MiB .. 64 GiB, whole " +
            "64 KiB pages (the ivshmem device's size)";
    return false;
  }
  return true;
}

} // namespace

GuestRegions::~GuestRegions() {
  for (Region& region : regions_) {
    ::munmap(region.data, region.bytes);
    ::munmap(region.table, region.tableBytes);
  }
}

bool GuestRegions::openOne(const GuestRegionSpec& spec, Region& region, std::string& error) {
  region.path = spec.path;
  const int fd = openBackingFile(spec, error);
  if (fd < 0) {
    return false;
  }
  const bool usable = checkBackingFile(fd, spec.path, region.bytes, error);
  void* data = usable ? ::mmap(nullptr, region.bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
  const int mapError = errno;
  ::close(fd);
  if (!usable) {
    return false;
  }
  if (data == MAP_FAILED) {
    error = "cannot map guest region " + spec.path + ": " + std::system_category().message(mapError);
    return false;
  }
  region.data = static_cast<std::uint8_t*>(data);
  const std::uint64_t pages = region.bytes / kGuestRegionPageBytes;
  region.tableBytes = sizeof(PageTable) + pages * sizeof(PageTable::Entry);
  void* table = ::mmap(nullptr, region.tableBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (table == MAP_FAILED) {
    error = "cannot map the page table of " + spec.path + ": " + systemError();
    ::munmap(region.data, region.bytes);
    region.data = nullptr;
    return false;
  }
  region.table = static_cast<PageTable*>(table);
  pthread_mutexattr_t attributes;
  ::pthread_mutexattr_init(&attributes);
  ::pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
  ::pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
  ::pthread_mutex_init(&region.table->mutex, &attributes);
  ::pthread_mutexattr_destroy(&attributes);
  region.table->pages = pages;
  region.table->entries()[0] = {~std::uint64_t{0}, 1}; // the header page is never handed out
  if (::getrandom(region.id.data(), region.id.size(), 0) != static_cast<ssize_t>(region.id.size())) {
    error = "no random bytes for the region id: " + systemError();
    return false;
  }
  wire::RegionHeader header;
  header.headerBytes = static_cast<std::uint32_t>(kGuestRegionPageBytes);
  header.regionBytes = region.bytes;
  header.pageBytes = kGuestRegionPageBytes;
  header.regionId = region.id;
  encodeRegionHeader(header, std::span<std::uint8_t, wire::kRegionHeaderBytes>(region.data, wire::kRegionHeaderBytes));
  return true;
}

bool GuestRegions::open(const std::vector<GuestRegionSpec>& specs, std::string& error) {
  if (specs.size() > kMaxGuestRegions) {
    error = "at most " + std::to_string(kMaxGuestRegions) + " guest regions";
    return false;
  }
  regions_.reserve(specs.size());
  for (const GuestRegionSpec& spec : specs) {
    Region& region = regions_.emplace_back();
    if (!openOne(spec, region, error)) {
      return false;
    }
    log::writef(log::Level::Info, kComponent, "guest region %s: %llu MiB, serving tcp/vsock sessions that attach it",
                spec.path.c_str(), static_cast<unsigned long long>(region.bytes >> 20));
  }
  return true;
}

int GuestRegions::find(const RegionId& id) const {
  int found = -1;
  for (std::size_t i = 0; i < regions_.size(); ++i) {
    std::uint8_t difference = 0;
    for (std::size_t b = 0; b < id.size(); ++b) {
      difference |= static_cast<std::uint8_t>(regions_[i].id[b] ^ id[b]);
    }
    found = difference == 0 ? static_cast<int>(i) : found;
  }
  return found;
}

bool GuestRegions::allocate(int index, std::uint64_t bytes, std::uint64_t session, RegionSlice& out) {
  if (index < 0 || static_cast<std::size_t>(index) >= regions_.size() || bytes == 0 || session == 0) {
    return false;
  }
  Region& region = regions_[static_cast<std::size_t>(index)];
  PageTable& table = *region.table;
  if (bytes > region.bytes) {
    return false;
  }
  const std::uint64_t wanted = (bytes + kGuestRegionPageBytes - 1) / kGuestRegionPageBytes;
  const TableLock lock(table.mutex);
  std::uint64_t runStart = 0;
  std::uint64_t runLength = 0;
  for (std::uint64_t page = 0; page < table.pages; ++page) {
    if (table.entries()[page].owner != 0) {
      runLength = 0;
      continue;
    }
    runStart = runLength == 0 ? page : runStart;
    if (++runLength == wanted) {
      for (std::uint64_t p = runStart; p < runStart + wanted; ++p) {
        table.entries()[p] = {session, 0};
      }
      table.entries()[runStart].run = wanted;
      out.region = index;
      out.offset = runStart * kGuestRegionPageBytes;
      out.bytes = wanted * kGuestRegionPageBytes;
      out.data = region.data + out.offset;
      return true;
    }
  }
  return false;
}

bool GuestRegions::release(int index, std::uint64_t offset, std::uint64_t session) {
  if (index < 0 || static_cast<std::size_t>(index) >= regions_.size() || offset % kGuestRegionPageBytes != 0) {
    return false;
  }
  PageTable& table = *regions_[static_cast<std::size_t>(index)].table;
  const std::uint64_t first = offset / kGuestRegionPageBytes;
  const TableLock lock(table.mutex);
  if (first == 0 || first >= table.pages || table.entries()[first].owner != session ||
      table.entries()[first].run == 0) {
    return false;
  }
  const std::uint64_t run = table.entries()[first].run;
  for (std::uint64_t p = first; p < first + run && p < table.pages; ++p) {
    table.entries()[p] = {0, 0};
  }
  return true;
}

void GuestRegions::releaseSession(std::uint64_t session) {
  if (session == 0) {
    return;
  }
  for (Region& region : regions_) {
    PageTable& table = *region.table;
    const TableLock lock(table.mutex);
    for (std::uint64_t page = 1; page < table.pages; ++page) {
      if (table.entries()[page].owner == session) {
        table.entries()[page] = {0, 0};
      }
    }
  }
}

std::uint64_t GuestRegions::pagesInUse(int index) const {
  const PageTable& table = *regions_[static_cast<std::size_t>(index)].table;
  std::uint64_t used = 0;
  for (std::uint64_t page = 1; page < table.pages; ++page) {
    used += table.entries()[page].owner != 0 ? std::uint64_t{1} : std::uint64_t{0};
  }
  return used;
}

} // namespace vgpu::daemon

// VMM memory as NCCL, PyTorch's expandable segments and CUDA IPC programs use it: allocations
// requested shareable as POSIX file descriptors (NCCL asks for that, and for fabric handles where
// the device offers them, retrying without on NOT_PERMITTED), the properties and pointer
// attributes that report it, access per device (cuMemGetAccess), retained handles
// (cuMemRetainAllocationHandle), release while mapped, and memory exported to a file descriptor
// and imported again — in this process, and in a child process the descriptor is passed to over a
// Unix socket, as CUDA programs pass it: what one process writes, the other reads.
//
// The child is forked before this process touches CUDA (a CUDA process must not fork and go on
// using CUDA in the child). Where the executor cannot hand memory to another process (through
// vgpud), export answers NOT_SUPPORTED and the sharing checks say "skip ... not offered here".
// Prints "pass <check>" / "fail <check> <detail>"; exit code 0 only when every check passed.
#include "check_report.h"

#include <cstdio>
#include <cstring>
#include <cuda.h>
#include <cuda_runtime.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr unsigned char kParentByte = 0x3c;
constexpr unsigned char kChildByte = 0xa7;

// One message on the socket: the allocation's size, and its descriptor when there is one.
bool sendDescriptor(int socket, int fd, unsigned long long bytes) {
  iovec part{&bytes, sizeof bytes};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
  }
  return sendmsg(socket, &message, 0) == static_cast<ssize_t>(sizeof bytes);
}

int receiveDescriptor(int socket, unsigned long long& bytes) {
  iovec part{&bytes, sizeof bytes};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  if (recvmsg(socket, &message, 0) != static_cast<ssize_t>(sizeof bytes)) {
    return -2;
  }
  const cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (header == nullptr || header->cmsg_type != SCM_RIGHTS) {
    return -1;
  }
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(header), sizeof fd);
  return fd;
}

bool filledWith(CUdeviceptr address, size_t bytes, unsigned char value) {
  std::vector<unsigned char> back(bytes, 0);
  if (cuMemcpyDtoH(back.data(), address, bytes) != CUDA_SUCCESS) {
    return false;
  }
  for (unsigned char byte : back) {
    if (byte != value) {
      return false;
    }
  }
  return true;
}

CUmemAllocationProp deviceProperties(CUmemAllocationHandleType types) {
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = 0;
  prop.requestedHandleTypes = types;
  return prop;
}

// Maps `handle` at a new reservation with read-write access for device 0.
bool mapNew(CUmemGenericAllocationHandle handle, size_t bytes, CUdeviceptr& address, const char* what) {
  CUmemAccessDesc access{};
  access.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  access.location.id = 0;
  access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  return check::ok(cuMemAddressReserve(&address, bytes, 0, 0, 0), what) &&
         check::ok(cuMemMap(address, bytes, 0, handle, 0), what) &&
         check::ok(cuMemSetAccess(address, bytes, &access, 1), what);
}

void unmapFree(CUdeviceptr address, size_t bytes) {
  check::ok(cuMemUnmap(address, bytes), "unmap");
  check::ok(cuMemAddressFree(address, bytes), "address-free");
}

// The child: imports what the parent sent, checks the parent's bytes, writes its own.
int child(int socket) {
  unsigned long long bytes = 0;
  const int fd = receiveDescriptor(socket, bytes);
  if (fd == -2) {
    return 1;
  }
  if (fd < 0) {
    return 0; // the parent could not export: nothing to share
  }
  if (!check::ok(cudaFree(nullptr), "child-context")) {
    return 1;
  }
  CUmemGenericAllocationHandle handle = 0;
  CUdeviceptr address = 0;
  if (!check::ok(cuMemImportFromShareableHandle(&handle, reinterpret_cast<void*>(static_cast<intptr_t>(fd)),
                                                CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR),
                 "child-import") ||
      !mapNew(handle, bytes, address, "child-map")) {
    return 1;
  }
  close(fd);
  check::report(filledWith(address, bytes, kParentByte), "child-reads-parent-bytes");
  const bool wrote = check::ok(cuMemsetD8(address, kChildByte, bytes), "child-write");
  unmapFree(address, bytes);
  check::ok(cuMemRelease(handle), "child-release");
  const char done = wrote ? 'y' : 'n';
  if (write(socket, &done, 1) != 1) {
    return 1;
  }
  std::fflush(stdout);
  return check::failures == 0 ? 0 : 1;
}

void handleTypes(size_t granularity) {
  int fabric = 0;
  cuDeviceGetAttribute(&fabric, CU_DEVICE_ATTRIBUTE_HANDLE_TYPE_FABRIC_SUPPORTED, 0);
  CUmemAllocationProp prop = deviceProperties(static_cast<CUmemAllocationHandleType>(
      CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR | (fabric != 0 ? CU_MEM_HANDLE_TYPE_FABRIC : 0)));
  size_t asked = 0;
  check::report(cuMemGetAllocationGranularity(&asked, &prop, CU_MEM_ALLOC_GRANULARITY_RECOMMENDED) == CUDA_SUCCESS &&
                    asked >= granularity,
                "granularity-of-shareable");
  CUmemGenericAllocationHandle handle = 0;
  const CUresult made = cuMemCreate(&handle, granularity, &prop, 0);
  if (fabric != 0) {
    // Without an IMEX channel NVIDIA's driver answers NOT_PERMITTED (NCCL then retries without).
    check::report(made == CUDA_ERROR_NOT_PERMITTED || made == CUDA_ERROR_NOT_SUPPORTED || made == CUDA_SUCCESS,
                  "create-fabric-answered-as-nccl-expects");
    if (made == CUDA_SUCCESS) {
      cuMemRelease(handle);
    }
  } else {
    check::report(made == CUDA_ERROR_NOT_SUPPORTED || made == CUDA_SUCCESS, "create-fabric-not-offered");
  }
  const CUmemAllocationProp windows = deviceProperties(CU_MEM_HANDLE_TYPE_WIN32_KMT);
  check::report(cuMemCreate(&handle, granularity, &windows, 0) != CUDA_SUCCESS, "create-windows-handle-refused");
}

void retainAndRelease(size_t granularity) {
  const CUmemAllocationProp prop = deviceProperties(CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR);
  CUmemGenericAllocationHandle handle = 0;
  CUdeviceptr address = 0;
  const size_t bytes = 2 * granularity;
  if (!check::ok(cuMemCreate(&handle, bytes, &prop, 0), "create-posix") || !mapNew(handle, bytes, address, "map")) {
    return;
  }
  check::report(true, "create-posix");
  CUmemAllocationProp got{};
  check::report(cuMemGetAllocationPropertiesFromHandle(&got, handle) == CUDA_SUCCESS &&
                    got.requestedHandleTypes == CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR && got.location.id == 0,
                "properties-say-posix");
  unsigned long long types = 0;
  check::report(cuPointerGetAttribute(&types, CU_POINTER_ATTRIBUTE_ALLOWED_HANDLE_TYPES, address + 100) ==
                        CUDA_SUCCESS &&
                    types == CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR,
                "pointer-allowed-handle-types");

  CUmemLocation device{};
  device.type = CU_MEM_LOCATION_TYPE_DEVICE;
  device.id = 0;
  unsigned long long flags = 0;
  check::report(cuMemGetAccess(&flags, &device, address + granularity + 5) == CUDA_SUCCESS &&
                    flags == CU_MEM_ACCESS_FLAGS_PROT_READWRITE,
                "get-access-read-write");
  CUmemAccessDesc readOnly{};
  readOnly.location = device;
  readOnly.flags = CU_MEM_ACCESS_FLAGS_PROT_READ;
  check::report(cuMemSetAccess(address, bytes, &readOnly, 1) == CUDA_SUCCESS &&
                    cuMemGetAccess(&flags, &device, address) == CUDA_SUCCESS && flags == CU_MEM_ACCESS_FLAGS_PROT_READ,
                "get-access-after-set");
  CUmemAccessDesc readWrite = readOnly;
  readWrite.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  cuMemSetAccess(address, bytes, &readWrite, 1);

  CUmemGenericAllocationHandle retained = 0;
  check::report(cuMemRetainAllocationHandle(&retained, reinterpret_cast<void*>(address + granularity + 64)) ==
                        CUDA_SUCCESS &&
                    retained == handle,
                "retain-from-inner-address");
  check::ok(cuMemRelease(retained), "release-retained");
  check::report(cuMemGetAllocationPropertiesFromHandle(&got, handle) == CUDA_SUCCESS,
                "handle-held-after-retain-release");

  // Released while mapped: the mapping keeps the memory (the driver frees it at the last unmap).
  check::ok(cuMemsetD8(address, 0x5a, bytes), "memset");
  check::ok(cuMemRelease(handle), "release-while-mapped");
  check::report(filledWith(address, bytes, 0x5a), "memory-lives-while-mapped");
  check::report(cuMemGetAllocationPropertiesFromHandle(&got, handle) != CUDA_SUCCESS, "released-handle-gone");
  check::report(cuMemRetainAllocationHandle(&retained, reinterpret_cast<void*>(address)) == CUDA_SUCCESS &&
                    retained == handle,
                "retain-after-release-while-mapped");
  unmapFree(address, bytes);
  check::ok(cuMemRelease(retained), "release-after-unmap");
  check::report(cuMemGetAccess(&flags, &device, address) != CUDA_SUCCESS, "get-access-of-unmapped-refused");
  check::report(cuMemRetainAllocationHandle(&retained, reinterpret_cast<void*>(address)) != CUDA_SUCCESS,
                "retain-of-unmapped-refused");
}

// Tells the child there is nothing to share, and waits for it.
void releaseChild(int socket, pid_t childPid) {
  sendDescriptor(socket, -1, 0);
  waitpid(childPid, nullptr, 0);
}

// Exports a shareable allocation, imports it here and sends it to the child; waits for the child.
void sharing(size_t granularity, int socket, pid_t childPid) {
  const size_t bytes = 2 * granularity;
  const CUmemAllocationProp plain = deviceProperties(CU_MEM_HANDLE_TYPE_NONE);
  CUmemGenericAllocationHandle unshareable = 0;
  int fd = -1;
  if (check::ok(cuMemCreate(&unshareable, granularity, &plain, 0), "create-plain")) {
    check::report(cuMemExportToShareableHandle(&fd, unshareable, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0) !=
                      CUDA_SUCCESS,
                  "export-of-unshareable-refused");
    cuMemRelease(unshareable);
  }

  const CUmemAllocationProp prop = deviceProperties(CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR);
  CUmemGenericAllocationHandle handle = 0;
  CUdeviceptr address = 0;
  if (!check::ok(cuMemCreate(&handle, bytes, &prop, 0), "create-shareable") || !mapNew(handle, bytes, address, "map")) {
    releaseChild(socket, childPid);
    return;
  }
  const CUresult exported = cuMemExportToShareableHandle(&fd, handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0);
  if (exported == CUDA_ERROR_NOT_SUPPORTED) {
    for (const char* name :
         {"export", "import-in-same-process", "child-sees-parent-bytes", "parent-sees-child-bytes"}) {
      check::skip(name, "not offered here");
    }
    releaseChild(socket, childPid);
    unmapFree(address, bytes);
    cuMemRelease(handle);
    return;
  }
  check::report(exported == CUDA_SUCCESS && fd >= 0, "export");
  check::ok(cuMemsetD8(address, kParentByte, bytes), "memset");

  // Imported again in this process, mapped at a second address: the same bytes.
  CUmemGenericAllocationHandle imported = 0;
  CUdeviceptr second = 0;
  if (check::ok(cuMemImportFromShareableHandle(&imported, reinterpret_cast<void*>(static_cast<intptr_t>(fd)),
                                               CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR),
                "import") &&
      mapNew(imported, bytes, second, "map-import")) {
    check::report(filledWith(second, bytes, kParentByte), "import-in-same-process");
    unmapFree(second, bytes);
    cuMemRelease(imported);
  }
  int pipeEnds[2] = {-1, -1};
  check::report(pipe(pipeEnds) == 0 && cuMemImportFromShareableHandle(
                                           &imported, reinterpret_cast<void*>(static_cast<intptr_t>(pipeEnds[0])),
                                           CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) != CUDA_SUCCESS,
                "import-of-a-pipe-refused");
  close(pipeEnds[0]);
  close(pipeEnds[1]);

  // The child maps the same memory in its own process.
  std::fflush(stdout);
  if (!sendDescriptor(socket, fd, bytes)) {
    check::fail("send-descriptor", "sendmsg failed");
  }
  close(fd);
  char done = 0;
  const bool answered = read(socket, &done, 1) == 1 && done == 'y';
  int status = 0;
  waitpid(childPid, &status, 0);
  check::report(answered && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child-sees-parent-bytes");
  check::report(filledWith(address, bytes, kChildByte), "parent-sees-child-bytes");
  unmapFree(address, bytes);
  check::ok(cuMemRelease(handle), "release-shareable");
}

} // namespace

int main() {
  int sockets[2] = {-1, -1};
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sockets) != 0) {
    std::printf("fail socketpair\n");
    return 1;
  }
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    close(sockets[0]);
    return child(sockets[1]);
  }
  close(sockets[1]);
  bool childWaited = false;
  if (check::ok(cudaFree(nullptr), "context")) {
    CUmemAllocationProp prop = deviceProperties(CU_MEM_HANDLE_TYPE_NONE);
    size_t granularity = 0;
    if (check::ok(cuMemGetAllocationGranularity(&granularity, &prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM),
                  "granularity")) {
      handleTypes(granularity);
      retainAndRelease(granularity);
      sharing(granularity, sockets[0], pid);
      childWaited = true;
    }
  }
  if (!childWaited) {
    releaseChild(sockets[0], pid);
  }
  std::printf("%s %d failure(s)\n", check::failures == 0 ? "ok" : "failed", check::failures);
  return check::failures == 0 ? 0 : 1;
}

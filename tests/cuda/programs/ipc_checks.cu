// Legacy CUDA IPC as PyTorch's multiprocessing, NCCL's legacy transport and MPI libraries use it:
// cudaIpcGetMemHandle on a cudaMalloc allocation, the 64-byte handle sent to another process
// (a child forked before this process touched CUDA), cudaIpcOpenMemHandle there, the bytes each
// process writes read by the other, opening the same handle twice (the same pointer, reference
// counted, as documented), cudaIpcCloseMemHandle, and an interprocess event opened by the child.
// Also the refusals: memory that is not cudaMalloc's, an event created without
// cudaEventInterprocess, bad flags, a pointer that was not opened, a handle opened in its own
// process, a handle that is not one. And a pool shared as rmm and UCX share one: created exportable
// as POSIX descriptors, its descriptor passed to the child over the socket (SCM_RIGHTS), a pointer
// exported and imported there, the child's writes read back here.
//
// Where the executor cannot share device memory between processes (through vgpud) the handle calls
// answer cudaErrorNotSupported and the sharing checks say "skip ... not offered here".
// Prints "pass <check>" / "fail <check> <detail>"; exit code 0 only when every check passed.
#include "check_report.h"

#include <cstdio>
#include <cstring>
#include <cuda_runtime.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr size_t kBytes = 1 << 20;
constexpr unsigned char kParentByte = 0x4d;
constexpr unsigned char kChildByte = 0xb2;

// What the parent sends: whether there is anything to open, the two handles, and a pointer of a
// pool whose descriptor travels with the message (SCM_RIGHTS).
struct Message {
  int shared = 0;
  cudaIpcMemHandle_t memory{};
  cudaIpcEventHandle_t event{};
  int poolShared = 0;
  cudaMemPoolPtrExportData poolPointer{};
};

bool sendMessage(int socket, const Message& message, int fd) {
  iovec part{const_cast<Message*>(&message), sizeof message};
  msghdr header{};
  header.msg_iov = &part;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    header.msg_control = control;
    header.msg_controllen = sizeof control;
    cmsghdr* rights = CMSG_FIRSTHDR(&header);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    rights->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(rights), &fd, sizeof fd);
  }
  return sendmsg(socket, &header, 0) == static_cast<ssize_t>(sizeof message);
}

// The message, and the descriptor that came with it (-1: none).
bool receiveMessage(int socket, Message& message, int& fd) {
  iovec part{&message, sizeof message};
  msghdr header{};
  header.msg_iov = &part;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  header.msg_control = control;
  header.msg_controllen = sizeof control;
  fd = -1;
  if (recvmsg(socket, &header, MSG_WAITALL) != static_cast<ssize_t>(sizeof message)) {
    return false;
  }
  const cmsghdr* rights = CMSG_FIRSTHDR(&header);
  if (rights != nullptr && rights->cmsg_type == SCM_RIGHTS) {
    std::memcpy(&fd, CMSG_DATA(rights), sizeof fd);
  }
  return true;
}

bool filledWith(const void* device, size_t bytes, unsigned char value) {
  std::vector<unsigned char> host(bytes);
  if (cudaMemcpy(host.data(), device, bytes, cudaMemcpyDeviceToHost) != cudaSuccess) {
    return false;
  }
  for (const unsigned char byte : host) {
    if (byte != value) {
      return false;
    }
  }
  return true;
}

// The child: opens what the parent exported, checks the parent's bytes, writes its own, closes.
// The pool the parent exported: imported from its descriptor, its pointer imported, the parent's
// bytes read and the child's written; an imported pool allocates nothing; freed (closed) and gone.
int childPool(const Message& message, int fd) {
  cudaMemPool_t pool = nullptr;
  void* imported = nullptr;
  if (const cudaError_t imported = cudaMemPoolImportFromShareableHandle(
          &pool, reinterpret_cast<void*>(static_cast<intptr_t>(fd)), cudaMemHandleTypePosixFileDescriptor, 0);
      imported != cudaSuccess) {
    std::printf("info child-pool-import %d (descriptor %d)\n", static_cast<int>(imported), fd);
    return 11;
  }
  close(fd);
  cudaMemPoolPtrExportData data = message.poolPointer;
  if (cudaMemPoolImportPointer(&imported, pool, &data) != cudaSuccess || !filledWith(imported, kBytes, kParentByte)) {
    return 12;
  }
  void* own = nullptr;
  if (cudaMallocFromPoolAsync(&own, kBytes, pool, nullptr) == cudaSuccess) {
    return 13; // an imported pool holds another process's memory and allocates none
  }
  cudaGetLastError();
  if (cudaMemset(imported, kChildByte, kBytes) != cudaSuccess || cudaDeviceSynchronize() != cudaSuccess ||
      cudaFree(imported) != cudaSuccess || cudaMemPoolDestroy(pool) != cudaSuccess) {
    return 14;
  }
  return 0;
}

int child(int socket) {
  Message message;
  int fd = -1;
  if (!receiveMessage(socket, message, fd)) {
    return 3;
  }
  if (message.shared == 0) {
    return 0;
  }
  if (message.poolShared != 0) {
    if (const int status = childPool(message, fd); status != 0) {
      return status;
    }
  }
  void* opened = nullptr;
  if (cudaIpcOpenMemHandle(&opened, message.memory, cudaIpcMemLazyEnablePeerAccess) != cudaSuccess ||
      !filledWith(opened, kBytes, kParentByte)) {
    return 4;
  }
  void* again = nullptr;
  if (cudaIpcOpenMemHandle(&again, message.memory, cudaIpcMemLazyEnablePeerAccess) != cudaSuccess || again != opened) {
    return 5; // opened twice: the same pointer
  }
  cudaEvent_t event = nullptr;
  if (cudaIpcOpenEventHandle(&event, message.event) != cudaSuccess || cudaEventSynchronize(event) != cudaSuccess ||
      cudaStreamWaitEvent(nullptr, event, 0) != cudaSuccess || cudaEventQuery(event) != cudaSuccess) {
    return 6;
  }
  float elapsed = 0;
  if (cudaEventElapsedTime(&elapsed, event, event) == cudaSuccess) {
    return 7; // interprocess events have no timing
  }
  cudaGetLastError();
  if (cudaMemset(opened, kChildByte, kBytes) != cudaSuccess || cudaDeviceSynchronize() != cudaSuccess) {
    return 8;
  }
  // Two opens, two closes; a third close finds nothing open.
  if (cudaIpcCloseMemHandle(again) != cudaSuccess || cudaIpcCloseMemHandle(opened) != cudaSuccess ||
      cudaIpcCloseMemHandle(opened) == cudaSuccess) {
    return 9;
  }
  cudaGetLastError();
  cudaEventDestroy(event);
  const char done = 'y';
  return write(socket, &done, 1) == 1 ? 0 : 10;
}

// A pool requested exportable as POSIX descriptors: made, it allocates; exported (its descriptor
// and one pointer) where the executor shares memory between processes, for the child to import.
// Returns the pool's descriptor (-1: not exported), with `pool` and `pointer` to free afterwards.
int exportablePool(Message& message, cudaMemPool_t& pool, void*& pointer) {
  cudaMemPoolProps properties{};
  properties.allocType = cudaMemAllocationTypePinned;
  properties.handleTypes = cudaMemHandleTypePosixFileDescriptor;
  properties.location.type = cudaMemLocationTypeDevice;
  properties.location.id = 0;
  if (!check::ok(cudaMemPoolCreate(&pool, &properties), "pool-create") ||
      !check::ok(cudaMallocFromPoolAsync(&pointer, kBytes, pool, nullptr), "pool-allocate") ||
      !check::ok(cudaMemsetAsync(pointer, kParentByte, kBytes, nullptr), "pool-memset") ||
      !check::ok(cudaStreamSynchronize(nullptr), "pool-synchronize")) {
    return -1;
  }
  check::report(true, "posix-exportable-pool-allocates");
  int fd = -1;
  const cudaError_t exported = cudaMemPoolExportToShareableHandle(&fd, pool, cudaMemHandleTypePosixFileDescriptor, 0);
  std::printf("info pool-export %d\n", static_cast<int>(exported));
  cudaGetLastError();
  if (exported != cudaSuccess) {
    return -1;
  }
  // The refusals: a pointer that is no pool's, a pool created without a handle type.
  void* plain = nullptr;
  cudaMemPoolPtrExportData data{};
  if (cudaMalloc(&plain, kBytes) == cudaSuccess) {
    check::report(cudaMemPoolExportPointer(&data, plain) == cudaErrorInvalidValue,
                  "pool-export-of-plain-pointer-refused");
    cudaGetLastError();
    cudaFree(plain);
  }
  cudaMemPool_t unshared = nullptr;
  properties.handleTypes = cudaMemHandleTypeNone;
  int other = -1;
  if (cudaMemPoolCreate(&unshared, &properties) == cudaSuccess) {
    check::report(cudaMemPoolExportToShareableHandle(&other, unshared, cudaMemHandleTypePosixFileDescriptor, 0) ==
                      cudaErrorInvalidValue,
                  "pool-export-of-unshareable-refused");
    cudaGetLastError();
    cudaMemPoolDestroy(unshared);
  }
  cudaMemPool_t self = nullptr;
  check::report(cudaMemPoolImportFromShareableHandle(&self, reinterpret_cast<void*>(static_cast<intptr_t>(0)),
                                                     cudaMemHandleTypePosixFileDescriptor, 0) != cudaSuccess,
                "pool-import-of-other-descriptor-refused");
  cudaGetLastError();
  if (!check::ok(cudaMemPoolExportPointer(&message.poolPointer, pointer), "pool-export-pointer")) {
    close(fd);
    return -1;
  }
  message.poolShared = 1;
  return fd;
}

void refusals() {
  cudaIpcMemHandle_t handle{};
  void* pooled = nullptr;
  if (cudaMallocAsync(&pooled, kBytes, nullptr) == cudaSuccess && cudaStreamSynchronize(nullptr) == cudaSuccess) {
    check::report(cudaIpcGetMemHandle(&handle, pooled) == cudaErrorInvalidValue, "pool-memory-refused");
    cudaGetLastError();
    cudaFreeAsync(pooled, nullptr);
    cudaStreamSynchronize(nullptr);
  }
  void* pinned = nullptr;
  if (cudaMallocHost(&pinned, kBytes) == cudaSuccess) {
    check::report(cudaIpcGetMemHandle(&handle, pinned) == cudaErrorInvalidValue, "host-memory-refused");
    cudaGetLastError();
    cudaFreeHost(pinned);
  }
  cudaEvent_t timed = nullptr;
  cudaIpcEventHandle_t eventHandle{};
  if (cudaEventCreate(&timed) == cudaSuccess) {
    check::report(cudaIpcGetEventHandle(&eventHandle, timed) == cudaErrorInvalidValue, "plain-event-refused");
    cudaGetLastError();
    cudaEventDestroy(timed);
  }
  check::report(cudaEventCreateWithFlags(&timed, cudaEventInterprocess) == cudaErrorInvalidValue,
                "interprocess-event-needs-disable-timing");
  cudaGetLastError();
  void* opened = nullptr;
  cudaIpcMemHandle_t garbage{};
  std::memset(&garbage, 0x5c, sizeof garbage);
  check::report(cudaIpcOpenMemHandle(&opened, garbage, cudaIpcMemLazyEnablePeerAccess) != cudaSuccess,
                "garbage-handle-refused");
  cudaGetLastError();
  void* device = nullptr;
  if (cudaMalloc(&device, kBytes) == cudaSuccess) {
    check::report(cudaIpcCloseMemHandle(device) == cudaErrorInvalidValue, "close-of-unopened-refused");
    cudaGetLastError();
    cudaFree(device);
  }
}

// Exports an allocation and an event, opens the memory handle in this process (refused), hands
// both to the child and checks what it wrote.
void sharing(int socket, pid_t childPid) {
  Message message;
  void* device = nullptr;
  cudaEvent_t event = nullptr;
  const bool made = check::ok(cudaMalloc(&device, kBytes), "malloc") &&
                    check::ok(cudaMemset(device, kParentByte, kBytes), "memset") &&
                    check::ok(cudaEventCreateWithFlags(&event, cudaEventInterprocess | cudaEventDisableTiming),
                              "interprocess-event") &&
                    check::ok(cudaEventRecord(event, nullptr), "record");
  const cudaError_t exported = made ? cudaIpcGetMemHandle(&message.memory, device) : cudaErrorUnknown;
  if (exported == cudaErrorNotSupported) {
    cudaGetLastError();
    check::report(cudaIpcGetEventHandle(&message.event, event) == cudaErrorNotSupported, "event-handle-not-offered");
    cudaGetLastError();
    for (const char* name : {"get-mem-handle", "open-in-own-process-refused", "bad-flags-refused",
                             "child-sees-parent-bytes", "parent-sees-child-bytes"}) {
      check::skip(name, "not offered here");
    }
  } else {
    check::report(exported == cudaSuccess, "get-mem-handle");
    cudaIpcMemHandle_t inner{};
    check::report(cudaIpcGetMemHandle(&inner, static_cast<char*>(device) + 4096) == cudaSuccess,
                  "inner-pointer-names-its-allocation");
    check::ok(cudaIpcGetEventHandle(&message.event, event), "get-event-handle");
    void* opened = nullptr;
    check::report(cudaIpcOpenMemHandle(&opened, message.memory, cudaIpcMemLazyEnablePeerAccess) != cudaSuccess,
                  "open-in-own-process-refused");
    cudaGetLastError();
    check::report(cudaIpcOpenMemHandle(&opened, message.memory, 2) == cudaErrorInvalidValue, "bad-flags-refused");
    cudaGetLastError();
    message.shared = exported == cudaSuccess ? 1 : 0;
  }
  cudaMemPool_t pool = nullptr;
  void* pooled = nullptr;
  const int poolFd = message.shared != 0 ? exportablePool(message, pool, pooled) : -1;
  std::fflush(stdout);
  if (!sendMessage(socket, message, poolFd)) {
    check::fail("send-handles", "sendmsg failed");
  }
  if (poolFd >= 0) {
    close(poolFd);
  }
  char done = 0;
  const bool answered = message.shared != 0 && read(socket, &done, 1) == 1 && done == 'y';
  int status = 0;
  waitpid(childPid, &status, 0);
  if (message.shared != 0) {
    check::report(answered && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child-sees-parent-bytes");
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      std::printf("info child-exit-status %d (the step it failed at)\n", WEXITSTATUS(status));
    }
    check::report(filledWith(device, kBytes, kChildByte), "parent-sees-child-bytes");
  }
  if (message.poolShared != 0) {
    check::report(filledWith(pooled, kBytes, kChildByte), "parent-sees-child-pool-bytes");
  }
  if (pooled != nullptr) {
    cudaFreeAsync(pooled, nullptr);
    cudaStreamSynchronize(nullptr);
  }
  if (pool != nullptr) {
    cudaMemPoolDestroy(pool);
  }
  if (event != nullptr) {
    cudaEventDestroy(event);
  }
  cudaFree(device);
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
  if (check::ok(cudaFree(nullptr), "context")) {
    refusals();
    sharing(sockets[0], pid);
  } else {
    if (!sendMessage(sockets[0], Message{}, -1)) {
      std::printf("info child not told\n");
    }
    waitpid(pid, nullptr, 0);
  }
  return check::finish();
}

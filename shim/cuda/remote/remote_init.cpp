// Connecting the driver shim to vgpud at cuInit.
#include "remote/remote_init.h"

#include "remote/remote_backend.h"

#include "vgpu/bounded_file.h"
#include "vgpu/device/device_identity.h"
#include "vgpu/log.h"

#include <charconv>
#include <cstring>

namespace vgpu::cuda::remote {

int timeoutFrom(const device::EnvironmentLookup& env) {
  constexpr int kDefault = 30000;
  const char* text = env("VGPU_REMOTE_TIMEOUT_MS");
  if (text == nullptr) {
    return kDefault;
  }
  int value = 0;
  const auto [end, status] = std::from_chars(text, text + std::strlen(text), value);
  if (status != std::errc() || *end != '\0' || value < 100 || value > 3600000) {
    return kDefault;
  }
  return value;
}

constexpr std::size_t kMaxTokenFileBytes = 4096;

bool readToken(const device::ShimConfig& config, std::string& token, std::string& error) {
  const char* path = config.tokenFile.c_str();
  if (*path == '\0') {
    error = "a tcp or vsock endpoint needs token_file in shim.conf or VGPU_TOKEN_FILE (the token vgpud was given)";
    return false;
  }
  // A token is short: a FIFO, a device or a huge file named here is refused, never waited on.
  const BoundedRead file = readBoundedFile(path, kMaxTokenFileBytes);
  if (!file.ok) {
    error = std::string("cannot read the token file ") + path + ": " + file.error;
    return false;
  }
  token = file.text;
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? std::string() : token.substr(first, last - first + 1);
  return true;
}

std::unique_ptr<ExecutionBackend> connectBackend(const device::ShimConfig& config,
                                                 std::vector<device::PresentedDevice*>& presented,
                                                 const device::EnvironmentLookup& env, std::string& error) {
  std::vector<wire::ExpectedDevice> expected;
  for (const device::PresentedDevice* device : presented) {
    wire::ExpectedDevice entry;
    entry.profileKey = device->profile->key;
    entry.pciBusId = device::formatPciAddress(device->address);
    entry.uuid = device->uuid;
    expected.push_back(std::move(entry));
  }
  ConnectionSettings settings;
  settings.endpoint = config.endpoint;
  settings.timeoutMilliseconds = timeoutFrom(env);
  // TCP and vsock sessions present vgpud's token; Unix sockets are authorised by peer credentials.
  const bool networked = config.endpoint.rfind("tcp:", 0) == 0 || config.endpoint.rfind("vsock:", 0) == 0;
  if (networked && !readToken(config, settings.token, error)) {
    return nullptr;
  }
  auto backend = std::make_unique<RemoteBackend>();
  if (backend->connect(settings, expected, error) != CUDA_SUCCESS) {
    return nullptr;
  }
  if (networked) {
    backend->useGuestRegion(config);
  }
  for (std::size_t i = 0; i < presented.size(); ++i) {
    // Name, attributes and memory are the executing GPU's. The UUID stays the guest's own (derived
    // from its machine id and the stub's bus address), as NVIDIA's vGPUs have their own: NVML in the
    // guest cannot see the host's GPU, and CUDA and NVML must report the same UUID (Ollama looks
    // NVML devices up by the CUDA one); guests sharing one GPU stay distinct too.
    const RemoteDevice& remote = backend->device(static_cast<int>(i));
    presented[i]->profile = &remote.profile;
    if (!remote.snapshot.simulated) {
      log::writef(log::Level::Info, "cuInit", "device %zu executes on %s, host GPU %s at %s (vgpud)", i,
                  remote.snapshot.name.c_str(), device::formatGpuUuid(remote.snapshot.uuid).c_str(),
                  remote.snapshot.pciBusId.c_str());
    }
  }
  return backend;
}

} // namespace vgpu::cuda::remote

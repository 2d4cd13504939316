// The doctor's shim checks, over vgpu's library directory (/usr/lib/vgpu, where the shim installer
// puts libvgpu-cuda.so / libvgpu-nvml.so and their libcuda.so.1 / libnvidia-ml.so.1 names):
//  - shim.installed: both names are there and lead to a file;
//  - shim.soname: each library's SONAME, read by readelf -d in a child process, is the name CUDA
//    software loads it by;
//  - shim.loadable: vgpu-doctor-probe, in the service's environment, dlopens libcuda.so.1 (RTLD_NOW)
//    and gets cuInit and cuDeviceGetCount;
//  - shim.nvml-uuids: CUDA and NVML present the same devices under the same UUIDs (Ollama looks
//    the CUDA device up in NVML by UUID);
//  (shim.vgpud-endpoint lives in vgpud_endpoint_check.h.)
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkShimInstalled(const DoctorContext& context);
CheckResult checkShimSoname(const DoctorContext& context);
CheckResult checkShimLoadable(const DoctorContext& context);
CheckResult checkNvmlUuids(const DoctorContext& context);

} // namespace vgpu::controller::doctor

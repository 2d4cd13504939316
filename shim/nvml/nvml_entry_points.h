// nvml.h maps nvmlInit and nvmlDeviceGetCount to their _v2 symbols with macros; the library
// exports both generations, so the macros are removed and the v1 names declared here.
#pragma once

#include <nvml.h>

#undef nvmlInit
#undef nvmlDeviceGetCount

extern "C" {
nvmlReturn_t nvmlInit(void);
nvmlReturn_t nvmlDeviceGetCount(unsigned int* deviceCount);
}

// SDS_API marks the library's interface: the library is compiled with hidden
// visibility, so only what carries it is exported from libsds.so.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define SDS_API __attribute__((visibility("default")))
#else
#define SDS_API
#endif

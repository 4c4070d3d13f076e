// Counts heap allocations in the test executable that links this file: it replaces glibc's
// allocation functions with ones that count calls and forward to glibc's own allocator
// (__libc_*), so every block still comes from, and goes back to, the same heap. This sees an
// allocation even if it is freed within the same run, which a before/after comparison of
// mallinfo2() would miss. Tests check that the counter sees some allocation before trusting
// a count of zero. Sanitizers bring their own allocator: there, NETC_COUNT_ALLOCATIONS is
// not defined and nothing is replaced.
#pragma once

#include <atomic>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NETC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define NETC_SANITIZED 1
#endif
#endif
#if defined(__GLIBC__) && !defined(NETC_SANITIZED)
#define NETC_COUNT_ALLOCATIONS 1
// Calls of malloc, calloc, realloc, aligned_alloc, memalign, posix_memalign so far.
extern std::atomic<long> g_allocations;
#endif

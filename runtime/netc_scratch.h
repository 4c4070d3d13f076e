/* Scratch memory for the generated stages' own temporaries (Halide's halide_malloc).
 *
 * Why: Halide 14 keeps a temporary on the stack only up to 16 KiB; a larger one (a row of a
 * depthwise conv computed inside the pointwise conv reading it, the rows of an expand conv
 * kept for the depthwise conv after it) is a halide_malloc at the start of each parallel task
 * and a halide_free at its end, in every inference. Here each thread serves those from its
 * own preallocated region, last in first out (as Halide frees them), so that after the first
 * inference no stage allocates.
 *
 * The region is sized by netc_scratch_reserve (each model states what its stages hold at
 * once on one thread: netc_model::scratch_bytes) and grows to what was actually asked for,
 * if ever more: a thread's region is (re)allocated only while it holds nothing. A request that
 * does not fit goes to the system allocator, so nothing fails for want of scratch.
 */
#ifndef NETC_SCRATCH_H
#define NETC_SCRATCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every thread's region will hold at least `bytes` (grown the next time it is empty), and
 * the calling thread's now. Installs the allocator as Halide's halide_malloc/halide_free
 * (process-wide, once). Returns 0, or -1 when the memory is not available. */
int netc_scratch_reserve(size_t bytes);

/* Grows the calling thread's region to what was reserved, if it holds nothing. The pool's
 * workers call it as they join each parallel loop, so that all of them are ready after the
 * first loop of the first inference, even those that took no task of it. */
void netc_scratch_prepare_thread(void);

#ifdef __cplusplus
}
#endif

#endif /* NETC_SCRATCH_H */

/* The worker pool that runs the generated code's parallel loops (Halide's do_par_for).
 *
 * Why not Halide's own pool: its workers go to sleep as soon as a loop ends, so every stage
 * pays a wake-up (a futex call and a reschedule, several microseconds) before the second core
 * helps. A MobileNet is 40-80 stages, many of them 10-50 us long on 7x7 and 14x14 maps, so at
 * 2 threads that latency ate a large part of the gain. Here the workers keep spinning for as
 * long as an inference runs (between netc_pool_enter and netc_pool_leave), and sleep otherwise.
 *
 * The pool is process-wide, like Halide's: it is installed as Halide's do_par_for the first
 * time a session runs, and serves every Halide pipeline of the process from then on. A loop
 * started while another one holds the pool (two sessions running on two application threads,
 * or a parallel loop inside a parallel loop) runs on the calling thread alone.
 */
#ifndef NETC_THREADS_H
#define NETC_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Total threads for parallel loops, the calling thread included (<= 0: netc_usable_cpus()).
 * Returns the previous setting. Workers are (re)started by the next session creation or
 * inference. */
int netc_pool_set_threads(int n);
/* The setting, resolved: netc_usable_cpus() when <= 0. */
int netc_pool_num_threads(void);
/* The CPUs this process may run on: its affinity mask (taskset, container cpusets), not all
 * of the machine's. The default thread count of the runtime and of `netc bench` and `tune`.
 * (netc_cpus.c: free of Halide, so the compiler links it alone.) */
int netc_usable_cpus(void);

/* Starts the workers and installs the pool (netc_session_create calls it, so that a first
 * inference allocates nothing). */
void netc_pool_prepare(void);

/* Around an inference: workers spin instead of sleeping in between. Nesting is counted. */
void netc_pool_enter(void);
void netc_pool_leave(void);

#ifdef __cplusplus
}
#endif

#endif /* NETC_THREADS_H */

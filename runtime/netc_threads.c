#include "netc_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#include "HalideRuntime.h"
#include "netc_scratch.h"

enum { MAX_WORKERS = 255 };

/* One parallel loop at a time. `seq` announces a new loop; every worker acknowledges it by
 * decrementing `unfinished` when it has taken its last iteration, so the job's fields are not
 * overwritten while a worker may still read them. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER; /* the sleep condition, `wanted` */
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;

static struct {
    pthread_t workers[MAX_WORKERS];
    int num_workers; /* running */
    int wanted;      /* total threads asked for (<= 0: netc_usable_cpus(), resolved on first use) */
    int installed;   /* our do_par_for is Halide's */
    halide_do_par_for_t halide_do_par_for; /* the one it replaced */
    atomic_int quit;
    atomic_int active;   /* inferences in progress: spin rather than sleep */
    atomic_flag busy;    /* a loop holds the pool */
    atomic_uint seq;     /* loops announced so far */
    atomic_int next;     /* next iteration to hand out */
    atomic_int unfinished; /* workers yet to finish the current loop */
    atomic_int result;   /* first nonzero task result */
    int end;
    halide_task_t task;
    uint8_t *closure;
    void *user_context;
} pool; /* zero: no workers, nothing announced, the pool free */

static _Thread_local int inside_task;

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* A step of a spin-wait. After a few microseconds of pausing it also yields the core: when
 * the pool's threads outnumber the cores they get (another process busy, a CPU quota, a
 * narrow affinity mask), the thread being waited for may be queued behind the waiter, and
 * pausing alone would hold the core for a whole scheduler slice (MobileNetV1 a0.5 at 2
 * threads on 1 CPU: 168 ms an inference, not 1.4). With the cores to itself, sched_yield
 * returns at once. */
static void spin_wait(unsigned *spins) {
    if (++*spins < 256) cpu_relax();
    else sched_yield();
}

static void run_iterations(void) {
    inside_task = 1;
    for (;;) {
        int i = atomic_fetch_add_explicit(&pool.next, 1, memory_order_relaxed);
        if (i >= pool.end) break;
        int r = pool.task(pool.user_context, i, pool.closure);
        if (r != 0) {
            int zero = 0;
            atomic_compare_exchange_strong(&pool.result, &zero, r);
        }
    }
    inside_task = 0;
}

static void *worker_main(void *arg) {
    (void)arg;
    unsigned seen = 0; /* start_workers resets `seq` before any worker starts */
    for (;;) {
        /* Spin while an inference runs (the next stage is microseconds away); a little
         * longer anyway, then sleep until an inference starts or a loop is announced. */
        unsigned spins = 0, idle = 0;
        while (atomic_load_explicit(&pool.seq, memory_order_acquire) == seen) {
            if (atomic_load(&pool.quit)) return 0;
            if (atomic_load_explicit(&pool.active, memory_order_relaxed) || ++idle < 20000) {
                spin_wait(&spins);
                continue;
            }
            pthread_mutex_lock(&pool_lock);
            while (atomic_load(&pool.seq) == seen && !atomic_load(&pool.active) && !atomic_load(&pool.quit))
                pthread_cond_wait(&pool_wake, &pool_lock);
            pthread_mutex_unlock(&pool_lock);
            spins = idle = 0;
        }
        seen = atomic_load_explicit(&pool.seq, memory_order_acquire);
        netc_scratch_prepare_thread();
        run_iterations();
        atomic_fetch_sub_explicit(&pool.unfinished, 1, memory_order_release);
    }
}

static int pool_do_par_for(void *user_context, halide_task_t task, int min, int extent, uint8_t *closure) {
    if (extent <= 0) return 0;
    int alone = extent == 1 || inside_task || atomic_flag_test_and_set(&pool.busy);
    if (!alone && pool.num_workers == 0) {
        atomic_flag_clear(&pool.busy);
        alone = 1;
    }
    if (alone) {
        for (int i = min; i < min + extent; i++) {
            int r = task(user_context, i, closure);
            if (r) return r;
        }
        return 0;
    }
    pool.task = task;
    pool.closure = closure;
    pool.user_context = user_context;
    pool.end = min + extent;
    atomic_store(&pool.result, 0);
    atomic_store_explicit(&pool.next, min, memory_order_relaxed);
    atomic_store_explicit(&pool.unfinished, pool.num_workers, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool.seq, 1, memory_order_release);
    if (!atomic_load(&pool.active)) { /* workers may be asleep */
        pthread_mutex_lock(&pool_lock);
        pthread_cond_broadcast(&pool_wake);
        pthread_mutex_unlock(&pool_lock);
    }
    run_iterations();
    unsigned spins = 0;
    while (atomic_load_explicit(&pool.unfinished, memory_order_acquire) > 0) spin_wait(&spins);
    int r = atomic_load(&pool.result);
    atomic_flag_clear(&pool.busy);
    return r;
}

static void stop_workers(void) {
    atomic_store(&pool.quit, 1);
    pthread_mutex_lock(&pool_lock);
    pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_lock);
    for (int i = 0; i < pool.num_workers; i++) pthread_join(pool.workers[i], 0);
    pool.num_workers = 0;
    atomic_store(&pool.quit, 0);
}

/* Starts the workers `wanted` asks for, if they are not running, and installs the pool as
 * Halide's do_par_for; called with no loop in flight (the pool's `busy` flag held). */
static void prepare(void) {
    const int wanted = netc_pool_num_threads();
    int workers = wanted - 1 > MAX_WORKERS ? MAX_WORKERS : wanted - 1;
    if (workers != pool.num_workers) {
        stop_workers();
        atomic_store(&pool.seq, 0);
        for (int i = 0; i < workers; i++) {
            if (pthread_create(&pool.workers[i], 0, worker_main, 0) != 0) break; /* fewer workers: still correct */
            pool.num_workers++;
        }
    }
    if (!pool.installed) {
        pool.halide_do_par_for = halide_set_custom_do_par_for(pool_do_par_for);
        pool.installed = 1;
    }
}

void netc_pool_prepare(void) {
    if (atomic_flag_test_and_set(&pool.busy)) return; /* a loop is running: the pool is up */
    prepare();
    atomic_flag_clear(&pool.busy);
}

int netc_pool_num_threads(void) {
    pthread_mutex_lock(&pool_lock);
    if (pool.wanted <= 0) pool.wanted = netc_usable_cpus();
    int n = pool.wanted;
    pthread_mutex_unlock(&pool_lock);
    return n;
}

int netc_pool_set_threads(int n) {
    pthread_mutex_lock(&pool_lock);
    int previous = pool.wanted;
    pool.wanted = n;
    pthread_mutex_unlock(&pool_lock);
    return previous;
}

void netc_pool_enter(void) {
    if (atomic_fetch_add(&pool.active, 1) == 0) {
        /* The first inference of a burst: workers (re)started only if the count changed since
         * the last session was created, then woken to spin. */
        netc_pool_prepare();
        pthread_mutex_lock(&pool_lock);
        pthread_cond_broadcast(&pool_wake);
        pthread_mutex_unlock(&pool_lock);
    }
}

void netc_pool_leave(void) { atomic_fetch_sub(&pool.active, 1); }

/* The workers run this library's code: they must end before it is unloaded (a model's .so
 * opened by `netc run` and closed again) or the process exits. */
__attribute__((destructor)) static void shut_down_pool(void) {
    if (pool.installed) halide_set_custom_do_par_for(pool.halide_do_par_for);
    stop_workers();
}

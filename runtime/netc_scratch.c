#include "netc_scratch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "HalideRuntime.h"

/* Every block starts with a header one alignment unit long, so blocks stay 64-byte aligned
 * (Halide vectorizes over them) and a free knows where the block came from. */
enum { ALIGN = 64 };
typedef struct {
    size_t prev; /* offset of the block below this one, or SIZE_MAX for the first */
    int in_region; /* 0: from the system allocator */
    int freed;     /* freed while a block above it was still live */
} block_header;
_Static_assert(sizeof(block_header) <= ALIGN, "the header must fit its alignment unit");

typedef struct {
    unsigned char *base;
    size_t capacity, top; /* bytes in use: [0, top) */
    size_t last;          /* offset of the topmost block (valid when top > 0) */
    int registered;       /* the thread-exit destructor knows this region */
} region;

static _Thread_local region tl_region;
static atomic_size_t wanted; /* what every region should hold */
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t region_key;
static int key_ok;
static atomic_int installed;

static size_t round_up(size_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

static void release_region(void *p) {
    region *r = (region *)p;
    free(r->base);
    r->base = NULL;
    r->capacity = r->top = 0;
}

static void make_key(void) { key_ok = pthread_key_create(&region_key, release_region) == 0; }

/* Grows the calling thread's region to `wanted` while it holds nothing. */
static void grow_if_empty(region *r) {
    size_t w = atomic_load_explicit(&wanted, memory_order_relaxed);
    if (r->top != 0 || r->capacity >= w) return;
    unsigned char *p = aligned_alloc(ALIGN, round_up(w));
    if (!p) return;
    free(r->base);
    r->base = p;
    r->capacity = round_up(w);
    if (!r->registered) {
        pthread_once(&key_once, make_key);
        r->registered = key_ok && pthread_setspecific(region_key, r) == 0;
    }
}

static void raise_wanted(size_t bytes) {
    size_t w = atomic_load(&wanted);
    while (w < bytes && !atomic_compare_exchange_weak(&wanted, &w, bytes)) {
    }
}

static void *scratch_malloc(void *user_context, size_t size) {
    (void)user_context;
    region *r = &tl_region;
    size_t need = ALIGN + round_up(size);
    grow_if_empty(r);
    if (r->top + need > r->capacity) {
        /* Too small this time: the next time this thread's region is empty it grows. */
        raise_wanted(r->top + need);
        unsigned char *p = aligned_alloc(ALIGN, need);
        if (!p) return NULL;
        block_header *h = (block_header *)p;
        h->in_region = 0;
        return p + ALIGN;
    }
    block_header *h = (block_header *)(r->base + r->top);
    h->prev = r->top ? r->last : SIZE_MAX;
    h->in_region = 1;
    h->freed = 0;
    r->last = r->top;
    r->top += need;
    return (unsigned char *)h + ALIGN;
}

static void scratch_free(void *user_context, void *ptr) {
    (void)user_context;
    if (!ptr) return;
    block_header *h = (block_header *)((unsigned char *)ptr - ALIGN);
    if (!h->in_region) {
        free(h);
        return;
    }
    h->freed = 1;
    /* Pop every freed block from the top: Halide frees in reverse order of allocation, but
     * nothing breaks if it does not. */
    region *r = &tl_region;
    while (r->top > 0) {
        block_header *t = (block_header *)(r->base + r->last);
        if (!t->freed) break;
        r->top = r->last;
        if (t->prev == SIZE_MAX) break;
        r->last = t->prev;
    }
}

void netc_scratch_prepare_thread(void) { grow_if_empty(&tl_region); }

int netc_scratch_reserve(size_t bytes) {
    if (!atomic_exchange(&installed, 1)) {
        halide_set_custom_malloc(scratch_malloc);
        halide_set_custom_free(scratch_free);
    }
    raise_wanted(bytes);
    grow_if_empty(&tl_region);
    return tl_region.capacity >= bytes || tl_region.top != 0 ? 0 : -1;
}

/* The thread-exit destructor lives in this library: it must be gone before the library is
 * unloaded (a model's .so opened by `netc run` and closed again). A prioritised destructor
 * runs after the unprioritised one that stops the pool's workers (whose regions their exit
 * releases). */
__attribute__((destructor(101))) static void forget_regions(void) {
    if (atomic_load(&installed)) {
        halide_set_custom_malloc(halide_default_malloc);
        halide_set_custom_free(halide_default_free);
    }
    if (key_ok) pthread_key_delete(region_key);
    release_region(&tl_region);
}

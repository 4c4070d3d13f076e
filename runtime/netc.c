/* netc runtime: runs a model compiled by `netc compile` (see netc.h, netc_model.h).
 *
 * A session owns one zeroed arena holding every tensor, plus two halide_buffer_t views of
 * each tensor: "full" (including its zero halo, used when a stage reads it) and "interior"
 * (used when a stage writes it, so halos are never written and stay zero). The argument
 * array of every stage is built once, so netc_run only copies inputs in, calls the stages
 * and copies outputs out: it allocates nothing.
 *
 * Every call on a session goes through enter()/leave(): a check of the session's marker
 * (`magic`, so a destroyed session is refused, best effort) and an atomic compare-exchange on
 * `running` (so a second thread is refused with NETC_ERROR_BUSY rather than sharing the
 * arena). The flag is taken with acquire and dropped with release ordering, so whatever one
 * call wrote to the session (arena, error text) happens before the next call that takes it,
 * whichever thread that is.
 */
#define _POSIX_C_SOURCE 200809L

#include "netc_model.h"
#include "netc_scratch.h"
#include "netc_threads.h"

#include "HalideRuntime.h"

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ERROR_LEN 512

/* netc_session::magic: from netc_session_create to netc_session_destroy, then overwritten
 * just before the memory is freed (which may overwrite it again with allocator data). */
#define SESSION_LIVE 0x6e657463u /* "netc" */
#define SESSION_DEAD 0x64656164u /* "dead" */

struct netc_session {
    _Atomic uint32_t magic; /* first, so that it is checked before anything else is read */
    atomic_int running;     /* 1 while a call uses the session (or destroy frees it) */
    const netc_model *m;
    unsigned char *arena;
    halide_buffer_t *full, *interior; /* one of each per tensor */
    halide_dimension_t *dims;         /* 3 per view */
    void **args;                      /* every stage's arguments, back to back */
    void ***stage_args;               /* where each stage's arguments start in args */
    /* detectors only: priors, contiguous copies of the two raw outputs, NMS scratch */
    _Atomic(double *) profile; /* netc_session_profile: per-stage milliseconds, or NULL */
    int64_t num_priors;
    float *priors, *boxes, *scores;
    void *detect_scratch;
    char error[ERROR_LEN];
};

/* ---- Halide error capture -------------------------------------------------------------
 * Halide reports errors through one process-wide handler. The text goes to a buffer of
 * the reporting thread, which is the thread calling the stage for almost every error; an
 * error raised inside a parallel loop is reported on a worker thread, so the last message
 * of the process is kept as well as a fallback. */
static _Thread_local char tl_halide_error[ERROR_LEN];
static char last_halide_error[ERROR_LEN];
static pthread_mutex_t last_halide_error_lock = PTHREAD_MUTEX_INITIALIZER;

static void copy_message(char *dst, const char *msg) {
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) n--; /* Halide ends with \n */
    if (n >= ERROR_LEN) n = ERROR_LEN - 1;
    memcpy(dst, msg, n);
    dst[n] = '\0';
}

static void capture_halide_error(void *user_context, const char *msg) {
    (void)user_context;
    copy_message(tl_halide_error, msg);
    pthread_mutex_lock(&last_halide_error_lock);
    copy_message(last_halide_error, msg);
    pthread_mutex_unlock(&last_halide_error_lock);
}

/* ---- errors without a session to hold them -------------------------------------------
 * A call with no session to write its message into (a failed netc_session_create, a NULL or
 * destroyed session), or which must not write into it (the session is running on another
 * thread: its buffer belongs to the running call), leaves the message here, in a buffer of
 * the calling thread, with the session it concerns. netc_session_error returns it for that
 * session (NULL included) until the thread's next call on the session. */
static _Thread_local char tl_refusal[ERROR_LEN];
static _Thread_local const netc_session *tl_refused; /* what tl_refusal is about (NULL: no session) */

static netc_status refuse(const netc_session *s, netc_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_refusal, sizeof tl_refusal, fmt, ap);
    va_end(ap);
    tl_refused = s;
    return st;
}

/* The calling thread's refusal about `s`, if any, is over. */
static void forget_refusal(const netc_session *s) {
    if (tl_refused == s) {
        tl_refused = NULL;
        tl_refusal[0] = '\0';
    }
}

static const char *nz(const char *name) { return name ? name : "(unnamed)"; }

/* ---- model queries -------------------------------------------------------------------
 * A model of another ABI version may lay its descriptor out differently: only abi_version,
 * name and target (the first fields of every version) are read from it. */

static int model_usable(const netc_model *m) { return m && m->abi_version == NETC_ABI_VERSION; }

const char *netc_model_name(const netc_model *m) { return m ? m->name : NULL; }
const char *netc_model_target(const netc_model *m) { return m ? m->target : NULL; }

int32_t netc_model_num_inputs(const netc_model *m) {
    return model_usable(m) && m->num_inputs > 0 && m->inputs ? m->num_inputs : 0;
}

int32_t netc_model_num_outputs(const netc_model *m) {
    return model_usable(m) && m->num_outputs > 0 && m->outputs ? m->num_outputs : 0;
}

int64_t netc_model_workspace_bytes(const netc_model *m) {
    return model_usable(m) && m->arena_bytes > 0 ? m->arena_bytes : 0;
}

int32_t netc_model_batch(const netc_model *m) { return model_usable(m) && m->batch > 0 ? m->batch : 0; }

const netc_tensor_info *netc_model_input(const netc_model *m, int32_t i) {
    return i >= 0 && i < netc_model_num_inputs(m) ? &m->inputs[i].info : NULL;
}

const netc_tensor_info *netc_model_output(const netc_model *m, int32_t i) {
    return i >= 0 && i < netc_model_num_outputs(m) ? &m->outputs[i].info : NULL;
}

int32_t netc_model_num_stages(const netc_model *m) {
    return model_usable(m) && m->num_stages > 0 && m->stages ? m->num_stages : 0;
}

const char *netc_model_stage_name(const netc_model *m, int32_t i) {
    return i >= 0 && i < netc_model_num_stages(m) ? m->stages[i].name : NULL;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

const netc_detection_config *netc_model_detection(const netc_model *m) {
    return model_usable(m) ? m->detection : NULL;
}

/* ---- sessions ------------------------------------------------------------------------ */

static int64_t full_width(const netc_tensor_desc *t) {
    return (int64_t)t->width + t->pad_left + t->pad_right;
}

static int64_t full_height(const netc_tensor_desc *t) {
    return (int64_t)t->height + t->pad_top + t->pad_bottom;
}

/* Element (c, x, y) = (0, 0, 0) of the tensor's interior. */
static float *interior_host(const netc_session *s, const netc_tensor_desc *t) {
    int64_t skip = ((int64_t)t->pad_top * full_width(t) + t->pad_left) * t->channels;
    return (float *)(s->arena + t->offset) + skip;
}

/* Whether an io tensor's shape leads with the batch (netc_tensor_info). */
static int has_batch_dim(const netc_io_desc *io, const netc_model *m) {
    (void)io;
    return m->leading_batch != 0;
}

/* An io tensor's shape is [N] + {H, W, C}, or [N] + {C} for a 1x1 tensor, or {N, C, H, W}. */
static int io_matches_tensor(const netc_io_desc *io, const netc_model *m) {
    if (io->tensor < 0 || io->tensor >= m->num_tensors) return 0;
    if (io->info.rank < 0 || io->info.rank > NETC_MAX_RANK) return 0;
    if (io->info.layout != NETC_LAYOUT_NHWC && io->info.layout != NETC_LAYOUT_NCHW) return 0;
    const netc_tensor_desc *t = &m->tensors[io->tensor];
    const int lead = has_batch_dim(io, m);
    if (lead && (io->info.rank < 1 || io->info.shape[0] != m->batch)) return 0;
    const int64_t *sh = io->info.shape + lead;
    const int32_t rank = io->info.rank - lead;
    if (io->info.layout == NETC_LAYOUT_NCHW)
        return rank == 3 && sh[0] == t->channels && sh[1] == t->height && sh[2] == t->width;
    if (rank == 3) return sh[0] == t->height && sh[1] == t->width && sh[2] == t->channels;
    if (rank == 1) return t->width == 1 && t->height == 1 && sh[0] == t->channels;
    return 0;
}

/* Why a descriptor would make the runtime read or write outside its memory (written to
 * `why`), or 0 if it would not. */
static int model_problem(const netc_model *m, char *why, size_t n) {
#define PROBLEM(...) return snprintf(why, n, __VA_ARGS__), 1
    if (m->num_tensors < 0 || m->num_stages < 0 || m->num_inputs < 0 || m->num_outputs < 0)
        PROBLEM("a negative count (%d tensors, %d stages, %d inputs, %d outputs)",
                (int)m->num_tensors, (int)m->num_stages, (int)m->num_inputs, (int)m->num_outputs);
    if (m->batch < 1 || m->batch > 65536) PROBLEM("a batch of %d (1 to 65536)", (int)m->batch);
    if (m->batch > 1 && !m->leading_batch) PROBLEM("a batch of %d without a batch dimension", (int)m->batch);
    if (m->arena_bytes < 0 || m->scratch_bytes < 0)
        PROBLEM("a negative size (arena %lld, scratch %lld bytes)", (long long)m->arena_bytes,
                (long long)m->scratch_bytes);
    if ((m->num_tensors > 0 && !m->tensors) || (m->num_stages > 0 && !m->stages) ||
        (m->num_inputs > 0 && !m->inputs) || (m->num_outputs > 0 && !m->outputs))
        PROBLEM("a NULL table (tensors, stages, inputs or outputs) with a nonzero count");
    for (int32_t i = 0; i < m->num_tensors; i++) {
        const netc_tensor_desc *t = &m->tensors[i];
        if (t->channels < 1 || t->width < 1 || t->height < 1 || t->pad_top < 0 ||
            t->pad_left < 0 || t->pad_bottom < 0 || t->pad_right < 0 || t->offset < 0 ||
            t->offset % 64 != 0)
            PROBLEM("tensor %d ('%s') has a dimension < 1, a negative pad or a misaligned offset",
                    (int)i, nz(t->name));
        /* Each factor is at most INT32_MAX, so no product overflows before it is compared. */
        int64_t elements = full_width(t) > INT32_MAX || full_height(t) > INT32_MAX
                               ? (int64_t)INT32_MAX + 1
                               : (int64_t)t->channels * full_width(t);
        if (elements <= INT32_MAX) elements *= full_height(t);
        if (elements > INT32_MAX || t->offset > m->arena_bytes ||
            elements * 4 > m->arena_bytes - t->offset)
            PROBLEM("tensor %d ('%s') does not fit in the arena (%lld bytes)", (int)i,
                    nz(t->name), (long long)m->arena_bytes);
    }
    for (int32_t i = 0; i < m->num_stages; i++) {
        const netc_stage_desc *st = &m->stages[i];
        int bad = !st->fn || st->num_inputs < 0 || (st->num_inputs > 0 && !st->inputs) ||
                  st->output < 0 || st->output >= m->num_tensors;
        for (int32_t j = 0; !bad && j < st->num_inputs; j++)
            bad = st->inputs[j] < 0 || st->inputs[j] >= m->num_tensors;
        if (bad)
            PROBLEM("stage %d ('%s') has no function or a tensor index out of range", (int)i,
                    nz(st->name));
    }
    for (int32_t i = 0; i < m->num_inputs; i++)
        if (!io_matches_tensor(&m->inputs[i], m))
            PROBLEM("input %d ('%s') does not match its tensor", (int)i, nz(m->inputs[i].info.name));
    for (int32_t i = 0; i < m->num_outputs; i++)
        if (!io_matches_tensor(&m->outputs[i], m))
            PROBLEM("output %d ('%s') does not match its tensor", (int)i, nz(m->outputs[i].info.name));
    return 0;
#undef PROBLEM
}

/* The values of one item of an io tensor. */
static int64_t io_elements(const netc_io_desc *io) {
    int64_t n = 1;
    for (int32_t d = 0; d < io->info.rank; d++) n *= io->info.shape[d];
    return n;
}
static int64_t item_elements(const netc_model *m, const netc_io_desc *io) {
    return has_batch_dim(io, m) ? io_elements(io) / io->info.shape[0] : io_elements(io);
}

/* A detector's outputs must hold exactly what its priors need. */
static int detection_is_consistent(const netc_model *m, int64_t priors) {
    const netc_detection_config *c = m->detection;
    if (priors < 1 || m->detection_boxes < 0 || m->detection_boxes >= m->num_outputs ||
        m->detection_scores < 0 || m->detection_scores >= m->num_outputs)
        return 0;
    return item_elements(m, &m->outputs[m->detection_boxes]) == priors * 4 &&
           item_elements(m, &m->outputs[m->detection_scores]) == priors * c->num_classes &&
           netc_detect_scratch_bytes(c, priors) >= 0;
}

/* Priors, output copies and scratch, allocated once per session. */
static netc_status create_detection(netc_session *s) {
    const netc_model *m = s->m;
    s->num_priors = netc_detect_num_priors(m->detection);
    if (!detection_is_consistent(m, s->num_priors))
        return refuse(NULL, NETC_ERROR_INVALID_ARGUMENT,
                      "netc_session_create: model '%s': its detection parameters do not match "
                      "its outputs (or are invalid)", nz(m->name));
    const netc_detection_config *c = m->detection;
    size_t n = (size_t)s->num_priors;
    s->priors = malloc(n * 4 * sizeof(float));
    s->boxes = malloc(n * 4 * sizeof(float));
    s->scores = malloc(n * (size_t)c->num_classes * sizeof(float));
    s->detect_scratch = aligned_alloc(64, ((size_t)netc_detect_scratch_bytes(c, s->num_priors) + 64) / 64 * 64);
    if (!s->priors || !s->boxes || !s->scores || !s->detect_scratch)
        return refuse(NULL, NETC_ERROR_OUT_OF_MEMORY,
                      "netc_session_create: model '%s': out of memory for the detection buffers",
                      nz(m->name));
    if (netc_detect_make_priors(c, s->priors, s->num_priors) != 0)
        return refuse(NULL, NETC_ERROR_INVALID_ARGUMENT,
                      "netc_session_create: model '%s': its priors cannot be generated", nz(m->name));
    return NETC_OK;
}

static void init_view(halide_buffer_t *b, halide_dimension_t *d, const netc_tensor_desc *t,
                      unsigned char *host, int with_halo) {
    int32_t fw = (int32_t)full_width(t);
    memset(b, 0, sizeof *b); /* device, device_interface, flags: none */
    b->host = host;
    b->type.code = halide_type_float;
    b->type.bits = 32;
    b->type.lanes = 1;
    b->dimensions = 3;
    b->dim = d;
    memset(d, 0, 3 * sizeof *d);
    d[0].min = 0;
    d[0].extent = t->channels;
    d[0].stride = 1;
    d[1].min = with_halo ? -t->pad_left : 0;
    d[1].extent = with_halo ? fw : t->width;
    d[1].stride = t->channels;
    d[2].min = with_halo ? -t->pad_top : 0;
    d[2].extent = with_halo ? (int32_t)full_height(t) : t->height;
    d[2].stride = t->channels * fw;
}

#define OUT_OF_MEMORY(m) \
    refuse(NULL, NETC_ERROR_OUT_OF_MEMORY, "netc_session_create: model '%s': out of memory", nz((m)->name))

netc_status netc_session_create(const netc_model *m, netc_session **out) {
    if (!out) return refuse(NULL, NETC_ERROR_INVALID_ARGUMENT, "netc_session_create: out is NULL");
    *out = NULL;
    if (!m) return refuse(NULL, NETC_ERROR_INVALID_ARGUMENT, "netc_session_create: the model is NULL");
    if (m->abi_version != NETC_ABI_VERSION)
        return refuse(NULL, NETC_ERROR_ABI,
                      "netc_session_create: model '%s' was compiled for runtime ABI %d, this "
                      "runtime is ABI %d", nz(m->name), (int)m->abi_version, NETC_ABI_VERSION);
    char why[ERROR_LEN - 96];
    if (model_problem(m, why, sizeof why))
        return refuse(NULL, NETC_ERROR_INVALID_ARGUMENT,
                      "netc_session_create: model '%s' is inconsistent: %s", nz(m->name), why);
    if ((uint64_t)m->arena_bytes > (uint64_t)(SIZE_MAX - 64) ||
        (uint64_t)m->scratch_bytes > (uint64_t)SIZE_MAX)
        return OUT_OF_MEMORY(m); /* a 32-bit process */

    size_t num_args = 0;
    for (int32_t i = 0; i < m->num_stages; i++) num_args += (size_t)m->stages[i].num_inputs + 1;

    netc_session *s = calloc(1, sizeof *s);
    if (!s) return OUT_OF_MEMORY(m);
    atomic_init(&s->magic, SESSION_LIVE); /* netc_session_destroy below needs it */
    atomic_init(&s->running, 0);
    atomic_init(&s->profile, NULL);
    s->m = m;
    size_t nt = (size_t)m->num_tensors;
    size_t arena_bytes = ((size_t)m->arena_bytes + 63) / 64 * 64;
    s->arena = aligned_alloc(64, arena_bytes ? arena_bytes : 64);
    s->full = calloc(nt + 1, sizeof *s->full);
    s->interior = calloc(nt + 1, sizeof *s->interior);
    s->dims = calloc(6 * nt + 1, sizeof *s->dims);
    s->args = calloc(num_args + 1, sizeof *s->args);
    s->stage_args = calloc((size_t)m->num_stages + 1, sizeof *s->stage_args);
    if (!s->arena || !s->full || !s->interior || !s->dims || !s->args || !s->stage_args) {
        netc_session_destroy(s);
        return OUT_OF_MEMORY(m);
    }
    memset(s->arena, 0, arena_bytes); /* the halos must be zero */
    netc_pool_prepare();
    if (netc_scratch_reserve((size_t)m->scratch_bytes) != 0) {
        netc_session_destroy(s);
        return OUT_OF_MEMORY(m);
    }

    for (size_t i = 0; i < nt; i++) {
        const netc_tensor_desc *t = &m->tensors[i];
        init_view(&s->full[i], &s->dims[6 * i], t, s->arena + t->offset, 1);
        init_view(&s->interior[i], &s->dims[6 * i + 3], t,
                  (unsigned char *)interior_host(s, t), 0);
    }
    void **a = s->args;
    for (int32_t i = 0; i < m->num_stages; i++) {
        const netc_stage_desc *st = &m->stages[i];
        s->stage_args[i] = a;
        for (int32_t j = 0; j < st->num_inputs; j++) *a++ = &s->full[st->inputs[j]];
        *a++ = &s->interior[st->output];
    }

    if (m->detection) {
        netc_status st = create_detection(s);
        if (st != NETC_OK) {
            netc_session_destroy(s);
            return st;
        }
    }

    halide_set_error_handler(capture_halide_error);
    forget_refusal(NULL);
    *out = s;
    return NETC_OK;
}

static uint32_t magic_of(const netc_session *s) {
    return atomic_load_explicit((_Atomic uint32_t *)&s->magic, memory_order_relaxed);
}

/* Waiting for another thread's inference to end: pause, then yield, then sleep. */
static void backoff(unsigned *spins) {
    if (++*spins < 64) return;
    if (*spins < 1024) {
        sched_yield();
        return;
    }
    struct timespec t = {0, 100000}; /* 0.1 ms */
    nanosleep(&t, NULL);
}

void netc_session_destroy(netc_session *s) {
    if (!s) return;
    if (magic_of(s) != SESSION_LIVE) { /* best effort: this reads memory that may be freed */
        refuse(s, NETC_ERROR_INVALID_ARGUMENT,
               "netc_session_destroy: the session was already destroyed (or is not one "
               "netc_session_create made)");
        return;
    }
    forget_refusal(s);
    /* Take the session from any inference running on it on another thread, for good. */
    unsigned spins = 0;
    int idle = 0;
    while (!atomic_compare_exchange_weak_explicit(&s->running, &idle, 1, memory_order_acquire,
                                                  memory_order_relaxed)) {
        idle = 0;
        if (magic_of(s) != SESSION_LIVE) return; /* destroyed meanwhile by another thread */
        backoff(&spins);
    }
    atomic_store_explicit(&s->magic, SESSION_DEAD, memory_order_relaxed);
    free(s->arena);
    free(s->full);
    free(s->interior);
    free(s->dims);
    free(s->args);
    free(s->stage_args);
    free(s->priors);
    free(s->boxes);
    free(s->scores);
    free(s->detect_scratch);
    free(s);
}

const char *netc_session_error(const netc_session *s) {
    if (s == tl_refused) return tl_refusal; /* NULL included: "" unless a call failed */
    if (!s) return "";
    if (magic_of(s) != SESSION_LIVE)
        return "the session was destroyed (or is not one netc_session_create made)";
    /* Outside the contract (see netc.h), and best effort: the session's text is being
     * written by the call running on another thread; do not read it. */
    if (atomic_load_explicit((atomic_int *)&s->running, memory_order_acquire))
        return "the session is running an inference on another thread: its message is not "
               "readable until that call returns";
    return s->error;
}

/* Takes the session for one call of `fn`, or refuses: NULL, destroyed, or running on another
 * thread. The refusal goes to the calling thread's buffer: nothing of the session is written. */
static netc_status enter(netc_session *s, const char *fn) {
    if (!s) return refuse(NULL, NETC_ERROR_INVALID_ARGUMENT, "%s: the session is NULL", fn);
    if (magic_of(s) != SESSION_LIVE)
        return refuse(s, NETC_ERROR_INVALID_ARGUMENT,
                      "%s: the session was destroyed (or is not one netc_session_create made)", fn);
    int idle = 0;
    if (!atomic_compare_exchange_strong_explicit(&s->running, &idle, 1, memory_order_acquire,
                                                 memory_order_relaxed))
        return refuse(s, NETC_ERROR_BUSY,
                      "%s: the session is running an inference on another thread (one session "
                      "runs one inference at a time: use one session per thread)", fn);
    if (tl_refused == s) forget_refusal(s);
    return NETC_OK;
}

static void leave(netc_session *s) { atomic_store_explicit(&s->running, 0, memory_order_release); }

/* ---- running ------------------------------------------------------------------------- */

/* Only while the session is entered: its buffer is the running call's. */
static netc_status fail(netc_session *s, netc_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    return st;
}

/* "224, 224, 3" */
static const char *shape_text(const netc_tensor_info *info, char *buf, size_t size) {
    size_t len = 0;
    buf[0] = '\0';
    for (int32_t d = 0; d < info->rank && len < size; d++)
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", d ? ", " : "",
                                (long long)info->shape[d]);
    return buf;
}

/* Checks a caller's tensor against what the model expects. */
static netc_status check_tensor(netc_session *s, int input, const netc_tensor_info *info,
                                const netc_tensor *t) {
    const char *kind = input ? "input" : "output";
    const char *name = nz(info->name);
    char shape[128];
    if (!t->data)
        return fail(s, NETC_ERROR_INVALID_ARGUMENT, "%s '%s': data is NULL", kind, name);
    /* The enum's value is read as an int: a caller may store any value in it. */
    const int dtype = (int)t->dtype;
    if (dtype != NETC_FLOAT32 && !(input && dtype == NETC_UINT8))
        return fail(s, NETC_ERROR_SHAPE, "%s '%s': dtype %d is not supported (%s)", kind, name,
                    dtype, input ? "use NETC_FLOAT32 or NETC_UINT8" : "outputs are NETC_FLOAT32");
    if (t->rank < 0 || t->rank > NETC_MAX_RANK)
        return fail(s, NETC_ERROR_SHAPE,
                    "%s '%s': rank %d is not valid (0 to %d), the model expects %d (shape [%s])",
                    kind, name, (int)t->rank, NETC_MAX_RANK, (int)info->rank,
                    shape_text(info, shape, sizeof shape));
    if (t->rank != info->rank)
        return fail(s, NETC_ERROR_SHAPE, "%s '%s': rank is %d, the model expects %d (shape [%s])",
                    kind, name, (int)t->rank, (int)info->rank,
                    shape_text(info, shape, sizeof shape));
    for (int32_t d = 0; d < info->rank; d++)
        if (t->shape[d] != info->shape[d])
            return fail(s, NETC_ERROR_SHAPE,
                        "%s '%s': dimension %d is %lld, the model expects %lld (shape [%s])", kind,
                        name, (int)d, (long long)t->shape[d], (long long)info->shape[d],
                        shape_text(info, shape, sizeof shape));
    return NETC_OK;
}

/* A tensor whose memory other tensors also use gets its halo zeroed before it is written. */
static void zero_halo(netc_session *s, const netc_tensor_desc *t) {
    if (!t->clear_halo) return;
    const int64_t row = full_width(t) * t->channels;
    float *base = (float *)(s->arena + t->offset);
    for (int64_t y = 0; y < full_height(t); y++) {
        float *r = base + y * row;
        if (y < t->pad_top || y >= t->pad_top + t->height) {
            memset(r, 0, (size_t)row * sizeof(float));
        } else {
            memset(r, 0, (size_t)t->pad_left * t->channels * sizeof(float));
            memset(r + (t->pad_left + t->width) * t->channels, 0, (size_t)t->pad_right * t->channels * sizeof(float));
        }
    }
}

/* Item `item` of the caller's input into its tensor (transposed from NCHW if so laid out). */
static void copy_input(netc_session *s, const netc_io_desc *io, const netc_tensor *t, int32_t item) {
    const netc_tensor_desc *td = &s->m->tensors[io->tensor];
    const int64_t c_n = td->channels, w = td->width, h = td->height, row = w * c_n, stride = full_width(td) * c_n;
    const int64_t first = (int64_t)item * h * row;
    const int nchw = io->info.layout == NETC_LAYOUT_NCHW;
    float *dst = interior_host(s, td);
    zero_halo(s, td);
    if (t->dtype == NETC_FLOAT32 && !nchw) {
        const float *src = (const float *)t->data + first;
        for (int64_t y = 0; y < h; y++)
            memcpy(dst + y * stride, src + y * row, (size_t)row * sizeof(float));
        return;
    }
    /* Element (y, x, c) of the item, from either dtype and either layout. */
    const float *mean = io->info.mean, *scale = io->info.scale;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
            for (int64_t c = 0; c < c_n; c++) {
                const int64_t i = first + (nchw ? (c * h + y) * w + x : (y * w + x) * c_n + c);
                float v;
                if (t->dtype == NETC_FLOAT32) {
                    v = ((const float *)t->data)[i];
                } else { /* NETC_UINT8: normalise per channel */
                    v = ((float)((const uint8_t *)t->data)[i] - (mean ? mean[c] : 0.0f)) * (scale ? scale[c] : 1.0f);
                }
                dst[y * stride + x * c_n + c] = v;
            }
}

/* An output tensor into item `item` of the caller's buffer (transposed to NCHW if so laid out). */
static void copy_output(netc_session *s, const netc_io_desc *io, float *dst, int32_t item) {
    const netc_tensor_desc *td = &s->m->tensors[io->tensor];
    const int64_t c_n = td->channels, w = td->width, h = td->height, row = w * c_n, stride = full_width(td) * c_n;
    const float *src = interior_host(s, td);
    dst += (int64_t)item * h * row;
    if (io->info.layout != NETC_LAYOUT_NCHW) {
        for (int64_t y = 0; y < h; y++) memcpy(dst + y * row, src + y * stride, (size_t)row * sizeof(float));
        return;
    }
    for (int64_t c = 0; c < c_n; c++)
        for (int64_t y = 0; y < h; y++)
            for (int64_t x = 0; x < w; x++) dst[(c * h + y) * w + x] = src[y * stride + x * c_n + c];
}

static netc_status check_inputs(netc_session *s, const netc_tensor *inputs, int32_t num_inputs) {
    const netc_model *m = s->m;
    if (num_inputs != m->num_inputs)
        return fail(s, NETC_ERROR_INVALID_ARGUMENT, "got %d input(s), the model '%s' has %d",
                    (int)num_inputs, nz(m->name), (int)m->num_inputs);
    if (num_inputs > 0 && !inputs)
        return fail(s, NETC_ERROR_INVALID_ARGUMENT, "the inputs array is NULL");
    netc_status st;
    for (int32_t i = 0; i < num_inputs; i++)
        if ((st = check_tensor(s, 1, &m->inputs[i].info, &inputs[i])) != NETC_OK) return st;
    return NETC_OK;
}

/* Copies the (checked) inputs in and runs every stage, the worker pool spinning throughout. */
static netc_status run_stages_in_pool(netc_session *s, const netc_tensor *inputs, int32_t item);
/* Item `item` of the inputs through every stage; its outputs are left in the arena. */
static netc_status run_stages(netc_session *s, const netc_tensor *inputs, int32_t item) {
    netc_pool_enter();
    netc_status st = run_stages_in_pool(s, inputs, item);
    netc_pool_leave();
    return st;
}

static netc_status run_stages_in_pool(netc_session *s, const netc_tensor *inputs, int32_t item) {
    const netc_model *m = s->m;
    /* Read once: netc_session_profile from another thread applies from the next inference. */
    double *profile = atomic_load_explicit(&s->profile, memory_order_acquire);
    for (int32_t i = 0; i < m->num_inputs; i++) copy_input(s, &m->inputs[i], &inputs[i], item);
    for (int32_t i = 0; i < m->num_stages; i++) {
        tl_halide_error[0] = '\0';
        double start = profile ? now_ms() : 0;
        zero_halo(s, &m->tensors[m->stages[i].output]);
        int r = m->stages[i].fn(s->stage_args[i]);
        if (profile) profile[i] += now_ms() - start;
        if (r != 0) {
            char msg[ERROR_LEN];
            if (tl_halide_error[0]) {
                memcpy(msg, tl_halide_error, sizeof msg);
            } else { /* reported on a worker thread, or not at all */
                pthread_mutex_lock(&last_halide_error_lock);
                memcpy(msg, last_halide_error, sizeof msg);
                pthread_mutex_unlock(&last_halide_error_lock);
            }
            return fail(s, NETC_ERROR_EXECUTION, "stage '%s' failed (Halide error %d): %s",
                        nz(m->stages[i].name), r, msg[0] ? msg : "no message");
        }
    }
    return NETC_OK;
}

static netc_status run_entered(netc_session *s, const netc_tensor *inputs, int32_t num_inputs,
                               netc_tensor *outputs, int32_t num_outputs) {
    const netc_model *m = s->m;
    s->error[0] = '\0';
    netc_status st = check_inputs(s, inputs, num_inputs);
    if (st != NETC_OK) return st;
    if (num_outputs != m->num_outputs)
        return fail(s, NETC_ERROR_INVALID_ARGUMENT, "got %d output(s), the model '%s' has %d",
                    (int)num_outputs, nz(m->name), (int)m->num_outputs);
    if (num_outputs > 0 && !outputs)
        return fail(s, NETC_ERROR_INVALID_ARGUMENT, "the outputs array is NULL");
    for (int32_t i = 0; i < num_outputs; i++)
        if ((st = check_tensor(s, 0, &m->outputs[i].info, &outputs[i])) != NETC_OK)
            return st;
    for (int32_t item = 0; item < m->batch; item++) {
        if ((st = run_stages(s, inputs, item)) != NETC_OK) return st;
        for (int32_t i = 0; i < num_outputs; i++) copy_output(s, &m->outputs[i], outputs[i].data, item);
    }
    return NETC_OK;
}

netc_status netc_run(netc_session *s, const netc_tensor *inputs, int32_t num_inputs,
                     netc_tensor *outputs, int32_t num_outputs) {
    netc_status st = enter(s, "netc_run");
    if (st != NETC_OK) return st;
    st = run_entered(s, inputs, num_inputs, outputs, num_outputs);
    leave(s);
    return st;
}

static netc_status detect_entered(netc_session *s, const netc_tensor *inputs, int32_t num_inputs,
                                  netc_detection *out, int32_t max_out, int32_t *num_out) {
    const netc_model *m = s->m;
    s->error[0] = '\0';
    if (!m->detection)
        return fail(s, NETC_ERROR_INVALID_ARGUMENT,
                    "model '%s' is not a detector (its spec has no \"detection\" section)", nz(m->name));
    if (!num_out || (max_out > 0 && !out) || max_out < 0)
        return fail(s, NETC_ERROR_INVALID_ARGUMENT, "netc_detect: %s",
                    !num_out ? "num_out is NULL" : max_out < 0 ? "max_out is negative" : "out is NULL");
    if (m->batch != 1)
        return fail(s, NETC_ERROR_INVALID_ARGUMENT,
                    "netc_detect: model '%s' takes a batch of %d; netc_detect decodes one image "
                    "(use netc_run, or compile with --batch 1)", nz(m->name), (int)m->batch);
    netc_status st = check_inputs(s, inputs, num_inputs);
    if (st != NETC_OK) return st;
    if ((st = run_stages(s, inputs, 0)) != NETC_OK) return st;
    /* The runtime's own buffers are channels last, whatever the caller's layout. */
    netc_io_desc boxes = m->outputs[m->detection_boxes], scores = m->outputs[m->detection_scores];
    boxes.info.layout = scores.info.layout = NETC_LAYOUT_NHWC;
    copy_output(s, &boxes, s->boxes, 0);
    copy_output(s, &scores, s->scores, 0);
    int32_t n = netc_detect_postprocess(m->detection, s->priors, s->num_priors, s->boxes,
                                        s->scores, s->detect_scratch, out, max_out);
    if (n < 0) return fail(s, NETC_ERROR_EXECUTION, "detection post-processing rejected its arguments");
    *num_out = n;
    return NETC_OK;
}

netc_status netc_detect(netc_session *s, const netc_tensor *inputs, int32_t num_inputs,
                        netc_detection *out, int32_t max_out, int32_t *num_out) {
    if (num_out) *num_out = 0; /* the caller's memory: written even when the session is refused */
    netc_status st = enter(s, "netc_detect");
    if (st != NETC_OK) return st;
    st = detect_entered(s, inputs, num_inputs, out, max_out, num_out);
    leave(s);
    return st;
}

void netc_session_profile(netc_session *s, double *ms) {
    if (!s) {
        refuse(NULL, NETC_ERROR_INVALID_ARGUMENT, "netc_session_profile: the session is NULL");
        return;
    }
    if (magic_of(s) != SESSION_LIVE) {
        refuse(s, NETC_ERROR_INVALID_ARGUMENT,
               "netc_session_profile: the session was destroyed (or is not one "
               "netc_session_create made)");
        return;
    }
    atomic_store_explicit(&s->profile, ms, memory_order_release);
}

const char *netc_status_string(netc_status st) {
    switch (st) {
    case NETC_OK: return "ok";
    case NETC_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case NETC_ERROR_SHAPE: return "tensor shape, rank or dtype does not match the model";
    case NETC_ERROR_OUT_OF_MEMORY: return "out of memory";
    case NETC_ERROR_EXECUTION: return "execution failed";
    case NETC_ERROR_ABI: return "model compiled for another runtime version";
    case NETC_ERROR_BUSY: return "the session is running an inference on another thread";
    }
    return "unknown status";
}

int netc_set_num_threads(int n) {
    netc_pool_set_threads(n);
    /* Also Halide's own pool, for loops run before netc's is installed. */
    return halide_set_num_threads(netc_pool_num_threads());
}

int netc_num_threads(void) { return netc_pool_num_threads(); }

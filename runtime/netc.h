/* netc runtime: the C API an application uses to run a model compiled by `netc compile`.
 *
 *   #include "netc.h"
 *   #include "mobilenet_v1.h"          // generated: declares netc_mobilenet_v1_model()
 *
 *   netc_session *s;
 *   if (netc_session_create(netc_mobilenet_v1_model(), &s) != NETC_OK) { ... }
 *   netc_tensor in  = {NETC_FLOAT32, 3, {224, 224, 3}, pixels};   // HWC (see netc_tensor_info)
 *   netc_tensor out = {NETC_FLOAT32, 1, {1000}, probabilities};
 *   if (netc_run(s, &in, 1, &out, 1) != NETC_OK) puts(netc_session_error(s));
 *   netc_session_destroy(s);
 *
 * Buffers are owned by the caller. A session owns every intermediate buffer, allocated
 * once by netc_session_create: netc_run allocates nothing.
 *
 * Threads. One session runs one inference at a time: use one session per application
 * thread (sessions share nothing an application sees; any number of them may run at once,
 * each on its own thread). A netc_run or netc_detect that finds its session already running
 * an inference on another thread does not wait and does not touch the session: it returns
 * NETC_ERROR_BUSY (the running call is unaffected and its results are exact), checked with
 * one atomic compare-exchange per call. A refused call writes its message to a buffer of
 * the calling thread, not into the session (whose buffer belongs to the running call), and
 * netc_session_error(s) on that thread returns it until the thread's next call on s; other
 * functions on a session must not run concurrently with an inference on it, except
 * netc_session_profile (it takes effect at the session's next inference) and
 * netc_session_destroy (it waits for the running inference to end). The model queries
 * (netc_model_*), netc_status_string and netc_set_num_threads may be called from any thread.
 *
 * Misuse. Every entry point checks its arguments and returns an error status, with a message
 * in netc_session_error, rather than crash or compute with what it was given: NULL pointers,
 * tensor counts, ranks, shapes and dtypes, NULL tensor data, the model descriptor's own
 * consistency. A destroyed session is recognised, best effort, by a marker the session carries
 * from netc_session_create until netc_session_destroy overwrites it: calls on it are refused
 * with NETC_ERROR_INVALID_ARGUMENT (netc_session_destroy does nothing). Using a pointer after
 * destroy is still a bug (it reads freed memory, which AddressSanitizer reports, and the
 * memory may already hold another session); the check makes a release build refuse instead
 * of running on freed buffers.
 */
#ifndef NETC_H
#define NETC_H

#include <stdint.h>

#include "netc_detect.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NETC_MAX_RANK 4

typedef enum {
    NETC_OK = 0,
    NETC_ERROR_INVALID_ARGUMENT = 1, /* null pointer, wrong number of tensors */
    NETC_ERROR_SHAPE = 2,            /* a tensor's rank, shape or dtype does not match the model */
    NETC_ERROR_OUT_OF_MEMORY = 3,
    NETC_ERROR_EXECUTION = 4,        /* the generated code reported an error */
    NETC_ERROR_ABI = 5,              /* model compiled for another runtime version */
    NETC_ERROR_BUSY = 6              /* the session is running an inference on another thread */
} netc_status;

typedef enum {
    NETC_FLOAT32 = 0, /* values as the network sees them (already normalised) */
    NETC_UINT8 = 1    /* inputs only: raw pixels, normalised by the model's mean/scale */
} netc_dtype;

/* A tensor in the caller's memory, dense, row-major (images are HWC). */
typedef struct {
    netc_dtype dtype;
    int32_t rank;
    int64_t shape[NETC_MAX_RANK];
    void *data;
} netc_tensor;

/* How an image's values are ordered in the caller's memory (`netc compile --layout`). */
typedef enum {
    NETC_LAYOUT_NHWC = 0, /* channels last, netc's own order: {H, W, C} */
    NETC_LAYOUT_NCHW = 1  /* channels first, as PyTorch and ONNX files declare images: {N, C, H, W} */
} netc_layout;

/* What a model expects or produces. The shape is what the caller passes:
 *   layout NETC_LAYOUT_NHWC: images {H, W, C}, vectors {K}, in netc's order (channels last);
 *   layout NETC_LAYOUT_NCHW: images {C, H, W} (channels first);
 *   both gain a leading N, {N, ...}, in a model compiled with a batch of N > 1 or with
 *   --layout nchw (where N may be 1: {1, C, H, W} is what PyTorch and ONNX declare).
 *   Vectors and row-major tensors (SSD's [priors, classes]) are the same in both layouts.
 * A batch of N items is N consecutive items in memory; netc_run computes them one after the
 * other (`netc compile --batch`). */
typedef struct {
    const char *name;
    int32_t rank;
    int64_t shape[NETC_MAX_RANK];
    const float *mean;            /* per channel, for NETC_UINT8 inputs; NULL for outputs */
    const float *scale;
    int32_t layout;               /* netc_layout */
} netc_tensor_info;

typedef struct netc_model netc_model;     /* generated; see the model's header */
typedef struct netc_session netc_session; /* created by netc_session_create */

/* Model queries: 0 or NULL for a NULL model, an index out of range, or a descriptor whose
 * fields are inconsistent (a negative count, a NULL table) or that was compiled for another
 * runtime version (NETC_ERROR_ABI), except its name and target, which every version has. */
const char *netc_model_name(const netc_model *m);
const char *netc_model_target(const netc_model *m); /* the Halide target it was compiled for */
int32_t netc_model_num_inputs(const netc_model *m);
int32_t netc_model_num_outputs(const netc_model *m);
const netc_tensor_info *netc_model_input(const netc_model *m, int32_t i);  /* NULL if out of range */
const netc_tensor_info *netc_model_output(const netc_model *m, int32_t i); /* NULL if out of range */
int64_t netc_model_workspace_bytes(const netc_model *m); /* what a session allocates */
int32_t netc_model_batch(const netc_model *m); /* items per netc_run (1 unless compiled with --batch) */

/* On failure *out is NULL (when out is not) and netc_session_error(NULL) says why. */
netc_status netc_session_create(const netc_model *m, netc_session **out);
/* Frees the session. Does nothing for NULL or a session it recognises as destroyed (a
 * double destroy); waits for an inference running on the session on another thread. */
void netc_session_destroy(netc_session *s);

/* Runs one inference. inputs[i] and outputs[i] follow the model's order
 * (netc_model_input/netc_model_output). Shapes must match exactly. */
netc_status netc_run(netc_session *s, const netc_tensor *inputs, int32_t num_inputs,
                     netc_tensor *outputs, int32_t num_outputs);

/* Stages: the compiled model's steps, one per layer of the optimised graph. */
int32_t netc_model_num_stages(const netc_model *m);
const char *netc_model_stage_name(const netc_model *m, int32_t i); /* NULL if out of range */

/* Profiling: while `ms` is not NULL, every netc_run/netc_detect adds each stage's wall time
 * in milliseconds to ms[stage] (netc_model_num_stages entries, owned by the caller). Set
 * while the session runs on another thread, it takes effect at the next inference. Ignored
 * (with a message) for a NULL or destroyed session. */
void netc_session_profile(netc_session *s, double *ms);

/* Detectors (compiled from a spec with a "detection" section): the post-processing
 * parameters, or NULL for other models. */
const netc_detection_config *netc_model_detection(const netc_model *m);

/* Runs a detector and decodes its outputs: box decoding, score conversion and NMS with the
 * parameters it was compiled with (netc_detect.h). Writes at most max_out detections, best
 * first, and their number to *num_out (0 on any error). Like netc_run, it allocates nothing.
 * max_out may exceed what is found (out needs room for min(max_out, the config's
 * max_detections)); a negative max_out, a NULL num_out, or a NULL out with max_out > 0 is
 * NETC_ERROR_INVALID_ARGUMENT. */
netc_status netc_detect(netc_session *s, const netc_tensor *inputs, int32_t num_inputs,
                        netc_detection *out, int32_t max_out, int32_t *num_out);

/* The message of the session's last failed call ("" if none). Calls that have no session to
 * hold their message, or must not write into it, leave it in a buffer of the calling thread:
 *   - NULL: why the calling thread's last netc_session_create failed, or its last call on a
 *     NULL session (until its next successful netc_session_create);
 *   - s, after the calling thread's call on s was refused (NETC_ERROR_BUSY, or s destroyed):
 *     that refusal (until the thread's next call on s), so a refused thread never reads the
 *     buffer the running call writes;
 *   - a session recognised as destroyed: a fixed text saying so.
 * The text stays valid until the next call on the session (the thread's next refused call). */
const char *netc_session_error(const netc_session *s);
const char *netc_status_string(netc_status st);

/* Threads for all sessions of the process, the calling one included (0, the default: one per
 * CPU the process may run on, i.e. its affinity mask, which taskset and container cpusets
 * narrow). Returns the previous setting. The workers spin while an inference runs, so each
 * stage's parallel loop starts at once, and sleep between inferences; a waiting thread yields
 * its core after a few microseconds, so more threads than free cores costs little
 * (runtime/netc_threads.h). */
int netc_set_num_threads(int n);
/* The threads parallel loops use (netc_set_num_threads' setting, resolved). */
int netc_num_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* NETC_H */

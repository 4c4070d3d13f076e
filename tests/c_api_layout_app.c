/* Runs a model compiled with `netc compile --layout nchw --batch N` through the C API alone,
 * on raw float32 in the caller's NCHW order: the runtime's own transposition and batch loop,
 * checked by tests/c_api_layout.cmake against ONNX Runtime (no netc code in between).
 *
 *   c_api_layout_app INPUT.f32 OUTPUT.f32   (the model's first input and first output)
 */
#include <stdio.h>
#include <stdlib.h>

#include "netc.h"

const netc_model *NETC_MODEL_FN(void);

static long long elements(const netc_tensor_info *t) {
    long long n = 1;
    for (int d = 0; d < t->rank; d++) n *= t->shape[d];
    return n;
}

int main(int argc, char **argv) {
    if (argc != 3) return fprintf(stderr, "usage: c_api_layout_app INPUT.f32 OUTPUT.f32\n"), 2;
    const netc_model *m = NETC_MODEL_FN();
    const netc_tensor_info *in_info = netc_model_input(m, 0), *out_info = netc_model_output(m, 0);
    printf("batch %d\ninput %s rank %d [", (int)netc_model_batch(m), in_info->name, (int)in_info->rank);
    for (int d = 0; d < in_info->rank; d++) printf("%s%lld", d ? ", " : "", (long long)in_info->shape[d]);
    printf("] layout %s\n", in_info->layout == NETC_LAYOUT_NCHW ? "nchw" : "nhwc");
    const long long n_in = elements(in_info), n_out = elements(out_info);
    float *x = malloc((size_t)n_in * sizeof(float)), *y = malloc((size_t)n_out * sizeof(float));
    FILE *f = fopen(argv[1], "rb");
    if (!x || !y || !f || fread(x, sizeof(float), (size_t)n_in, f) != (size_t)n_in) return fprintf(stderr, "cannot read %s\n", argv[1]), 1;
    fclose(f);
    netc_session *s;
    if (netc_session_create(m, &s) != NETC_OK) return fprintf(stderr, "%s\n", netc_session_error(NULL)), 1;
    netc_tensor in = {NETC_FLOAT32, in_info->rank, {0}, x}, out = {NETC_FLOAT32, out_info->rank, {0}, y};
    for (int d = 0; d < NETC_MAX_RANK; d++) in.shape[d] = in_info->shape[d], out.shape[d] = out_info->shape[d];
    /* The channels-last shape is refused, with a message naming the expected one. */
    netc_tensor hwc = {NETC_FLOAT32, 3, {in_info->shape[2], in_info->shape[3], in_info->shape[1]}, x};
    if (netc_run(s, &hwc, 1, &out, 1) != NETC_ERROR_SHAPE) return fprintf(stderr, "a channels-last tensor was accepted\n"), 1;
    printf("refused as expected: %s\n", netc_session_error(s));
    if (netc_run(s, &in, 1, &out, 1) != NETC_OK) return fprintf(stderr, "%s\n", netc_session_error(s)), 1;
    f = fopen(argv[2], "wb");
    if (!f || fwrite(y, sizeof(float), (size_t)n_out, f) != (size_t)n_out || fclose(f) != 0) return fprintf(stderr, "cannot write %s\n", argv[2]), 1;
    netc_session_destroy(s);
    free(x);
    free(y);
    printf("ran: ok\n");
    return 0;
}

/* netc detection post-processing: priors, box decoding, score conversion and NMS.
 * See netc_detect.h for the contract. Pure functions: no allocation, no globals.
 *
 * Scratch layout for netc_detect_postprocess (each section starts on a 16-byte boundary):
 *   decoded boxes   num_priors x 4 floats (ymin, xmin, ymax, xmax)
 *   scores          num_priors x num_classes floats (absent for NETC_SCORES_AS_IS, which
 *                   reads the caller's tensor directly)
 *   candidates      min(num_priors, top_k) records: one NMS group's candidates
 *   final list      min(max_detections, most detections possible) records
 */
#include "netc_detect.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* A candidate or a detection: which prior, which class, what score. */
typedef struct {
    float score;
    int32_t cls;
    int32_t prior;
} det_rec;

/* The largest aspect-ratio list a Caffe layer can build: 1, then each ratio and its flip. */
#define CAFFE_MAX_AR_LIST (1 + 2 * NETC_DETECT_MAX_ASPECT_RATIOS)

/* ---- validation helpers ------------------------------------------------------------- */

static int is_finite(float v) { return isfinite(v) != 0; }

/* Builds a Caffe layer's aspect-ratio list (always starting with 1) into list and returns
 * its length, or -1 if the layer is invalid. */
static int32_t caffe_layer_ratios(const netc_caffe_prior_layer *l, float *list) {
    if (l->feature_height <= 0 || l->feature_width <= 0) return -1;
    if (!is_finite(l->min_size) || !(l->min_size > 0.0f)) return -1;
    /* Caffe requires max_size > min_size when a max size is given. */
    if (!is_finite(l->max_size) || l->max_size < 0.0f ||
        (l->max_size > 0.0f && !(l->max_size > l->min_size)))
        return -1;
    if (l->num_aspect_ratios < 0 || l->num_aspect_ratios > NETC_DETECT_MAX_ASPECT_RATIOS)
        return -1;
    if (!is_finite(l->step_h) || !is_finite(l->step_w) || l->step_h < 0.0f ||
        l->step_w < 0.0f)
        return -1;
    if (!is_finite(l->offset)) return -1;

    int32_t n = 0;
    list[n++] = 1.0f;
    for (int32_t i = 0; i < l->num_aspect_ratios; i++) {
        float ar = l->aspect_ratios[i];
        if (!is_finite(ar) || !(ar > 0.0f) || !is_finite(1.0f / ar)) return -1;
        int duplicate = 0;
        for (int32_t j = 0; j < n; j++) {
            if (fabs((double)ar - (double)list[j]) < 1e-6) {
                duplicate = 1;
                break;
            }
        }
        if (duplicate) continue;
        list[n++] = ar;
        if (l->flip) list[n++] = 1.0f / ar;
    }
    return n;
}

/* Boxes per cell of a Caffe layer whose ratio list has n_ratios entries (the 1 included). */
static int32_t caffe_boxes_per_cell(const netc_caffe_prior_layer *l, int32_t n_ratios) {
    return 1 + (l->max_size > 0.0f ? 1 : 0) + (n_ratios - 1);
}

static int tf_generator_valid(const netc_tf_anchor_generator *g) {
    if (g->num_layers < 1 || g->num_layers > NETC_DETECT_MAX_LAYERS) return 0;
    if (!is_finite(g->min_scale) || !is_finite(g->max_scale)) return 0;
    if (!(g->min_scale > 0.0f) || !(g->max_scale > 0.0f)) return 0;
    if (g->num_aspect_ratios < 0 || g->num_aspect_ratios > NETC_DETECT_MAX_ASPECT_RATIOS)
        return 0;
    for (int32_t i = 0; i < g->num_aspect_ratios; i++) {
        if (!is_finite(g->aspect_ratios[i]) || !(g->aspect_ratios[i] > 0.0f)) return 0;
    }
    if (!is_finite(g->interpolated_scale_aspect_ratio)) return 0;
    if (!is_finite(g->base_anchor_height) || !(g->base_anchor_height > 0.0f)) return 0;
    if (!is_finite(g->base_anchor_width) || !(g->base_anchor_width > 0.0f)) return 0;
    for (int32_t i = 0; i < g->num_layers; i++) {
        if (g->feature_heights[i] <= 0 || g->feature_widths[i] <= 0) return 0;
    }
    return 1;
}

/* Boxes per cell of TF layer i (0 for an empty layer, which the caller rejects). */
static int32_t tf_boxes_per_cell(const netc_tf_anchor_generator *g, int32_t i) {
    if (i == 0 && g->reduce_boxes_in_lowest_layer) return 3;
    return g->num_aspect_ratios + (g->interpolated_scale_aspect_ratio > 0.0f ? 1 : 0);
}

/* Adds cells * per_cell to *total, failing (returns 0) past INT32_MAX priors: a prior
 * index must fit netc_detection.prior. */
static int add_priors(int64_t *total, int64_t height, int64_t width, int64_t per_cell) {
    int64_t cells = height * width; /* both in 1..INT32_MAX: fits */
    if (cells > INT32_MAX || per_cell <= 0) return 0;
    *total += cells * per_cell;
    return *total <= INT32_MAX;
}

/* ---- priors ------------------------------------------------------------------------- */

int64_t netc_detect_num_priors(const netc_detection_config *c) {
    if (!c) return -1;
    int64_t total = 0;
    switch ((int)c->priors) {
    case NETC_PRIORS_CAFFE: {
        if (c->image_height <= 0 || c->image_width <= 0) return -1;
        if (c->num_caffe_layers < 1 || c->num_caffe_layers > NETC_DETECT_MAX_LAYERS) return -1;
        for (int32_t i = 0; i < c->num_caffe_layers; i++) {
            const netc_caffe_prior_layer *l = &c->caffe_layers[i];
            float ratios[CAFFE_MAX_AR_LIST];
            int32_t n = caffe_layer_ratios(l, ratios);
            if (n < 0) return -1;
            if (!add_priors(&total, l->feature_height, l->feature_width,
                            caffe_boxes_per_cell(l, n)))
                return -1;
        }
        break;
    }
    case NETC_PRIORS_TF_SSD: {
        const netc_tf_anchor_generator *g = &c->tf_anchors;
        if (!tf_generator_valid(g)) return -1;
        for (int32_t i = 0; i < g->num_layers; i++) {
            if (!add_priors(&total, g->feature_heights[i], g->feature_widths[i],
                            tf_boxes_per_cell(g, i)))
                return -1;
        }
        break;
    }
    case NETC_PRIORS_TABLE:
        if (!c->anchor_table || c->num_table_anchors <= 0 || c->num_table_anchors > INT32_MAX)
            return -1;
        total = c->num_table_anchors;
        break;
    default:
        return -1;
    }
    return total > 0 ? total : -1;
}

/* Writes one prior from corners (ymin, xmin, ymax, xmax) in centre form. */
static void put_center_form(float *p, float ymin, float xmin, float ymax, float xmax) {
    float h = ymax - ymin, w = xmax - xmin;
    p[0] = (ymin + ymax) * 0.5f;
    p[1] = (xmin + xmax) * 0.5f;
    p[2] = h;
    p[3] = w;
}

static float clamp01(float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }

/* One Caffe PriorBox layer; returns the next free prior. The centre is computed in float
 * and the corners in double before rounding to float, as Caffe does. */
static float *caffe_layer_priors(const netc_detection_config *c, const netc_caffe_prior_layer *l,
                                 float *p) {
    float ratios[CAFFE_MAX_AR_LIST];
    int32_t n_ratios = caffe_layer_ratios(l, ratios); /* validated by the caller */
    float step_h = l->step_h > 0.0f ? l->step_h
                                    : (float)c->image_height / (float)l->feature_height;
    float step_w = l->step_w > 0.0f ? l->step_w
                                    : (float)c->image_width / (float)l->feature_width;
    double img_h = (double)c->image_height, img_w = (double)c->image_width;

    /* The box sizes of one cell, in order. */
    float bw[CAFFE_MAX_AR_LIST + 1], bh[CAFFE_MAX_AR_LIST + 1];
    int32_t nb = 0;
    bw[nb] = bh[nb] = l->min_size;
    nb++;
    if (l->max_size > 0.0f) {
        bw[nb] = bh[nb] = (float)sqrt((double)l->min_size * (double)l->max_size);
        nb++;
    }
    for (int32_t r = 1; r < n_ratios; r++) {
        float s = sqrtf(ratios[r]);
        bw[nb] = l->min_size * s;
        bh[nb] = l->min_size / s;
        nb++;
    }

    for (int32_t y = 0; y < l->feature_height; y++) {
        for (int32_t x = 0; x < l->feature_width; x++) {
            float cy = ((float)y + l->offset) * step_h;
            float cx = ((float)x + l->offset) * step_w;
            for (int32_t b = 0; b < nb; b++) {
                float xmin = (float)(((double)cx - (double)bw[b] / 2.0) / img_w);
                float ymin = (float)(((double)cy - (double)bh[b] / 2.0) / img_h);
                float xmax = (float)(((double)cx + (double)bw[b] / 2.0) / img_w);
                float ymax = (float)(((double)cy + (double)bh[b] / 2.0) / img_h);
                if (c->clip_priors) {
                    xmin = clamp01(xmin);
                    ymin = clamp01(ymin);
                    xmax = clamp01(xmax);
                    ymax = clamp01(ymax);
                }
                put_center_form(p, ymin, xmin, ymax, xmax);
                p += 4;
            }
        }
    }
    return p;
}

/* One layer of TF's ssd_anchor_generator; returns the next free prior. Float32 arithmetic
 * in TF's order: centre y * (1/H) + 0.5/H, size scale / sqrt(ar) * base, then the round trip
 * through corners that TF's box list makes (centre = ymin + height / 2). */
static float *tf_layer_priors(const netc_tf_anchor_generator *g, int32_t layer, float *p) {
    int32_t n = g->num_layers;
    double scale = n == 1 ? (double)g->min_scale
                          : (double)g->min_scale + ((double)g->max_scale - (double)g->min_scale) *
                                                       layer / (double)(n - 1);
    double next_scale = layer + 1 >= n ? 1.0
                                       : (double)g->min_scale +
                                             ((double)g->max_scale - (double)g->min_scale) *
                                                 (layer + 1) / (double)(n - 1);

    float box_scale[NETC_DETECT_MAX_ASPECT_RATIOS + 1], box_ar[NETC_DETECT_MAX_ASPECT_RATIOS + 1];
    int32_t nb = 0;
    if (layer == 0 && g->reduce_boxes_in_lowest_layer) {
        box_scale[0] = 0.1f;
        box_ar[0] = 1.0f;
        box_scale[1] = (float)scale;
        box_ar[1] = 2.0f;
        box_scale[2] = (float)scale;
        box_ar[2] = 0.5f;
        nb = 3;
    } else {
        for (int32_t i = 0; i < g->num_aspect_ratios; i++) {
            box_scale[nb] = (float)scale;
            box_ar[nb] = g->aspect_ratios[i];
            nb++;
        }
        if (g->interpolated_scale_aspect_ratio > 0.0f) {
            box_scale[nb] = (float)sqrt(scale * next_scale);
            box_ar[nb] = g->interpolated_scale_aspect_ratio;
            nb++;
        }
    }
    float bh[NETC_DETECT_MAX_ASPECT_RATIOS + 1], bw[NETC_DETECT_MAX_ASPECT_RATIOS + 1];
    for (int32_t b = 0; b < nb; b++) {
        float s = sqrtf(box_ar[b]);
        bh[b] = box_scale[b] / s * g->base_anchor_height;
        bw[b] = box_scale[b] * s * g->base_anchor_width;
    }

    int32_t fh = g->feature_heights[layer], fw = g->feature_widths[layer];
    float stride_y = 1.0f / (float)fh, stride_x = 1.0f / (float)fw;
    float offset_y = 0.5f * stride_y, offset_x = 0.5f * stride_x;
    for (int32_t y = 0; y < fh; y++) {
        float cy = (float)y * stride_y + offset_y;
        for (int32_t x = 0; x < fw; x++) {
            float cx = (float)x * stride_x + offset_x;
            for (int32_t b = 0; b < nb; b++) {
                float ymin = cy - 0.5f * bh[b], ymax = cy + 0.5f * bh[b];
                float xmin = cx - 0.5f * bw[b], xmax = cx + 0.5f * bw[b];
                float h = ymax - ymin, w = xmax - xmin;
                p[0] = ymin + h / 2.0f;
                p[1] = xmin + w / 2.0f;
                p[2] = h;
                p[3] = w;
                p += 4;
            }
        }
    }
    return p;
}

int netc_detect_make_priors(const netc_detection_config *c, float *priors, int64_t num_priors) {
    if (!c || !priors) return -1;
    int64_t n = netc_detect_num_priors(c);
    if (n < 0 || n != num_priors) return -1;
    float *p = priors;
    switch ((int)c->priors) {
    case NETC_PRIORS_CAFFE:
        for (int32_t i = 0; i < c->num_caffe_layers; i++)
            p = caffe_layer_priors(c, &c->caffe_layers[i], p);
        break;
    case NETC_PRIORS_TF_SSD:
        for (int32_t i = 0; i < c->tf_anchors.num_layers; i++)
            p = tf_layer_priors(&c->tf_anchors, i, p);
        break;
    case NETC_PRIORS_TABLE:
        for (int64_t i = 0; i < 4 * n; i++) p[i] = c->anchor_table[i];
        break;
    default:
        return -1;
    }
    return 0;
}

/* ---- IoU ---------------------------------------------------------------------------- */

static float box_iou(const float *a, const float *b) {
    float ha = a[2] - a[0], wa = a[3] - a[1];
    float hb = b[2] - b[0], wb = b[3] - b[1];
    float area_a = (ha > 0.0f && wa > 0.0f) ? ha * wa : 0.0f;
    float area_b = (hb > 0.0f && wb > 0.0f) ? hb * wb : 0.0f;
    float ih = (a[2] < b[2] ? a[2] : b[2]) - (a[0] > b[0] ? a[0] : b[0]);
    float iw = (a[3] < b[3] ? a[3] : b[3]) - (a[1] > b[1] ? a[1] : b[1]);
    float inter = (ih > 0.0f && iw > 0.0f) ? ih * iw : 0.0f;
    float uni = area_a + area_b - inter;
    if (!(uni > 0.0f)) return 0.0f;
    float iou = inter / uni;
    return iou > 0.0f ? iou : 0.0f; /* NaN (from infinite boxes) counts as no overlap */
}

float netc_detect_iou(const float *a, const float *b) {
    if (!a || !b) return 0.0f;
    return box_iou(a, b);
}

/* ---- config checks and scratch layout ----------------------------------------------- */

static int postprocess_config_valid(const netc_detection_config *c) {
    if ((int)c->coding != NETC_CODING_CAFFE && (int)c->coding != NETC_CODING_TF) return 0;
    for (int i = 0; i < 4; i++) {
        if (!is_finite(c->variances[i])) return 0;
    }
    if (c->num_classes < 1) return 0;
    if (c->background_class < -1 || c->background_class >= c->num_classes) return 0;
    if ((int)c->score_converter != NETC_SCORES_AS_IS &&
        (int)c->score_converter != NETC_SCORES_SIGMOID &&
        (int)c->score_converter != NETC_SCORES_SOFTMAX)
        return 0;
    if ((int)c->nms != NETC_NMS_PER_CLASS && (int)c->nms != NETC_NMS_CLASS_AGNOSTIC) return 0;
    if (!is_finite(c->score_threshold) || !is_finite(c->iou_threshold)) return 0;
    if (c->top_k < 0 || c->max_detections < 1) return 0;
    return 1;
}

typedef struct {
    int32_t num_priors;
    int32_t group_cap; /* candidates per NMS group: min(num_priors, top_k) */
    int32_t final_cap; /* detections kept over all groups */
    int64_t scores_offset, cand_offset, final_offset, total;
} scratch_layout;

static int64_t round16(int64_t v) { return (v + 15) / 16 * 16; }

/* Fills the layout, or returns 0 if the config, num_priors or the size is invalid. */
static int make_layout(const netc_detection_config *c, int64_t num_priors, scratch_layout *s) {
    if (!c || !postprocess_config_valid(c)) return 0;
    if (num_priors <= 0 || num_priors > INT32_MAX) return 0;
    int64_t n = num_priors;
    int64_t group = (c->top_k > 0 && c->top_k < n) ? c->top_k : n;
    int64_t groups_reported = c->nms == NETC_NMS_CLASS_AGNOSTIC
                                  ? 1
                                  : c->num_classes - (c->background_class >= 0 ? 1 : 0);
    int64_t possible = group * groups_reported; /* < 2^62 */
    int64_t final_cap = possible < c->max_detections ? possible : c->max_detections;

    /* n * num_classes < 2^62; keep every byte count below 2^62 as well. */
    int64_t score_floats = c->score_converter == NETC_SCORES_AS_IS ? 0 : n * c->num_classes;
    if (score_floats > ((int64_t)1 << 58)) return 0;

    s->num_priors = (int32_t)n;
    s->group_cap = (int32_t)group;
    s->final_cap = (int32_t)final_cap;
    s->scores_offset = round16(n * 4 * (int64_t)sizeof(float));
    s->cand_offset = s->scores_offset + round16(score_floats * (int64_t)sizeof(float));
    s->final_offset = s->cand_offset + round16(group * (int64_t)sizeof(det_rec));
    s->total = s->final_offset + round16(final_cap * (int64_t)sizeof(det_rec));
    if ((uint64_t)s->total > (uint64_t)SIZE_MAX) return 0;
    return 1;
}

int64_t netc_detect_scratch_bytes(const netc_detection_config *c, int64_t num_priors) {
    scratch_layout s;
    if (!make_layout(c, num_priors, &s)) return -1;
    return s.total;
}

/* ---- ordering ----------------------------------------------------------------------- */

/* Whether a comes after b: score descending, then (by_class) class ascending, then prior
 * ascending. Scores in records are never NaN (they passed score > threshold), so this is
 * a strict total order on records with distinct (class, prior). */
static int rec_after(const det_rec *a, const det_rec *b, int by_class) {
    if (a->score != b->score) return a->score < b->score;
    if (by_class && a->cls != b->cls) return a->cls > b->cls;
    return a->prior > b->prior;
}

static void rec_swap(det_rec *a, det_rec *b) {
    det_rec t = *a;
    *a = *b;
    *b = t;
}

/* A heap whose root is the record that comes last. */
static void heap_sift_down(det_rec *h, int32_t i, int32_t n, int by_class) {
    for (;;) {
        int32_t last = i;
        int64_t l = 2 * (int64_t)i + 1, r = 2 * (int64_t)i + 2; /* no overflow near 2^31 */
        if (l < n && rec_after(&h[l], &h[last], by_class)) last = (int32_t)l;
        if (r < n && rec_after(&h[r], &h[last], by_class)) last = (int32_t)r;
        if (last == i) return;
        rec_swap(&h[i], &h[last]);
        i = last;
    }
}

static void heap_sift_up(det_rec *h, int32_t i, int by_class) {
    while (i > 0) {
        int32_t parent = (i - 1) / 2;
        if (!rec_after(&h[i], &h[parent], by_class)) return;
        rec_swap(&h[i], &h[parent]);
        i = parent;
    }
}

/* Keeps the cap first records (in the order above) of those pushed. */
static void heap_push_bounded(det_rec *h, int32_t *n, int32_t cap, det_rec r, int by_class) {
    if (*n < cap) {
        h[*n] = r;
        heap_sift_up(h, *n, by_class);
        (*n)++;
    } else if (cap > 0 && rec_after(&h[0], &r, by_class)) {
        h[0] = r;
        heap_sift_down(h, 0, *n, by_class);
    }
}

/* Turns the heap into a list in order (first record first). */
static void heap_sort(det_rec *h, int32_t n, int by_class) {
    for (int32_t end = n - 1; end > 0; end--) {
        rec_swap(&h[0], &h[end]);
        heap_sift_down(h, 0, end, by_class);
    }
}

/* Greedy NMS over candidates in order; compacts the kept ones to the front. */
static int32_t greedy_nms(det_rec *cand, int32_t m, const float *boxes, float iou_threshold) {
    int32_t kept = 0;
    for (int32_t j = 0; j < m; j++) {
        const float *bj = boxes + 4 * (int64_t)cand[j].prior;
        int keep = 1;
        for (int32_t t = 0; t < kept; t++) {
            if (box_iou(bj, boxes + 4 * (int64_t)cand[t].prior) > iou_threshold) {
                keep = 0;
                break;
            }
        }
        if (keep) cand[kept++] = cand[j];
    }
    return kept;
}

/* One NMS group (a class, or all priors when class-agnostic): sort its candidates, suppress,
 * and add the survivors to the final list. */
static void nms_group_into(det_rec *cand, int32_t m, const float *boxes, float iou_threshold,
                           det_rec *final_list, int32_t *num_final, int32_t final_cap) {
    heap_sort(cand, m, 0);
    int32_t kept = greedy_nms(cand, m, boxes, iou_threshold);
    for (int32_t j = 0; j < kept; j++) heap_push_bounded(final_list, num_final, final_cap, cand[j], 1);
}

/* ---- post-processing ---------------------------------------------------------------- */

static void decode_boxes(const netc_detection_config *c, const float *priors, int32_t n,
                         const float *enc, float *out) {
    const float *v = c->variances;
    for (int32_t i = 0; i < n; i++) {
        const float *p = priors + 4 * (int64_t)i;
        const float *e = enc + 4 * (int64_t)i;
        float pcy = p[0], pcx = p[1], ph = p[2], pw = p[3];
        float cy, cx, h, w;
        if (c->coding == NETC_CODING_CAFFE) {
            cx = v[0] * e[0] * pw + pcx;
            cy = v[1] * e[1] * ph + pcy;
            w = expf(v[2] * e[2]) * pw;
            h = expf(v[3] * e[3]) * ph;
        } else {
            cy = v[0] * e[0] * ph + pcy;
            cx = v[1] * e[1] * pw + pcx;
            h = expf(v[2] * e[2]) * ph;
            w = expf(v[3] * e[3]) * pw;
        }
        float *o = out + 4 * (int64_t)i;
        o[0] = cy - h * 0.5f;
        o[1] = cx - w * 0.5f;
        o[2] = cy + h * 0.5f;
        o[3] = cx + w * 0.5f;
        if (c->clip_boxes) {
            for (int k = 0; k < 4; k++) o[k] = clamp01(o[k]);
        }
    }
}

static void convert_scores(const netc_detection_config *c, int32_t n, const float *in,
                           float *out) {
    int64_t nc = c->num_classes;
    for (int32_t i = 0; i < n; i++) {
        const float *s = in + nc * i;
        float *o = out + nc * i;
        if (c->score_converter == NETC_SCORES_SIGMOID) {
            for (int64_t k = 0; k < nc; k++) o[k] = 1.0f / (1.0f + expf(-s[k]));
        } else { /* softmax */
            float m = s[0];
            for (int64_t k = 1; k < nc; k++) {
                if (s[k] > m) m = s[k];
            }
            float sum = 0.0f;
            for (int64_t k = 0; k < nc; k++) {
                o[k] = expf(s[k] - m);
                sum += o[k];
            }
            for (int64_t k = 0; k < nc; k++) o[k] /= sum;
        }
    }
}

int32_t netc_detect_postprocess(const netc_detection_config *c, const float *priors,
                                int64_t num_priors, const float *boxes, const float *scores,
                                void *scratch, netc_detection *out, int32_t max_out) {
    scratch_layout L;
    if (!c || !priors || !boxes || !scores || !scratch) return -1;
    if (max_out < 0 || (max_out > 0 && !out)) return -1;
    if ((uintptr_t)scratch % _Alignof(det_rec) != 0) return -1;
    if (!make_layout(c, num_priors, &L)) return -1;

    unsigned char *base = (unsigned char *)scratch;
    float *decoded = (float *)base;
    det_rec *cand = (det_rec *)(base + L.cand_offset);
    det_rec *final_list = (det_rec *)(base + L.final_offset);
    int32_t n = L.num_priors;
    int64_t nc = c->num_classes;
    int32_t bg = c->background_class;
    float thr = c->score_threshold;

    decode_boxes(c, priors, n, boxes, decoded);
    const float *sc = scores;
    if (c->score_converter != NETC_SCORES_AS_IS) {
        float *converted = (float *)(base + L.scores_offset);
        convert_scores(c, n, scores, converted);
        sc = converted;
    }

    int32_t num_final = 0;
    if (c->nms == NETC_NMS_PER_CLASS) {
        for (int32_t k = 0; k < c->num_classes; k++) {
            if (k == bg) continue;
            int32_t m = 0;
            for (int32_t i = 0; i < n; i++) {
                float s = sc[nc * i + k];
                if (s > thr) {
                    det_rec r = {s, k, i};
                    heap_push_bounded(cand, &m, L.group_cap, r, 0);
                }
            }
            nms_group_into(cand, m, decoded, c->iou_threshold, final_list, &num_final, L.final_cap);
        }
    } else {
        int32_t m = 0;
        for (int32_t i = 0; i < n; i++) {
            /* The best class among those above the threshold is the best class whenever
             * the best passes; strictly greater keeps the lower class on ties. */
            int32_t best = -1;
            float best_score = 0.0f;
            for (int32_t k = 0; k < c->num_classes; k++) {
                if (k == bg) continue;
                float s = sc[nc * i + k];
                if (s > thr && (best < 0 || s > best_score)) {
                    best = k;
                    best_score = s;
                }
            }
            if (best >= 0) {
                det_rec r = {best_score, best, i};
                heap_push_bounded(cand, &m, L.group_cap, r, 0);
            }
        }
        nms_group_into(cand, m, decoded, c->iou_threshold, final_list, &num_final, L.final_cap);
    }
    heap_sort(final_list, num_final, 1);

    int32_t count = num_final < max_out ? num_final : max_out;
    for (int32_t j = 0; j < count; j++) {
        const float *b = decoded + 4 * (int64_t)final_list[j].prior;
        out[j].ymin = b[0];
        out[j].xmin = b[1];
        out[j].ymax = b[2];
        out[j].xmax = b[3];
        out[j].score = final_list[j].score;
        out[j].class_id = final_list[j].cls;
        out[j].prior = final_list[j].prior;
    }
    return count;
}

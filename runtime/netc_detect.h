/* netc detection post-processing: SSD box decoding and non-maximum suppression, in plain C.
 *
 * A detector compiled by netc outputs two raw tensors: box encodings [num_priors][4] and
 * class scores [num_priors][num_classes]. This file turns them into a short list of boxes
 * with a class and a score, for the two SSD families found in the wild:
 *
 *   Caffe SSD (e.g. MobileNet-SSD VOC): PriorBox layers (min/max sizes, aspect ratios with
 *     flip, step, offset, clip), encodings (dx, dy, dw, dh) times variances 0.1/0.1/0.2/0.2,
 *     softmax scores, per-class NMS with top_k, then keep_top_k over all classes.
 *   TensorFlow Object Detection API (and TFLite's detection post-process): anchors from the
 *     SSD anchor generator or a constant table, encodings (ty, tx, th, tw) divided by scale
 *     factors 10/10/5/5, sigmoid or softmax scores, class-agnostic or per-class NMS.
 *
 * Everything here is a pure function of its arguments. netc_detect() (netc.h) runs a
 * model and then these functions with the config the model was compiled with; apps that
 * run their own heads can call them directly.
 *
 * Conventions, fixed so that results are reproducible and testable:
 *   - Priors are stored in centre form (ycenter, xcenter, height, width), normalised to the
 *     image (0..1). Detections are corners (ymin, xmin, ymax, xmax), also normalised.
 *   - IoU = intersection area / union area; 0 when the union is not positive (so zero-area
 *     boxes never suppress anything and are never suppressed). A box is suppressed when its
 *     IoU with an already kept box of the same NMS group is strictly greater than the
 *     threshold.
 *   - A candidate needs score > score_threshold (strictly; NaN never passes).
 *   - Candidates are ordered by score, descending; equal scores by lower prior index.
 *   - The final list is ordered by score descending, then class ascending, then prior index
 *     ascending, and holds at most max_detections entries.
 */
#ifndef NETC_DETECT_H
#define NETC_DETECT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NETC_DETECT_MAX_ASPECT_RATIOS 8
#define NETC_DETECT_MAX_LAYERS 8

typedef enum {
    NETC_PRIORS_CAFFE = 0,  /* Caffe PriorBox layers: caffe_layers */
    NETC_PRIORS_TF_SSD = 1, /* TF OD API's ssd_anchor_generator: tf_anchors */
    NETC_PRIORS_TABLE = 2   /* a constant table: anchor_table */
} netc_prior_kind;

typedef enum {
    NETC_CODING_CAFFE = 0, /* encodings (dx, dy, dw, dh) */
    NETC_CODING_TF = 1     /* encodings (dy, dx, dh, dw) */
} netc_box_coding;

typedef enum {
    NETC_SCORES_AS_IS = 0,   /* the score tensor already holds probabilities */
    NETC_SCORES_SIGMOID = 1, /* per element */
    NETC_SCORES_SOFTMAX = 2  /* per prior, over all num_classes columns */
} netc_score_converter;

typedef enum {
    NETC_NMS_PER_CLASS = 0,     /* Caffe DetectionOutput; TFLite "regular" NMS */
    NETC_NMS_CLASS_AGNOSTIC = 1 /* TFLite "fast" NMS: each prior's best class, one NMS */
} netc_nms_kind;

/* One Caffe PriorBox layer (weiliu89/caffe ssd branch semantics). At every cell (h, w) of
 * the feature_height x feature_width grid, centred at ((w + offset) * step_w,
 * (h + offset) * step_h) in pixels, it emits, in this order:
 *   a min_size x min_size box;
 *   if max_size > 0, a sqrt(min_size * max_size) square box;
 *   for each aspect ratio ar != 1 (after flip adds 1/ar, duplicates within 1e-6 dropped):
 *   a box of width min_size * sqrt(ar) and height min_size / sqrt(ar).
 * Corners are divided by the image size; with clip they are clamped to [0, 1] before the
 * conversion to centre form. step 0 means image size / feature size. */
typedef struct {
    int32_t feature_height, feature_width;
    float min_size, max_size; /* pixels; max_size 0 = none */
    int32_t num_aspect_ratios;
    float aspect_ratios[NETC_DETECT_MAX_ASPECT_RATIOS];
    int32_t flip;
    float step_h, step_w; /* pixels; 0 = image / feature */
    float offset;         /* usually 0.5 */
} netc_caffe_prior_layer;

/* TF OD API's ssd_anchor_generator (create_ssd_anchors + grid anchors), for num_layers
 * feature maps. Layer i has scale s_i = min_scale + (max_scale - min_scale) * i / (n - 1)
 * (s_i = min_scale when n == 1) and s_n = 1. Its boxes per cell, in order:
 *   i == 0 and reduce_boxes_in_lowest_layer: (0.1, 1.0), (s_0, 2.0), (s_0, 0.5);
 *   otherwise (s_i, ar) for each aspect ratio, then, if interpolated_scale_aspect_ratio > 0,
 *   (sqrt(s_i * s_{i+1}), interpolated_scale_aspect_ratio).
 * A (scale, ar) box has height scale / sqrt(ar) * base_anchor_height and width
 * scale * sqrt(ar) * base_anchor_width; cell (y, x) is centred at ((y + 0.5) / H, (x + 0.5) / W).
 * Anchors are ordered by y, then x, then box. */
typedef struct {
    int32_t num_layers;
    int32_t feature_heights[NETC_DETECT_MAX_LAYERS], feature_widths[NETC_DETECT_MAX_LAYERS];
    float min_scale, max_scale;
    int32_t num_aspect_ratios;
    float aspect_ratios[NETC_DETECT_MAX_ASPECT_RATIOS];
    float interpolated_scale_aspect_ratio; /* 0 = none; TF's default is 1 */
    int32_t reduce_boxes_in_lowest_layer;
    float base_anchor_height, base_anchor_width; /* TF's default is 1, 1 */
} netc_tf_anchor_generator;

typedef struct {
    netc_prior_kind priors;
    /* NETC_PRIORS_CAFFE */
    int32_t image_height, image_width; /* pixels, what min/max sizes and steps refer to */
    int32_t num_caffe_layers;
    netc_caffe_prior_layer caffe_layers[NETC_DETECT_MAX_LAYERS];
    int32_t clip_priors;
    /* NETC_PRIORS_TF_SSD */
    netc_tf_anchor_generator tf_anchors;
    /* NETC_PRIORS_TABLE: num_table_anchors x (ycenter, xcenter, height, width) */
    int64_t num_table_anchors;
    const float *anchor_table;

    netc_box_coding coding;
    /* Multipliers of the four encodings, in the coding's order: Caffe's variances
     * (0.1, 0.1, 0.2, 0.2), or 1 / TF's scale factors (1/10, 1/10, 1/5, 1/5). */
    float variances[4];

    int32_t num_classes;      /* columns of the score tensor, background included */
    int32_t background_class; /* never reported; -1 = none */
    netc_score_converter score_converter;
    netc_nms_kind nms;
    float score_threshold;
    float iou_threshold;
    int32_t top_k;          /* candidates per NMS group before NMS (Caffe's top_k); 0 = all */
    int32_t max_detections; /* after NMS, over all classes (Caffe's keep_top_k) */
    int32_t clip_boxes;     /* clamp decoded boxes to [0, 1] before NMS */
} netc_detection_config;

typedef struct {
    float ymin, xmin, ymax, xmax; /* normalised to the image */
    float score;
    int32_t class_id; /* column of the score tensor */
    int32_t prior;    /* which prior it came from */
} netc_detection;

/* The number of priors the config produces, or -1 if the config is invalid. */
int64_t netc_detect_num_priors(const netc_detection_config *c);

/* Writes num_priors priors, (ycenter, xcenter, height, width) each. Returns 0, or -1 if the
 * config is invalid or num_priors is not what netc_detect_num_priors() says. */
int netc_detect_make_priors(const netc_detection_config *c, float *priors, int64_t num_priors);

/* Bytes of scratch memory netc_detect_postprocess() needs, or -1 if invalid. */
int64_t netc_detect_scratch_bytes(const netc_detection_config *c, int64_t num_priors);

/* Decodes, converts scores, runs NMS. boxes: [num_priors][4] encodings; scores:
 * [num_priors][num_classes]. scratch: netc_detect_scratch_bytes() bytes, 16-byte aligned.
 * Writes at most max_out detections (max_out >= c->max_detections keeps all of them) and
 * returns how many, or -1 if an argument is invalid. Allocates nothing. */
int32_t netc_detect_postprocess(const netc_detection_config *c, const float *priors,
                                int64_t num_priors, const float *boxes, const float *scores,
                                void *scratch, netc_detection *out, int32_t max_out);

/* IoU of two corner boxes (ymin, xmin, ymax, xmax), with the conventions above. */
float netc_detect_iou(const float *a, const float *b);

#ifdef __cplusplus
}
#endif

#endif /* NETC_DETECT_H */

#include <sstream>

#include "codegen/compile_model.h"

namespace netc {

namespace {

std::string c_string(const std::string &s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "\"";
}

std::string io_info(const Graph &g, int layer, const DeclaredTensor &declared, const CApiLayout &api, const std::string &name,
                    const std::string &mean, const std::string &scale) {
    const std::vector<int64_t> shape = c_api_shape(g, layer, declared, api);
    std::ostringstream o;
    o << "{" << c_string(name) << ", " << shape.size() << ", {";
    for (size_t d = 0; d < shape.size(); d++) o << (d ? ", " : "") << shape[d];
    o << "}, " << mean << ", " << scale << ", " << (c_api_transposes(g, layer, declared, api) ? "NETC_LAYOUT_NCHW" : "NETC_LAYOUT_NHWC") << "}";
    return o.str();
}

std::string floats(const float *v, int n) {
    std::ostringstream o;
    o.precision(9);  // floats round-trip
    o << "{";
    for (int i = 0; i < n; i++) o << (i ? ", " : "") << "(float)" << v[i];
    return o.str() + (n ? "}" : "0}");  // C before C23 has no empty initializer
}

std::string ints(const int32_t *v, int n) {
    std::ostringstream o;
    o << "{";
    for (int i = 0; i < n; i++) o << (i ? ", " : "") << v[i];
    return o.str() + (n ? "}" : "0}");
}

// The netc_detection_config as a C initializer, every field named so the generated file
// reads like the spec it came from.
std::string detection_source(const DetectionSpec &d) {
    const netc_detection_config &c = d.config;
    std::ostringstream o;
    o.precision(9);
    if (!d.anchor_table.empty()) o << "static const float anchor_table[] = " << floats(d.anchor_table.data(), int(d.anchor_table.size())) << ";\n";
    o << "static const netc_detection_config detection = {\n"
      << "    .priors = " << int(c.priors) << ",\n"
      << "    .image_height = " << c.image_height << ", .image_width = " << c.image_width << ",\n"
      << "    .num_caffe_layers = " << c.num_caffe_layers << ",\n    .caffe_layers = {\n";
    for (int i = 0; i < c.num_caffe_layers; i++) {
        const netc_caffe_prior_layer &l = c.caffe_layers[i];
        o << "        {.feature_height = " << l.feature_height << ", .feature_width = " << l.feature_width
          << ", .min_size = " << l.min_size << ", .max_size = " << l.max_size << ", .num_aspect_ratios = " << l.num_aspect_ratios
          << ", .aspect_ratios = " << floats(l.aspect_ratios, l.num_aspect_ratios) << ", .flip = " << l.flip << ", .step_h = " << l.step_h
          << ", .step_w = " << l.step_w << ", .offset = " << l.offset << "},\n";
    }
    const netc_tf_anchor_generator &t = c.tf_anchors;
    o << "    },\n    .clip_priors = " << c.clip_priors << ",\n"
      << "    .tf_anchors = {.num_layers = " << t.num_layers << ", .feature_heights = " << ints(t.feature_heights, t.num_layers)
      << ", .feature_widths = " << ints(t.feature_widths, t.num_layers) << ", .min_scale = " << t.min_scale
      << ", .max_scale = " << t.max_scale << ", .num_aspect_ratios = " << t.num_aspect_ratios
      << ", .aspect_ratios = " << floats(t.aspect_ratios, t.num_aspect_ratios)
      << ", .interpolated_scale_aspect_ratio = " << t.interpolated_scale_aspect_ratio
      << ", .reduce_boxes_in_lowest_layer = " << t.reduce_boxes_in_lowest_layer << ", .base_anchor_height = " << t.base_anchor_height
      << ", .base_anchor_width = " << t.base_anchor_width << "},\n"
      << "    .num_table_anchors = " << c.num_table_anchors << ", .anchor_table = " << (d.anchor_table.empty() ? "0" : "anchor_table") << ",\n"
      << "    .coding = " << int(c.coding) << ", .variances = " << floats(c.variances, 4) << ",\n"
      << "    .num_classes = " << c.num_classes << ", .background_class = " << c.background_class << ",\n"
      << "    .score_converter = " << int(c.score_converter) << ", .nms = " << int(c.nms) << ",\n"
      << "    .score_threshold = " << c.score_threshold << "f, .iou_threshold = " << c.iou_threshold << "f,\n"
      << "    .top_k = " << c.top_k << ", .max_detections = " << c.max_detections << ", .clip_boxes = " << c.clip_boxes << ",\n};\n\n";
    return o.str();
}

}  // namespace

bool c_api_transposes(const Graph &g, int layer, const DeclaredTensor &declared, const CApiLayout &api) {
    const Layer &l = g.layers[size_t(layer)];
    if (!api.nchw || (l.out.h == 1 && l.out.w == 1)) return false;
    return declared.shape.empty() ? l.op != OpKind::Reshape : declared.nchw;
}

std::vector<int64_t> c_api_shape(const Graph &g, int layer, const DeclaredTensor &declared, const CApiLayout &api) {
    const Shape s = g.layers[size_t(layer)].out;
    std::vector<int64_t> shape;
    if (api.leading_batch()) shape.push_back(api.batch);
    if (c_api_transposes(g, layer, declared, api)) shape.insert(shape.end(), {s.c, s.h, s.w});
    else if (s.h == 1 && s.w == 1) shape.push_back(s.c);
    else shape.insert(shape.end(), {s.h, s.w, s.c});
    return shape;
}

std::string descriptor_source(const Graph &g, const MemoryPlan &plan, int64_t scratch_bytes, const std::vector<LoweredStage> &stages,
                              const TargetInfo &target, const CApiLayout &api) {
    std::ostringstream o;
    o.precision(9);  // floats round-trip
    o << "/* Generated by netc " << NETC_VERSION << " for model " << g.name << ", target " << target.name
      << ". Do not edit. */\n#include \"netc_model.h\"\n\n";
    for (const auto &st : stages) o << "int " << st.function_name << "_argv(void **args);\n";
    // Only tensors that reach memory are in the table (a fused stage's inner layers do not).
    std::vector<int> table_index(plan.tensors.size(), -1);
    int entries = 0;
    o << "\nstatic const netc_tensor_desc tensors[] = {\n";
    for (size_t i = 0; i < plan.tensors.size(); i++) {
        const TensorPlan &t = plan.tensors[i];
        if (!t.materialized) continue;
        table_index[i] = entries++;
        o << "    {" << c_string(t.name) << ", " << t.shape.c << ", " << t.shape.w << ", " << t.shape.h << ", " << t.pad_top << ", "
          << t.pad_left << ", " << t.pad_bottom << ", " << t.pad_right << ", " << t.offset << ", " << int(t.clear_halo) << "},\n";
    }
    o << "};\n\n";
    for (size_t s = 0; s < stages.size(); s++) {
        o << "static const int32_t stage" << s << "_inputs[] = {";
        for (size_t k = 0; k < stages[s].input_tensors.size(); k++) o << (k ? ", " : "") << table_index[size_t(stages[s].input_tensors[k])];
        o << "};\n";
    }
    o << "\nstatic const netc_stage_desc stages[] = {\n";
    for (size_t s = 0; s < stages.size(); s++) {
        const LoweredStage &st = stages[s];
        o << "    {" << c_string(stage_name(g, st.group)) << ", " << st.function_name << "_argv, " << st.input_tensors.size() << ", stage" << s
          << "_inputs, " << table_index[size_t(st.group.output())] << "},\n";
    }
    o << "};\n\n";
    o << "static const float input_mean[] = {";
    for (size_t i = 0; i < g.input.mean.size(); i++) o << (i ? ", " : "") << "(float)" << g.input.mean[i];
    o << "};\nstatic const float input_scale[] = {";
    for (size_t i = 0; i < g.input.scale.size(); i++) o << (i ? ", " : "") << "(float)" << g.input.scale[i];
    o << "};\n\n";
    o << "static const netc_io_desc inputs[] = {{" << io_info(g, 0, g.declared_input, api, g.input.name, "input_mean", "input_scale") << ", 0}};\n";
    o << "static const netc_io_desc outputs[] = {\n";
    for (size_t k = 0; k < g.outputs.size(); k++) {
        const int out = g.outputs[k];
        const DeclaredTensor declared = k < g.declared_outputs.size() ? g.declared_outputs[k] : DeclaredTensor{};
        o << "    {" << io_info(g, out, declared, api, api.output_names.at(k), "0", "0") << ", " << table_index[size_t(out)] << "},\n";
    }
    o << "};\n\n";
    if (g.detection.present) o << detection_source(g.detection);
    o << "static const struct netc_model model = {NETC_ABI_VERSION, " << c_string(g.name) << ", " << c_string(target.name) << ", "
      << plan.arena_bytes << ", " << scratch_bytes << ", " << entries << ", tensors, " << stages.size() << ", stages, 1, inputs, "
      << g.outputs.size() << ", outputs, ";
    if (g.detection.present) o << "&detection, " << g.detection.boxes_output << ", " << g.detection.scores_output;
    else o << "0, -1, -1";
    o << ", " << api.batch << ", " << int(api.leading_batch()) << "};\n\n";
    o << "const netc_model *netc_" << g.name << "_model(void) { return &model; }\n";
    return o.str();
}

}  // namespace netc

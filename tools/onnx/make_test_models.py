#!/usr/bin/python3
"""Writes the small ONNX files of tests/onnx_files/: models netc must reject (or accept with a
notice) with a clear message, and the shapes of graph exporters other than torch write.
Run with Debian's Python: /usr/bin/python3 tools/onnx/make_test_models.py"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "onnx_files")


def save(name, nodes, inputs, outputs, initializers=(), opset=13, check=True):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="netc-tests")
    model.ir_version = 7
    if check:  # hostile files are written as an attacker would, past the checker
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def image(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


rng = np.random.default_rng(0)
w = numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")

# Two unsupported ops (Elu, Tanh) and one unsupported attribute: one error must list all three.
save("unsupported_ops",
     [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
      helper.make_node("Elu", ["c"], ["l"], name="elu"),
      helper.make_node("MaxPool", ["l"], ["p"], name="pool_storage_order", kernel_shape=[2, 2], storage_order=1),
      helper.make_node("Tanh", ["p"], ["y"], name="tanh")],
     [image("x", [1, 3, 8, 8])], [image("y", [1, 4, 4, 4])], [w])

# Height and width unknown: the error says to use --input-shape.
save("dynamic_size",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")],
     [image("x", [1, 3, "height", "width"])], [image("y", [1, 4, "h2", "w2"])], [w])

# A dynamic batch only: fixed to 1 with a notice, and the model compiles.
save("dynamic_batch",
     [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
      helper.make_node("Relu", ["c"], ["y"], name="relu")],
     [image("x", ["batch", 3, 8, 8])], [image("y", ["batch", 4, 8, 8])], [w])

# Weights in float16.
w16 = numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float16), "w16")
save("float16_weights",
     [helper.make_node("Cast", ["x"], ["x16"], name="to_half", to=TensorProto.FLOAT16),
      helper.make_node("Conv", ["x16", "w16"], ["y"], name="conv")],
     [image("x", [1, 3, 8, 8])], [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [1, 4, 6, 6])], [w16])
# tf2onnx's shape of a network: an NHWC input transposed to NCHW, an explicit Pad before a
# VALID stride-2 conv (TF's asymmetric "same"), Clip(0, 6) with attributes (opset 10), an NHWC
# output; a Shape → Gather → Unsqueeze → Concat → Reshape flatten before a MatMul + Add; and
# the conv's weights kept as TF has them (HWIO), transposed to OIHW by a node: folded at import.
w2_oihw = rng.standard_normal((6, 3, 3, 3)).astype(np.float32) * 0.3
w2 = numpy_helper.from_array(np.ascontiguousarray(w2_oihw.transpose(2, 3, 1, 0)), "w2_hwio")
b2 = numpy_helper.from_array(rng.standard_normal(6).astype(np.float32) * 0.1, "b2")
mw = numpy_helper.from_array(rng.standard_normal((6, 5)).astype(np.float32), "mw")
mb = numpy_helper.from_array(rng.standard_normal(5).astype(np.float32), "mb")
i64 = lambda name, v: numpy_helper.from_array(np.array(v, dtype=np.int64), name)
save("tf_style",
     [helper.make_node("Transpose", ["x"], ["x_nchw"], name="to_nchw", perm=[0, 3, 1, 2]),
      helper.make_node("Transpose", ["w2_hwio"], ["w2"], name="kernel_to_oihw", perm=[3, 2, 0, 1]),
      helper.make_node("Pad", ["x_nchw"], ["padded"], name="pad", pads=[0, 0, 0, 0, 0, 0, 1, 1], mode="constant"),
      helper.make_node("Conv", ["padded", "w2", "b2"], ["c"], name="conv", strides=[2, 2], auto_pad="VALID"),
      helper.make_node("Clip", ["c"], ["r"], name="relu6", min=0.0, max=6.0),
      helper.make_node("Transpose", ["r"], ["features"], name="to_nhwc", perm=[0, 2, 3, 1]),
      helper.make_node("GlobalAveragePool", ["r"], ["gap"], name="gap"),
      helper.make_node("Shape", ["gap"], ["shape"], name="shape"),
      helper.make_node("Gather", ["shape", "zero"], ["batch"], name="batch", axis=0),
      helper.make_node("Unsqueeze", ["batch"], ["batch1"], name="batch1", axes=[0]),
      helper.make_node("Concat", ["batch1", "minus_one"], ["flat_shape"], name="flat_shape", axis=0),
      helper.make_node("Reshape", ["gap", "flat_shape"], ["flat"], name="flatten"),
      helper.make_node("MatMul", ["flat", "mw"], ["mm"], name="matmul"),
      helper.make_node("Add", ["mm", "mb"], ["logits"], name="bias")],
     [image("x", [1, 10, 10, 3])], [image("features", [1, 5, 5, 6]), image("logits", [1, 5])],
     [w2, b2, mw, mb, i64("zero", 0), i64("minus_one", [-1])], opset=10)
# Axes and permutations out of range: each once read and wrote outside the shape (issue 19's
# fuzzing). Each must be a problem naming its node, all listed at once, and nothing else.
save("bad_axes",
     [helper.make_node("Transpose", ["x"], ["t"], name="perm_negative", perm=[0, -1, 2, 3]),
      helper.make_node("Transpose", ["x"], ["t2"], name="perm_repeated", perm=[0, 1, 1, 3]),
      helper.make_node("Concat", ["x", "x"], ["c"], name="concat_axis_99", axis=99),
      helper.make_node("Concat", ["x", "x"], ["c2"], name="concat_axis_minus_99", axis=-99),
      helper.make_node("Concat", [], ["c3"], name="concat_no_inputs", axis=1),
      helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze_minus_9", axes=[-9]),
      helper.make_node("Flatten", ["x"], ["f"], name="flatten_axis_7", axis=7)],
     [image("x", [1, 3, 4, 4])],
     [image(n, None) for n in ["t", "t2", "c", "c2", "c3", "u", "f"]], opset=11, check=False)
# Constant folding once trusted its attributes as shape inference by then did not: a Transpose
# perm longer than the constant's rank read past its dims (found by fuzzing: a heap overflow
# under ASan), Squeeze/Unsqueeze axes out of range, a NaN index, a broadcast of 10^10 values.
c23 = numpy_helper.from_array(np.ones((2, 3), np.float32), "c23")
nan_index = numpy_helper.from_array(np.array([np.nan], np.float32), "nan_index")
rows = numpy_helper.from_array(np.array([100000, 1], np.int64), "rows")
cols = numpy_helper.from_array(np.array([1, 100000], np.int64), "cols")
save("bad_constant_ops",
     [helper.make_node("Relu", ["x"], ["y"], name="relu"),
      helper.make_node("Transpose", ["c23"], ["t1"], name="perm_too_long", perm=[1, 0, 2]),
      helper.make_node("Transpose", ["c23"], ["t2"], name="perm_out_of_range", perm=[0, 5]),
      helper.make_node("Squeeze", ["c23"], ["s1"], name="squeeze_axis_7", axes=[7]),
      helper.make_node("Squeeze", ["c23"], ["s2"], name="squeeze_not_1", axes=[0]),
      helper.make_node("Unsqueeze", ["c23"], ["u1"], name="unsqueeze_twice", axes=[0, -4]),
      helper.make_node("Gather", ["c23", "nan_index"], ["g"], name="gather_nan"),
      helper.make_node("ConstantOfShape", ["rows"], ["column"], name="column"),
      helper.make_node("ConstantOfShape", ["cols"], ["row"], name="row"),
      helper.make_node("Add", ["column", "row"], ["big"], name="broadcast_10_10")],
     [image("x", [1, 3, 4, 4])], [image("y", None)], [c23, nan_index, rows, cols], opset=11, check=False)
# Windows out of range: a stride of 0 divided by zero in shape inference, a negative one gave
# negative shapes and exit 0, dilation 0 was accepted, a pad of 2^40 was narrowed to int.
save("bad_windows",
     [helper.make_node("Conv", ["x", "w"], ["s0"], name="stride_0", strides=[0, 1]),
      helper.make_node("Conv", ["x", "w"], ["sn"], name="stride_negative", strides=[-1, -1]),
      helper.make_node("Conv", ["x", "w"], ["d0"], name="dilation_0", dilations=[0, 1]),
      helper.make_node("Conv", ["x", "w"], ["p40"], name="pad_2_40", pads=[0, 0, 1 << 40, 0]),
      helper.make_node("MaxPool", ["x"], ["mp"], name="pool_stride_0", kernel_shape=[2, 2], strides=[2, 0])],
     [image("x", [1, 3, 8, 8])],
     [image(n, None) for n in ["s0", "sn", "d0", "p40", "mp"]], [w], check=False)
# Graph outputs nothing computes: one named by no node, one a node computes from itself. Once
# silently dropped, so netc compiled a model with an output missing.
save("no_producer",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv"),
      helper.make_node("Relu", ["loop"], ["loop"], name="reads_itself")],
     [image("x", [1, 3, 8, 8])], [image("y", None), image("ghost", None), image("loop", None)], [w], check=False)
# An input dimension past int: 2^32 + 8 was narrowed to 8.
save("huge_input",
     [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [image("x", [1, 3, (1 << 32) + 8, 8])], [image("y", None)], check=False)
# A written negative batch is no dynamic batch: it was fixed to 1 without a word.
save("negative_batch",
     [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [image("x", [-5, 3, 8, 8])], [image("y", None)], check=False)
# Opsets netc cannot know the meaning of: none, 0, and one newer than Debian's ONNX defines.
# Opset 1 is a real opset, but its Add broadcasts by attribute, not as numpy does.
for opset in [0, 999]:
    save("opset_%d" % opset, [helper.make_node("Relu", ["x"], ["y"], name="relu")],
         [image("x", [1, 3, 8, 8])], [image("y", None)], opset=opset, check=False)
bias = numpy_helper.from_array(np.ones((1, 4, 1, 1), np.float32), "bias")
save("opset_1_add", [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
                     helper.make_node("Add", ["c", "bias"], ["y"], name="add_v1")],
     [image("x", [1, 3, 8, 8])], [image("y", None)], [w, bias], opset=1, check=False)
# Initializers whose dimensions overflow int64 when multiplied (UBSan), or ask for 2^40 values
# the file does not hold: refused before anything is allocated.
def raw_tensor(name, dims):
    t = TensorProto(name=name, data_type=TensorProto.FLOAT, raw_data=b"\0" * 16)
    t.dims.extend(dims)
    return t
huge, negative = raw_tensor("huge", [1 << 40, 1 << 40, 16]), raw_tensor("negative", [-4, 3, 3, 3])
save("huge_initializer", [helper.make_node("Conv", ["x", "huge"], ["a"], name="conv_huge"),
                          helper.make_node("Conv", ["x", "negative"], ["b"], name="conv_negative")],
     [image("x", [1, 3, 8, 8])], [image("a", None), image("b", None)], [huge, negative], check=False)
# A 32769-wide kernel dilated by 65536: each within bounds, their extent 2^31 + 1 past int (UBSan).
wide = numpy_helper.from_array(np.ones((1, 1, 1, 32769), np.float32), "wide")
save("dilated_kernel_overflow", [helper.make_node("Conv", ["x", "wide"], ["y"], name="wide_dilated", dilations=[1, 65536])],
     [image("x", [1, 1, 8, 8])], [image("y", None)], [wide], check=False)

# The activations and arithmetic PyTorch exports write (issue 16): normalisation as Sub/Div by
# per-channel constants, LeakyRelu, PRelu with a slope per channel (nn.PReLU(C)) and with one
# (nn.PReLU()), HardSigmoid with ONNX's default numbers, Clip with inputs and with one bound,
# Mul/Add by scalars; Resize as F.interpolate exports it (nearest by sizes, bilinear by scales); MaxPool and AveragePool with ceil_mode (the last window overhanging); a spatial NCHW output besides the logits (netc run writes it NCHW, as
# declared). Checked against ONNX Runtime (tests/CMakeLists.txt).
f32 = lambda name, a: numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)
c1 = f32("c1_w", rng.standard_normal((8, 3, 3, 3)) * 0.4)
c1b = f32("c1_b", rng.standard_normal(8) * 0.1)
dw = f32("dw_w", rng.standard_normal((8, 1, 3, 3)) * 0.5)
pw = f32("pw_w", rng.standard_normal((8, 8, 1, 1)) * 0.4)
head = f32("head_w", rng.standard_normal((4, 8, 1, 1)) * 0.5)
save("pytorch_ops",
     [helper.make_node("Sub", ["x", "mean"], ["centred"], name="sub_mean"),
      helper.make_node("Div", ["centred", "std"], ["normalised"], name="div_std"),
      helper.make_node("Conv", ["normalised", "c1_w", "c1_b"], ["c1"], name="conv1", pads=[1, 1, 1, 1], strides=[2, 2]),
      helper.make_node("LeakyRelu", ["c1"], ["a1"], name="leaky", alpha=0.1),
      helper.make_node("Conv", ["a1", "dw_w"], ["d"], name="dw", pads=[1, 1, 1, 1], group=8),
      helper.make_node("PRelu", ["d", "slopes"], ["features"], name="prelu_channels"),
      helper.make_node("Conv", ["features", "pw_w"], ["p"], name="pw"),
      helper.make_node("HardSigmoid", ["p"], ["a3"], name="hard_sigmoid"),
      helper.make_node("Mul", ["a3", "two"], ["m"], name="times_two"),
      helper.make_node("Add", ["m", "minus_one_c"], ["s"], name="minus_one"),
      helper.make_node("Clip", ["s", "clip_lo", "clip_hi"], ["cl"], name="clip"),
      helper.make_node("Clip", ["cl", "", "clip_top"], ["cl2"], name="clip_max_only"),
      helper.make_node("Conv", ["cl2", "head_w"], ["h"], name="head"),
      helper.make_node("PRelu", ["h", "one_slope"], ["a4"], name="prelu_one"),
      helper.make_node("MaxPool", ["a4"], ["mp"], name="maxpool_ceil", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
      helper.make_node("AveragePool", ["mp"], ["ap"], name="avgpool_ceil", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
      helper.make_node("GlobalAveragePool", ["ap"], ["gap"], name="gap"),
      helper.make_node("Resize", ["features", "", "", "up_sizes"], ["upsampled_nearest"], name="up_nearest",
                       mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
      helper.make_node("Resize", ["features", "", "up_scales"], ["upsampled_linear"], name="up_linear", mode="linear"),
      helper.make_node("Flatten", ["gap"], ["logits"], name="flatten")],
     [image("x", [1, 3, 16, 16])], [image("logits", [1, 4]), image("features", [1, 8, 8, 8]),
                                    image("upsampled_nearest", [1, 8, 16, 16]), image("upsampled_linear", [1, 8, 20, 20])],
     [f32("mean", np.array([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)), f32("std", np.array([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)),
      c1, c1b, dw, pw, head, f32("slopes", (rng.standard_normal((8, 1, 1)) * 0.3)), f32("two", 2.0), f32("minus_one_c", -1.0),
      f32("clip_lo", -0.5), f32("clip_hi", 0.8), f32("clip_top", 0.6), f32("one_slope", [0.25]),
      i64("up_sizes", [1, 8, 16, 16]), f32("up_scales", [1, 1, 2.5, 2.5])])
print("wrote", sorted(os.listdir(OUT)))

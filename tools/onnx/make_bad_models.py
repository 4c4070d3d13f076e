#!/usr/bin/python3
"""Writes the small ONNX files of tests/bad_onnx/: models netc must reject (or accept with a
notice) with a clear message. Run with Debian's Python: /usr/bin/python3 tools/onnx/make_bad_models.py"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "bad_onnx")


def save(name, nodes, inputs, outputs, initializers=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="netc-tests")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def image(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


rng = np.random.default_rng(0)
w = numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")

# Two unsupported ops and one unsupported attribute: one error must list all three.
save("unsupported_ops",
     [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
      helper.make_node("LeakyRelu", ["c"], ["l"], name="leaky"),
      helper.make_node("MaxPool", ["l"], ["p"], name="pool_ceil", kernel_shape=[2, 2], ceil_mode=1),
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
print("wrote", sorted(os.listdir(OUT)))

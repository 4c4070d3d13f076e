#!/usr/bin/env python3
"""Writes models/xception.json: Xception (Chollet 2017) as Keras' applications.Xception builds
it. Run from the repo root. The middle flow's eight identical blocks are why this is a script."""
from spec_writer import write_spec

EPS = 0.001  # Keras' BatchNormalization default
layers = []


def add(**layer):
    layers.append(layer)
    return layer["name"]


def conv_bn(name, filters, kernel, stride, padding, source=None, relu=True):
    """Conv without bias, BN, optional ReLU: Xception's plain convolutions."""
    conv = dict(name=name, op="conv2d", filters=filters, kernel=kernel, stride=stride, padding=padding, bias=False)
    if source:
        conv["input"] = source
    add(**conv)
    last = add(name=name + "_bn", op="batchnorm", epsilon=EPS)
    return add(name=name + "_act", op="relu") if relu else last


def sepconv(name, filters, relu_after, source=None):
    """Keras' SeparableConv2D + BN (+ ReLU): nothing between depthwise and pointwise."""
    sep = dict(name=name, op="separable_conv", filters=filters, normalize_depthwise=False,
               activation="relu" if relu_after else "none", epsilon=EPS)
    if source:
        sep["input"] = source
    return add(**sep)


def downsampling_block(n, filters1, filters2, source, relu_first):
    """Entry/exit flow block: two separable convs and a 3x3/2 max pool, plus a 1x1/2 conv shortcut."""
    shortcut = conv_bn(f"block{n}_res", filters2, 1, 2, "same", source=source, relu=False)
    x = add(name=f"block{n}_sepconv1_act", op="relu", input=source) if relu_first else source
    x = sepconv(f"block{n}_sepconv1", filters1, relu_after=True, source=x)
    x = sepconv(f"block{n}_sepconv2", filters2, relu_after=False)
    x = add(name=f"block{n}_pool", op="maxpool", kernel=3, stride=2, padding="same")
    return add(name=f"block{n}_add", op="add", inputs=[x, shortcut])


def middle_block(n, source):
    """Middle flow: ReLU + separable conv + BN, three times, plus the identity."""
    x = add(name=f"block{n}_sepconv1_act", op="relu", input=source)
    x = sepconv(f"block{n}_sepconv1", 728, relu_after=True, source=x)
    x = sepconv(f"block{n}_sepconv2", 728, relu_after=True)
    x = sepconv(f"block{n}_sepconv3", 728, relu_after=False)
    return add(name=f"block{n}_add", op="add", inputs=[x, source])


# Entry flow: unpadded convs take 299 to 149 to 147.
x = conv_bn("block1_conv1", 32, 3, 2, "valid")
x = conv_bn("block1_conv2", 64, 3, 1, "valid")
x = downsampling_block(2, 128, 128, x, relu_first=False)  # block1's ReLU already ran
x = downsampling_block(3, 256, 256, x, relu_first=True)
x = downsampling_block(4, 728, 728, x, relu_first=True)
for n in range(5, 13):
    x = middle_block(n, x)
# Exit flow.
x = downsampling_block(13, 728, 1024, x, relu_first=True)
sepconv("block14_sepconv1", 1536, relu_after=True)
sepconv("block14_sepconv2", 2048, relu_after=True)
add(name="avg_pool", op="global_avgpool")
add(name="logits", op="dense", units=1000)
add(name="prob", op="softmax")

spec = {
    "netc": 1,
    "name": "xception",
    "description": "Xception (Chollet 2017) as Keras builds it: 299x299, Keras' SeparableConv2D "
                   "(no BN between depthwise and pointwise), BN eps 1e-3. Weights are seeded random, not trained.",
    "input": {"name": "image", "shape": [299, 299, 3], "mean": [127.5, 127.5, 127.5], "scale": 0.007843137},
    "weights": {"init": "random", "seed": 7},
    "outputs": ["prob", "logits"],
}
write_spec("models/xception.json", spec, layers)

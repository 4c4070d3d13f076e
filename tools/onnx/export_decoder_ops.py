#!/usr/bin/python3
"""Exports tests/onnx_files/decoder_ops.onnx with PyTorch itself: the ops of segmentation and
super-resolution decoders as torch.onnx writes them (ConvTranspose2d with output_padding,
F.pad reflect/replicate/constant, a zero F.pad before a "valid" conv, bicubic F.interpolate,
softmax over the height, arithmetic with learned full-shape constants). Seeded weights; tests compare netc with ONNX Runtime on it.
Run with Debian's Python: /usr/bin/python3 tools/onnx/export_decoder_ops.py"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "onnx_files", "decoder_ops.onnx")


class DecoderOps(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.after_zero_pad = nn.Conv2d(8, 8, 3, stride=2)          # reads F.pad(0): folds into its padding
        self.after_reflect = nn.Conv2d(8, 8, 3, groups=8)           # depthwise, reads a reflect pad
        self.up = nn.ConvTranspose2d(8, 6, 3, stride=2, padding=1, output_padding=1)
        self.up_grouped = nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, groups=2, bias=False)
        self.position = nn.Parameter(torch.randn(1, 8, 6, 6) * 0.1)   # a learned positional map
        self.gain = nn.Parameter(torch.rand(8, 1, 6) + 0.5)           # broadcast over H

    def forward(self, x):
        d = F.relu(self.down(x))                                   # 8 x 12 x 12
        z = self.after_zero_pad(F.pad(d, (0, 1, 0, 1)))            # TF-style "same": 8 x 6 x 6
        r = self.after_reflect(F.pad(z, (1, 1, 2, 0), mode="reflect"))  # 8 x 6 x 6
        e = F.pad(r, (1, 1, 1, 1), mode="replicate")              # 8 x 8 x 8
        c = F.pad(e, (0, 2, 1, 0), value=0.5)                      # 8 x 9 x 10
        u = F.relu(self.up(c))                                     # 6 x 18 x 20
        decoded = self.up_grouped(u)                               # 4 x 36 x 40
        bicubic = F.interpolate(z, scale_factor=2, mode="bicubic", align_corners=False)
        column_softmax = torch.softmax(decoded, dim=2)
        positioned = z * self.gain + self.position - 0.25              # full-shape constants
        return decoded, bicubic, column_softmax, positioned


def main():
    torch.manual_seed(0)
    model = DecoderOps().eval()
    x = torch.randn(1, 3, 24, 24)
    torch.onnx.export(model, x, OUT, opset_version=13, input_names=["x"],
                      output_names=["decoded", "bicubic", "column_softmax", "positioned"], do_constant_folding=True)
    print("wrote", OUT)


if __name__ == "__main__":
    main()

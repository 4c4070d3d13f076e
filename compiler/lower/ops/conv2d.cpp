#include "lower/ops/ops.h"

namespace netc {

using namespace Halide;

StageFuncs lower_conv2d(const Layer &l, const Shape &in_shape, Func in, const StageVars &v) {
    const int cout = l.out.c, cin_g = in_shape.c / l.groups, cout_g = cout / l.groups;
    // Repacked from PyTorch's (out, in, kh, kw) so that the output channel is innermost: a
    // vector of output channels loads one contiguous weight vector. With more than 32 output
    // channels the weights are also blocked by 32 (block, ci, kx, ky, co % 32): a schedule
    // working on one channel block at a time then streams one contiguous run of memory instead
    // of 128 bytes every 4 KiB, which the hardware prefetcher does not follow (MobileNetV1's
    // last 1x1 layer read its 4 MiB of weights at 3 GB/s). Wide layers whose count is not a
    // multiple of 32 (Xception's 728) get a last block padded with zeros, so every block
    // starts aligned; the schedule then guards the tail instead of shifting it (padded_channels).
    const Tensor &wt = l.params.at("weight");
    constexpr int kBlock = 32, kPadFrom = 256;
    const bool blocked = cout > kBlock && (cout % kBlock == 0 || cout >= kPadFrom);
    const int blocks = (cout + kBlock - 1) / kBlock, padded = blocked ? blocks * kBlock : cout;
    Buffer<float> w = blocked ? Buffer<float>(kBlock, cin_g, l.kernel_w, l.kernel_h, blocks, l.name + "_weight")
                              : Buffer<float>(cout, cin_g, l.kernel_w, l.kernel_h, l.name + "_weight");
    w.fill(0.0f);
    for (int co = 0; co < cout; co++)
        for (int ci = 0; ci < cin_g; ci++)
            for (int ky = 0; ky < l.kernel_h; ky++)
                for (int kx = 0; kx < l.kernel_w; kx++) {
                    const float value = wt.data[((size_t(co) * cin_g + ci) * l.kernel_h + ky) * l.kernel_w + kx];
                    if (blocked) w(co % kBlock, ci, kx, ky, co / kBlock) = value;
                    else w(co, ci, kx, ky) = value;
                }
    Buffer<float> b(padded, l.name + "_bias");
    b.fill(0.0f);
    for (int co = 0; co < cout; co++) b(co) = l.bias ? l.params.at("bias").data[size_t(co)] : 0.0f;

    StageFuncs s;
    s.kind = StageKind::Conv;
    s.out = l.out;
    s.padded_channels = padded;
    s.r = RDom(0, cin_g, 0, l.kernel_w, 0, l.kernel_h, l.name + "_r");
    Expr ix = v.x * l.stride_w + s.r.y * l.dilation_w - l.padding.left;
    Expr iy = v.y * l.stride_h + s.r.z * l.dilation_h - l.padding.top;
    Expr ci = l.groups == 1 ? Expr(s.r.x) : (v.c / cout_g) * cin_g + s.r.x;
    s.accumulator = Func(l.name + "_acc");
    s.accumulator(v.c, v.x, v.y) = b(v.c);
    Expr weight = blocked ? w(v.c % kBlock, s.r.x, s.r.y, s.r.z, v.c / kBlock) : w(v.c, s.r.x, s.r.y, s.r.z);
    s.accumulator(v.c, v.x, v.y) += weight * in(ci, ix, iy);
    s.output = Func(l.name);
    s.output(v.c, v.x, v.y) = apply_activation(s.accumulator(v.c, v.x, v.y), l.activation, l.act);
    return s;
}

}  // namespace netc

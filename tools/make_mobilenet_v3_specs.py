#!/usr/bin/env python3
"""Writes models/mobilenet_v3_{large,small}.json from the block tables of the MobileNetV3 paper as
torchvision builds them (squeeze channels = make_divisible(expanded // 4, 8)). Run from the repo root."""
from spec_writer import write_spec
def make_div(v, d=8):
    n = max(d, int(v + d/2)//d*d)
    if n < 0.9*v: n += d
    return n
def spec(name, cfg, last_conv, last_channel, desc):
    L=[{"name":"stem","op":"conv2d","filters":16,"kernel":3,"stride":2,"padding":[1,1,1,1],"bias":False},
       {"name":"stem_bn","op":"batchnorm","epsilon":0.001},{"name":"stem_hswish","op":"hswish"}]
    for i,(cin,k,exp,out,se,act,s) in enumerate(cfg,1):
        p=(k-1)//2
        b={"name":f"block{i}","op":"inverted_residual","expand_channels":exp,"filters":out,"kernel":k,"stride":s,
           "padding":[p,p,p,p],"activation":"relu" if act=="RE" else "hswish","epsilon":0.001}
        if se: b["se_channels"]=make_div(exp//4)
        L.append(b)
    L+=[{"name":"head","op":"conv2d","filters":last_conv,"kernel":1,"bias":False},
        {"name":"head_bn","op":"batchnorm","epsilon":0.001},{"name":"head_hswish","op":"hswish"},
        {"name":"pool","op":"global_avgpool"},
        {"name":"fc1","op":"dense","units":last_channel,"activation":"hswish"},
        {"name":"logits","op":"dense","units":1000},{"name":"prob","op":"softmax"}]
    s={"netc":1,"name":name,"description":desc,
       "input":{"name":"image","shape":[224,224,3],"mean":[123.675,116.28,103.53],"scale":[0.017124754,0.017507003,0.017429194]},
       "weights":{"init":"random","seed":7},
       # The logits too: with random weights V3's softmax saturates, and a check of
       # 'prob' alone would pass whatever the logits were.
       "outputs":["prob","logits"]}
    write_spec(f"models/{name}.json", s, L)
large=[(16,3,16,16,0,"RE",1),(16,3,64,24,0,"RE",2),(24,3,72,24,0,"RE",1),(24,5,72,40,1,"RE",2),(40,5,120,40,1,"RE",1),(40,5,120,40,1,"RE",1),
 (40,3,240,80,0,"HS",2),(80,3,200,80,0,"HS",1),(80,3,184,80,0,"HS",1),(80,3,184,80,0,"HS",1),(80,3,480,112,1,"HS",1),(112,3,672,112,1,"HS",1),
 (112,5,672,160,1,"HS",2),(160,5,960,160,1,"HS",1),(160,5,960,160,1,"HS",1)]
small=[(16,3,16,16,1,"RE",2),(16,3,72,24,0,"RE",2),(24,3,88,24,0,"RE",1),(24,5,96,40,1,"HS",2),(40,5,240,40,1,"HS",1),(40,5,240,40,1,"HS",1),
 (40,5,120,48,1,"HS",1),(48,5,144,48,1,"HS",1),(48,5,288,96,1,"HS",2),(96,5,576,96,1,"HS",1),(96,5,576,96,1,"HS",1)]
d="MobileNetV3-%s (Howard et al. 2019) as torchvision builds it: 224x224, width 1.0, symmetric padding, BN eps 1e-3, squeeze channels rounded to a multiple of 8. Weights are seeded random, not trained."
spec("mobilenet_v3_large", large, 960, 1280, d % "Large")
spec("mobilenet_v3_small", small, 576, 1024, d % "Small")

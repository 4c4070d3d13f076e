#!/usr/bin/env bash
# The main job, end to end: install, build, compile MobileNetV1 into a static library,
# link the example app against it and run it on the bundled image.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh
NETC=build/compiler/netc

echo "== netc summary models/mobilenet_v1.json (totals)"
$NETC summary models/mobilenet_v1.json | tail -1

echo "== netc compile models/mobilenet_v1.json --target host"
$NETC compile models/mobilenet_v1.json --target host
GEN=generated/mobilenet_v1/host

echo "== linking examples/classify against $GEN (plain cc: this is all an app needs)"
mkdir -p build/demo
cc -O2 -std=c11 examples/classify/classify.c examples/common/support.c -I examples/common -I "$GEN" \
   "$GEN/libmobilenet_v1.a" "$GEN/libnetc_runtime.a" "$GEN/libhalide_runtime.a" \
   -lpthread -ldl -lm -o build/demo/classify

echo "== reference interpreter on the same image (for the comparison)"
$NETC run models/mobilenet_v1.json --reference --input models/images/ball_224.ppm -o build/demo/reference

echo "== build/demo/classify models/images/ball_224.ppm"
build/demo/classify --runs 50 --compare build/demo/reference/prob.npy models/images/ball_224.ppm

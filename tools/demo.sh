#!/usr/bin/env bash
# The main job, end to end: install, build, compile a trained network into a static library,
# link the example app against it with plain cc and run it on a real photo.
#
#   tools/demo.sh            nsfwjs's trained MobileNetV2 (from its npm package) on skimage's
#                            photo of Chelsea the cat (or: tools/demo.sh PHOTO.jpg|png)
#   tools/demo.sh --random   the offline fallback: the bundled MobileNetV1 spec, whose weights
#                            are seeded random numbers (its classes mean nothing), on a test image
#
# Without the npm packages (tools/tfjs/node_modules: no registry reachable), the demo says so
# and runs the fallback.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=trained photo=/usr/lib/python3/dist-packages/skimage/data/chelsea.png
case "${1:-}" in
  --random) mode=random ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "demo.sh: unknown option '$1'" >&2; exit 2 ;;
  "") ;;
  *) photo="$1" ;;
esac
NETC_NPM_OPTIONAL=1 tools/install_deps.sh  # without npm's packages the demo falls back (below)
tools/build.sh
NETC=build/compiler/netc
mkdir -p build/demo

link_classify() {  # link_classify MODEL GENERATED_DIR OUTPUT
  echo "== linking examples/classify against $2 (plain cc: this is all an app needs)"
  cc -O2 -std=c11 -DNETC_MODEL="$1" -DEXAMPLE_PHOTOS examples/classify/classify.c examples/common/support.c examples/common/photo.c \
     -I examples/common -I "$2" "$2/lib$1.a" "$2/libnetc_runtime.a" "$2/libhalide_runtime.a" \
     -ljpeg -lpng -lpthread -ldl -lm -o "$3"
}

if [ "$mode" = trained ] && [ ! -d tools/tfjs/node_modules/nsfwjs ]; then
  echo "NOTE: the nsfwjs npm package is not installed (tools/tfjs/node_modules): running the"
  echo "      offline fallback, MobileNetV1 with seeded random weights."
  mode=random
fi

if [ "$mode" = trained ]; then
  [ -f "$photo" ] || { echo "demo.sh: no photo '$photo'" >&2; exit 2; }
  model=build/demo/nsfwjs/model.json
  echo "== the trained MobileNetV2 that the nsfwjs npm package bundles, as a TF.js model directory"
  node tools/tfjs/extract_nsfwjs.js build/demo/nsfwjs

  echo "== netc compile $model --target host (TF.js layers model; its preprocessing from model.preprocess.json)"
  $NETC compile "$model" --target host  # named after its directory: nsfwjs
  GEN=generated/nsfwjs/host
  link_classify nsfwjs "$GEN" build/demo/classify_nsfwjs

  echo "== the reference interpreter on the same photo (for the comparison)"
  $NETC run "$model" --reference --input "$photo" -o build/demo/reference_nsfwjs | tail -1

  echo "== build/demo/classify_nsfwjs $photo"
  build/demo/classify_nsfwjs --runs 50 --labels build/demo/nsfwjs/labels.txt --compare build/demo/reference_nsfwjs/dense_3.npy "$photo"
  echo
  echo "nsfwjs rates images as Drawing, Hentai, Neutral, Porn or Sexy; a photo of a cat should be Neutral."
  exit 0
fi

echo "== netc summary models/mobilenet_v1.json (totals)"
$NETC summary models/mobilenet_v1.json | tail -1

echo "== netc compile models/mobilenet_v1.json --target host"
$NETC compile models/mobilenet_v1.json --target host
GEN=generated/mobilenet_v1/host
link_classify mobilenet_v1 "$GEN" build/demo/classify

echo "== reference interpreter on the same image (for the comparison)"
$NETC run models/mobilenet_v1.json --reference --input models/images/ball_224.ppm -o build/demo/reference

echo "== build/demo/classify models/images/ball_224.ppm"
build/demo/classify --runs 50 --compare build/demo/reference/prob.npy models/images/ball_224.ppm

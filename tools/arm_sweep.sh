#!/usr/bin/env bash
# The full ARM sweep: every bundled network (V1, V1 alpha 0.5 at 160, V2, V3-Large, V3-Small,
# MobileNet-SSD with the Caffe and the TensorFlow box decoding, Xception) compiled for
# arm-64-linux and arm-32-linux and checked under qemu-user against the reference interpreter
# on this machine (<= 1e-4 relative, detections the same). Too slow for the test command
# (about 6 minutes on 2 cores); run it after changing the lowering or an ARM schedule:
#   tools/arm_sweep.sh [build-dir]        (or: cmake --build build --target arm_sweep)
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
NETC=$BUILD/compiler/netc
GEN=$BUILD/generated_arm_sweep
LOGS=$BUILD/arm_sweep_logs
mkdir -p "$GEN" "$LOGS"

# MobileNet-SSD again with the TensorFlow Object Detection API's anchors and decoding: the
# anchor generator's layout (3 anchors a cell on the first map, 6 on the others) matches the
# Caffe priors' count, so the same network feeds both decode families.
python3 - "$GEN/mobilenet_ssd_tf_decode.json" <<'PY'
import json, sys
d = json.load(open("models/mobilenet_ssd.json"))
d["name"] = "mobilenet_ssd_tf_decode"
d["description"] = "MobileNet-SSD with TensorFlow-style anchors and box decoding (tools/arm_sweep.sh)"
maps = [p["feature_map"] for p in d["detection"]["priors"]]
d["detection"] = {"family": "tf", "boxes": "mbox_loc", "scores": "mbox_conf_softmax",
                  "anchors": {"feature_maps": maps, "min_scale": 0.2, "max_scale": 0.95, "aspect_ratios": [1.0, 2.0, 0.5, 3.0, 0.3333]},
                  "score_converter": "none", "nms": "class_agnostic", "score_threshold": 0.3, "iou_threshold": 0.6,
                  "top_k": 100, "max_detections": 100, "clip_boxes": True}
json.dump(d, open(sys.argv[1], "w"), indent=1)
PY

cases=(
  "models/mobilenet_v1.json"
  "models/mobilenet_v1.json --alpha 0.5 --input-size 160"
  "models/mobilenet_v2.json"
  "models/mobilenet_v3_large.json"
  "models/mobilenet_v3_small.json"
  "models/mobilenet_ssd.json"
  "$GEN/mobilenet_ssd_tf_decode.json"
  "models/xception.json"
)
failed=0
printf '%-14s %-52s %-8s %s\n' target network result "worst relative difference (check output)"
for target in arm-64-linux arm-32-linux; do
  for c in "${cases[@]}"; do
    log="$LOGS/$(echo "$target $c" | tr -c 'A-Za-z0-9_.\n-' '_').log"
    start=$SECONDS
    # shellcheck disable=SC2086 # $c is a spec and its options
    if $NETC compile $c --target "$target" --generated-dir "$GEN" --quiet > "$log" 2>&1 &&
       $NETC check $c --target "$target" --generated-dir "$GEN" >> "$log" 2>&1; then
      result=ok
    else
      result=FAIL
      failed=1
    fi
    worst=$(grep -o 'relative [0-9.e+-]*' "$log" | awk '{print $2}' | sort -g | tail -1)
    det=$(grep -o 'detections .*' "$log" | head -1)
    printf '%-14s %-52s %-8s %s %s (%ds)\n' "$target" "$c" "$result" "${worst:--}" "$det" $((SECONDS - start))
  done
done
[ $failed -eq 0 ] && echo "all ok" || echo "FAILED: the logs are in $LOGS"
exit $failed

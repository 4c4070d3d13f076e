#!/usr/bin/env bash
# Compile time, library size and latency (1 and 2 threads) of every bundled model, as a
# markdown table. Each model is compiled afresh into a scratch directory (so compile time is
# real), checked against the reference, then timed by `netc bench` (median of >= 30 runs).
#   bench/models.sh [--runs N] [model ...]      (default: every models/*.json)
# Needs tools/build.sh first. Takes a few minutes (Xception's reference check is the slowest).
set -euo pipefail
cd "$(dirname "$0")/.."
NETC=build/compiler/netc
RUNS=50
if [[ "${1:-}" == "--runs" ]]; then RUNS=$2; shift 2; fi
MODELS=("$@")
if [[ ${#MODELS[@]} -eq 0 ]]; then
  for f in models/*.json; do MODELS+=("$(basename "$f" .json)"); done
fi
[[ -x $NETC ]] || { echo "build netc first: tools/build.sh" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

kib() { echo $(( ($1 + 1023) / 1024 )); }
median_ms() { sed -n 's/^latency: median \([0-9.]*\) ms.*/\1/p'; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u +%Y-%m-%d)"
echo
echo "| model | compile (s) | lib<model>.a: file (code + constant data) | median 1 thread (ms) | median 2 threads (ms) |"
echo "|---|---|---|---|---|"
for m in "${MODELS[@]}"; do
  spec=models/$m.json
  start=$(date +%s%N)
  $NETC compile "$spec" --generated-dir "$OUT" --quiet > /dev/null
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  dir=$OUT/$m/host
  lib=$(stat -c %s "$dir/lib$m.a")
  # Weights are embedded as constant data: code is the .text* sections, weights the rest.
  text=$(size -A "$dir/lib$m.a" | awk '$1 ~ /^\.text/ {s += $2} END {print s + 0}')
  data=$(size -A "$dir/lib$m.a" | awk '$1 ~ /^\.(l?rodata|l?data)/ {s += $2} END {print s + 0}')
  one=$($NETC bench "$spec" --generated-dir "$OUT" --threads 1 --runs "$RUNS" | median_ms)
  two=$($NETC bench "$spec" --generated-dir "$OUT" --threads 2 --runs "$RUNS" | median_ms)
  printf '| %s | %d.%d | %s KiB (%s KiB + %s KiB) | %s | %s |\n' "$m" $((ms / 1000)) $((ms % 1000 / 100)) "$(kib "$lib")" "$(kib "$text")" \
    "$(kib "$data")" "$one" "$two"
done
echo
echo "runtime, linked once per app: libnetc_runtime.a $(kib "$(stat -c %s build/runtime/libnetc_runtime.a)") KiB," \
     "libhalide_runtime.a $(kib "$(stat -c %s "$(ls "$OUT"/runtime/*/libhalide_runtime.a | head -1)")") KiB"

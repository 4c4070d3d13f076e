#!/usr/bin/env bash
# Fuzzes one of netc's loaders with libFuzzer (docs/reliability.md).
#
#   tools/fuzz.sh TARGET SECONDS             build the sanitizer preset's fuzz_TARGET, fuzz
#   tools/fuzz.sh --cpu TARGET SECONDS       fuzz until the fuzzer has had SECONDS of CPU (a shared machine)
#   tools/fuzz.sh --jobs 2 onnx 3600         two processes (libFuzzer -fork; ~1.1 cores of 2 here: prefer one target per core)
#   tools/fuzz.sh --list                     the targets
#   tools/fuzz.sh --seed 1 --runs 10000 --fresh spec 60   a repeatable run: a fixed seed, at most 10000
#                                            executions from the seeds alone (SECONDS caps it): the test
#                                            command's, so that CI finds what a run here finds
#
# The corpus grows in build-sanitize/fuzz/TARGET/corpus across runs, seeded from the files
# tests/fuzz/seeds.txt names. A crash leaves its input in .../TARGET/crashes/; keep it as a
# regression test by copying it to tests/fuzz/regressions/TARGET/. The last line says what
# was run: wall and CPU seconds, executions, coverage, corpus size and crashes; exit 1 if
# there were crashes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
targets="spec onnx safetensors npy image tfjs"
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }

binary="" work="" jobs=1 cpu_budget=0 seed="" runs="" fresh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --cpu) cpu_budget=1; shift ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --list) echo "$targets"; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fuzz.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then usage >&2; exit 2; fi
target="$1" seconds="$2"
case " $targets " in *" $target "*) ;; *) echo "fuzz.sh: unknown target '$target' (targets: $targets)" >&2; exit 2 ;; esac
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;; esac
case "$jobs" in ''|*[!0-9]*|0) echo "fuzz.sh: --jobs must be a positive number, got '$jobs'" >&2; exit 2 ;; esac
case "$seed$runs" in *[!0-9]*) echo "fuzz.sh: --seed and --runs take whole numbers" >&2; exit 2 ;; esac
if [ "$cpu_budget" = 1 ] && [ "$jobs" -gt 1 ]; then echo "fuzz.sh: --cpu counts one process's CPU: use it without --jobs" >&2; exit 2; fi

if [ -z "$binary" ]; then
  echo "== building fuzz_$target (sanitizer preset, build-sanitize/)"
  cmake --preset sanitize -S "$root" > /dev/null
  cmake --build "$root/build-sanitize" --target "fuzz_$target" -j"$(nproc)" > /dev/null
  binary="$root/build-sanitize/tests/fuzz_$target"
fi
[ -n "$work" ] || work="$root/build-sanitize/fuzz/$target"
[ "$fresh" = 1 ] && rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/crashes"

# libFuzzer reads corpora from folders: the seeds are gathered into one, afresh each run.
rm -rf "$work/seeds" && mkdir -p "$work/seeds"
while read -r t path; do
  [ "$t" = "$target" ] || continue
  case "$path" in /*) ;; *) path="$root/$path" ;; esac
  # Files of a folder and of its folders (ONNX's node tests are test_*/model.onnx), each
  # named after its path so that none overwrites another.
  find "$path" -maxdepth 2 -type f | while read -r f; do cp "$f" "$work/seeds/$(echo "${f#/}" | tr / _)"; done
done < <(grep -E '^[a-z]' "$root/tests/fuzz/seeds.txt")

# What counts as a crash: libFuzzer's crash-, leak-, timeout- and oom- artifacts, not its
# slow-unit- ones (a unit past -report_slow_units, which on a loaded machine is starvation:
# one found at 10 s ran in 0.2 s of CPU alone).
count_crashes() { find "$work/crashes" -type f ! -name 'slow-unit-*' | wc -l; }
before=$(count_crashes)
log="$work/last_run.log"
fork=()
[ "$jobs" -gt 1 ] && fork=(-fork="$jobs" -ignore_crashes=1)
[ -n "$seed" ] && fork+=(-seed="$seed")
[ -n "$runs" ] && fork+=(-runs="$runs")
# The loaders take well under a second on any input; 120 s (wall) is a hang even on a loaded
# machine. (10 s, then 30 s, gave false timeouts: a fuzzer at nice 19 beside a build or a test
# run gets a few per cent of a core, and an input of 6 CPU s under ASan took 38 s of wall time.)
# CPU time of the fuzzer processes (the children's user + system time, from `times`): on a
# shared machine wall time says little about how much fuzzing was done.
children_cpu() {
  times > "$work/times.txt"  # not in $(...): a subshell has no children of its own
  tail -1 "$work/times.txt" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}
: > "$log"
cpu=0
while :; do
  # With --cpu, each round asks for the CPU still owed as wall time (a process gets at most
  # a second of CPU a second), resuming from the corpus the previous rounds grew.
  round=$seconds
  if [ "$cpu_budget" = 1 ]; then round=$((seconds - cpu)); [ "$round" -lt 10 ] && round=10; fi
  "$binary" -max_total_time="$round" -timeout=120 -report_slow_units=120 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    "${fork[@]}" -artifact_prefix="$work/crashes/" "$work/corpus" "$work/seeds" >> "$log" 2>&1 || true
  children_cpu > "$work/cpu.txt"; cpu=$(cat "$work/cpu.txt")
  [ "$cpu_budget" = 1 ] || break
  [ "$(count_crashes)" -eq "$before" ] || break
  [ "$cpu" -lt "$seconds" ] || break
done
after=$(count_crashes)
crashes=$((after - before))

execs=$( (grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" || true) | awk '{s+=$NF} END {print s+0}')
cov=$( (grep -oE 'cov: [0-9]+' "$log" || true) | tail -1 | awk '{print $2+0}')
ft=$( (grep -oE 'ft: [0-9]+' "$log" || true) | tail -1 | awk '{print $2+0}')
corpus=$(find "$work/corpus" -type f | wc -l)
if [ "$jobs" -gt 1 ]; then
  # In fork mode the children's final stats stay in their own logs; the parent's status lines
  # ("#N: cov: ... oom/timeout/crash: a/b/c") carry the running totals of all of them.
  execs=$( (grep -oE '^#[0-9]+:' "$log" || true) | tail -1 | tr -dc '0-9')
  failed=$( (grep -oE 'oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+' "$log" || true) | tail -1 | awk -F'[ /]' '{print $4 + $5 + $6}')
  [ "${failed:-0}" -gt "$crashes" ] && crashes=$failed
fi
if grep -qE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|libFuzzer)|runtime error:|deadly signal|uncaught' "$log" && [ "$crashes" -eq 0 ]; then
  crashes=1  # a report without an artifact (e.g. in fork mode) still counts
fi
what="${seconds} s x $jobs"
[ "$cpu_budget" = 1 ] && what="until ${seconds} CPU s, $(grep -c 'Done [0-9]* runs' "$log" || true) rounds"
echo "fuzz $target: $what (${cpu} CPU s), ${execs:-0} executions, cov ${cov:-0}, ft ${ft:-0}, corpus $corpus inputs, $crashes crashes (log: $log)"
if [ "$crashes" -gt 0 ]; then
  grep -m5 -E 'ERROR|runtime error|SUMMARY|uncaught' "$log" >&2 || true
  echo "inputs in $work/crashes/; keep each under tests/fuzz/regressions/$target/" >&2
  exit 1
fi

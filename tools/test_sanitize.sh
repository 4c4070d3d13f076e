#!/usr/bin/env bash
# The sanitizer half of the test suite (docs/reliability.md): netc built with clang under
# AddressSanitizer + UndefinedBehaviorSanitizer (CMakePresets.json "sanitize", in
# build-sanitize/), running the fast tests, the kept fuzz inputs and a short libFuzzer run of
# every loader. tools/test.sh runs it after the release suite; alone, it assumes
# tools/install_deps.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== building the sanitizer preset (log: build-sanitize.log)"
if ! cmake --preset sanitize > build-sanitize.log 2>&1 ||
   ! cmake --build build-sanitize -j"$(nproc)" >> build-sanitize.log 2>&1; then
  tail -n 60 build-sanitize.log
  echo "sanitizer build failed; the whole log is in build-sanitize.log" >&2
  exit 1
fi
cd build-sanitize
# Any report fails its test: UBSan stops at the first, ASan always does. Leaks are checked in
# the fuzz runs (the loaders), not in tests that JIT Halide code (LLVM keeps its allocations).
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
ctest -j"$(nproc)" --output-on-failure --timeout 1200

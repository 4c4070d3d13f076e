#!/usr/bin/env bash
# Configures and builds netc (and the bundled models the tests link) into build/.
# The full log is in build.log; on failure its tail is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== building netc (log: build.log)"
if ! cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 ||
   ! cmake --build build -j"$(nproc)" >> build.log 2>&1; then
  tail -n 60 build.log
  echo "build failed; the whole log is in build.log" >&2
  exit 1
fi
grep -E "netc compile" build.log || true

#!/usr/bin/env bash
# Configures and builds netc (and the bundled models the tests link) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" 2>&1 | tee -a build.log | grep -E "netc compile|error|Error|Built target netc$" || true
test "${PIPESTATUS[0]}" -eq 0

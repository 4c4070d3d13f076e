#!/usr/bin/env bash
# The whole test suite: install, build (which compiles the bundled models once), run ctest;
# then the sanitizer half (tools/test_sanitize.sh: ASan + UBSan build, fast tests, short
# fuzz runs; docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh
(cd build && ctest -j"$(nproc)" --output-on-failure --timeout 1200)
tools/test_sanitize.sh

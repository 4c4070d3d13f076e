#!/bin/sh
# A runner for tests: it does what a device runner does (examples/runners/ssh_runner.sh), with
# a scratch directory for the board and the emulator given as its arguments for ssh:
#   netc check SPEC --target arm-64-linux --runner "tests/runners/copying_qemu_runner.sh qemu-aarch64 -cpu cortex-a72"
# netc runs `RUNNER ./PROGRAM ARGS...` from the working directory; this copies that directory
# away, runs the program there, copies everything back and exits with the program's code.
set -u
device=$(mktemp -d "${TMPDIR:-/tmp}/netc_fake_board.XXXXXX") || exit 1
trap 'rm -rf "$device"' EXIT
cp -R . "$device/" || exit 1
here=$(pwd)
(cd "$device" && "$@")
rc=$?
cp -R "$device/." "$here/" || exit 1
exit $rc

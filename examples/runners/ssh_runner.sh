#!/usr/bin/env bash
# Runs netc's code on a board over ssh: netc run/check/bench --runner "examples/runners/ssh_runner.sh pi@raspberrypi.local"
#
# netc runs `ssh_runner.sh HOST ./PROGRAM ARGS...` from a working directory that holds everything
# PROGRAM needs (the statically linked <model>_runner and its input). This script copies that
# directory to a fresh directory on HOST, runs the program there (its standard output and error
# come back through ssh), copies the directory back with the outputs the program wrote, removes
# the remote copy and exits with the program's exit code. It needs ssh and scp with key-based
# login (no password prompt: netc reads the program's output, not a terminal). docs/targets.md.
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 [user@]host ./PROGRAM [ARGS...]" >&2
  exit 2
fi
host=$1
shift
remote=$(ssh -o BatchMode=yes "$host" 'mktemp -d /tmp/netc_run.XXXXXX') || { echo "ssh_runner: cannot reach $host" >&2; exit 255; }
trap 'ssh -o BatchMode=yes "$host" "rm -rf $remote"' EXIT
scp -q -o BatchMode=yes -r ./. "$host:$remote/" || { echo "ssh_runner: cannot copy to $host:$remote" >&2; exit 255; }
# The program and its arguments, quoted for the remote shell.
ssh -o BatchMode=yes "$host" "cd $remote && $(printf '%q ' "$@")"
rc=$?
scp -q -o BatchMode=yes -r "$host:$remote/." ./ || { echo "ssh_runner: cannot copy the outputs back from $host" >&2; exit 255; }
exit $rc

#!/bin/sh
# Fuzzes a libFuzzer target for a fixed number of seconds, starting from the committed corpus.
# New inputs go to a temporary directory, never into the source tree; a crash fails the test and
# leaves its reproducer in the log. Usage: run_budget.sh TARGET CORPUS SECONDS
set -eu
target=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/" \
  "$work" "$corpus"

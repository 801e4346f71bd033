#!/bin/sh
# fuzz-long.sh: fuzzes every libFuzzer target for longer than CI does, for developers.
#
#   tests/fuzz/fuzz-long.sh [SECONDS_PER_TARGET] [JOBS]
#
# Defaults: 600 s a target, 2 jobs. Needs a clang build with libFuzzer (the default when
# CC=clang; BUILD names it, default build-test, the one scripts/test makes). Each target starts
# from its committed corpus (tests/fuzz/corpus/<name>) and writes what it finds to a work
# directory (WORK, default /tmp/paten-fuzz-<date>), never to the source tree: new inputs in
# WORK/<name>/corpus, crashes in WORK/<name>/ as crash-* (with each job's log, fuzz-*.log). At
# the end it says which targets
# crashed and how to fold the new inputs into the committed corpus, minimised:
#
#   BUILD/tests/fuzz/fuzz_<name> -merge=1 tests/fuzz/corpus/<name> WORK/<name>/corpus
#
# adds to the committed corpus only those new inputs that cover something it does not; replay it
# (meson test fuzz-<name>-replay fuzz-dispatch-replay) and commit. Keep the committed corpora
# small (a few KB a family): the dispatch replay sends every entry to every role.
set -eu

seconds=${1:-600}
jobs=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../../build-test}
work=${WORK:-/tmp/paten-fuzz-$(date +%Y%m%d-%H%M%S)}
targets="frame system people catalog files assess money"

if [ ! -x "$build/tests/fuzz/fuzz_frame" ]; then
  echo "no libFuzzer targets in $build/tests/fuzz: configure a clang build (CC=clang meson setup" \
    "$build) and build it first, or set BUILD" >&2
  exit 2
fi
mkdir -p "$work"
crashed=""
for t in $targets; do
  exe=$build/tests/fuzz/fuzz_$t
  mkdir -p "$work/$t/corpus"
  echo "fuzz_$t: $seconds s with $jobs jobs, corpus $work/$t/corpus"
  # -jobs/-workers run independent fuzzers sharing the corpus directory; each stops at the time.
  (cd "$work/$t" && "$exe" -max_total_time="$seconds" -jobs="$jobs" -workers="$jobs" \
      -artifact_prefix="$work/$t/" -print_final_stats=1 \
      "$work/$t/corpus" "$here/corpus/$t") >"$work/$t/run.log" 2>&1 || true
  if ls "$work/$t"/crash-* "$work/$t"/leak-* "$work/$t"/timeout-* "$work/$t"/oom-* \
      >/dev/null 2>&1; then
    crashed="$crashed $t"
  fi
  echo "  new inputs: $(ls "$work/$t/corpus" | wc -l)"
done

echo
if [ -n "$crashed" ]; then
  echo "CRASHES in:$crashed (reproduce: $build/tests/fuzz/fuzz_<name> $work/<name>/crash-...;"
  echo "once fixed, add the input to tests/fuzz/corpus/<name>/ as a regression seed)"
fi
echo "To add the new inputs of a target that add coverage to its committed corpus:"
echo "  $build/tests/fuzz/fuzz_<name> -merge=1 $here/corpus/<name> $work/<name>/corpus"
[ -z "$crashed" ]

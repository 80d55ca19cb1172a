#!/usr/bin/env bash
# fuzz/run.sh NAME SECONDS [BINARY]
# Runs one libFuzzer harness for SECONDS on a scratch copy of its seed corpus
# (the committed corpus is never modified). Builds the fuzz preset if needed.
# On a crash, leak or timeout the failing inputs are kept in
# fuzz/artifacts/NAME/ (not tracked) and printed, and the exit status is the
# fuzzer's.
set -uo pipefail
name=${1:?usage: fuzz/run.sh NAME SECONDS [BINARY]}
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
bin=${3:-$here/../build/fuzz/fuzz/fuzz_$name}
if [ ! -x "$bin" ]; then
  (cd "$here/.." && cmake --preset fuzz >/dev/null && cmake --build --preset fuzz --target "fuzz_$name") || exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
if [ -d "$here/corpus/$name" ]; then cp -r "$here/corpus/$name/." "$work/corpus/"; fi
"$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
status=$?
tail -n 25 "$work/log"
if [ "$status" -ne 0 ]; then
  keep="$here/artifacts/$name"
  mkdir -p "$keep"
  cp "$work"/artifacts/* "$keep/" 2>/dev/null || true
  echo "fuzz_$name: FAILED (exit $status); failing inputs kept in $keep:"
  for f in "$keep"/*; do
    [ -f "$f" ] || continue
    echo "--- $f"; od -An -c "$f" | head -20
  done
  exit "$status"
fi
echo "fuzz_$name: ok (${secs}s)"

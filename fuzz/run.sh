#!/usr/bin/env bash
# fuzz/run.sh NAME SECONDS [BINARY]
# Runs one libFuzzer harness for SECONDS on a scratch copy of its seed corpus
# (the committed corpus is never modified). Builds the fuzz preset if needed.
set -euo pipefail
name=${1:?usage: fuzz/run.sh NAME SECONDS [BINARY]}
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
bin=${3:-$here/../build/fuzz/fuzz/fuzz_$name}
if [ ! -x "$bin" ]; then
  (cd "$here/.." && cmake --preset fuzz >/dev/null && cmake --build --preset fuzz --target "fuzz_$name")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
if [ -d "$here/corpus/$name" ]; then cp -r "$here/corpus/$name/." "$work/corpus/"; fi
"$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" 2>&1 | tail -n 25
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "fuzz_$name: FAILED (exit $status); crash inputs:"; ls -1 "$work"/crash-* "$work"/leak-* 2>/dev/null || true
  for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do [ -f "$f" ] && od -An -c "$f" | head -20; done
  exit "$status"
fi
echo "fuzz_$name: ok (${secs}s)"

#!/usr/bin/env bash
# Builds everything and runs every test:
#   1. dev preset (Debug, ASan + UBSan): unit, vector, interop and port tests
#   2. release preset (-Os): the same tests without sanitizers, plus the
#      Python bindings (pytest), moat-bench smoke run, examples, the
#      Doxygen docs (warnings fail) and the install/find_package test
#   3. fuzz preset (clang + libFuzzer): every harness for a few seconds
# Usage: scripts/test.sh [--vectors DIR] [--jobs N]
# With --vectors, a missing vector directory fails the run (CI passes it).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
vec_args=()
jobs=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
  case "$1" in
    --vectors) d=$(cd "$2" 2>/dev/null && pwd) || { echo "test.sh: vector dir '$2' not found" >&2; exit 1; }
               vec_args=(-DMOAT_VECTOR_DIR="$d" -DMOAT_REQUIRE_VECTORS=ON); shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "usage: scripts/test.sh [--vectors DIR] [--jobs N]" >&2; exit 2 ;;
  esac
done
scripts/deps.sh

total_pass=0; total_fail=0
run_ctest() { # preset
  local log; log=$(mktemp)
  set +e
  ctest --preset "$1" -j"$jobs" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local line; line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$log" | tail -1)
  local failed total
  failed=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$line")
  total_pass=$((total_pass + ${total:-0} - ${failed:-0})); total_fail=$((total_fail + ${failed:-0}))
  rm -f "$log"
  return "$rc"
}

status=0
for preset in dev release fuzz; do
  echo "=== moat: $preset ==="
  cmake --preset "$preset" "${vec_args[@]}" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  run_ctest "$preset" || status=1
done
echo "=== moat: all presets ==="
echo "total: ${total_pass} passed, ${total_fail} failed"
exit "$status"

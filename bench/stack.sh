#!/bin/sh
# Largest per-function stack frames of libmoat, from GCC's -fstack-usage
# output (.su files). Frames only: a call chain's peak is the sum along the
# chain; moat-bench measures whole-operation peaks by stack painting.
# Usage:
#   cmake -S . -B /tmp/su -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_C_FLAGS=-fstack-usage \
#         -DMOAT_BUILD_PYTHON=OFF -DMOAT_BUILD_TESTS=OFF
#   cmake --build /tmp/su --target moat
#   bench/stack.sh /tmp/su [N]
set -eu
dir=${1:?usage: stack.sh BUILD_DIR [N]}
n=${2:-15}
find "$dir/CMakeFiles/moat_objs.dir" -name '*.su' -exec cat {} + |
  awk -F '\t' '{ f = $1; sub(/^.*\/src\//, "src/", f); printf "%7d  %-16s %s\n", $2, $3, f }' |
  sort -rn | head -n "$n"

#!/bin/sh
# Code size of libmoat.a: text+data+bss per object file (Berkeley format of
# binutils `size`), per module, and the total. Usage:
#   bench/size.sh path/to/libmoat.a [size-tool]
# Build with -DCMAKE_BUILD_TYPE=MinSizeRel for the figures in docs/bench.md;
# cross builds pass their own tool (e.g. arm-none-eabi-size).
set -eu
lib=${1:?usage: size.sh libmoat.a [size-tool]}
tool=${2:-size}
"$tool" -B "$lib" | awk '
  NR == 1 { next }                       # header line
  $1 ~ /^[0-9]+$/ {
    text = $1; data = $2; bss = $3; obj = $6
    sub(/ \(ex .*/, "", obj)
    mod = obj; sub(/\.c\.o(bj)?$/, "", mod)
    printf "%-22s text %7d data %5d bss %5d\n", obj, text, data, bss
    t += text; d += data; b += bss
  }
  END {
    printf "total text %d data %d bss %d\n", t, d, b
    printf "total text+data %d bytes (flash)\n", t + d
  }'

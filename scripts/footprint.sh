#!/usr/bin/env bash
# Code size and largest stack frames of the library for Cortex-M4
# (arm-none-eabi-gcc, -Os, the cortex-m4 preset), through bench/size.sh and
# bench/stack.sh. Usage: scripts/footprint.sh [N]   (N largest frames)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset cortex-m4 >/dev/null
cmake --build --preset cortex-m4 -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
echo "== code size: libmoat.a for Cortex-M4, -Os (arm-none-eabi-size)"
sh bench/size.sh build/cortex-m4/libmoat.a arm-none-eabi-size
echo "== largest stack frames (bytes; callees not included)"
sh bench/stack.sh build/cortex-m4 "${1:-15}"

#!/usr/bin/env bash
# The main job: build moat (release) and run the end-to-end device demo.
# Usage: scripts/demo.sh [STATE_DIR]   (default: a fresh temporary directory)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc 2>/dev/null || echo 2)" --target moat-demo
state=${1:-}
if [ -z "$state" ]; then state=$(mktemp -d); trap 'rm -rf "$state"' EXIT; fi
build/release/examples/moat-demo "$state"

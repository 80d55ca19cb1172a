#!/usr/bin/env bash
# Installs the Debian 12 packages moat needs, only those missing.
# Usage: scripts/deps.sh            (as root, or with sudo available)
set -euo pipefail
pkgs=(build-essential cmake pkg-config libbearssl-dev libcjson-dev libcmocka-dev
      swig python3-dev python3-pytest python3-jwcrypto python3-cryptography
      doxygen clang libclang-rt-14-dev openssl valgrind)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "moat: installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "moat: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

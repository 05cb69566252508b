#!/usr/bin/env bash
# Install the Debian packages zkmlops needs to build and test, if any are missing.
# Runs apt-get as root (directly, or through sudo when not root).
set -euo pipefail
pkgs=(gcc make libc6-dev libssl-dev libcjson-dev libcmocka-dev protobuf-c-compiler libprotobuf-c-dev
      libonnx-testdata chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present (${pkgs[*]})"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q "${missing[@]}"

#!/usr/bin/env bash
# Installs the native packages ControlRL needs on Debian 12 and builds the solution. Idempotent: apt-get runs
# only when a package is missing. Root runs apt-get directly; other users go through sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  libmujoco-dev          # MuJoCo 2.2.2 (libmujoco.so.2.2.2 + headers for the binding generator)
  g++                    # binding generator, native shims
  libbox2d-dev           # Box2D 2.4.1 (C++) behind the BipedalWalker shim
  libegl1 libegl-mesa0 libgl1-mesa-dri   # offscreen rendering (EGL surfaceless, llvmpipe)
  libgtk-3-0             # OpenCvSharp4's native runtime
  fontconfig fonts-dejavu-core           # text in learning-curve plots
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2
  exit 1
fi

if [ "${CONTROLRL_SKIP_BUILD:-0}" != "1" ]; then
  dotnet build ControlRL.sln -c Release -nologo -v quiet "$@"
fi

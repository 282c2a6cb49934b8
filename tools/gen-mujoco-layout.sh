#!/usr/bin/env bash
# Regenerates envs/ControlRL.Envs.MuJoCo/Native/MjLayout.g.cs (mjModel/mjData field layout) from the installed
# MuJoCo headers (libmujoco-dev, /usr/include/mujoco). Usage: tools/gen-mujoco-layout.sh [output-file]
# (default: the checked-in file). Needs gcc; only the headers are used, nothing is linked.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/envs/ControlRL.Envs.MuJoCo/Native/Generator/mjxgen.c"
out="${1:-$root/envs/ControlRL.Envs.MuJoCo/Native/MjLayout.g.cs}"
include="${MUJOCO_INCLUDE:-/usr/include}"

if [ ! -f "$include/mujoco/mjxmacro.h" ]; then
  echo "gen-mujoco-layout: $include/mujoco/mjxmacro.h not found; run tools/setup.sh (libmujoco-dev)" >&2
  exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gcc -std=c11 -O0 -Wall -Wextra -Werror -I"$include" "$src" -o "$tmp/mjxgen"
"$tmp/mjxgen" >"$tmp/MjLayout.g.cs"
mv "$tmp/MjLayout.g.cs" "$out"

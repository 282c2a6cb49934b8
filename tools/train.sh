#!/usr/bin/env bash
# README's first command: set up, then train (default: HalfCheetah-v5 with RL-Zoo's tuned PPO values from
# configs/ppo/HalfCheetah-v5.yaml, 1M steps, seed 1).
# Any arguments go to `controlrl train`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
exec dotnet tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll train "$@"

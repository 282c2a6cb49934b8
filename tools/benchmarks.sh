#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: throughput benchmarks, then 1M-step learning curves (3 seeds) and their plots.
# Usage: tools/benchmarks.sh [throughput|learning|walker|all]
#   learning: MuJoCo curves, about an hour on 2 cores; walker: BipedalWalker-v3 5M steps and the Stump Tracks
#   curriculum comparison, about 45 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
C="dotnet tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll"
what="${1:-all}"
out=benchmarks-out
mkdir -p "$out"

if [ "$what" = throughput ] || [ "$what" = all ]; then
  $C bench env HalfCheetah-v5 --threads 1,2 --steps 200000 | tee "$out/bench_env_halfcheetah.txt"
  $C bench ppo HalfCheetah-v5 --config configs/baselines/cleanrl_ppo_continuous.yaml --updates 10 | tee "$out/bench_ppo_cleanrl.txt"
  $C bench ppo HalfCheetah-v5 --updates 10 | tee "$out/bench_ppo_halfcheetah_default.txt"
  $C bench env BipedalWalker-v3 --threads 1,2 --steps 100000 | tee "$out/bench_env_bipedalwalker.txt"
  $C bench ppo BipedalWalker-v3 --updates 1 | tee "$out/bench_ppo_bipedalwalker.txt"
fi

if [ "$what" = walker ] || [ "$what" = all ]; then
  $C train --env BipedalWalker-v3 --seed 1 --no-progress --run-dir "$out/walker"
  $C eval "$out"/walker/* --episodes 10
  for seed in 1 2; do for teacher in alp-gmm random; do
    $C train --env StumpTracks-v0 --curriculum "$teacher" --seed "$seed" --total-timesteps 3000000 --no-progress \
      --run-dir "$out/stumps-$teacher"
  done; done
  for run in "$out"/stumps-*/*; do $C eval "$run" --all-checkpoints --test-tasks 50 --mastered 230; done
fi

if [ "$what" = learning ] || [ "$what" = all ]; then
  for seed in 1 2 3; do
    $C train --env HalfCheetah-v5 --seed "$seed" --no-progress --run-dir "$out/halfcheetah"
    $C train --env HalfCheetah-v5 --seed "$seed" --no-progress --run-dir "$out/halfcheetah-cleanrl" \
      --config configs/baselines/cleanrl_ppo_continuous.yaml
    $C train --env Hopper-v5 --seed "$seed" --no-progress --run-dir "$out/hopper"
  done
  $C plot "$out"/halfcheetah/* --out "$out/halfcheetah.png" --title "HalfCheetah-v5, default config (RL-Zoo values), 3 seeds"
  $C plot "$out"/halfcheetah-cleanrl/* --out "$out/halfcheetah-cleanrl.png" --title "HalfCheetah-v5, CleanRL defaults, 3 seeds"
  $C plot "$out"/hopper/* --out "$out/hopper.png" --title "Hopper-v5, default config (CleanRL defaults), 3 seeds"
fi

#!/usr/bin/env bash
# Regenerates BENCHMARKS.md's learning-curve figures and table numbers from the raw data committed under
# docs/benchmarks/ alone (no training, no evaluation): `controlrl plot` draws each figure and prints each run's
# last-10-episode return and the mean ± sample std; tools/bench/learning_summary.py writes the per-seed table of
# the 1M-step MuJoCo runs (docs/benchmarks/learning_1m.csv, with the eval numbers from each run's eval.json).
# Usage: tools/bench/figures.sh [learning|carracing|all]   (default: all)
# BENCH_DATA=<dir> reads the run folders from <dir> and writes the figures there instead of docs/benchmarks (what
# tools/benchmarks.sh learning does with fresh runs). The raw data itself comes from tools/benchmarks.sh
# learning|carracing: training, then tools/bench/keep_run.sh per run.
set -euo pipefail
cd "$(dirname "$0")/../.."
dll=tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll
[ -f "$dll" ] || tools/setup.sh
C="dotnet $dll"
what="${1:-all}"
b="${BENCH_DATA:-docs/benchmarks}"

seeds() { find "$1" -mindepth 2 -maxdepth 2 -name progress.csv | wc -l; }

if [ "$what" = learning ] || [ "$what" = all ]; then
  sections=()
  if [ -d $b/halfcheetah ]; then
    $C plot $b/halfcheetah/* --out $b/halfcheetah-v5.png \
      --title "HalfCheetah-v5, default config (RL-Zoo values), $(seeds $b/halfcheetah) seeds"
    sections+=($b/halfcheetah)
  fi
  if [ -d $b/halfcheetah-cleanrl ]; then
    $C plot $b/halfcheetah-cleanrl/* --out $b/halfcheetah-v5-cleanrl.png \
      --title "HalfCheetah-v5, CleanRL defaults, $(seeds $b/halfcheetah-cleanrl) seeds"
    sections+=($b/halfcheetah-cleanrl)
  fi
  if [ -d $b/hopper ]; then
    $C plot $b/hopper/* --out $b/hopper-v5.png \
      --title "Hopper-v5, default config (CleanRL defaults), $(seeds $b/hopper) seeds"
    sections+=($b/hopper)
  fi
  python3 tools/bench/learning_summary.py $b/learning_1m.csv "${sections[@]}"
fi

if [ "$what" = carracing ] || [ "$what" = all ]; then
  $C plot $b/carracing/* --out $b/carracing-v3.png --title "CarRacing-v3 from pixels, PPO (Nature-CNN, Beta head), $(seeds $b/carracing) seeds"
  $C plot $b/carracing/* --eval --last 5 --out $b/carracing-v3-eval.png \
    --title "CarRacing-v3: deterministic eval, 10 episodes per checkpoint, $(seeds $b/carracing) seeds"
fi

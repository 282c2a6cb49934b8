#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: throughput benchmarks, then 1M-step learning curves (3 seeds) and their plots.
# Usage: tools/benchmarks.sh [throughput|learning|walker|stack|carracing|all]; results go to benchmarks-out/.
# The figures and tables from the raw data committed in docs/benchmarks/, without training: tools/bench/figures.sh.
#   learning: MuJoCo curves, about an hour on 2 cores (trainings, then benchmarks-out/data/<section>/<run>/ in the
#   layout of docs/benchmarks/, then tools/bench/figures.sh on that data).
#   walker: BipedalWalker-v3 5M steps x 3 seeds and the Stump Tracks curriculum comparison (2 teachers x 3 seeds x
#   15M steps), about 3 hours.
#   stack: this build against the commit before typed observations (BASE, default 3368c2f), the same-seed
#   HalfCheetah curve of both, the CarRacing env and the CNN update against Debian's PyTorch (a few minutes).
#   carracing: PPO from pixels on CarRacing-v3, 2 seeds (CARRACING_STEPS, default 1M agent steps, about 1.5 hours
#   per seed alone on 2 cores), eval of every checkpoint and the curves. BENCHMARKS.md's runs used
#   CARRACING_STEPS=3000000 and were stopped after 901,120 steps.
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
  $C bench env StumpTracks-v0 --threads 1,2 --steps 100000 | tee "$out/bench_env_stumptracks.txt"
  $C bench ppo BipedalWalker-v3 --updates 1 | tee "$out/bench_ppo_bipedalwalker.txt"
fi

if [ "$what" = walker ] || [ "$what" = all ]; then
  for seed in 1 2 3; do
    $C train --env BipedalWalker-v3 --seed "$seed" --no-progress --run-dir "$out/walker"
  done
  for run in "$out"/walker/*; do $C eval "$run" --episodes 10; done
  # Curriculum comparison: ALP-GMM vs Random on Stump Tracks, 3 seeds each, then % of the 50 test tasks mastered
  # at every checkpoint and the mean ± std curves. STUMP_STEPS sets the budget (BENCHMARKS.md: 15M).
  for seed in 1 2 3; do for teacher in alp-gmm random; do
    $C train --env StumpTracks-v0 --curriculum "$teacher" --seed "$seed" --total-timesteps "${STUMP_STEPS:-15000000}" \
      --set checkpoint_every=10 --no-progress --run-dir "$out/stumps-$teacher"
  done; done
  for run in "$out"/stumps-*/*; do $C eval "$run" --all-checkpoints --test-tasks 50 --mastered 230; done
  $C plot "$out"/stumps-*/* --eval --last 5 --out "$out/stumptracks-mastered.png" --title "Stump Tracks: % of 50 test tasks mastered, 3 seeds"
fi

if [ "$what" = learning ] || [ "$what" = all ]; then
  for seed in 1 2 3; do
    $C train --env HalfCheetah-v5 --seed "$seed" --no-progress --run-dir "$out/halfcheetah"
    $C train --env HalfCheetah-v5 --seed "$seed" --no-progress --run-dir "$out/halfcheetah-cleanrl" \
      --config configs/baselines/cleanrl_ppo_continuous.yaml
    $C train --env Hopper-v5 --seed "$seed" --no-progress --run-dir "$out/hopper"
  done
  # Each run's raw data (config.yaml, progress.csv, eval.json of its final checkpoint) in docs/benchmarks' layout,
  # then the figures and the per-seed table from that data alone.
  for section in halfcheetah halfcheetah-cleanrl hopper; do
    for run in "$out/$section"/*/; do tools/bench/keep_run.sh "$run" "$out/data/$section"; done
  done
  BENCH_DATA="$out/data" tools/bench/figures.sh learning
fi

if [ "$what" = stack ] || [ "$what" = all ]; then
  base="${BASE:-3368c2f}"
  tools/bench/compare_builds.sh "$base" "$out/compare_builds.csv"
  # Same seed, same curve: every logged value but wall time and SPS must agree with the base build's.
  wt="$(mktemp -d)/base"; git worktree add -q --detach "$wt" "$base"
  (cd "$wt" && dotnet build tools/ControlRL.Cli -c Release -nologo -v quiet >/dev/null)
  dotnet "$wt/tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll" train --env HalfCheetah-v5 --seed 1 \
    --total-timesteps 20480 --no-progress --run-dir "$out/same-seed/base"
  git worktree remove --force "$wt"
  $C train --env HalfCheetah-v5 --seed 1 --total-timesteps 20480 --no-progress --run-dir "$out/same-seed/new"
  python3 tools/bench/same_curve.py "$out"/same-seed/base/*/progress.csv "$out"/same-seed/new/*/progress.csv
  $C bench env CarRacing-v3 --threads 1,2 --steps 20000 | tee "$out/carracing_env.txt"
  command -v /usr/bin/python3 >/dev/null && /usr/bin/python3 -c "import torch" 2>/dev/null \
    || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo; $SUDO apt-get install -y -qq python3-torch >/dev/null; }
  $C bench cnn --torch-python /usr/bin/python3 --head beta --rounds 3 | tee "$out/cnn_update.txt"
fi

if [ "$what" = carracing ] || [ "$what" = all ]; then
  for seed in 1 2; do
    $C train --env CarRacing-v3 --seed "$seed" --total-timesteps "${CARRACING_STEPS:-1000000}" --no-progress --run-dir "$out/carracing"
  done
  for run in "$out"/carracing/*; do $C eval "$run" --all-checkpoints --episodes 10; done
  for run in "$out"/carracing/*/; do tools/bench/keep_run.sh "$run" "$out/data/carracing"; done
  BENCH_DATA="$out/data" tools/bench/figures.sh carracing
fi

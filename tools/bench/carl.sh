#!/usr/bin/env bash
# BENCHMARKS.md "Driving with CaRL's reward": PPO trained on the built-in driving simulator, then benchmarked on the
# held-out suite (heldout36) as `controlrl eval --benchmark` scores any checkpoint.
#   tools/bench/carl.sh main [steps] [seeds]     CaRL's reward with the CPU preset (configs/ppo/Driving-v0.yaml)
#   tools/bench/carl.sh scaling [steps] [seeds]  CaRL's scaling finding: {CaRL reward, Roach's summed reward} x
#                                                {minibatch 256, minibatch 2048 (8x)}, same samples, same batch of 8,192
#   PARALLEL=1 tools/bench/carl.sh main|scaling  two runs at once, one torch thread each (main: the seeds; scaling: the
#                                                two rewards), logs in $RUNS/*.log
#   tools/bench/carl.sh tables                   tables and figures from the kept raw data alone (no training)
# Defaults: main 1,000,000 steps, seeds "1 2"; scaling 300,000 steps, seeds "1 2". Each run's config.yaml,
# progress.csv and heldout36 results (results.json, results.md) are kept under docs/benchmarks/carl-ppo/<group>/;
# checkpoints stay in $RUNS (default /tmp/carl-runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:-tables}
out=docs/benchmarks/carl-ppo
runs=${RUNS:-/tmp/carl-runs}
cli=tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl
[ -x "$cli" ] || tools/setup.sh >/dev/null

# train NAME GROUP ENV SEED STEPS [--set ...]: trains, benchmarks the final checkpoint on heldout36, keeps the raw data.
train() {
  local name=$1 group=$2 env=$3 seed=$4 steps=$5; shift 5
  local dest="$out/$group/${name}__${seed}"
  if [ -f "$dest/heldout36/results.json" ]; then echo "kept already: $dest"; return; fi
  mkdir -p "$runs/$group/$name"
  "$cli" train --env "$env" --seed "$seed" -t "$steps" --run-dir "$runs/$group/$name" --no-progress "$@"
  local run; run=$(ls -d "$runs/$group/$name"/*__"$seed"__* | tail -1)
  rm -rf "$dest"; mkdir -p "$dest"
  "$cli" eval --benchmark heldout36 --policy "$run" --out "$dest/heldout36" --num-envs 2 > /dev/null
  rm -rf "$dest/heldout36/videos"
  sed -E "s#(/[^ ]*)?/bin/Release/net10.0/linux-x64/configs/#configs/#g; s#$(pwd)/##g" "$run/config.yaml" > "$dest/config.yaml"
  cp "$run/progress.csv" "$dest/progress.csv"
  echo "kept $run -> $dest"
}

case "$what" in
  main)
    steps=${2:-1000000}; seeds=${3:-"1 2"}
    if [ "${PARALLEL:-0}" = 1 ]; then
      # One process per seed, one torch thread each, so the seeds share the cores instead of oversubscribing them.
      mkdir -p "$runs"
      for s in $seeds; do train carl main Driving-v0 "$s" "$steps" --set torch_threads=1 > "$runs/main-$s.log" 2>&1 & done
      wait
    else
      for s in $seeds; do train carl main Driving-v0 "$s" "$steps"; done
    fi
    ;;
  scaling)
    steps=${2:-300000}; seeds=${3:-"1 2"}
    mkdir -p "$runs"
    for s in $seeds; do
      # Same batch (16 envs x 512 steps = 8,192), same epochs, same samples: only the minibatch differs.
      for mb in 256 2048; do
        for reward in carl roach; do
          env=Driving-v0; [ "$reward" = roach ] && env=DrivingRoach-v0
          args=("$reward-mb$mb" scaling "$env" "$s" "$steps" --set num_minibatches=$((8192 / mb)) --set eval_every=100000)
          if [ "${PARALLEL:-0}" = 1 ]; then
            # The two rewards at once, one torch thread each (as main above).
            train "${args[@]}" --set torch_threads=1 > "$runs/scaling-$reward-mb$mb-$s.log" 2>&1 &
          else
            train "${args[@]}"
          fi
        done
        wait
      done
    done
    ;;
  tables) ;;
  *) echo "usage: tools/bench/carl.sh main|scaling|tables [steps] [seeds]" >&2; exit 2 ;;
esac
python3 tools/bench/carl_tables.py "$out" | tee "$out/tables.md"
for group in main scaling; do
  [ -d "$out/$group" ] || continue
  "$cli" plot "$out/$group"/* --tag benchmark/driving_score --out "$out/$group-driving-score.png" \
    --title "Driving score on the quick suite during training ($group)" > /dev/null
done

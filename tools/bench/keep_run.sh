#!/usr/bin/env bash
# Keeps the raw data of one finished training run for BENCHMARKS.md: evaluates its final checkpoint
# (10 deterministic episodes, seeds 0-9) and copies config.yaml, progress.csv (and eval_over_steps.csv when
# present) with the eval result (eval.json) into DEST/<env>__<algo>__<seed>/ (the run folder's name without its
# time stamp). Checkpoints, TensorBoard files and plots stay behind.
# Usage: tools/bench/keep_run.sh RUN_DIR DEST      e.g. tools/bench/keep_run.sh runs/Hopper-v5__ppo__1__2026... docs/benchmarks/hopper
set -euo pipefail
cd "$(dirname "$0")/../.."
C="dotnet tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll"
run="${1%/}"; dest="$2"
name="$(basename "$run" | sed -E 's/__[0-9]{8}-[0-9]{6}(-[0-9]+)?$//')"
out="$dest/$name"
mkdir -p "$out"
# eval prints one line per episode before the JSON document; keep the document, with the checkpoint path
# relative to the run folder.
$C eval "$run" --episodes 10 --json | sed -n '/^{/,$p' \
  | sed -E "s#\"checkpoint\": \".*/(checkpoints/[^\"]+)\"#\"checkpoint\": \"\\1\"#" > "$out/eval.json"
# config.yaml names the files it was resolved from with absolute paths; keep them relative to the repository.
sed -E "s#(/[^ ]*)?/bin/Release/net10.0/linux-x64/configs/#configs/#g; s#$(pwd)/##g" "$run/config.yaml" > "$out/config.yaml"
cp "$run/progress.csv" "$out/progress.csv"
[ -f "$run/eval_over_steps.csv" ] && cp "$run/eval_over_steps.csv" "$out/"
echo "kept $run -> $out ($(du -sh "$out" | cut -f1))"

#!/usr/bin/env bash
# Reproduces BENCHMARKS.md "Runs you can trust": offscreen rendering speed, the time to record a 1000-step
# episode video, the env-overhead ratio on one trajectory in thread CPU time, and the check that evaluation and
# videos during training leave the learning curve unchanged. Writes its raw outputs to docs/benchmarks/runs/
# (or OUT=...). About 5 minutes on 2 cores. The kill -9 fault test is separate: tools/faults/kill9_checkpoints.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
C="dotnet tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll"
OUT=${OUT:-docs/benchmarks/runs}
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Rendering: frames/s of IRenderable.Render alone, one thread.
{ $C bench render HalfCheetah-v5 --size 256 --frames 1000
  $C bench render HalfCheetah-v5 --size 480 --frames 300
  $C bench render BipedalWalker-v3 --size 600 --frames 1000 || true; } | tee "$OUT/render.txt"

# 2. A 1000-step HalfCheetah episode to .mp4 through eval --video (process start, policy, render, encode).
$C train --env HalfCheetah-v5 -t 2048 --set eval_every=0 --no-progress --run-dir "$work/runs" > /dev/null
run=$(ls -d "$work"/runs/*)
for size in 480x480 256x256; do
  start=$(date +%s.%N)
  $C eval "$run" --episodes 1 --video "$work/hc_$size.mp4" --video-size "$size" > "$work/eval.txt"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v z="$size" 'BEGIN { printf "video of a 1000-step HalfCheetah-v5 episode at %s: %.2f s wall\n", z, e - s }'
done | tee "$OUT/video.txt"

# 3. Env overhead: IEnv.Step against the raw mj_step loop on the same trajectory, in thread CPU time.
$C bench env HalfCheetah-v5 --threads 1 --steps 100000 | tee "$OUT/bench_env_halfcheetah.txt"

# 4. Evaluation and videos during training change nothing about learning: two 20,480-step runs, every logged
#    training value compared (eval/* columns and timing aside).
$C train --env HalfCheetah-v5 -t 20480 --set eval_every=0 --no-progress --run-dir "$work/a" > /dev/null
$C train --env HalfCheetah-v5 -t 20480 --set eval_every=4096 --set video_every=8192 --no-progress --run-dir "$work/b" > /dev/null
python3 - "$work" <<'PY' | tee "$OUT/same_curve_with_eval.txt"
import csv, glob, sys
def rows(d):
    path = glob.glob(f"{sys.argv[1]}/{d}/*/progress.csv")[0]
    out = []
    for r in csv.DictReader(open(path)):
        kept = {k: v for k, v in r.items() if v and not k.startswith("eval/") and k not in ("wall_time", "charts/SPS")}
        if len(kept) > 1: out.append(kept)
    return out
a, b = rows("a"), rows("b")
same = sum(x == y for x, y in zip(a, b))
print(f"training rows without evaluation: {len(a)}; with evaluation every 4,096 steps and videos: {len(b)}; identical: {same}")
print("same curve" if same == len(a) == len(b) else "DIFFERENT")
PY
cp "$(ls "$work"/b/*/progress.csv)" "$OUT/progress_with_eval.csv"
ls "$work"/b/*/videos | sed 's/^/video written during training: /' | tee -a "$OUT/same_curve_with_eval.txt"

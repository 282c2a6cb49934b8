#!/usr/bin/env bash
# Fault test: N times (default 200), kill -9 a training run at a random moment while it writes a checkpoint after
# every update, then resume it. Every resume must succeed from the newest valid checkpoint, and the run's
# progress.csv must never go back in steps. Kills that caught a checkpoint half-written (a hidden temp folder
# left behind) are counted.
#   tools/faults/kill9_checkpoints.sh [N] [env]        (default: 200 InvertedPendulum-v5; build the solution first)
# Prints a line per kill and a closing "passed"/"FAILED" line; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
TARGET=${1:-200}
ENV=${2:-InvertedPendulum-v5}
CLI="dotnet tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BATCH=128
# Small rollouts and a checkpoint per update: much of the wall time is spent in or near checkpoint writes.
SETS=(--set num_steps=$BATCH --set num_minibatches=2 --set update_epochs=2 --set checkpoint_every=1
      --set keep_checkpoints=3 --set eval_every=0 --set checkpoint_minutes=0)
max_step() { awk -F, 'NR > 1 && $1 + 0 > m { m = $1 + 0 } END { print m + 0 }' "$1" 2>/dev/null || echo 0; }
writes=0; kills=0; torn=0; fail=0; run=""
while [ "$kills" -lt "$TARGET" ]; do
  touch "$WORK/started"
  if [ -z "$run" ]; then
    $CLI train --env "$ENV" -t 100000000 --run-dir "$WORK" --no-progress "${SETS[@]}" >"$WORK/out.log" 2>&1 &
  else
    $CLI train --resume "$run" --no-progress >"$WORK/out.log" 2>&1 &
  fi
  pid=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", 1.5 + 2 * r / 32768 }')"   # a random moment 1.5-3.5 s in
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  kills=$((kills + 1))
  if grep -q "^error:" "$WORK/out.log"; then
    echo "kill $kills: the process had failed: $(grep '^error:' "$WORK/out.log")"; fail=1; break
  fi
  run=${run:-$(ls -d "$WORK/$ENV"__* 2>/dev/null | head -1)}
  if [ -z "$run" ] || ! grep -q "^run:" "$WORK/out.log"; then echo "kill $kills: killed during start-up"; continue; fi
  if [ -n "$(find "$run/checkpoints" -maxdepth 1 -name '.*.tmp-*' -newer "$WORK/started")" ]; then torn=$((torn + 1)); fi
  from=$(sed -n 's/^resume from: .*(step \([0-9,]*\)).*/\1/p' "$WORK/out.log" | tr -d ,)
  made=$(( ($(max_step "$run/progress.csv") - ${from:-0}) / BATCH ))   # updates done, each followed by a checkpoint write
  writes=$((writes + (made > 0 ? made : 0)))
  echo "kill $kills: resumed from step ${from:-0}, $made updates; $writes checkpoint writes, $torn kills mid-write so far; kept: $(ls "$run/checkpoints" | grep '^step_' | tr '\n' ' ')"
done
if [ "$fail" -eq 0 ] && [ -n "$run" ]; then
  # One last resume, one update to the end of a budget just past the newest valid checkpoint.
  newest=$(ls "$run/checkpoints" | grep '^step_' | sed 's/step_0*//' | sort -n | tail -1)
  if ! $CLI train --resume "$run" -t $((newest + BATCH)) >"$WORK/out.log" 2>&1; then
    echo "final resume FAILED: $(tail -3 "$WORK/out.log")"; fail=1
  fi
  if [ -n "$(find "$run/checkpoints" -maxdepth 1 -name '.*.tmp-*')" ]; then echo "a cut-short checkpoint write was not cleaned up: FAILED"; fail=1; fi
  back=$(awk -F, 'NR > 1 { if ($1 + 0 < last) bad++; last = $1 + 0 } END { print bad + 0 }' "$run/progress.csv")
  if [ "$back" -ne 0 ]; then echo "progress.csv goes back in steps $back times: FAILED"; fail=1; fi
fi
if [ "$fail" -eq 0 ]; then echo "passed: $kills kills ($torn of them mid-write), $writes checkpoint writes, every resume succeeded, progress.csv never goes back"; else echo "FAILED"; fi
exit "$fail"

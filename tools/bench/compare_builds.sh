#!/usr/bin/env bash
# Compares this checkout's build against another commit's build, measured in one run: the two builds take turns,
# ROUNDS times, on `bench env HalfCheetah-v5` (env overhead against the raw mj_step loop) and on `bench ppo
# HalfCheetah-v5` with CleanRL's configuration (end to end). Writes one CSV row per measurement and prints the
# median ratio new/old. Usage: tools/bench/compare_builds.sh <base-commit> [out.csv]   (ROUNDS=3 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
base="${1:?base commit}"
out="${2:-benchmarks-out/compare_builds.csv}"
rounds="${ROUNDS:-3}"
mkdir -p "$(dirname "$out")"
tools/setup.sh >/dev/null
wt="$(mktemp -d)/base"
git worktree add -q --detach "$wt" "$base"
trap 'git worktree remove --force "$wt"' EXIT
(cd "$wt" && dotnet build tools/ControlRL.Cli -c Release -nologo -v quiet >/dev/null)
NEW=tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll
OLD="$wt/tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll"
cfg=configs/baselines/cleanrl_ppo_continuous.yaml
echo "round,build,case,steps_per_second" > "$out"
for r in $(seq 1 "$rounds"); do
  for b in old new; do
    dll=$NEW; [ "$b" = old ] && dll=$OLD
    # Wall-clock steps/s: the last column, or third from last where the table has thread-CPU columns.
    dotnet "$dll" bench env HalfCheetah-v5 --steps 100000 --threads 1 | awk -v r="$r" -v b="$b" '
      /^case / {cpu = ($0 ~ /steps\/cpu s/)} {v = cpu ? $(NF-2) : $NF; gsub(",", "", v)}
      /^native mj_step/ {print r "," b ",raw_mj_step," v} /^IEnv.Step/ {print r "," b ",ienv_step," v}
      /^SyncVectorEnv/ {print r "," b ",sync_vector_8," v}' >> "$out"
    dotnet "$dll" bench ppo HalfCheetah-v5 --config "$cfg" --updates 5 | awk -v r="$r" -v b="$b" '
      {v = $NF; gsub(",", "", v)} /^PPO end to end/ {print r "," b ",ppo_end_to_end," v}' >> "$out"
  done
done
python3 - "$out" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
val = lambda b, c: [float(x["steps_per_second"].replace(",", "")) for x in rows if x["build"] == b and x["case"] == c]
for case in ["raw_mj_step", "ienv_step", "sync_vector_8", "ppo_end_to_end"]:
    o, n = val("old", case), val("new", case)
    if o and n:
        print(f"{case:16s} old {statistics.median(o):9.0f}  new {statistics.median(n):9.0f}  new/old {statistics.median(n)/statistics.median(o):.3f}")
for b in ["old", "new"]:
    raw, env = val(b, "raw_mj_step"), val(b, "ienv_step")
    if raw and env:
        print(f"{b}: env overhead raw/IEnv = {statistics.median([r/e for r, e in zip(raw, env)]):.3f}x")
PY

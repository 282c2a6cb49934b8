#!/usr/bin/env bash
# BENCHMARKS.md "Driving simulator and benchmark": simulator throughput by traffic and raster, the rule-based expert
# and two baselines on the held-out suite, and `controlrl score` on real CARLA Leaderboard 2.0 results files.
# Writes the raw outputs to docs/benchmarks/driving/ and prints the Markdown tables (also docs/benchmarks/driving/tables.md).
#   tools/bench/driving.sh [folder of real leaderboard results: X.json + X.expected.json]
# The real files are results of CARLA leaderboard 2.0 runs with their published global records (e.g. Bench2Drive's,
# github.com/Thinklab-SJTU/Bench2Drive); without a folder the score comparison is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/benchmarks/driving
real=${1:-}
cli=tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl
tools/setup.sh >/dev/null
dotnet build tools/ControlRL.Cli -c Release -nologo -v q >/dev/null
mkdir -p "$out"
"$cli" bench driving --steps 20000 --traffic 0,10,20,40,80 > "$out/throughput.txt"
for policy in expert random constant; do
  rm -rf "$out/heldout36__$policy"
  "$cli" eval --benchmark heldout36 --policy "$policy" --out "$out/heldout36__$policy" --num-envs 2 > /dev/null
done
rm -rf "$out/score"; mkdir -p "$out/score"
if [ -n "$real" ] && [ -d "$real" ]; then
  for f in "$real"/*.json; do
    case "$f" in *.expected.json) continue;; esac
    name=$(basename "$f" .json)
    "$cli" score "$f" --json > "$out/score/$name.recomputed.json"
    python3 - "$real/$name.expected.json" "$out/score/$name.recomputed.json" > "$out/score/$name.compare.txt" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
def kinds(x):
    if isinstance(x, dict): return {k: kinds(v) for k, v in x.items()}
    if isinstance(x, list): return [kinds(v) for v in x]
    return (type(x).__name__, x)
print("identical" if kinds(a) == kinds(b) else "DIFFERENT")
PY
  done
fi
python3 tools/bench/driving_tables.py "$out" | tee "$out/tables.md"

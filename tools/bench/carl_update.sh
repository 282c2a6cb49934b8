#!/usr/bin/env bash
# CaRL's PPO minibatch update, ControlRL against PyTorch, measured in one run: `controlrl bench ppo-update` and
# tools/bench/carl_update.py take turns, round by round, on the same network, minibatch and thread count, so both
# see the same machine load. Writes the raw results (JSON, and one CSV row per round) and prints the ratio.
# Usage: tools/bench/carl_update.sh [size] [minibatch] [out-dir]   (defaults 64 16384 docs/benchmarks/carl;
# ROUNDS=3 STEPS=1 WARMUP=1 THREADS=2 PYTHON=/usr/bin/python3 by default; Debian: apt-get install python3-torch)
set -euo pipefail
cd "$(dirname "$0")/../.."
size="${1:-64}"
minibatch="${2:-16384}"
out="${3:-docs/benchmarks/carl}"
python="${PYTHON:-/usr/bin/python3}"
mkdir -p "$out"
dotnet build tools/ControlRL.Cli -c Release -nologo -v quiet >/dev/null
stem="$out/ppo_update_${size}_mb${minibatch}"
nice dotnet tools/ControlRL.Cli/bin/Release/net10.0/linux-x64/controlrl.dll bench ppo-update \
  --size "$size" --minibatch "$minibatch" --threads "${THREADS:-2}" --rounds "${ROUNDS:-3}" --steps "${STEPS:-1}" \
  --warmup "${WARMUP:-1}" --torch-python "$python" --script tools/bench/carl_update.py --out "$stem.json" | tee "$stem.txt"
"$python" - "$stem.json" "$stem.csv" <<'PY'
import csv, json, sys
r = json.load(open(sys.argv[1]))
req = r["request"]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["framework", "version", "threads", "size", "minibatch", "round", "samples_per_second"])
    for x in r["results"]:
        for i, sps in enumerate(x["rounds"]):
            w.writerow([x["framework"], x["version"], x["threads"], req["size"], req["minibatch"], i + 1, f"{sps:.2f}"])
PY

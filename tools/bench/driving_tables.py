#!/usr/bin/env python3
"""Markdown tables of BENCHMARKS.md's driving section from the raw outputs of tools/bench/driving.sh."""
import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "docs/benchmarks/driving"

print("Simulator throughput (`controlrl bench driving --steps 20000 --traffic 0,10,20,40,80`, one thread):\n")
print("```")
print(open(os.path.join(out, "throughput.txt")).read().rstrip())
print("```\n")

print("| policy on heldout36 | DS | RC | IS | collisions /km | red lights /km | stop /km | min speed /km | blocked /km | routes failed | nuPlan score | PDM score |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
total_km = None
for policy in ["expert", "random", "constant"]:
    d = os.path.join(out, f"heldout36__{policy}")
    if not os.path.isdir(d):
        continue
    res = json.load(open(os.path.join(d, "results.json")))
    g = res["_checkpoint"]["global_record"]
    total_km = g["meta"]["total_length"] / 1000
    inf = g["infractions"]
    coll = inf["collisions_pedestrian"] + inf["collisions_vehicle"] + inf["collisions_layout"]
    failed = len(g["meta"]["exceptions"])
    nup = json.load(open(os.path.join(d, "nuplan_scores.json")))
    m, s = g["scores_mean"], g["scores_std_dev"]
    print(f"| {policy} | {m['score_composed']:.2f} ± {s['score_composed']:.2f} | {m['score_route']:.2f} ± {s['score_route']:.2f} | "
          f"{m['score_penalty']:.3f} | {coll:.3f} | {inf['red_light']:.3f} | {inf['stop_infraction']:.3f} | "
          f"{inf['min_speed_infractions']:.3f} | {inf['vehicle_blocked']:.3f} | {failed} | {nup['aggregate']['score']:.3f} | {nup['aggregate']['pdm_score']:.3f} |")
if total_km is not None:
    print(f"\n(route length in total: {total_km:.1f} km; DS, RC, IS as the leaderboard's global record: means ± std over routes)")

score_dir = os.path.join(out, "score")
if os.path.isdir(score_dir):
    rows = sorted(f[:-len(".compare.txt")] for f in os.listdir(score_dir) if f.endswith(".compare.txt"))
    if rows:
        print("\n| real results file | DS (recomputed) | RC | IS | km driven | global record vs the published one |")
        print("|---|---:|---:|---:|---:|---|")
        for name in rows:
            rec = json.load(open(os.path.join(score_dir, name + ".recomputed.json")))
            verdict = open(os.path.join(score_dir, name + ".compare.txt")).read().strip()
            m = rec["scores_mean"]
            km = rec["meta"]["total_length"] / 1000
            print(f"| {name} | {m['score_composed']} | {m['score_route']} | {m['score_penalty']} | {km:.3f} (route length) | {verdict} (values and number kinds) |")

#!/usr/bin/env python3
"""Markdown tables of BENCHMARKS.md's "Driving with CaRL's reward" from the raw data tools/bench/carl.sh keeps."""
import csv
import glob
import json
import os
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "docs/benchmarks/carl-ppo"
driving = os.path.join(os.path.dirname(out.rstrip("/")), "driving")


def global_record(results_dir):
    return json.load(open(os.path.join(results_dir, "results.json")))["_checkpoint"]["global_record"]


def last_value(progress, column):
    value, step = None, None
    with open(progress) as f:
        for row in csv.DictReader(f):
            if row.get(column):
                value, step = float(row[column]), int(float(row["global_step"]))
    return value, step


def mean_sps(progress):
    vals = []
    with open(progress) as f:
        for row in csv.DictReader(f):
            if row.get("charts/SPS"):
                vals.append(float(row["charts/SPS"]))
    return vals[-1] if vals else float("nan")


def fmt(values, digits=2):
    if not values:
        return "-"
    m = statistics.mean(values)
    if len(values) == 1:
        return f"{m:.{digits}f}"
    return f"{m:.{digits}f} ± {statistics.stdev(values):.{digits}f}"


COLUMNS = [("DS", "score_composed", 2), ("RC", "score_route", 2), ("IS", "score_penalty", 3)]
PER_KM = [("collisions /km", ["collisions_pedestrian", "collisions_vehicle", "collisions_layout"]),
          ("red lights /km", ["red_light"]), ("stop signs /km", ["stop_infraction"]),
          ("route dev. /km", ["route_dev"]), ("blocked /km", ["vehicle_blocked"])]


def row(label, records, extra=""):
    cells = [fmt([r["scores_mean"][key] for r in records], d) for _, key, d in COLUMNS]
    cells += [fmt([sum(r["infractions"][k] for k in keys) for r in records], 3) for _, keys in PER_KM]
    return f"| {label} | {len(records)} | " + " | ".join(cells) + f" |{extra}"


header = "| policy on heldout36 | seeds | " + " | ".join(c for c, _, _ in COLUMNS) + " | " + " | ".join(c for c, _ in PER_KM) + " |"
rule = "|---|---:|" + "---:|" * (len(COLUMNS) + len(PER_KM))

for group in ["main", "scaling"]:
    gdir = os.path.join(out, group)
    if not os.path.isdir(gdir):
        continue
    runs = sorted(d for d in glob.glob(os.path.join(gdir, "*__*")) if os.path.isdir(d))
    methods = {}
    for d in runs:
        name, seed = os.path.basename(d).rsplit("__", 1)
        methods.setdefault(name, []).append(d)
    print(f"### {group}\n")
    print(header.rstrip() + " quick DS (last eval) | steps | env steps/s |")
    print(rule + "---:|---:|---:|")
    for name, dirs in methods.items():
        recs = [global_record(os.path.join(d, "heldout36")) for d in dirs]
        quick = [last_value(os.path.join(d, "progress.csv"), "benchmark/driving_score") for d in dirs]
        steps = sorted({s for _, s in quick if s is not None})
        sps = [mean_sps(os.path.join(d, "progress.csv")) for d in dirs]
        print(row(name, recs, f" {fmt([q for q, _ in quick if q is not None])} | {', '.join(f'{s:,}' for s in steps)} | {fmt(sps, 0)} |"))
    for ref in ["expert", "random", "constant"]:
        rdir = os.path.join(driving, f"heldout36__{ref}")
        if os.path.isdir(rdir):
            print(row(f"{ref} (reference)", [global_record(rdir)], " - | - | - |"))
    print()
    print("Per seed:\n")
    print("| run | DS | RC | IS |")
    print("|---|---:|---:|---:|")
    for d in runs:
        g = global_record(os.path.join(d, "heldout36"))["scores_mean"]
        print(f"| {os.path.relpath(d, out)} | {g['score_composed']:.2f} | {g['score_route']:.2f} | {g['score_penalty']:.3f} |")
    print()

#!/usr/bin/env python3
"""Per-seed numbers of BENCHMARKS.md's "Learning curves at 1M steps" table, from committed raw data only.

Usage: learning_summary.py OUT.csv SECTION_DIR...   (e.g. docs/benchmarks/halfcheetah)

Each SECTION_DIR holds one folder per run with progress.csv, config.yaml and eval.json (the output of
`controlrl eval <run> --episodes 10 --json`, final checkpoint, deterministic). Per run: the mean of the last 10
training episodes' returns (charts/episodic_return, as `controlrl plot` prints it) and the eval mean ± std over
its episodes. Per section: mean ± sample std over the runs. Writes OUT.csv and prints a markdown table."""
import csv
import json
import os
import statistics
import sys


def config_value(path, key):
    for line in open(path):
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip().strip('"')
    return ""


def run_row(section, run):
    rows = list(csv.DictReader(open(os.path.join(run, "progress.csv"))))
    returns = [float(r["charts/episodic_return"]) for r in rows if r.get("charts/episodic_return")]
    last = max(int(float(r["global_step"])) for r in rows)
    ev = json.load(open(os.path.join(run, "eval.json"))) if os.path.exists(os.path.join(run, "eval.json")) else None
    return {
        "section": os.path.basename(section.rstrip("/")),
        "run": os.path.basename(run.rstrip("/")),
        "env": config_value(os.path.join(run, "config.yaml"), "env_id"),
        "seed": config_value(os.path.join(run, "config.yaml"), "seed"),
        "last_step": last,
        "episodes": len(returns),
        "train_return_last10": statistics.mean(returns[-10:]),
        "eval_checkpoint": os.path.basename(ev["checkpoint"]) if ev else "",
        "eval_episodes": ev["episodes"] if ev else "",
        "eval_mean": ev["mean_return"] if ev else "",
        "eval_std": ev["std_return"] if ev else "",
    }


def mean_std(xs):
    return (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)


def main():
    out, sections = sys.argv[1], sys.argv[2:]
    table = []
    for section in sections:
        runs = sorted(d for d in (os.path.join(section, n) for n in os.listdir(section))
                      if os.path.isfile(os.path.join(d, "progress.csv")))
        table += [run_row(section, r) for r in runs]
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(table[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows({k: round(v, 1) if isinstance(v, float) else v for k, v in r.items()} for r in table)
    print(f"wrote {out}")
    print("| section | runs | seeds' training returns | training return | eval return |")
    print("|---|---|---|---|---|")
    for section in sections:
        name = os.path.basename(section.rstrip("/"))
        rows = [r for r in table if r["section"] == name]
        train = [r["train_return_last10"] for r in rows]
        m, s = mean_std(train)
        evals = [r["eval_mean"] for r in rows if r["eval_mean"] != ""]
        ev = f"{statistics.mean(evals):.0f} ({', '.join(f'{e:.0f}' for e in evals)})" if evals else "-"
        print(f"| {name} | {len(rows)} | {', '.join(f'{t:.0f}' for t in train)} | {m:.0f} ± {s:.0f} | {ev} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compares two progress.csv files of runs with the same seed: every logged value except wall time and SPS must be
identical. Prints the number of differing cells and exits 1 if any differ."""
import csv
import sys

a = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
keys = [k for k in a[0] if k in b[0] and k not in ("wall_time", "charts/SPS")]
diff = sum(1 for ra, rb in zip(a, b) for k in keys if ra[k] != rb[k])
print(f"rows {len(a)} vs {len(b)}; {diff} of {len(keys) * min(len(a), len(b))} logged values differ")
sys.exit(1 if diff or len(a) != len(b) else 0)

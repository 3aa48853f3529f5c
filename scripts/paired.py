#!/usr/bin/env python3
"""Paired whole-process timing: runs commands A and B alternately, RUNS times each.

usage: paired.py RUNS DIR -- A... -- B...

Prints one JSON object: the median wall time of each (seconds), the ratio A/B of the medians,
the ratio's range over the pairs, and each command's peak resident memory (the largest over its
runs, from wait4's rusage, in KB). Standard output of the commands is discarded; they run in DIR.
"""

import json
import os
import statistics
import subprocess
import sys
import time


def run(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss


def main():
    runs, cwd = int(sys.argv[1]), sys.argv[2]
    rest = sys.argv[3:]
    assert rest[0] == "--"
    split = rest.index("--", 1)
    a, b = rest[1:split], rest[split + 1:]
    walls_a, walls_b, ratios = [], [], []
    peak_a = peak_b = 0
    for i in range(runs):
        # Alternate which goes first, so neither always finds the caches warmed by the other.
        order = [(a, "a"), (b, "b")] if i % 2 == 0 else [(b, "b"), (a, "a")]
        got = {}
        for cmd, key in order:
            got[key] = run(cmd, cwd)
        walls_a.append(got["a"][0])
        walls_b.append(got["b"][0])
        ratios.append(got["a"][0] / got["b"][0])
        peak_a = max(peak_a, got["a"][1])
        peak_b = max(peak_b, got["b"][1])
    ma, mb = statistics.median(walls_a), statistics.median(walls_b)
    print(json.dumps({
        "runs": runs,
        "a_median_s": round(ma, 4),
        "b_median_s": round(mb, 4),
        "ratio": round(ma / mb, 3),
        "ratio_min": round(min(ratios), 3),
        "ratio_max": round(max(ratios), 3),
        "a_peak_kb": peak_a,
        "b_peak_kb": peak_b,
    }))


if __name__ == "__main__":
    main()

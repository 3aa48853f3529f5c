#!/usr/bin/env python3
"""Protocol and Definition-of-Done statistics over a directory of agent files, from
`agentspec inspect --format json` on every file `agentspec check` selects.

Usage: scripts/corpus-stats.py [DIR] (default ../shared/corpus); build the release binary first.
"""
import collections
import json
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"
binary = "target/release/agentspec"
report = json.loads(subprocess.run([binary, "check", root, "--format", "json", "--isolated"],
                                   capture_output=True, text=True).stdout)
files = [f["path"] for f in report["files"]]
with_protocol = with_gate = with_done = steps = classified = 0
kinds = collections.Counter()
done_items = 0
thresholds = 0
for path in files:
    out = subprocess.run([binary, "inspect", path, "--format", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        continue
    i = json.loads(out.stdout)
    if i["protocols"]:
        with_protocol += 1
    if any(s["kind"] in ("commit", "request-approval", "await-approval") for p in i["protocols"] for s in p["steps"]):
        with_gate += 1
    for p in i["protocols"]:
        for s in p["steps"]:
            steps += 1
            kinds[s["kind"]] += 1
            if s["classified"] != "none":
                classified += 1
    if i["definitions_of_done"]:
        with_done += 1
    for d in i["definitions_of_done"]:
        for g in d["groups"]:
            done_items += len(g["items"])
            thresholds += sum(len(it.get("thresholds", [])) for it in g["items"])
print(f"files: {len(files)}")
print(f"files with a protocol: {with_protocol} ({with_gate} with a commit or approval gate)")
print(f"steps: {steps}; classified: {classified}; custom: {steps - classified}")
print("kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
print(f"files with a Definition of Done: {with_done}; items: {done_items}; thresholds: {thresholds}")

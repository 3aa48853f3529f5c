#!/usr/bin/env bash
# Records what a Claude Code release does with every loader, skill and settings fixture, and shows
# how that differs from the nearest release already recorded: a new release is a one-command
# review (README, "Adding a Claude Code release").
#
# Usage: scripts/record-truth.sh VERSION
#
# Installs @anthropic-ai/claude-code@VERSION from npm (scripts/install-claude.sh), runs it headless
# against the stand-in model API on 127.0.0.1 on each fixture folder, writes
# fixtures/*/verdicts-VERSION.json (with the CLI's --version) and fixtures/release-vocab/VERSION.json
# (the hook schema and model aliases its program carries, scripts/release-vocab.py) and
# fixtures/tool-grants/grants-VERSION.json (the tools each probe agent is granted, seat by seat), and prints
# every verdict and vocabulary entry that differs from the nearest recorded release (the newest
# older one, else the oldest newer one). agentspec is run with --claude-code VERSION, so its
# disagreements are listed too: each one is a change to model in src/release.rs.
set -uo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: scripts/record-truth.sh VERSION}"
claude="$(scripts/install-claude.sh "$version" "${AGENTSPEC_CLAUDE_CACHE:-$HOME/.cache/agentspec}")" || exit 2
if ! "$claude" --version | grep -q "^$version "; then
    echo "record-truth: \`claude --version\` is not $version: give a released version (x.y.z)" >&2
    exit 2
fi
# AGENTSPEC names a built binary to use instead of building this checkout.
agentspec="${AGENTSPEC:-target/release/agentspec}"
[ -n "${AGENTSPEC:-}" ] || cargo build --release --quiet || exit 2
status=0
python3 tests/differential/loader_diff.py --claude "$claude" --agentspec "$agentspec" \
    --claude-code "$version" --write-verdicts \
    fixtures/loader-truth/agents fixtures/loader-extra/agents fixtures/loader-hooks/agents \
    fixtures/loader-drift/agents fixtures/loader-continuation/agents \
    fixtures/loader-release/agents || status=1
python3 tests/differential/skills_diff.py --claude "$claude" --agentspec "$agentspec" \
    --claude-code "$version" --write-verdicts fixtures/loader-skills || status=1
# Written whole or not at all: a half-written file would break the tests and the comparison.
if python3 scripts/release-vocab.py "$claude" > "fixtures/release-vocab/$version.json.tmp"; then
    mv "fixtures/release-vocab/$version.json.tmp" "fixtures/release-vocab/$version.json"
else
    rm -f "fixtures/release-vocab/$version.json.tmp"
    status=1
fi
python3 tests/differential/settings_diff.py --claude "$claude" --agentspec "$agentspec" \
    --claude-code "$version" --write-verdicts fixtures/settings || status=1
# The tools granted in the four seats (headless and interactive, main agent and subagent).
python3 tests/differential/grants_diff.py --claude "$claude" --agentspec "$agentspec" \
    --claude-code "$version" --write-verdicts fixtures/tool-grants || status=1
python3 - "$version" <<'PY' || status=1
import json, sys
from pathlib import Path
version = sys.argv[1]
key_of = lambda v: tuple(int(p) for p in v.split("."))
recorded = [p.stem.removeprefix("verdicts-") for p in Path("fixtures/loader-truth").glob("verdicts-*.json")]
others = [v for v in recorded if v != version]
if not others:
    sys.exit("no other release recorded")
older = [v for v in others if key_of(v) < key_of(version)]
nearest = max(older, key=key_of) if older else min(others, key=key_of)
print(f"compared with {nearest}, the nearest recorded release")
changed = 0
for folder in sorted(Path("fixtures").iterdir()):
    new, old = folder / f"verdicts-{version}.json", folder / f"verdicts-{nearest}.json"
    if not new.is_file() or not old.is_file():
        continue
    a, b = json.loads(old.read_text()), json.loads(new.read_text())
    key = "files" if "files" in a else "cases"
    only = set(a[key]) ^ set(b[key])
    if only:
        # Probes recorded with one release only (added since, or not agent files).
        print(f"{folder.name}: {len(only)} files recorded for one of the two only: {sorted(only)[:5]}...")
    for name in sorted(set(a[key]) & set(b[key])):
        x, y = a[key][name], b[key][name]
        fields = ("loads", "skipped")
        if any(x.get(f) != y.get(f) for f in fields):
            changed += 1
            print(f"{folder.name}/{name}: {nearest} {({f: x.get(f) for f in fields if f in x})} -> "
                  f"{version} {({f: y.get(f) for f in fields if f in y})}")
grants = Path("fixtures/tool-grants")
if (grants / f"grants-{nearest}.json").is_file() and (grants / f"grants-{version}.json").is_file():
    a = json.loads((grants / f"grants-{nearest}.json").read_text())
    b = json.loads((grants / f"grants-{version}.json").read_text())
    for seat in sorted((set(a) | set(b)) - {"claude_code"}):
        for probe in sorted(set(a.get(seat, {})) | set(b.get(seat, {}))):
            x, y = a.get(seat, {}).get(probe), b.get(seat, {}).get(probe)
            if x != y:
                changed += 1
                print(f"tool-grants {seat}/{probe}: {nearest} {x} -> {version} {y}")
vocab = Path("fixtures/release-vocab")
a = json.loads((vocab / f"{nearest}.json").read_text())
b = json.loads((vocab / f"{version}.json").read_text())
def flat(d, at=""):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from flat(v, f"{at}.{k}" if at else k)
    else:
        yield at, json.dumps(d)
fa, fb = dict(flat(a)), dict(flat(b))
for k in sorted(set(fa) | set(fb)):
    if k == "claude_code" or fa.get(k) == fb.get(k):
        continue
    x, y = json.loads(fa.get(k, "null")), json.loads(fb.get(k, "null"))
    if isinstance(x, list) and isinstance(y, list):
        # Lists of names: what was added and what went.
        added, gone = sorted(set(y) - set(x)), sorted(set(x) - set(y))
        if not added and not gone:
            continue
        changed += 1
        print(f"release-vocab {k}: {version} adds {added}, drops {gone}")
    else:
        changed += 1
        print(f"release-vocab {k}: {nearest} {fa.get(k, '(absent)')} -> {version} {fb.get(k, '(absent)')}")
print(f"{changed} verdicts and vocabulary entries differ between {nearest} and {version}")
PY
exit $status

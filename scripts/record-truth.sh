#!/usr/bin/env bash
# Records what a Claude Code release does with every loader and settings fixture, and shows how
# that differs from the newest release agentspec knows: the first step of adding a release
# (README, "Adding a Claude Code release").
#
# Usage: scripts/record-truth.sh VERSION
#
# Installs @anthropic-ai/claude-code@VERSION from npm (scripts/install-claude.sh), runs it headless
# against the stand-in model API on 127.0.0.1 on each fixture folder, writes
# fixtures/*/verdicts-VERSION.json (with the CLI's --version), and prints every file whose
# verdict differs from the newest known release's. agentspec is run with --claude-code VERSION,
# so its disagreements are listed too: each one is a loader change to model in src/release.rs.
set -uo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: scripts/record-truth.sh VERSION}"
claude="$(scripts/install-claude.sh "$version" "${AGENTSPEC_CLAUDE_CACHE:-$HOME/.cache/agentspec}")" || exit 2
if ! "$claude" --version | grep -q "^$version "; then
    echo "record-truth: \`claude --version\` is not $version: give a released version (x.y.z)" >&2
    exit 2
fi
cargo build --release --quiet || exit 2
status=0
python3 tests/differential/loader_diff.py --claude "$claude" --agentspec target/release/agentspec \
    --claude-code "$version" --write-verdicts \
    fixtures/loader-truth/agents fixtures/loader-extra/agents fixtures/loader-hooks/agents \
    fixtures/loader-drift/agents fixtures/loader-continuation/agents || status=1
python3 tests/differential/settings_diff.py --claude "$claude" --agentspec target/release/agentspec \
    --claude-code "$version" --write-verdicts fixtures/settings || status=1
python3 - "$version" <<'PY'
import json, sys
from pathlib import Path
version = sys.argv[1]
key_of = lambda v: tuple(int(p) for p in v.split("."))
recorded = [p.stem.removeprefix("verdicts-") for p in Path("fixtures/loader-truth").glob("verdicts-*.json")]
others = sorted((v for v in recorded if v != version), key=key_of)
if not others:
    sys.exit("no other release recorded")
newest = others[-1]
changed = 0
for folder in sorted(Path("fixtures").iterdir()):
    new, old = folder / f"verdicts-{version}.json", folder / f"verdicts-{newest}.json"
    if not new.is_file() or not old.is_file() or new == old:
        continue
    a, b = json.loads(old.read_text()), json.loads(new.read_text())
    key = "files" if "files" in a else "cases"
    for name in sorted(set(a[key]) & set(b[key])):
        x, y = a[key].get(name, {}), b[key].get(name, {})
        fields = ("loads", "skipped")
        if any(x.get(f) != y.get(f) for f in fields):
            changed += 1
            print(f"{folder.name}/{name}: {newest} {({f: x.get(f) for f in fields if f in x})} -> "
                  f"{version} {({f: y.get(f) for f in fields if f in y})}")
print(f"{changed} verdicts differ between {newest} and {version}")
PY
exit $status

#!/usr/bin/env bash
# The language server with a real editor as its client: headless Neovim (Debian's 0.7 or later)
# starts `agentspec lsp`, opens a broken agent file, and reports the diagnostics it received
# before and after applying the quick fix.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${AGENTSPEC_BIN:-$repo/target/release/agentspec}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project/.claude/agents"
# A lenient-YAML value (warning with a safe fix) and an unknown tool (warning, no fix).
printf -- '---\nname: reviewer\ndescription: Use when: a change needs review\ntools: Read, Grep, Nope\n---\nReview the change.\n' \
    > "$work/project/.claude/agents/reviewer.md"
export AGENTSPEC_BIN="$bin" E2E_ROOT="$work/project" \
    E2E_FILE="$work/project/.claude/agents/reviewer.md" E2E_OUT="$work/result.json"
timeout 60 nvim --headless --clean -n -c "luafile $repo/tests/e2e/nvim_lsp.lua" > "$work/nvim.log" 2>&1 \
    || { cat "$work/nvim.log"; echo "nvim_e2e: FAIL: Neovim did not finish" >&2; exit 1; }
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def fail(msg):
    print(json.dumps(r, indent=2))
    sys.exit(f"nvim_e2e: FAIL: {msg}")
if not r["initialized"]:
    fail("the client did not initialize")
codes = sorted(d["code"] for d in r["diagnostics"])
if codes != ["AS106", "AS201"]:
    fail(f"diagnostics {codes}, expected AS106 and AS201")
first = min(r["diagnostics"], key=lambda d: (d["lnum"], d["col"]))
if (first["code"], first["lnum"], first["col"], first["source"]) != ("AS106", 2, 13, "agentspec"):
    fail(f"unexpected first diagnostic {first}")
if "AS106" not in r.get("applied", ""):
    fail("the quick fix was not applied")
after = [d["code"] for d in r["after_fix"]]
if after != ["AS201"]:
    fail(f"after the fix: {after}")
if r["fixed_line"] != 'description: "Use when: a change needs review"':
    fail(f"fixed line {r['fixed_line']!r}")
print(f"nvim_e2e: ok ({len(r['diagnostics'])} diagnostics, then {after} after '{r['applied']}')")
PY

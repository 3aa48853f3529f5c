#!/usr/bin/env bash
# The runner's cost, as ratios against a baseline in the same run (docs/performance.md):
#   1. a PreToolUse decision of the installed (confined) hook for an ordinary command, against
#      a `bash -c true` process;
#   2. an approved commit the runner makes (the PreToolUse that performs it), against the same
#      `git commit` run directly with agentspec's git hooks, as the agent's own approved commit
#      ran before the runner made them (and, for reference, with no hooks at all).
# Medians of RUNS runs (default 101). Needs bubblewrap and socat (the confined install).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-101}"
cargo build --release --quiet
bin="$PWD/target/release/agentspec"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_STATE_HOME="$work/state"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
mkdir -p "$HOME" "$work/p/.claude/agents"
cp fixtures/backend.md "$work/p/.claude/agents/backend.md"
cd "$work/p"
git init -q -b main && echo one > a.txt && git add -A && git commit -qm initial
"$bin" build -o .agentspec/bundle > /dev/null 2>&1
"$bin" hooks install --binary "$bin" --main-agent backend > /dev/null 2>&1
mapfile -t hook < <(python3 -c '
import json; e = json.load(open(".claude/settings.json"))["hooks"]["PreToolUse"][0]["hooks"][0]
print(e["command"]); [print(a) for a in e["args"]]')
state=$(python3 -c 'import json; a = json.load(open(".claude/settings.json"))["hooks"]["PreToolUse"][0]["hooks"][0]["args"]; print(a[a.index("--state-dir") + 1])')

python3 - "$runs" "$work/p" "$state" "${hook[@]}" <<'PY'
import json, statistics, subprocess, sys, time, os
runs, project, state, hook = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]

def timed(cmd, data=b"", env=None):
    start = time.perf_counter()
    out = subprocess.run(cmd, input=data, capture_output=True, env=env, cwd=project)
    return time.perf_counter() - start, out

def event(session, name, **kw):
    return json.dumps({"session_id": session, "hook_event_name": name, "cwd": project, **kw}).encode()

def median_us(samples):
    return round(statistics.median(samples) * 1e6)

base = [timed(["bash", "-c", "true"])[0] for _ in range(runs)]
decisions = []
for i in range(runs):
    t, out = timed(hook, event("bench", "PreToolUse", tool_name="Bash",
                               tool_input={"command": "npm test"}, tool_use_id=f"d{i}"))
    assert out.returncode == 0 and b"deny" not in out.stdout, out
    decisions.append(t)
print(f"bash -c true (median):                       {median_us(base)} µs")
print(f"PreToolUse, confined, `npm test` (median):   {median_us(decisions)} µs   "
      f"ratio {statistics.median(decisions) / statistics.median(base):.2f} (target ≤ 3)")

ask = "Please review. Reply 'yes' to approve and commit."
performed, direct, bare = [], [], []
hooks_dir = os.path.join(state, "git-hooks")
for i in range(runs):
    session = f"commit-{i}"
    subprocess.run(hook, input=event(session, "Stop", stop_hook_active=False, last_assistant_message=ask),
                   capture_output=True, cwd=project)
    subprocess.run(hook, input=event(session, "UserPromptSubmit", prompt="yes"), capture_output=True, cwd=project)
    t, out = timed(hook, event(session, "PreToolUse", tool_name="Bash",
                               tool_input={"command": f"git commit --allow-empty -m performed-{i}"}, tool_use_id=f"c{i}"))
    assert b"it succeeded" in out.stdout, out
    performed.append(t)
    # The same commit run directly, with agentspec's git hooks and the session's identity,
    # under a fresh approval (what the agent's own approved commit cost before).
    session = f"direct-{i}"
    subprocess.run(hook, input=event(session, "Stop", stop_hook_active=False, last_assistant_message=ask),
                   capture_output=True, cwd=project)
    subprocess.run(hook, input=event(session, "UserPromptSubmit", prompt="yes"), capture_output=True, cwd=project)
    env = {**os.environ, "CLAUDECODE": "1", "CLAUDE_CODE_SESSION_ID": session}
    t, out = timed(["git", "-c", f"core.hooksPath={hooks_dir}", "commit", "--allow-empty", "-m", f"direct-{i}"], env=env)
    direct.append(t)
    t, out = timed(["git", "-c", "core.hooksPath=/dev/null", "commit", "--allow-empty", "-m", f"bare-{i}"])
    bare.append(t)
print(f"git commit with agentspec's git hooks (median): {median_us(direct)} µs")
print(f"git commit, no hooks (median, reference):       {median_us(bare)} µs")
print(f"approved commit performed by the runner (median): {median_us(performed)} µs   "
      f"ratio {statistics.median(performed) / statistics.median(direct):.2f} (target ≤ 1.5)")
PY

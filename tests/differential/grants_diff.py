#!/usr/bin/env python3
"""Differential test of the tools agentspec says an agent gets against what the real Claude
Code grants it.

Each agent file of FOLDER/agents/ carries the marker `GRANT-PROBE:<stem>` in its body. The
folder is copied to a temporary project's `.claude/agents/` and the real CLI runs against the
stand-in model on 127.0.0.1, in four seats (`--modes`):

- **sub**: one `claude -p` session whose main agent (the stand-in) spawns every probe through
  the `Agent` tool, a batch to a turn;
- **main**: one `claude -p --agent NAME` session per probe;
- **tui-sub**, **tui-main**: the same in the interactive terminal UI, run in a
  pseudo-terminal (first-run screens answered in the CLI's state file, permission mode
  `default`), stopped once the requests are in.

What an agent was granted is the tools its first request carries plus those the request
names as deferred behind `ToolSearch` (their schemas load on demand), without MCP tools (the
probe session has no MCP server) and the deferred-loading placeholder. A probe the CLI refuses
to start is recorded as `{"not_started": REASON}`. The session's own tools are kept too
(`session`, `interactive_session`).

agentspec's prediction is `agentspec inspect --format json --claude-code VERSION`:
`granted.subagent`, `granted.main`, `granted.interactive_subagent` and
`granted.interactive_main`. Exit status 1 on any disagreement.

`--write-verdicts` records what Claude Code granted in FOLDER/grants-VERSION.json, with the
CLI's `--version`. `--measure-only` skips the comparison (for recording a new release).

Usage: grants_diff.py --claude PATH --agentspec PATH [--claude-code VERSION]
       [--write-verdicts] [--measure-only] [--modes sub,main,tui-sub,tui-main] FOLDER
"""
import argparse
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from standin import StandIn, cli_env, strings, text_of, tool_results  # noqa: E402

MARKER = re.compile(r"GRANT-PROBE:([A-Za-z0-9_.-]+)")
# Probe stems whose first request the stand-in has seen (read by the interactive runner).
STATE = {"seen": set(), "refused": set(), "changed": 0.0}


def system_text(body):
    system = body.get("system")
    if isinstance(system, str):
        return system
    return "\n".join(b.get("text", "") for b in system or [] if isinstance(b, dict))


DEFERRED = "The following deferred tools are now available via ToolSearch."
PLACEHOLDER = "DeferredToolPlaceholder"


def deferred_tools(body):
    """The tools a request names as loadable through ToolSearch (their schemas are not sent)."""
    names = set()
    for text in strings(body.get("messages")):
        at = text.find(DEFERRED)
        if at < 0:
            continue
        lines = text[at:].split("\n")[1:]
        if lines and lines[0].startswith("Their schemas"):
            lines = lines[1:]
        for line in lines:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", line.strip()):
                break
            names.add(line.strip())
    return names


def tool_names(body):
    """The tools a request grants: those it carries, plus those deferred behind ToolSearch;
    MCP tools and the placeholder left out."""
    carried = {
        t["name"] for t in body.get("tools") or []
        if isinstance(t, dict) and "name" in t
    }
    return sorted(
        n for n in (carried | deferred_tools(body)) - {PLACEHOLDER}
        if not n.startswith("mcp__")
    )


def probe_of(body):
    """The probe stem a request belongs to (its system prompt carries the marker)."""
    m = MARKER.search(system_text(body))
    return m.group(1) if m else None


def probes(folder):
    """stem -> the agent name in the file's `name:` line."""
    out = {}
    for f in sorted((folder / "agents").glob("*.md")):
        m = re.search(r"^name:\s*(\S+)\s*$", f.read_text(), re.M)
        out[f.stem] = m.group(1) if m else f.stem
    return out


def run(claude, project, home, url, args, tui=False, want=()):
    """One session of the real CLI with the prompt `GRANTS`: headless (`-p`), or interactive
    in a pseudo-terminal, stopped once every request in `want` (probe stems) has arrived."""
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    env = cli_env(home, url)
    if not tui:
        return subprocess.run(
            [claude, "-p", "GRANTS", "--output-format", "json", *args],
            cwd=project, env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=300,
        )
    # The first-run screens (theme, API key, folder trust) answered in the CLI's own state
    # file, and the permission mode fixed: auto mode asks a classifier the stand-in is not.
    (home / ".claude.json").write_text(json.dumps({
        "hasCompletedOnboarding": True, "theme": "dark", "numStartups": 5,
        "customApiKeyResponses": {"approved": [env["ANTHROPIC_API_KEY"][-20:]], "rejected": []},
        "projects": {str(project): {"hasTrustDialogAccepted": True,
                                    "hasCompletedProjectOnboarding": True}},
    }))
    env["TERM"] = "xterm-256color"
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(project)
        os.execve(claude, [claude, *args, "--permission-mode", "default", "GRANTS"], env)
    screen = b""
    deadline = time.monotonic() + 90
    seen_at = None
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    screen += os.read(fd, 65536)
                except OSError:
                    break
            # Done when every wanted request came, or when the main agent has its results
            # and nothing new arrived for 5 s (a probe the CLI refused to start never comes).
            settled = None in STATE["seen"] and time.monotonic() - STATE["changed"] > 5.0
            if seen_at is None and (want <= STATE["seen"] or settled):
                seen_at = time.monotonic()
            if seen_at is not None and time.monotonic() - seen_at > 1.0:
                break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen[-3000:].decode(errors="replace"))
    return subprocess.CompletedProcess(args, 0 if seen_at else 1, "", text)


def fresh_project(tmp, folder, name):
    project = tmp / name
    agents = project / ".claude" / "agents"
    agents.mkdir(parents=True)
    for f in (folder / "agents").glob("*.md"):
        shutil.copy(f, agents / f.name)
    (project / ".git").mkdir()
    return project


BATCH = 8


def reply_for(names, spawn):
    """The stand-in's answers: a probe answers DONE; the main agent, when `spawn`, starts the
    probes through the Agent tool, BATCH to a turn (the CLI does not start many more at once),
    and ends its turn once every probe has been asked for and the results are in."""
    queue = list(names.items())
    spawned = [0]

    def reply(body):
        stem = probe_of(body)
        if stem:
            if stem not in STATE["seen"]:
                STATE["seen"].add(stem)
                STATE["changed"] = time.monotonic()
            return [{"type": "text", "text": "DONE"}]
        if not spawn or not any(t.get("name") == "Agent" for t in body.get("tools") or []):
            return None
        answered = len(tool_results(body))
        if answered < spawned[0] or spawned[0] >= len(queue):
            if spawned[0] >= len(queue):
                STATE["seen"].add(None)
                STATE["changed"] = time.monotonic()
            return [{"type": "text", "text": "OK"}]
        # Interactive subagents run in the background: their results come back at once, so
        # wait (up to 30 s) for the previous batch to start before starting the next.
        until = time.monotonic() + 30
        while time.monotonic() < until and not all(
            s in STATE["seen"] or s in STATE["refused"] for s, _ in queue[:spawned[0]]
        ):
            for text in strings(body.get("messages")):
                for s, name in queue[:spawned[0]]:
                    if f"Agent '{name}'" in text:
                        STATE["refused"].add(s)
            time.sleep(0.1)
        batch = queue[spawned[0]:spawned[0] + BATCH]
        spawned[0] += len(batch)
        return [
            {"type": "tool_use", "name": "Agent",
             "input": {"description": f"Probe {stem}", "prompt": "Answer DONE.",
                       "subagent_type": name, "run_in_background": False}}
            for stem, name in batch
        ]

    return reply


def measure_sub(claude, folder, tmp, tui):
    """One session whose main agent spawns every probe: stem -> granted tools (or why the
    CLI would not start it), and the session's own tools."""
    names = probes(folder)
    label = "tui-sub" if tui else "sub"
    project = fresh_project(tmp, folder, label)
    STATE["seen"], STATE["refused"], STATE["changed"] = set(), set(), time.monotonic()
    with StandIn(reply_for(names, True)) as standin:
        done = run(claude, project, tmp / f"home-{label}", standin.url, [], tui,
                   set(names) | {None})
        requests = standin.requests
    granted = {}
    for body in requests:
        stem = probe_of(body)
        if stem and stem not in granted:
            granted[stem] = tool_names(body)
    session = next((tool_names(b) for b in requests if not probe_of(b) and b.get("tools")), None)
    # A probe the CLI would not start: the Agent tool's result (headless) or a task
    # notification (interactive) says why, naming the agent as `Agent 'NAME' ...`.
    for body in requests:
        if probe_of(body):
            continue
        for text in strings(body.get("messages")):
            for stem, name in names.items():
                at = text.find(f"Agent '{name}'")
                if stem not in granted and at >= 0:
                    reason = text[at:].split("\n")[0].split("<")[0].strip()
                    granted[stem] = {"not_started": reason[:300]}
    missing = sorted(set(names) - set(granted))
    if missing or session is None:
        raise SystemExit(f"the {label} session did not reach every probe (missing {missing}; "
                         f"exit {done.returncode}): {done.stderr.strip()[-1500:]}")
    return granted, session


def measure_main(claude, folder, tmp, tui):
    """One session per probe with `--agent NAME`: stem -> the tools of its first request."""
    label = "tui-main" if tui else "main"
    granted = {}
    failures = []
    for stem, name in probes(folder).items():
        project = fresh_project(tmp, folder, f"{label}-{stem}")
        STATE["seen"], STATE["changed"] = set(), time.monotonic()
        with StandIn(reply_for({}, False)) as standin:
            done = run(claude, project, tmp / f"home-{label}-{stem}", standin.url,
                       ["--agent", name], tui, {stem})
            requests = standin.requests
        first = next((b for b in requests if probe_of(b) == stem), None)
        if first is None:
            failures.append(f"{stem}: no request of the agent's own (exit {done.returncode}): "
                            f"{done.stderr.strip()[-1000:]} {done.stdout.strip()[:300]}")
            continue
        granted[stem] = tool_names(first)
    if failures:
        raise SystemExit(f"the {label} sessions did not run:\n" + "\n".join(failures))
    return granted


MODES = {
    # mode: (verdict key, the session key, measure)
    "sub": ("subagent", "session", lambda c, f, t: measure_sub(c, f, t, False)),
    "main": ("main", None, lambda c, f, t: measure_main(c, f, t, False)),
    "tui-sub": ("interactive_subagent", "interactive_session",
                lambda c, f, t: measure_sub(c, f, t, True)),
    "tui-main": ("interactive_main", None, lambda c, f, t: measure_main(c, f, t, True)),
}


def predicted(agentspec, folder, version):
    args = [agentspec, "inspect", "--format", "json"]
    if version:
        args += ["--claude-code", version]
    out = {}
    for f in sorted((folder / "agents").glob("*.md")):
        report = subprocess.run(args + [str(f)], capture_output=True, text=True, timeout=60)
        if report.returncode not in (0, 1):
            raise SystemExit(f"agentspec inspect {f} failed: {report.stderr}")
        out[f.stem] = json.loads(report.stdout).get("granted")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--claude", required=True)
    ap.add_argument("--agentspec")
    ap.add_argument("--claude-code")
    ap.add_argument("--write-verdicts", action="store_true")
    ap.add_argument("--measure-only", action="store_true")
    ap.add_argument("--modes", default="sub,main,tui-sub,tui-main")
    ap.add_argument("folder", type=Path)
    a = ap.parse_args()
    modes = a.modes.split(",")
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise SystemExit(f"unknown modes {unknown}; known: {', '.join(MODES)}")
    folder = a.folder.resolve()
    problems = []
    verdicts = {}
    with tempfile.TemporaryDirectory(prefix="agentspec-grants-") as tmp:
        tmp = Path(tmp)
        for mode in modes:
            key, session_key, measure = MODES[mode]
            got = measure(a.claude, folder, tmp)
            if session_key:
                verdicts[key], verdicts[session_key] = got
            else:
                verdicts[key] = got
    version = subprocess.run([a.claude, "--version"], capture_output=True, text=True).stdout.strip()
    if a.write_verdicts:
        release = version.split()[0]
        path = folder / f"grants-{release}.json"
        old = json.loads(path.read_text()) if path.exists() else {}
        old.update(verdicts)
        old["claude_code"] = version
        tmp_path = path.with_suffix(".json.tmp")
        tmp_path.write_text(json.dumps(old, indent=1, sort_keys=True) + "\n")
        tmp_path.replace(path)
    if a.measure_only:
        print(json.dumps(verdicts, indent=1, sort_keys=True))
        return 0
    want = predicted(a.agentspec, folder, a.claude_code)
    for mode in modes:
        key = MODES[mode][0]
        for stem, got in sorted(verdicts[key].items()):
            said = (want.get(stem) or {}).get(key)
            # Not started: agreeing that it is not is enough (the reasons are worded apart).
            both_refused = isinstance(said, dict) and isinstance(got, dict)
            if said != got and not both_refused:
                problems.append(f"{folder.name}/{stem} ({key}): Claude Code {version} granted "
                                f"{got}; agentspec says {said}")
    for p in problems:
        print(p)
    print(f"grants_diff: {len(problems)} disagreements ({', '.join(modes)}) against {version}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Differential test of agentspec's `loads` prediction against the real Claude Code.

For each fixture folder, the folder is copied to a temporary project's `.claude/agents/`, the
real `claude -p` runs there against the stand-in model API on 127.0.0.1, and the agents it
offers (the "Available agent types" list it sends to the model) are compared with what
`agentspec check --format json` predicts for each file. Exit status 1 on any disagreement.

For agents that share a name, the file Claude Code kept is found by its description. Where
agentspec predicts the winner (2.1.330 and later: the path that sorts last), the prediction
named in the duplicate-name diagnostic is compared too; 2.1.328 and 2.1.329 keep the file the
file system lists last, which is not predicted.

`--claude-code VERSION` is passed to agentspec (`check --claude-code`), so that each release
is compared with agentspec's model of that release. `--write-verdicts` records what Claude Code
did in FOLDER/../verdicts-VERSION.json, with the CLI's `--version`.

Usage: loader_diff.py --claude PATH --agentspec PATH [--claude-code VERSION] [--write-verdicts]
       FOLDER [FOLDER ...]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from standin import StandIn, cli_env, strings  # noqa: E402

BUILTIN = {"claude", "Explore", "general-purpose", "Plan", "statusline-setup", "claude-code-guide"}
MARKER = "Available agent types"


def offered_agents(requests):
    """Name -> description text (with its `(Tools: ...)` tail) from the first 'Available agent
    types' list any request carried.

    An entry is `- NAME: DESCRIPTION (Tools: ...)`; a description may span several lines, blank
    ones included, so an entry ends at the first line that ends with `(Tools: ...)`, and the
    list ends at the first entry not followed by another.
    """
    entry = re.compile(r"- ([^:\n]*):(.*?\(Tools: [^\n]*\))(?:\n|$)", re.DOTALL)
    for body in requests:
        for text in strings(body):
            if MARKER not in text:
                continue
            rest = text.split(MARKER, 1)[1].split("\n", 1)[-1]
            offered = {}
            at = 0
            while (m := entry.match(rest, at)) is not None:
                offered[m.group(1)] = m.group(2)
                at = m.end()
            return offered
    return None


def description_of(path):
    """The one-line `description:` of a fixture file, as written (quotes stripped)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    m = re.search(r"^description:[ \t]*(.+)$", text, re.MULTILINE)
    return m.group(1).strip().strip("\"'") if m else None


def predicted_winner(group):
    """The relative path agentspec's duplicate-name diagnostic says loads, if it says one."""
    for f in group:
        for d in f["diagnostics"]:
            m = re.search(r"`([^`]+)` loads \(its path sorts last\)", d.get("help") or "")
            if d["code"] == "AS009" and m:
                return m.group(1)
    return None


def run_claude(claude, project, home, url):
    env = cli_env(home, url)
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [claude, "-p", "hello", "--output-format", "json"],
        cwd=project, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=180,
    )


def check_folder(folder, claude, agentspec, version=None, write_verdicts=False):
    problems = []
    with tempfile.TemporaryDirectory(prefix="agentspec-diff-") as tmp:
        tmp = Path(tmp)
        project = tmp / "project"
        agents = project / ".claude" / "agents"
        shutil.copytree(folder, agents)
        home = tmp / "home"
        home.mkdir()
        with StandIn() as standin:
            result = run_claude(claude, project, home, standin.url)
            offered = offered_agents(standin.requests)
        if offered is None:
            return [f"{folder}: Claude Code sent no agent list (exit {result.returncode}): {result.stderr[-500:]}"]
        for name in BUILTIN:
            offered.pop(name, None)
        pin = ["--claude-code", version] if version else []
        report = subprocess.run(
            [agentspec, "check", str(agents), "--format", "json", "--isolated", "--no-cache", *pin],
            capture_output=True, text=True,
        )
        files = json.loads(report.stdout)["files"]
        for f in files:
            f["description"] = description_of(f["path"])
    by_name = {}
    for f in files:
        if f["agent"] is not None:
            by_name.setdefault(f["agent"], []).append(f)
    def rel_of(f):
        return f["path"].split("/.claude/agents/", 1)[-1]

    def kept(f):
        """Whether Claude Code offers this very file (for a shared name: by its description)."""
        name = f["agent"]
        if name is None or name not in offered:
            return False
        if len(by_name[name]) == 1:
            return True
        return f["description"] is not None and offered[name].strip().startswith(f["description"])

    verdicts = {}
    for f in files:
        rel = rel_of(f)
        name = f["agent"]
        verdicts[rel] = {"loads": kept(f), "agent": name}
        if name is not None and len(by_name[name]) > 1:
            continue
        actual = name is not None and name in offered
        if f["loads"] != actual:
            problems.append(f"{folder.name}/{rel}: agentspec predicts loads={f['loads']}, Claude Code {'loads' if actual else 'skips'} it")
    for name, group in by_name.items():
        if len(group) < 2:
            continue
        if (name in offered) != any(f["loads"] for f in group):
            problems.append(f"{folder.name}: duplicate name `{name}`: agentspec and Claude Code disagree")
        winner = predicted_winner(group)
        actual = [rel_of(f) for f in group if kept(f)]
        if winner is not None and actual != [winner]:
            problems.append(f"{folder.name}: duplicate name `{name}`: agentspec says `{winner}` loads, Claude Code kept {actual}")
    predicted = {n for n, g in by_name.items() if any(f["loads"] for f in g)}
    for name in sorted(set(offered) - predicted):
        problems.append(f"{folder.name}: Claude Code offers `{name}`, which agentspec does not predict")
    if write_verdicts:
        cli = subprocess.run([claude, "--version"], capture_output=True, text=True).stdout.strip()
        target = folder.parent / f"verdicts-{cli.split()[0]}.json"
        record = {"claude_code": cli, "files": dict(sorted(verdicts.items()))}
        target.write_text(json.dumps(record, indent=1) + "\n")
        print(f"wrote {target} from what Claude Code did")
    print(f"{folder}: {len(files)} files, {len(offered)} agents offered, {len(problems)} disagreements")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--claude", required=True)
    parser.add_argument("--agentspec", required=True)
    parser.add_argument("--claude-code", help="the release agentspec predicts (check --claude-code)")
    parser.add_argument("--write-verdicts", action="store_true",
                        help="record Claude Code's verdicts in FOLDER/../verdicts-VERSION.json")
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    problems = []
    for folder in args.folders:
        problems += check_folder(folder, args.claude, args.agentspec, args.claude_code,
                                 args.write_verdicts)
    for p in problems:
        print("DISAGREE:", p)
    print(f"{0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

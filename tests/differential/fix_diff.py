#!/usr/bin/env python3
"""The continued-description fix against the real Claude Code.

A description continued on unindented lines (AS111, or AS004 when it breaks the YAML) gets an
unsafe fix that rewrites it as a `|` block. For each fixture folder this checks, with the real
`claude -p` against the stand-in model API:

- before the fix, every agent AS111 reports is offered with the description AS111's help quotes
  (the first line only);
- after `agentspec check --fix --unsafe-fixes`, every file that had the fix is offered, with the
  description the author wrote: the first line and every continuation line, as written.

The intended text is read from the original file independently of agentspec: the value of the
`description:` line and every following line up to the next key Claude Code reads.

Usage: fix_diff.py --claude PATH --agentspec PATH FOLDER [FOLDER ...]
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loader_diff import BUILTIN, offered_agents, run_claude  # noqa: E402
from standin import StandIn  # noqa: E402

KNOWN = re.compile(r"^(name|tools|disallowedTools|model|color|permissionMode|maxTurns|skills|"
                   r"mcpServers|hooks|memory|background|effort|isolation|initialPrompt):")


def intended(path):
    lines = Path(path).read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("description:"))
    text = [lines[start][len("description:"):].strip()]
    for line in lines[start + 1:]:
        if line.strip() == "---" or KNOWN.match(line):
            break
        text.append(line.rstrip())
    while text and not text[-1]:
        text.pop()
    return "\n".join(text)


def normal(text):
    """Descriptions compared with their whitespace runs made single spaces."""
    return " ".join(text.split())


def offered_description(entry):
    """The description of one `- NAME: DESCRIPTION (Tools: ...)` entry."""
    return re.sub(r"\s*\(Tools:[^()]*\)\s*$", "", entry.strip())


def claude_offers(claude, project, home):
    with StandIn() as standin:
        result = run_claude(claude, project, home, standin.url)
        offered = offered_agents(standin.requests)
    if offered is None:
        raise SystemExit(f"Claude Code sent no agent list (exit {result.returncode}): {result.stderr[-500:]}")
    for name in BUILTIN:
        offered.pop(name, None)
    return offered


def check_folder(folder, claude, agentspec):
    problems = []
    with tempfile.TemporaryDirectory(prefix="agentspec-fix-") as tmp:
        tmp = Path(tmp)
        agents = tmp / "project" / ".claude" / "agents"
        shutil.copytree(folder, agents)
        report = subprocess.run([agentspec, "check", str(agents), "--format", "json", "--isolated"],
                                capture_output=True, text=True)
        files = json.loads(report.stdout)["files"]
        fixable = {}
        warned = {}
        for f in files:
            for d in f["diagnostics"]:
                if d["code"] in ("AS004", "AS111") and d.get("fix"):
                    fixable[f["path"]] = intended(f["path"])
                if d["code"] == "AS111":
                    m = re.search(r'shows only "(.*)";', d.get("help") or "")
                    warned[f["path"]] = (f["agent"], m.group(1) if m else None)
        before = claude_offers(claude, tmp / "project", tmp / "home-before")
        for path, (agent, shown) in warned.items():
            got = normal(offered_description(before.get(agent, "")))
            want = normal(shown or "").removesuffix("…")
            if agent not in before or not got.startswith(want):
                problems.append(f"{Path(path).name}: AS111 says Claude Code shows {shown!r}, it shows {got[:120]!r}")
        subprocess.run([agentspec, "check", str(agents), "--isolated", "--fix", "--unsafe-fixes",
                        "--quiet"], capture_output=True, text=True)
        after = claude_offers(claude, tmp / "project", tmp / "home-after")
        fixed = json.loads(subprocess.run(
            [agentspec, "check", str(agents), "--format", "json", "--isolated"],
            capture_output=True, text=True).stdout)["files"]
        names = {f["path"]: f["agent"] for f in fixed}
        for path, text in fixable.items():
            agent = names.get(path)
            if agent not in after:
                problems.append(f"{Path(path).name}: after the fix Claude Code does not offer `{agent}`")
                continue
            got = offered_description(after[agent])
            if got != text:
                problems.append(f"{Path(path).name}: after the fix Claude Code shows {got!r}, the author wrote {text!r}")
    print(f"{folder}: {len(fixable)} fixable files, {len(warned)} with AS111, {len(problems)} disagreements")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--claude", required=True)
    parser.add_argument("--agentspec", required=True)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    problems = []
    for folder in args.folders:
        problems += check_folder(folder, args.claude, args.agentspec)
    for p in problems:
        print("DISAGREE:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

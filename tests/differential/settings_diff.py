#!/usr/bin/env python3
"""Differential test of agentspec's settings-file check against the real Claude Code.

Each case of the fixture folder is a project whose `.claude/settings.json` has a
`UserPromptSubmit` hook that creates `hook-ran` in the project, beside the entry under test. The
real `claude -p` runs there against the stand-in model API on 127.0.0.1; the file was skipped
whole when the hook did not run. agentspec predicts it skipped when `check` reports
`settings-file-skipped` (AS011) for the release (`--claude-code`). Exit status 1 on any
disagreement.

Usage: settings_diff.py --claude PATH --agentspec PATH --claude-code VERSION [--write-verdicts]
       FOLDER
`--write-verdicts` records what Claude Code did in FOLDER/verdicts-VERSION.json.
"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loader_diff import run_claude  # noqa: E402
from standin import StandIn  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--claude", required=True)
    parser.add_argument("--agentspec", required=True)
    parser.add_argument("--claude-code", required=True)
    parser.add_argument("--write-verdicts", action="store_true")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    problems = []
    # Runs that gave no verdict: with any of these, no verdict file is written. A disagreement
    # with agentspec is no reason to withhold what Claude Code did.
    failures = []
    verdicts = {}
    cases = sorted(p for p in args.folder.iterdir() if (p / ".claude" / "settings.json").is_file())
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="agentspec-settings-") as tmp:
            tmp = Path(tmp)
            project = tmp / "project"
            shutil.copytree(case, project)
            home = tmp / "home"
            home.mkdir()
            with StandIn() as standin:
                result = run_claude(args.claude, project, home, standin.url)
                asked = bool(standin.requests)
            if result.returncode != 0 or not asked:
                # No verdict from a run that did not reach the model: a broken CLI or stand-in
                # must not read as "skipped".
                failures.append(f"{case.name}: Claude Code did not run (exit {result.returncode}, "
                                f"{'a' if asked else 'no'} model request): {result.stderr[-300:]}")
                continue
            skipped = not (project / "hook-ran").exists()
            if case.name.startswith("valid") and skipped:
                failures.append(f"{case.name}: the hook of a valid settings file did not run; "
                                "the test cannot tell a skipped file from a hook that never runs")
        report = subprocess.run(
            [args.agentspec, "check", str(case / ".claude" / "settings.json"), "--isolated",
             "--claude-code", args.claude_code, "--format", "json"],
            capture_output=True, text=True,
        )
        diagnostics = json.loads(report.stdout)["files"][0]["diagnostics"]
        predicted = any(d["code"] == "AS011" for d in diagnostics)
        verdicts[case.name] = {"skipped": skipped}
        if predicted != skipped:
            problems.append(f"{case.name}: agentspec predicts skipped={predicted}, Claude Code "
                            f"{'skipped' if skipped else 'read'} it")
    problems = failures + problems
    if args.write_verdicts and not failures:
        cli = subprocess.run([args.claude, "--version"], capture_output=True, text=True).stdout.strip()
        target = args.folder / f"verdicts-{cli.split()[0]}.json"
        target.write_text(json.dumps({"claude_code": cli, "cases": verdicts}, indent=1) + "\n")
        print(f"wrote {target} from what Claude Code did")
    for p in problems:
        print("DISAGREE:", p)
    print(f"{args.folder}: {len(cases)} settings files, {len(problems)} disagreements")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

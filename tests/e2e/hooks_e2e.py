#!/usr/bin/env python3
"""End to end with the real Claude Code: agentspec's hooks, installed by `agentspec hooks
install`, deny a `git commit` before approval and allow it after the user answers `yes`.

Claude Code runs headless (`claude -p`, then `claude -p --continue`) against the stand-in model
API on 127.0.0.1, which scripts the model's tool calls; the assertions read what the stand-in
received (the tool_result Claude Code sent back to the model) and the repository's history.

Usage: hooks_e2e.py --claude PATH --agentspec PATH
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "differential"))
from standin import StandIn, last_user, text_of, tool_results  # noqa: E402

REASON = "requires the user's approval"
ROOT = Path(__file__).resolve().parent.parent.parent


def reply(body):
    if not body.get("tools"):
        return None
    last = last_user(body)
    text = text_of(last.get("content"))
    results = [b for b in (last.get("content") or []) if isinstance(b, dict) and b.get("type") == "tool_result"] if isinstance(last.get("content"), list) else []
    if results:
        if REASON in text:
            return [{"type": "text", "text": "Please review. Reply 'yes' to approve and commit."}]
        return [{"type": "text", "text": "Committed. Definition of Done: the commit message describes the change."}]
    if "COMMIT_NOW" in text:
        return [{"type": "tool_use", "name": "Bash", "input": {"command": "git commit --allow-empty -m early", "description": "Commit"}}]
    if text.strip().lower().startswith("yes"):
        return [{"type": "tool_use", "name": "Bash", "input": {"command": "git commit --allow-empty -m approved", "description": "Commit"}}]
    return None


def claude_env(home, url):
    """Only what the CLI needs: a temporary HOME, the stand-in's address, no outside traffic."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "dumb",
        "LANG": "C.UTF-8", "TMPDIR": str(home / "tmp"), "ANTHROPIC_BASE_URL": url,
        "ANTHROPIC_API_KEY": "sk-test-dummy", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1", "DISABLE_TELEMETRY": "1", "DISABLE_ERROR_REPORTING": "1",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    }


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--claude", required=True)
    parser.add_argument("--agentspec", required=True)
    args = parser.parse_args()
    agentspec = str(Path(args.agentspec).resolve())
    failures = []

    def check(ok, message):
        print(("ok   " if ok else "FAIL ") + message)
        if not ok:
            failures.append(message)

    with tempfile.TemporaryDirectory(prefix="agentspec-e2e-") as tmp:
        tmp = Path(tmp)
        project = tmp / "project"
        (project / ".claude" / "agents").mkdir(parents=True)
        (project / ".claude" / "agents" / "committer.md").write_text((ROOT / "fixtures/e2e/committer.md").read_text())
        home = tmp / "home"
        (home / "tmp").mkdir(parents=True)
        git_env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
        run(["git", "init", "-q"], cwd=project, env=git_env)
        built = run([agentspec, "build", "-o", ".agentspec/bundle"], cwd=project)
        check(built.returncode == 0, f"agentspec build ({built.stderr.strip()})")
        installed = run([agentspec, "hooks", "install", "--binary", agentspec, "--main-agent", "committer"], cwd=project)
        check(installed.returncode == 0, f"agentspec hooks install ({installed.stderr.strip()})")
        doctor = run([agentspec, "doctor"], cwd=project)
        check(doctor.returncode == 0, "agentspec doctor: " + doctor.stdout.strip().replace("\n", "; "))

        with StandIn(reply) as standin:
            env = claude_env(home, standin.url)
            def claude(prompt, *extra):
                # The prompt comes first: `--allowedTools` takes several values.
                cmd = [args.claude, "-p", prompt, *extra, "--output-format", "json", "--allowedTools", "Bash"]
                return run(cmd, cwd=project, env=env, stdin=subprocess.DEVNULL, timeout=180)

            first = claude("COMMIT_NOW please")
            turn1 = standin.requests
            second = claude("yes", "--continue")
            turn2 = standin.requests[len(turn1):]
        check(first.returncode == 0, f"turn 1 ran (exit {first.returncode})")
        check(second.returncode == 0, f"turn 2 ran (exit {second.returncode})")

        denied = [r for body in turn1 for r in tool_results(body)
                  if r.get("is_error") and REASON in text_of(r.get("content"))]
        check(bool(denied), "turn 1: the early `git commit` came back to the model as a tool_result error with agentspec's reason")
        if denied:
            print("     " + text_of(denied[0].get("content"))[:160])
        later = [r for body in turn2 for r in tool_results(body) if REASON not in text_of(r.get("content"))
                 and r not in [x for b in turn1 for x in tool_results(b)]]
        check(bool(later), "turn 2: after `yes`, the commit's tool_result carries no denial")
        log = run(["git", "log", "--format=%s"], cwd=project).stdout.split()
        check(log == ["approved"], f"the repository has exactly the approved commit ({log})")
        audit = [json.loads(l) for l in (project / ".agentspec/state/audit.jsonl").read_text().splitlines()]
        commits = [(a["decision"], a["input"]["tool_input"]["command"]) for a in audit
                   if a["event"] == "PreToolUse" and "git commit" in str(a.get("input", {}).get("tool_input", {}))]
        check(commits == [("deny", "git commit --allow-empty -m early"), ("allow", "git commit --allow-empty -m approved")],
              f"the audit log records the denied and the allowed commit ({commits})")

        # The same task through `agentspec run task`, approving from the command line.
        task_project = tmp / "task"
        (task_project / ".claude" / "agents").mkdir(parents=True)
        (task_project / ".claude" / "agents" / "committer.md").write_text((ROOT / "fixtures/e2e/committer.md").read_text())
        run(["git", "init", "-q"], cwd=task_project, env=git_env)
        run([agentspec, "build", "-o", ".agentspec/bundle"], cwd=task_project)
        task_home = tmp / "task-home"
        (task_home / "tmp").mkdir(parents=True)
        with StandIn(reply) as standin:
            env = claude_env(task_home, standin.url)
            task = run([agentspec, "run", "task", "--bundle", ".agentspec/bundle", "--agent", "committer",
                        "--approve", "--claude", args.claude, "COMMIT_NOW please", "--", "--allowedTools", "Bash"],
                       cwd=task_project, env=env, stdin=subprocess.DEVNULL, timeout=300)
        print("     " + task.stdout.strip().replace("\n", "\n     "))
        check(task.returncode == 0, f"agentspec run task finished with the Definition of Done met (exit {task.returncode}; {task.stderr.strip()[-300:]})")
        check("denied: Bash `git commit --allow-empty -m early`" in task.stdout, "the task report lists the denied early commit")
        check("approvals: 1, commits: 1" in task.stdout, "the task report lists the approval and the allowed commit")
        check("Definition of Done: 1 met, 0 unmet" in task.stdout, "the task report gives the Definition-of-Done state")
        log = run(["git", "log", "--format=%s"], cwd=task_project).stdout.split()
        check(log == ["approved"], f"run task: the repository has exactly the approved commit ({log})")

    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

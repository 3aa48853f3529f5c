#!/usr/bin/env python3
"""End to end with the real Claude Code: agentspec's hooks, installed by `agentspec hooks
install`, against the scripted model of a stand-in API on 127.0.0.1.

1. The governed main agent tries disguised commits before approval (`git -C . commit`,
   `bash -c 'git commit ...'`, a Makefile target that commits, a plain `git commit`): the hook
   denies the first ones, the git hooks (set through the settings' env) refuse the Makefile's
   commit; after the user's `yes` the honest commit goes through, once.
2. The same through `agentspec run task --approve`.
3. A governed subagent started through the `Agent` tool asks for approval; the user's `yes` in
   the main session lets the next run of that agent commit the approved work.

The assertions read what the stand-in received (the tool_results Claude Code sent back to the
model) and the repository's history.

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
ASK = "Please review. Reply 'yes' to approve and commit."
# What the governed agent tries before approval, in order.
ATTEMPTS = [
    "git -C . commit --allow-empty -m disguised-C",
    "bash -c 'git commit --allow-empty -m disguised-bash'",
    "make commit",
    "git commit --allow-empty -m early",
]
MAKEFILE = "commit:\n\tgit commit --allow-empty -m via-make\n"
# The committer agent's body, which marks its requests as the subagent's.
SUBAGENT_MARK = "You commit changes only after the user approves them."


def bash(command):
    return [{"type": "tool_use", "name": "Bash", "input": {"command": command, "description": "Run"}}]


def turn_state(body):
    """The prompt that opened this turn and the number of tool results since."""
    prompt, results = "", 0
    for m in body.get("messages", []):
        if m.get("role") != "user":
            continue
        content = m.get("content")
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in blocks):
            results += 1
            continue
        # Claude Code puts system reminders before the prompt in the same message.
        text = "\n".join(b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text"
                         and not b.get("text", "").lstrip().startswith("<system-reminder>"))
        if text.strip():
            prompt, results = text, 0
    return prompt, results


def system_text(body):
    system = body.get("system")
    if isinstance(system, list):
        return "\n".join(b.get("text", "") for b in system if isinstance(b, dict))
    return system or ""


def main_reply(body):
    if not body.get("tools"):
        return None
    prompt, n = turn_state(body)
    if "COMMIT_NOW" in prompt:
        if n < len(ATTEMPTS):
            return bash(ATTEMPTS[n])
        return [{"type": "text", "text": ASK}]
    if prompt.strip().lower().startswith("yes"):
        if n == 0:
            return bash("git commit --allow-empty -m approved")
        if n == 1:
            return bash("git commit --allow-empty -m second")
        return [{"type": "text", "text": "Committed. Definition of Done: the commit message describes the change."}]
    return None


def subagent_reply(body):
    if not body.get("tools"):
        return None
    prompt, n = turn_state(body)
    if SUBAGENT_MARK in system_text(body):
        if "DO_TASK" in prompt:
            if n == 0:
                return bash("git commit --allow-empty -m early-sub")
            return [{"type": "text", "text": ASK}]
        if "COMMIT_APPROVED" in prompt:
            if n == 0:
                return bash("git commit --allow-empty -m approved-sub")
            return [{"type": "text", "text": "Committed. Definition of Done: the commit message describes the change."}]
        return None
    if "DELEGATE" in prompt:
        if n == 0:
            return [{"type": "tool_use", "name": "Agent", "input": {
                "description": "Commit task", "prompt": "DO_TASK", "subagent_type": "committer"}}]
        return [{"type": "text", "text": "The committer agent asks: " + ASK}]
    if prompt.strip().lower().startswith("yes"):
        if n == 0:
            return [{"type": "tool_use", "name": "Agent", "input": {
                "description": "Commit task", "prompt": "COMMIT_APPROVED", "subagent_type": "committer"}}]
        return [{"type": "text", "text": "Done."}]
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


GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def project(tmp, name):
    """A git repository with the committer agent and a Makefile that commits."""
    p = tmp / name
    (p / ".claude" / "agents").mkdir(parents=True)
    (p / ".claude" / "agents" / "committer.md").write_text((ROOT / "fixtures/e2e/committer.md").read_text())
    (p / "Makefile").write_text(MAKEFILE)
    (p / ".gitignore").write_text(".agentspec/state/\n")
    run(["git", "init", "-q"], cwd=p, env=GIT_ENV)
    return p


def home(tmp, name):
    h = tmp / name
    (h / "tmp").mkdir(parents=True)
    return h


def log_of(p):
    return run(["git", "log", "--format=%s"], cwd=p).stdout.split()


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

    def claude(cwd, env, prompt, *extra):
        # The prompt comes first: `--allowedTools` takes several values.
        cmd = [args.claude, "-p", prompt, *extra, "--output-format", "json", "--allowedTools", "Bash", "Agent"]
        return run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, timeout=300)

    with tempfile.TemporaryDirectory(prefix="agentspec-e2e-") as tmp:
        tmp = Path(tmp)

        # 1. The governed main agent.
        p = project(tmp, "project")
        built = run([agentspec, "build", "-o", ".agentspec/bundle"], cwd=p)
        check(built.returncode == 0, f"agentspec build ({built.stderr.strip()})")
        installed = run([agentspec, "hooks", "install", "--binary", agentspec, "--main-agent", "committer"], cwd=p)
        check(installed.returncode == 0, f"agentspec hooks install ({installed.stderr.strip()})")
        doctor = run([agentspec, "doctor"], cwd=p)
        check(doctor.returncode == 0, "agentspec doctor: " + doctor.stdout.strip().replace("\n", "; "))
        with StandIn(main_reply) as standin:
            env = claude_env(home(tmp, "home"), standin.url)
            first = claude(p, env, "COMMIT_NOW please")
            turn1 = standin.requests
            second = claude(p, env, "yes", "--continue")
            turn2 = standin.requests[len(turn1):]
        check(first.returncode == 0, f"turn 1 ran (exit {first.returncode})")
        check(second.returncode == 0, f"turn 2 ran (exit {second.returncode})")
        results1 = tool_results(turn1[-1]) if turn1 else []
        for attempt, result in zip(ATTEMPTS, results1):
            text = text_of(result.get("content"))
            refused = result.get("is_error") and (REASON in text or "this commit is not approved" in text)
            check(bool(refused), f"turn 1: `{attempt}` was refused: {text[:150]!r}")
        check(len(results1) == len(ATTEMPTS), f"turn 1: {len(results1)} tool results for {len(ATTEMPTS)} attempts")
        make = [text_of(r.get("content")) for r in results1 if "this commit is not approved" in text_of(r.get("content"))]
        check(bool(make), "turn 1: the Makefile's commit was refused by agentspec's git hook inside Claude Code's Bash")
        results2 = (tool_results(turn2[-1]) if turn2 else [])[len(results1):]
        check(len(results2) == 2 and not results2[0].get("is_error"),
              f"turn 2: after `yes`, the commit's tool_result carries no denial ({[text_of(r.get('content'))[:80] for r in results2]})")
        check(len(results2) == 2 and results2[1].get("is_error") and REASON in text_of(results2[1].get("content")),
              "turn 2: a second commit needs a second approval")
        log = log_of(p)
        check(log == ["approved"], f"the repository has exactly the approved commit ({log})")
        audit = [json.loads(l) for l in (p / ".agentspec/state/audit.jsonl").read_text().splitlines()]
        commits = [(a["decision"], a["input"]["tool_input"]["command"]) for a in audit
                   if a["event"] == "PreToolUse" and "commit" in str(a.get("input", {}).get("tool_input", {}))]
        expected = [("deny", ATTEMPTS[0]), ("deny", ATTEMPTS[1]), ("allow", ATTEMPTS[2]), ("deny", ATTEMPTS[3]),
                    ("allow", "git commit --allow-empty -m approved"), ("deny", "git commit --allow-empty -m second")]
        check(commits == expected, f"the audit log records each attempt and decision ({commits})")

        # 2. The same task through `agentspec run task`, approving from the command line.
        t = project(tmp, "task")
        run([agentspec, "build", "-o", ".agentspec/bundle"], cwd=t)
        with StandIn(main_reply) as standin:
            env = claude_env(home(tmp, "task-home"), standin.url)
            task = run([agentspec, "run", "task", "--bundle", ".agentspec/bundle", "--agent", "committer",
                        "--approve", "--claude", args.claude, "COMMIT_NOW please", "--", "--allowedTools", "Bash"],
                       cwd=t, env=env, stdin=subprocess.DEVNULL, timeout=300)
        print("     " + task.stdout.strip().replace("\n", "\n     "))
        check(task.returncode == 0, f"agentspec run task finished with the Definition of Done met (exit {task.returncode}; {task.stderr.strip()[-300:]})")
        check("denied: Bash `git commit --allow-empty -m early`" in task.stdout, "the task report lists the denied early commit")
        check("approvals: 1, commits: 1" in task.stdout, "the task report lists the approval and the allowed commit")
        check("Definition of Done: 1 met, 0 unmet" in task.stdout, "the task report gives the Definition-of-Done state")
        log = log_of(t)
        check(log == ["approved"], f"run task: the repository has exactly the approved commit ({log})")

        # 3. A governed subagent, started by an ungoverned main agent through the Agent tool.
        s = project(tmp, "subagent")
        run([agentspec, "build", "-o", ".agentspec/bundle"], cwd=s)
        installed = run([agentspec, "hooks", "install", "--binary", agentspec], cwd=s)
        check(installed.returncode == 0, f"subagent project: hooks install ({installed.stderr.strip()})")
        with StandIn(subagent_reply) as standin:
            env = claude_env(home(tmp, "sub-home"), standin.url)
            first = claude(s, env, "DELEGATE the commit")
            count = len(standin.requests)
            after_first = log_of(s)
            second = claude(s, env, "yes", "--continue")
            later = standin.requests[count:]
        check(first.returncode == 0 and second.returncode == 0, f"subagent turns ran ({first.returncode}, {second.returncode})")
        check(after_first == [], f"the subagent's early commit was denied ({after_first})")
        audit = [json.loads(l) for l in (s / ".agentspec/state/audit.jsonl").read_text().splitlines()]
        sub = [(a["event"], a["decision"], a["input"].get("agent_type"), a["input"].get("tool_input", {}).get("command"))
               for a in audit if a["input"].get("agent_id")]
        check(("PreToolUse", "deny", "committer", "git commit --allow-empty -m early-sub") in sub,
              "the subagent's events reach the hook with its agent_type, and its early commit is denied")
        check(any(e == "SubagentStop" for e, *_ in sub), "the subagent's stop (its request for approval) reached the hook")
        log = log_of(s)
        check(log == ["approved-sub"], f"after `yes` in the main session, the next run of the agent committed ({log})")
        if log != ["approved-sub"]:
            for a in audit:
                print("     ", a["event"], a["decision"], a["input"].get("agent_type"), a["input"].get("agent_id"),
                      (a.get("reason") or "")[:100], a["input"].get("tool_input", {}).get("command"), a.get("work"), a.get("note"),
                      json.dumps({k: v for k, v in a["input"].items() if k not in ("transcript_path", "cwd", "session_id")})[:400])
        check(bool(later), "the second turn reached the model")

    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

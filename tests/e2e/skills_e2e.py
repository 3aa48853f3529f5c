#!/usr/bin/env python3
"""End to end with the real Claude Code: a protocol written in a skill holds for the agent that
uses it.

The project is `fixtures/skills-protocol`: a specialist agent (`backend`) whose own text only
says it MUST follow the `task-executor` skill's protocol, which it also preloads (`skills:`),
and the skill, whose `SKILL.md` holds the protocol (STOP, ask, WAIT for "yes", commit, report).
`agentspec build` compiles the skill's gates into the agent's policy; with the hooks installed
(`--main-agent backend`), the scripted model's commit before the user's `yes` is refused with
the skill's step named, and after `yes` the commit is made, once.

Usage: skills_e2e.py --claude PATH --agentspec PATH
"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "differential"))
from hooks_e2e import GIT_ENV, ROOT, as_user, bash, claude_env, home, log_of, run, turn_state  # noqa: E402
from standin import StandIn, text_of, tool_results  # noqa: E402

ASK = "Implemented with tests. Reply 'yes' to approve and commit."


def reply(body):
    if not body.get("tools"):
        return None
    prompt, n = turn_state(body)
    if "COMMIT_NOW" in prompt:
        return bash("git commit --allow-empty -m early") if n == 0 else [{"type": "text", "text": ASK}]
    if prompt.strip().lower().startswith("yes"):
        if n == 0:
            return bash("git commit --allow-empty -m approved")
        return [{"type": "text", "text": "Committed and reported.\n\n- [x] All tests pass\n"
                                         "- [x] The user approved the change with \"yes\""}]
    return [{"type": "text", "text": "Done."}]


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
        cmd = [args.claude, "-p", prompt, *extra, "--output-format", "json", "--allowedTools", "Bash"]
        return run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, timeout=300)

    with tempfile.TemporaryDirectory(prefix="agentspec-skills-e2e-") as tmp:
        tmp = Path(tmp)
        p = tmp / "project"
        shutil.copytree(ROOT / "fixtures/skills-protocol", p)
        (p / ".gitignore").write_text(".agentspec/state/\n")
        run(["git", "init", "-q"], cwd=p, env=GIT_ENV)
        h = home(tmp, "home")
        built = run([agentspec, "build", "-o", ".agentspec/bundle"], cwd=p, env=as_user(h))
        check(built.returncode == 0, f"agentspec build ({built.stderr.strip()})")
        policy = json.loads((p / ".agentspec/bundle/agents/backend.json").read_text())
        check([s["name"] for s in policy.get("skills", [])] == ["task-executor"],
              f"the policy records the skill it was compiled from ({policy.get('skills')})")
        protocol = policy.get("protocol") or {}
        check(protocol.get("skill") == "task-executor"
              and any(g["action"] == {"type": "git", "operation": "commit"} for g in protocol.get("gates", [])),
              "the agent's commit gate comes from the skill's protocol")
        inspect = run([agentspec, "inspect", ".claude/agents/backend.md"], cwd=p, env=as_user(h))
        check("Protocol from the skill `task-executor`" in inspect.stdout and "await-approval" in inspect.stdout,
              "inspect shows the skill's steps")
        installed = run([agentspec, "hooks", "install", "--binary", agentspec, "--main-agent", "backend"],
                        cwd=p, env=as_user(h))
        check(installed.returncode == 0, f"agentspec hooks install ({installed.stderr.strip()})")
        with StandIn(reply) as standin:
            env = claude_env(h, standin.url)
            first = claude(p, env, "COMMIT_NOW the change")
            turn1 = list(standin.requests)
            after_first = log_of(p)
            second = claude(p, env, "yes", "--continue")
            turn2 = standin.requests[len(turn1):]
        check(first.returncode == 0, f"turn 1 ran (exit {first.returncode}; {first.stderr.strip()[-300:]})")
        check(second.returncode == 0, f"turn 2 ran (exit {second.returncode}; {second.stderr.strip()[-300:]})")
        results1 = [r for body in turn1 for r in tool_results(body)]
        denied = [text_of(r.get("content")) for r in results1 if r.get("is_error")]
        check(any("requires the user's approval" in d and "WAIT" in d for d in denied),
              f"turn 1: the commit before `yes` is refused, naming the skill's step ({[d[:200] for d in denied]})")
        check(after_first == [], f"turn 1: nothing was committed ({after_first})")
        log = log_of(p)
        check(log == ["approved"], f"turn 2: after `yes` the repository has exactly the approved commit ({log})")
        check(bool(turn2), "turn 2 reached the model")

    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
